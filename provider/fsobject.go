package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	tfpath "github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spice-harvester/terraform-provider-spice/host"
	spiceschema "github.com/spice-harvester/terraform-provider-spice/schema"
)

// hostResource gives a resource the host of its provider configuration.
type hostResource struct {
	host host.Host
}

func (r *hostResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.host = hostFrom(req.ProviderData, &resp.Diagnostics)
}

// fsObject holds the attributes every managed filesystem object shares.
// Resource models embed it.
type fsObject struct {
	ID    types.String         `tfsdk:"id"`
	Path  types.String         `tfsdk:"path"`
	Mode  spiceschema.FileMode `tfsdk:"mode"`
	Owner types.String         `tfsdk:"owner"`
	Group types.String         `tfsdk:"group"`
}

// fsObjectAttributes declares the shared attributes; kind names the object
// in descriptions ("file", "directory").
func fsObjectAttributes(kind, defaultMode string) map[string]schema.Attribute {
	keepState := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The " + kind + "'s path; the import ID.",
			PlanModifiers:       keepState,
		},
		"path": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "Absolute path of the " + kind + " in clean form. Below the provider's `root` in image mode. Changing it replaces the resource.",
			Validators:          []validator.String{spiceschema.AbsolutePath()},
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"mode": schema.StringAttribute{
			CustomType:          spiceschema.FileModeType{},
			Optional:            true,
			Computed:            true,
			Default:             stringdefault.StaticString(defaultMode),
			MarkdownDescription: "Permissions as 3 or 4 octal digits, e.g. `\"0640\"` or `\"2775\"`. Default `\"" + defaultMode + "\"`.",
		},
		"owner": schema.StringAttribute{
			Optional:            true,
			Computed:            true,
			MarkdownDescription: "Owning user, by name or numeric id. Names resolve from the host's `/etc/passwd`. Unset: whoever spice runs as, and later changes are not managed.",
			PlanModifiers:       keepState,
		},
		"group": schema.StringAttribute{
			Optional:            true,
			Computed:            true,
			MarkdownDescription: "Owning group, by name or numeric id. Names resolve from the host's `/etc/group`. Unset: the creating user's group, and later changes are not managed.",
			PlanModifiers:       keepState,
		},
	}
}

// mergeAttributes adds a resource's own attributes to the shared ones.
func mergeAttributes(shared, own map[string]schema.Attribute) map[string]schema.Attribute {
	for name, a := range own {
		shared[name] = a
	}
	return shared
}

// desired resolves the declared mode and ownership into what the host
// applies. An unset owner or group is left as the system chooses.
func (o *fsObject) desired(ctx context.Context, h host.Host) (host.Attrs, error) {
	attrs := host.Attrs{Perm: host.Perm(o.Mode.Mode()), UID: host.KeepID, GID: host.KeepID}
	if !known(o.Owner) && !known(o.Group) {
		return attrs, nil
	}
	acc, err := host.CachedAccounts(ctx, h)
	if err != nil {
		return attrs, err
	}
	if known(o.Owner) {
		if attrs.UID, err = acc.UID(o.Owner.ValueString()); err != nil {
			return attrs, fmt.Errorf("owner: %w", err)
		}
	}
	if known(o.Group) {
		if attrs.GID, err = acc.GID(o.Group.ValueString()); err != nil {
			return attrs, fmt.Errorf("group: %w", err)
		}
	}
	return attrs, nil
}

// observe records what the host reports. Owner and group keep the form the
// configuration used ("0" or "root") as long as it still names the actual id.
func (o *fsObject) observe(ctx context.Context, h host.Host, info host.FileInfo) error {
	acc, err := host.CachedAccounts(ctx, h)
	if err != nil {
		return err
	}
	o.ID = o.Path
	o.Mode = spiceschema.NewFileMode(uint32(info.Perm))
	o.Owner = observedAccount(o.Owner, info.UID, acc.UID, acc.UserName)
	o.Group = observedAccount(o.Group, info.GID, acc.GID, acc.GroupName)
	return nil
}

func observedAccount(prior types.String, actual int, resolve func(string) (int, error), name func(int) string) types.String {
	if known(prior) {
		if id, err := resolve(prior.ValueString()); err == nil && id == actual {
			return prior
		}
	}
	return types.StringValue(name(actual))
}

// observeAfterApply fills the computed owner and group after a write,
// keeping every planned value.
func (o *fsObject) observeAfterApply(ctx context.Context, h host.Host) error {
	info, err := h.Stat(ctx, o.Path.ValueString())
	if err != nil {
		return err
	}
	planned := *o
	if err := o.observe(ctx, h, info); err != nil {
		return err
	}
	o.Mode = planned.Mode
	return nil
}

