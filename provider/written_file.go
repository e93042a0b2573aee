package provider

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// writtenFile is what spice_file and spice_env_file share: a file object
// and the digest of the bytes it holds.
type writtenFile struct {
	fsObject
	SHA256 types.String `tfsdk:"sha256"`
}

// fileBody is a model of a file whose bytes spice renders.
type fileBody interface {
	// kind names the file in messages: "file", "env file".
	kind() string
	file() *writtenFile
	// render returns the declared bytes.
	render() ([]byte, error)
	// digest is the sha256 attribute for the bytes.
	digest(content []byte) string
	// readBack takes the bytes found on the host into the model.
	readBack(ctx context.Context, content []byte) diag.Diagnostics
}

var (
	_ lifecycle[fileModel]    = (*renderedFile[fileModel, *fileModel])(nil)
	_ lifecycle[envFileModel] = (*renderedFile[envFileModel, *envFileModel])(nil)
	_ fileBody                = (*fileModel)(nil)
	_ fileBody                = (*envFileModel)(nil)
)

// renderedFile is what spice_file and spice_env_file embed: the lifecycle
// of a file whose bytes spice renders, written atomically, rewritten only
// when its digest changed, read back, removed.
type renderedFile[M any, P interface {
	*M
	fileBody
}] struct {
	resourceBase[M]
}

// newRenderedFile gives the rendered file resource r its base.
func newRenderedFile[M any, P interface {
	*M
	fileBody
}, R interface {
	resource.Resource
	lifecycle[M]
	setBase(resourceBase[M], lifecycle[M])
}](r R, typeName string) resource.Resource {
	kind := P(new(M)).kind()
	return withBase(r, resourceBase[M]{
		typeName: typeName, createFailed: "Cannot create " + kind, updateFailed: "Cannot update " + kind, deleteFailed: "Cannot delete " + kind,
		createdPath: func(m *M) string { return P(m).file().Path.ValueString() },
	})
}

// converge writes the bytes on create, and on update when the planned
// digest differs from the refreshed one; mode and ownership always.
func (l *renderedFile[M, P]) converge(ctx context.Context, plan, prior *M) (diag.Diagnostics, error) {
	f := P(plan).file()
	content, err := P(plan).render()
	if err != nil {
		return nil, err
	}
	rewrite := prior == nil || contentChanged(f.SHA256, P(prior).file().SHA256)
	f.SHA256 = types.StringValue(P(plan).digest(content))
	return nil, f.writeFile(ctx, l.hostContext, content, rewrite)
}

// refresh reads the file: sha256 always reflects the bytes on the host, so
// any edit plans a rewrite.
func (l *renderedFile[M, P]) refresh(ctx context.Context, state *M) (bool, diag.Diagnostics) {
	f := P(state).file()
	kind := P(state).kind()
	info, content, found, diags := readManagedFile(ctx, l.host, f.Path.ValueString(), kind)
	if !found || diags.HasError() {
		return found, diags
	}
	f.SHA256 = types.StringValue(P(state).digest(content))
	diags.Append(P(state).readBack(ctx, content)...)
	if err := f.observe(ctx, l.hostContext, info); err != nil {
		diags.AddError("Cannot read "+kind, err.Error())
	}
	return true, diags
}

func (l *renderedFile[M, P]) destroy(ctx context.Context, state *M) (diag.Diagnostics, error) {
	return nil, removeFile(ctx, l.host, P(state).file().Path.ValueString())
}

// contentChanged tells an update whether the bytes on the host must
// change: unless the planned digest is known and equal to the refreshed one.
func contentChanged(planned, current types.String) bool {
	return !known(planned) || !planned.Equal(current)
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// digestOf is a file's sha256 attribute: the plain sha256 of its bytes, or,
// for bytes that hold secrets, an HMAC-SHA-256 keyed by salt (the resource
// type and path), which plans may print without giving the secret away to
// a list of known secrets' hashes.
func digestOf(content []byte, salt string, secret bool) string {
	if !secret {
		return sha256Hex(content)
	}
	mac := hmac.New(sha256.New, []byte(salt))
	mac.Write(content)
	return hex.EncodeToString(mac.Sum(nil))
}
