package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	spiceschema "github.com/spice-harvester/terraform-provider-spice/schema"
	"github.com/spice-harvester/terraform-provider-spice/useraccounts"
)

var (
	_ resource.ResourceWithConfigure   = &userResource{}
	_ resource.ResourceWithImportState = &userResource{}
)

func newUserResource() resource.Resource {
	return withBase(&userResource{}, resourceBase[userModel]{
		typeName: "_user", createFailed: "Cannot create user", updateFailed: "Cannot change user", deleteFailed: "Cannot delete user",
	})
}

// userResource is spice_user: a user made with useradd.
type userResource struct {
	resourceBase[userModel]
}

type userModel struct {
	ID         types.String `tfsdk:"id"`
	Name       types.String `tfsdk:"name"`
	System     types.Bool   `tfsdk:"system"`
	UID        types.Int64  `tfsdk:"uid"`
	GID        types.Int64  `tfsdk:"gid"`
	Group      types.String `tfsdk:"group"`
	Home       types.String `tfsdk:"home"`
	Shell      types.String `tfsdk:"shell"`
	Groups     types.Set    `tfsdk:"groups"`
	RemoveHome types.Bool   `tfsdk:"remove_home"`
}

func (r *userResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A user, made with the host's `useradd --create-home` (changed with `usermod`, deleted with `userdel`), " +
			"never by editing `/etc/passwd`. Destroy keeps the home directory unless `remove_home = true`. " +
			"Creating a user that exists already fails: import it instead.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "The user name.", PlanModifiers: keep,
			},
			"name": schema.StringAttribute{
				Required: true, MarkdownDescription: "The user name. Changing it replaces the user.",
				Validators:    []validator.String{spiceschema.AccountName()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"system": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "A system user (`useradd --system`: a uid from the system range, no password aging). Changing it replaces the user.",
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"uid": schema.Int64Attribute{
				Optional: true, Computed: true, MarkdownDescription: "The user id. Unset: chosen by `useradd`, and reported here.",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"gid": schema.Int64Attribute{
				Computed: true, MarkdownDescription: "The id of the user's primary group (a group of its own name, made by `useradd`).",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"group": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The primary group, which must exist (`useradd --gid`). Unset: `useradd` makes a group of the user's name.",
				Validators:          []validator.String{spiceschema.AccountName()}, PlanModifiers: keep,
			},
			"home": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The home directory, created on create. Unset: `useradd`'s default (`/home/NAME`). A change moves it (`usermod --move-home`).",
				Validators:          []validator.String{spiceschema.AbsolutePath()}, PlanModifiers: keep,
			},
			"shell": schema.StringAttribute{
				Optional: true, Computed: true, MarkdownDescription: "The login shell, such as `/usr/sbin/nologin`. Unset: `useradd`'s default.",
				Validators: []validator.String{spiceschema.AbsolutePath()}, PlanModifiers: keep,
			},
			"groups": schema.SetAttribute{
				ElementType: types.StringType, Optional: true, Computed: true,
				MarkdownDescription: "The supplementary groups, managed as a set: the user is in exactly these " +
					"(an out-of-band `gpasswd -d` or `usermod -aG` is drift). Unset: not managed, and reported here.",
				Validators:    []validator.Set{setvalidator.ValueStringsAre(spiceschema.AccountName())},
				PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
			},
			"remove_home": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Destroy deletes the home directory and mail spool too (`userdel --remove`). Default `false`: they stay.",
			},
		},
	}
}

func (m *userModel) spec(ctx context.Context) (useraccounts.UserSpec, diag.Diagnostics) {
	s := useraccounts.UserSpec{Name: m.Name.ValueString(), System: m.System.ValueBool(), UID: m.UID.ValueInt64()}
	if known(m.Group) {
		s.Group = m.Group.ValueString()
	}
	if known(m.Home) {
		s.Home = m.Home.ValueString()
	}
	if known(m.Shell) {
		s.Shell = m.Shell.ValueString()
	}
	var diags diag.Diagnostics
	if known(m.Groups) {
		s.Groups = []string{}
		diags = m.Groups.ElementsAs(ctx, &s.Groups, false)
	}
	return s, diags
}

// set fills m from what the host has.
func (m *userModel) set(u useraccounts.User) diag.Diagnostics {
	m.UID, m.GID = types.Int64Value(u.UID), types.Int64Value(u.GID)
	m.Home, m.Shell, m.Group = types.StringValue(u.Home), types.StringValue(u.Shell), types.StringValue(u.Group)
	groups, diags := types.SetValueFrom(context.Background(), types.StringType, append([]string{}, u.Groups...))
	m.Groups = groups
	return diags
}

func (r *userResource) converge(ctx context.Context, plan, prior *userModel) (diag.Diagnostics, error) {
	defer r.accounts.Invalidate()
	plan.ID = plan.Name
	spec, diags := plan.spec(ctx)
	if diags.HasError() {
		return diags, nil
	}
	have, found, err := useraccounts.ReadUser(ctx, r.host, spec.Name)
	if err != nil {
		return nil, err
	}
	switch {
	case !found:
		err = useraccounts.Run(ctx, r.host, useraccounts.UseraddArgv(spec))
	case prior == nil:
		return nil, fmt.Errorf("user %s exists on %s already (uid %d): import it (terraform import, spice import) to manage it", spec.Name, r.host.Name(), have.UID)
	default:
		if argv := useraccounts.UsermodArgv(have, spec); argv != nil {
			err = useraccounts.Run(ctx, r.host, argv)
		}
	}
	if err != nil {
		return nil, err
	}
	have, _, err = useraccounts.ReadUser(ctx, r.host, spec.Name)
	if err != nil {
		return nil, err
	}
	return plan.set(have), nil
}

func (r *userResource) refresh(ctx context.Context, state *userModel) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	have, found, err := useraccounts.ReadUser(ctx, r.host, state.Name.ValueString())
	if err != nil {
		diags.AddError("Cannot read user", err.Error())
		return true, diags
	}
	if !found {
		return false, nil
	}
	return true, state.set(have)
}

func (r *userResource) destroy(ctx context.Context, state *userModel) (diag.Diagnostics, error) {
	defer r.accounts.Invalidate()
	if _, found, err := useraccounts.ReadUser(ctx, r.host, state.Name.ValueString()); err != nil || !found {
		return nil, err
	}
	return nil, useraccounts.Run(ctx, r.host, useraccounts.UserdelArgv(state.Name.ValueString(), state.RemoveHome.ValueBool()))
}

// ImportState takes the user name.
func (r *userResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if err := spiceschema.CheckAccountName(req.ID); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("the import ID is a user name: %s", err))
		return
	}
	have, found, err := useraccounts.ReadUser(ctx, r.host, req.ID)
	if err == nil && !found {
		err = fmt.Errorf("no user %s on %s", req.ID, r.host.Name())
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot import user", err.Error())
		return
	}
	// system is what the id range says: below login.defs' default
	// UID_MIN, 1000, as useradd and groupadd --system choose.
	for attr, v := range map[string]any{"id": req.ID, "name": req.ID, "system": have.UID < useraccounts.FirstNormalID, "remove_home": false} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), v)...)
	}
}