// writeFile makes the file at o.Path hold content with o's mode and
// ownership. With rewrite false the host already holds these bytes and only
// mode and ownership are applied, keeping the inode.
func (o *fsObject) writeFile(ctx context.Context, h host.Host, content []byte, rewrite bool) error {
	attrs, err := o.desired(ctx, h)
	if err != nil {
		return fmt.Errorf("%s: %w", o.Path.ValueString(), err)
	}
	if rewrite {
		err = h.WriteFile(ctx, o.Path.ValueString(), content, attrs)
	} else {
		err = h.SetAttrs(ctx, o.Path.ValueString(), attrs)
	}
	if err != nil {
		return err
	}
	return o.observeAfterApply(ctx, h)
}

// contentChanged tells Update whether the bytes on the host must change:
// unless the planned digest is known and equal to the refreshed one.
func contentChanged(planned, current types.String) bool {
	return !known(planned) || !planned.Equal(current)
}

// removeFile deletes a file on destroy (one already gone is fine) and the
// parent directories its creation brought along.
func removeFile(ctx context.Context, h host.Host, p string, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if err := h.Remove(ctx, p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		resp.Diagnostics.AddError("Cannot delete file", err.Error())
		return
	}
	resp.Diagnostics.Append(removeCreatedParents(ctx, h, req.Private)...)
}

// createdParentsKey names the private state entry listing the parent
// directories that creating an object brought along, nearest first.
const createdParentsKey = "created_parents"

// privateState is the framework's per-resource private state, as Create
// and Delete responses carry it.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// createTracked runs create for the object at p and remembers which of its
// parent directories did not exist before, so that destroy can take them
// back and leave the tree as it found it.
func createTracked(ctx context.Context, h host.Host, p string, private privateState, create func() error) (diag.Diagnostics, error) {
	var missing []string
	for dir := path.Dir(p); dir != "/"; dir = path.Dir(dir) {
		_, found, err := statExisting(ctx, h, dir)
		if err != nil {
			return nil, err
		}
		if found {
			break
		}
		missing = append(missing, dir)
	}
	if err := create(); err != nil {
		return nil, err
	}
	if len(missing) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(missing)
	if err != nil {
		return nil, err
	}
	return private.SetKey(ctx, createdParentsKey, b), nil
}

// removeCreatedParents deletes the parent directories createTracked
// recorded, nearest first, while they are empty. A directory that holds
// anything, such as another object's file, stays with its ancestors.
func removeCreatedParents(ctx context.Context, h host.Host, private privateState) diag.Diagnostics {
	b, diags := private.GetKey(ctx, createdParentsKey)
	if len(b) == 0 || diags.HasError() {
		return diags
	}
	var dirs []string
	if err := json.Unmarshal(b, &dirs); err != nil {
		diags.AddWarning("Parent directories left in place", fmt.Sprintf("cannot read the recorded parent directories: %s", err))
		return diags
	}
	for _, dir := range dirs {
		if err := h.Remove(ctx, dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
			break
		}
	}
	return diags
}

// readManagedFile reads a managed file for refresh. ok=false means Read is
// done: the file is gone (the resource is removed from state, so the plan
// creates it again) or a diagnostic says why it cannot be read.
func readManagedFile(ctx context.Context, h host.Host, p, kind string, resp *resource.ReadResponse) (info host.FileInfo, content []byte, ok bool) {
	info, found, err := statExisting(ctx, h, p)
	switch {
	case err != nil:
		resp.Diagnostics.AddError("Cannot read "+kind, err.Error())
		return info, nil, false
	case !found:
		resp.State.RemoveResource(ctx)
		return info, nil, false
	case info.IsDir:
		resp.Diagnostics.AddError("Not a file", fmt.Sprintf("%s on %s is a directory", p, h.Name()))
		return info, nil, false
	}
	content, err = h.ReadFile(ctx, p)
	if errors.Is(err, host.ErrNotRegular) {
		// A link, a device or a file with other names stands where the
		// file should be: drift, never read through. The plan writes the
		// file again, which replaces whatever holds the name.
		resp.Diagnostics.AddWarning(kind+" replaced on the host", err.Error()+"; the plan writes the "+kind+" again in its place")
		resp.State.RemoveResource(ctx)
		return info, nil, false
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read "+kind, err.Error())
		return info, nil, false
	}
	return info, content, true
}

// statExisting reports whether path exists. Absence is not an error; any
// other failure is, so a broken host is never mistaken for a deleted object.
func statExisting(ctx context.Context, h host.Host, p string) (host.FileInfo, bool, error) {
	info, err := h.Stat(ctx, p)
	if errors.Is(err, fs.ErrNotExist) {
		return info, false, nil
	}
	return info, err == nil, err
}

// importByPath takes the import ID as the object's path.
func importByPath(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if err := host.CheckPath(req.ID); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("the import ID is the absolute path of the object: %s", err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, tfpath.Root("path"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, tfpath.Root("id"), req.ID)...)
}

type knowable interface {
	IsNull() bool
	IsUnknown() bool
}

func known(v knowable) bool { return !v.IsNull() && !v.IsUnknown() }
