package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	spiceschema "github.com/spice-harvester/terraform-provider-spice/schema"
	"github.com/spice-harvester/terraform-provider-spice/useraccounts"
)

var (
	_ resource.ResourceWithConfigure   = &groupResource{}
	_ resource.ResourceWithImportState = &groupResource{}
)

func newGroupResource() resource.Resource {
	return withBase(&groupResource{}, resourceBase[groupModel]{
		typeName: "_group", createFailed: "Cannot create group", updateFailed: "Cannot change group", deleteFailed: "Cannot delete group",
	})
}

// groupResource is spice_group: a group made with groupadd.
type groupResource struct {
	resourceBase[groupModel]
}

type groupModel struct {
	ID     types.String `tfsdk:"id"`
	Name   types.String `tfsdk:"name"`
	System types.Bool   `tfsdk:"system"`
	GID    types.Int64  `tfsdk:"gid"`
}

func (r *groupResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A group, made with the host's `groupadd` (changed with `groupmod`, deleted with `groupdel`), never by editing `/etc/group`. " +
			"Creating a group that exists already fails: import it instead.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "The group name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required: true, MarkdownDescription: "The group name, such as `docker`. Changing it replaces the group.",
				Validators:    []validator.String{spiceschema.AccountName()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"system": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "A system group (`groupadd --system`: a gid from the system range). Changing it replaces the group.",
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"gid": schema.Int64Attribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The group id. Unset: chosen by `groupadd`, and reported here.",
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *groupResource) converge(ctx context.Context, plan, prior *groupModel) (diag.Diagnostics, error) {
	defer r.accounts.Invalidate()
	name := plan.Name.ValueString()
	plan.ID = plan.Name
	have, found, err := useraccounts.ReadGroup(ctx, r.host, name)
	if err != nil {
		return nil, err
	}
	switch {
	case !found:
		err = useraccounts.Run(ctx, r.host, useraccounts.GroupaddArgv(name, plan.System.ValueBool(), plan.GID.ValueInt64()))
	case prior == nil:
		return nil, fmt.Errorf("group %s exists on %s already (gid %d): import it (terraform import, spice import) to manage it", name, r.host.Name(), have.GID)
	case known(plan.GID) && plan.GID.ValueInt64() != have.GID:
		err = useraccounts.Run(ctx, r.host, useraccounts.GroupmodGIDArgv(name, plan.GID.ValueInt64()))
	}
	if err != nil {
		return nil, err
	}
	have, _, err = useraccounts.ReadGroup(ctx, r.host, name)
	plan.GID = types.Int64Value(have.GID)
	return nil, err
}

func (r *groupResource) refresh(ctx context.Context, state *groupModel) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	have, found, err := useraccounts.ReadGroup(ctx, r.host, state.Name.ValueString())
	if err != nil {
		diags.AddError("Cannot read group", err.Error())
		return true, diags
	}
	state.GID = types.Int64Value(have.GID)
	return found, nil
}

func (r *groupResource) destroy(ctx context.Context, state *groupModel) (diag.Diagnostics, error) {
	defer r.accounts.Invalidate()
	if _, found, err := useraccounts.ReadGroup(ctx, r.host, state.Name.ValueString()); err != nil || !found {
		return nil, err
	}
	return nil, useraccounts.Run(ctx, r.host, useraccounts.GroupdelArgv(state.Name.ValueString()))
}

// ImportState takes the group name.
func (r *groupResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if err := spiceschema.CheckAccountName(req.ID); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("the import ID is a group name: %s", err))
		return
	}
	have, found, err := useraccounts.ReadGroup(ctx, r.host, req.ID)
	if err == nil && !found {
		err = fmt.Errorf("no group %s on %s", req.ID, r.host.Name())
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot import group", err.Error())
		return
	}
	// system is what the id range says: below login.defs' default
	// GID_MIN, 1000, as useradd and groupadd --system choose.
	for attr, v := range map[string]any{"id": req.ID, "name": req.ID, "system": have.GID < useraccounts.FirstNormalID} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), v)...)
	}
}
