package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	spiceschema "github.com/spice-harvester/terraform-provider-spice/schema"
	"github.com/spice-harvester/terraform-provider-spice/useraccounts"
)

var (
	_ resource.ResourceWithConfigure   = &groupMembershipResource{}
	_ resource.ResourceWithImportState = &groupMembershipResource{}
)

func newGroupMembershipResource() resource.Resource {
	return withBase(&groupMembershipResource{}, resourceBase[groupMembershipModel]{
		typeName: "_group_membership", createFailed: "Cannot add group member", deleteFailed: "Cannot remove group member",
	})
}

// groupMembershipResource is spice_group_membership: one existing user in
// one group (the manual's `usermod -aG docker $USER`), without owning
// either.
type groupMembershipResource struct {
	resourceBase[groupMembershipModel]
}

type groupMembershipModel struct {
	ID    types.String `tfsdk:"id"`
	User  types.String `tfsdk:"user"`
	Group types.String `tfsdk:"group"`
}

func (r *groupMembershipResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One user as a member of one group (the manual's `usermod -aG docker $USER`), added with `gpasswd --add` " +
			"and removed on destroy with `gpasswd --delete`; the user and the group are not managed. " +
			"Do not combine with the `groups` of a `spice_user` for the same user: that resource manages all of its groups.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "`USER:GROUP`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"user": schema.StringAttribute{
				Required: true, MarkdownDescription: "The user, which must exist. Changing it replaces the membership.",
				Validators: []validator.String{spiceschema.AccountName()}, PlanModifiers: replace,
			},
			"group": schema.StringAttribute{
				Required: true, MarkdownDescription: "The group, which must exist. Changing it replaces the membership.",
				Validators: []validator.String{spiceschema.AccountName()}, PlanModifiers: replace,
			},
		},
	}
}

func (r *groupMembershipResource) member(ctx context.Context, m *groupMembershipModel) (bool, error) {
	g, found, err := useraccounts.ReadGroup(ctx, r.host, m.Group.ValueString())
	if err != nil || !found {
		return false, err
	}
	return slices.Contains(g.Members, m.User.ValueString()), nil
}

func (r *groupMembershipResource) converge(ctx context.Context, plan, _ *groupMembershipModel) (diag.Diagnostics, error) {
	plan.ID = types.StringValue(plan.User.ValueString() + ":" + plan.Group.ValueString())
	return nil, useraccounts.Run(ctx, r.host, useraccounts.MembershipArgv(plan.User.ValueString(), plan.Group.ValueString(), true))
}

func (r *groupMembershipResource) refresh(ctx context.Context, state *groupMembershipModel) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	member, err := r.member(ctx, state)
	if err != nil {
		diags.AddError("Cannot read group", err.Error())
	}
	return member, diags
}

func (r *groupMembershipResource) destroy(ctx context.Context, state *groupMembershipModel) (diag.Diagnostics, error) {
	member, err := r.member(ctx, state)
	if err != nil || !member {
		return nil, err
	}
	return nil, useraccounts.Run(ctx, r.host, useraccounts.MembershipArgv(state.User.ValueString(), state.Group.ValueString(), false))
}

// ImportState takes USER:GROUP.
func (r *groupMembershipResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	user, group, ok := strings.Cut(req.ID, ":")
	if !ok || spiceschema.CheckAccountName(user) != nil || spiceschema.CheckAccountName(group) != nil {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("%q: the import ID is USER:GROUP, such as \"app:docker\"", req.ID))
		return
	}
	for attr, v := range map[string]string{"id": req.ID, "user": user, "group": group} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), v)...)
	}
}
