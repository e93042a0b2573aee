package provider

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.ResourceWithConfigure   = &terminusdbUserResource{}
	_ resource.ResourceWithImportState = &terminusdbUserResource{}
)

func newTerminusDBUserResource() resource.Resource {
	return withBase(&terminusdbUserResource{}, resourceBase[terminusdbUserModel]{
		typeName: "_terminusdb_user", createFailed: "Cannot create TerminusDB user",
		updateFailed: "Cannot update TerminusDB user", deleteFailed: "Cannot delete TerminusDB user",
	})
}

// terminusdbUserResource is a TerminusDB user and its roles on
// organizations (/api/users, /api/capabilities), signed in as the
// provider's terminusdb user, who must be a super user such as admin.
type terminusdbUserResource struct {
	resourceBase[terminusdbUserModel]
}

type terminusdbUserModel struct {
	ID                types.String `tfsdk:"id"`
	Name              types.String `tfsdk:"name"`
	Password          types.String `tfsdk:"password"`
	OrganizationRoles types.Map    `tfsdk:"organization_roles"`
}

func (r *terminusdbUserResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A TerminusDB user, as the manual's `terminusdb user create NAME --password` makes one, with its roles on organizations " +
			"(`terminusdb capability grant`), over TerminusDB's HTTP API (`/api/users`, `/api/capabilities`) as the host itself reaches it. " +
			"spice signs in with the provider's `terminusdb` block, whose user must be a super user (`admin`).\n\n" +
			"What the HTTP API allows, and so what this resource does: create and delete users, change a password, grant and revoke " +
			"roles by name (`Admin Role`, `Consumer Role`, or roles made with `terminusdb role create`) on organizations. " +
			"What it does not: read a password back (the server keeps only a hash), so a password changed outside spice is not seen as drift; " +
			"delete the super user `admin` (manage its password with the provider's `terminusdb` block instead); " +
			"create organizations or roles (make them with `terminusdb organization create` / `terminusdb role create`).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The user name, as import takes it.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"name": schema.StringAttribute{
				Required: true, MarkdownDescription: "The user name. Changing it replaces the user.",
				Validators:    []validator.String{stringvalidator.RegexMatches(terminusdbName, "must be letters, digits, '_', '.' or '-', not starting with '.' or '-'")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"password": schema.StringAttribute{
				Required: true, Sensitive: true,
				MarkdownDescription: "The user's password (sensitive). A change sets the new password in place; not read back.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"organization_roles": schema.MapAttribute{
				ElementType: types.SetType{ElemType: types.StringType}, Optional: true,
				MarkdownDescription: "Roles by organization, such as `{ admin = [\"Consumer Role\"] }`. Roles not listed are revoked; " +
					"organizations not listed are left alone.",
			},
		},
	}
}

// roles is what m declares: organization -> sorted role names.
func (m *terminusdbUserModel) roles(ctx context.Context) (map[string][]string, diag.Diagnostics) {
	out := map[string][]string{}
	if !known(m.OrganizationRoles) {
		return out, nil
	}
	diags := m.OrganizationRoles.ElementsAs(ctx, &out, false)
	for _, roles := range out {
		sort.Strings(roles)
	}
	return out, diags
}

func (r *terminusdbUserResource) converge(ctx context.Context, m, prior *terminusdbUserModel) (diag.Diagnostics, error) {
	c, err := r.terminusdbClient(terminusdbSettings{})
	if err != nil {
		return nil, err
	}
	name := m.Name.ValueString()
	m.ID = m.Name
	u, exists, err := c.GetUser(ctx, name)
	if err != nil {
		return nil, err
	}
	switch {
	case !exists:
		if err := c.CreateUser(ctx, name, m.Password.ValueString()); err != nil {
			return nil, fmt.Errorf("create user %s: %w", name, err)
		}
	case prior == nil || prior.Password.ValueString() != m.Password.ValueString():
		if err := c.SetPassword(ctx, name, m.Password.ValueString()); err != nil {
			return nil, fmt.Errorf("set the password of user %s: %w", name, err)
		}
	}
	want, diags := m.roles(ctx)
	if diags.HasError() {
		return diags, nil
	}
	held := u.OrganizationRoles()
	for org, roles := range want {
		var grant, revoke []string
		for _, role := range roles {
			if !slices.Contains(held[org], role) {
				grant = append(grant, role)
			}
		}
		for _, role := range held[org] {
			if !slices.Contains(roles, role) {
				revoke = append(revoke, role)
			}
		}
		if len(grant) > 0 {
			if err := c.Grant(ctx, name, org, grant); err != nil {
				return nil, &keptError{fmt.Errorf("grant %q on organization %s to user %s: %w", grant, org, name, err)}
			}
		}
		if len(revoke) > 0 {
			if err := c.Revoke(ctx, name, org, revoke); err != nil {
				return nil, &keptError{fmt.Errorf("revoke %q on organization %s from user %s: %w", revoke, org, name, err)}
			}
		}
	}
	return nil, nil
}

func (r *terminusdbUserResource) refresh(ctx context.Context, state *terminusdbUserModel) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	c, err := r.terminusdbClient(terminusdbSettings{})
	if err != nil {
		diags.AddError("Cannot read TerminusDB user", err.Error())
		return true, diags
	}
	u, found, err := c.GetUser(ctx, state.Name.ValueString())
	if err != nil {
		diags.AddError("Cannot read TerminusDB user", err.Error())
		return true, diags
	}
	if !found {
		return false, nil
	}
	state.ID = state.Name
	declared, d := state.roles(ctx)
	diags.Append(d...)
	held := u.OrganizationRoles()
	observed := map[string][]string{}
	imported := state.OrganizationRoles.IsNull() && state.Password.IsNull()
	for org, roles := range held {
		if _, managed := declared[org]; managed || imported {
			observed[org] = roles
		}
	}
	for org := range declared {
		if _, ok := observed[org]; !ok {
			observed[org] = []string{} // every declared role was revoked elsewhere
		}
	}
	if len(observed) == 0 && state.OrganizationRoles.IsNull() {
		return true, diags
	}
	v, d := types.MapValueFrom(ctx, types.SetType{ElemType: types.StringType}, observed)
	diags.Append(d...)
	state.OrganizationRoles = v
	return true, diags
}

func (r *terminusdbUserResource) destroy(ctx context.Context, state *terminusdbUserModel) (diag.Diagnostics, error) {
	c, err := r.terminusdbClient(terminusdbSettings{})
	if err != nil {
		return nil, err
	}
	if err := c.DeleteUser(ctx, state.Name.ValueString()); err != nil {
		return nil, fmt.Errorf("delete user %s: %w", state.Name.ValueString(), err)
	}
	return nil, nil
}

// ImportState takes the user name.
func (r *terminusdbUserResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), req.ID)...)
}
