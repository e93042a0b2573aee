package provider

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

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
func (o *fsObject) desired(ctx context.Context, hc *hostContext) (host.Attrs, error) {
	attrs := host.Attrs{Perm: host.Perm(o.Mode.Mode()), UID: host.KeepID, GID: host.KeepID}
	if !known(o.Owner) && !known(o.Group) {
		return attrs, nil
	}
	acc, err := hc.accounts.Accounts(ctx)
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
func (o *fsObject) observe(ctx context.Context, hc *hostContext, info host.FileInfo) error {
	acc, err := hc.accounts.Accounts(ctx)
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
func (o *fsObject) observeAfterApply(ctx context.Context, hc *hostContext) error {
	info, err := hc.host.Stat(ctx, o.Path.ValueString())
	if err != nil {
		return err
	}
	planned := *o
	if err := o.observe(ctx, hc, info); err != nil {
		return err
	}
	o.Mode = planned.Mode
	return nil
}

// writeFile makes the file at o.Path hold content with o's mode and
// ownership. With rewrite false the host already holds these bytes and only
// mode and ownership are applied, keeping the inode.
func (o *fsObject) writeFile(ctx context.Context, hc *hostContext, content []byte, rewrite bool) error {
	attrs, err := o.desired(ctx, hc)
	if err != nil {
		return fmt.Errorf("%s: %w", o.Path.ValueString(), err)
	}
	if rewrite {
		err = hc.host.WriteFile(ctx, o.Path.ValueString(), content, attrs)
	} else {
		err = hc.host.SetAttrs(ctx, o.Path.ValueString(), attrs)
	}
	if err != nil {
		return err
	}
	return o.observeAfterApply(ctx, hc)
}

// removeFile deletes a file on destroy; one already gone is fine.
func removeFile(ctx context.Context, h host.Host, p string) error {
	if err := h.Remove(ctx, p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// readManagedFile reads a managed file for refresh. found=false: the file
// is gone, and the plan creates it again.
func readManagedFile(ctx context.Context, h host.Host, p, kind string) (info host.FileInfo, content []byte, found bool, diags diag.Diagnostics) {
	info, found, err := statExisting(ctx, h, p)
	switch {
	case err != nil:
		diags.AddError("Cannot read "+kind, err.Error())
		return info, nil, found, diags
	case !found:
		return info, nil, false, nil
	case info.IsDir:
		diags.AddError("Not a file", fmt.Sprintf("%s on %s is a directory", p, h.Name()))
		return info, nil, true, diags
	}
	content, err = h.ReadFile(ctx, p)
	if errors.Is(err, host.ErrNotRegular) {
		// A link, a device or a file with other names stands where the
		// file should be: drift, never read through. The plan writes the
		// file again, which replaces whatever holds the name.
		diags.AddWarning(kind+" replaced on the host", err.Error()+"; the plan writes the "+kind+" again in its place")
		return info, nil, false, diags
	}
	if err != nil {
		diags.AddError("Cannot read "+kind, err.Error())
	}
	return info, content, true, diags
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
