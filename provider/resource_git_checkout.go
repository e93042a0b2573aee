package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spice-harvester/terraform-provider-spice/gitcheckout"
	spiceschema "github.com/spice-harvester/terraform-provider-spice/schema"
)

var (
	_ resource.ResourceWithConfigure   = &gitCheckoutResource{}
	_ resource.ResourceWithImportState = &gitCheckoutResource{}
	_ resource.ResourceWithModifyPlan  = &gitCheckoutResource{}
)

func newGitCheckoutResource() resource.Resource {
	return withBase(&gitCheckoutResource{}, resourceBase[gitCheckoutModel]{
		typeName: "_git_checkout", createFailed: "Cannot check out", updateFailed: "Cannot check out", deleteFailed: "Cannot remove checkout",
	})
}

// gitCheckoutResource is spice_git_checkout: the application's code at a
// ref, swapped atomically (package gitcheckout).
type gitCheckoutResource struct {
	resourceBase[gitCheckoutModel]
}

type gitCheckoutModel struct {
	ID         types.String `tfsdk:"id"`
	Repository types.String `tfsdk:"repository"`
	Ref        types.String `tfsdk:"ref"`
	Path       types.String `tfsdk:"path"`
	Depth      types.Int64  `tfsdk:"depth"`
	Owner      types.String `tfsdk:"owner"`
	Commit     types.String `tfsdk:"commit"`
	Modified   types.Bool   `tfsdk:"modified"`
}

func (r *gitCheckoutResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Git checkout at a ref (the manual's `git clone`), fetched and checked out by the host's own `git`.\n\n" +
			"`path` is a symbolic link to a worktree of the commit in `PATH.releases/COMMIT`, with the repository in `PATH.git`. " +
			"A new commit is checked out into a new worktree and the link is then replaced by a rename, so a running service sees " +
			"the old tree or the new one, never half of each; the old worktree is removed afterwards.\n\n" +
			"The plan asks the repository where `ref` points (`git ls-remote`, from the host): a moved branch or tag plans an update, " +
			"with the new `commit` known at plan time, so that a `spice_service`'s `restart_triggers = { code = spice_git_checkout.app.commit }` " +
			"restarts the service in the same apply. Local modifications (`git status --porcelain`) show as `modified` and are discarded by the apply. " +
			"Destroy removes the link, the worktrees and the repository.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "The path.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"repository": schema.StringAttribute{
				Required: true, MarkdownDescription: "The repository, as `git clone` takes it: an URL (`https://github.com/your-org/spice-harvester.git`) or a path on the host.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"ref": schema.StringAttribute{
				Required: true, MarkdownDescription: "A branch, a tag, or a full 40-character commit id.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"path": schema.StringAttribute{
				Required: true, MarkdownDescription: "Where the code is: a symbolic link spice replaces. Changing it replaces the checkout.",
				Validators:    []validator.String{spiceschema.AbsolutePath()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"depth": schema.Int64Attribute{
				Optional: true, MarkdownDescription: "Fetch only this many commits of history (`git fetch --depth`). Unset: all of it.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"owner": schema.StringAttribute{
				Optional: true, MarkdownDescription: "`USER` or `USER:GROUP` owning the worktree and the repository. Unset: root.",
			},
			"commit": schema.StringAttribute{
				Computed: true, MarkdownDescription: "The commit checked out. Known at plan time when the repository answers; use it as a service's restart trigger.",
			},
			"modified": schema.BoolAttribute{
				Computed: true, MarkdownDescription: "Whether the checkout has local modifications (drift, discarded by the next apply).",
			},
		},
	}
}

func (m *gitCheckoutModel) spec() gitcheckout.Spec {
	return gitcheckout.Spec{
		Repository: m.Repository.ValueString(), Ref: m.Ref.ValueString(), Path: m.Path.ValueString(),
		Depth: m.Depth.ValueInt64(), Owner: m.Owner.ValueString(),
	}
}

// ModifyPlan resolves the ref: a commit other than the one checked out,
// or local modifications, plan an update to the resolved commit.
func (r *gitCheckoutResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	plan := plannedModel[gitCheckoutModel](ctx, req, resp)
	if plan == nil || r.hostContext == nil || !known(plan.Repository) || !known(plan.Ref) {
		return
	}
	commit, err := gitcheckout.Resolve(ctx, r.host, plan.Repository.ValueString(), plan.Ref.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeWarning(path.Root("ref"), "Cannot resolve ref at plan time", err.Error()+"; the apply tries again.")
		return
	}
	var state gitCheckoutModel
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if state.Commit.ValueString() == commit && !state.Modified.ValueBool() {
		commit = state.Commit.ValueString()
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("commit"), commit)...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("modified"), false)...)
}

func (r *gitCheckoutResource) converge(ctx context.Context, plan, _ *gitCheckoutModel) (diag.Diagnostics, error) {
	plan.ID = plan.Path
	spec := plan.spec()
	commit := plan.Commit.ValueString()
	if !known(plan.Commit) {
		var err error
		if commit, err = gitcheckout.Resolve(ctx, r.host, spec.Repository, spec.Ref); err != nil {
			return nil, err
		}
	}
	if err := gitcheckout.Apply(ctx, r.host, spec, commit); err != nil {
		return nil, err
	}
	plan.Commit, plan.Modified = types.StringValue(commit), types.BoolValue(false)
	return nil, nil
}

func (r *gitCheckoutResource) refresh(ctx context.Context, state *gitCheckoutModel) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	s, found, err := gitcheckout.Read(ctx, r.host, state.Path.ValueString())
	if err != nil {
		diags.AddError("Cannot read checkout", err.Error())
		return true, diags
	}
	state.Commit, state.Modified = types.StringValue(s.Commit), types.BoolValue(s.Modified)
	return found, nil
}

func (r *gitCheckoutResource) destroy(ctx context.Context, state *gitCheckoutModel) (diag.Diagnostics, error) {
	return nil, gitcheckout.Remove(ctx, r.host, state.Path.ValueString())
}

// ImportState takes the path of a checkout spice made: its repository and
// ref are recorded in its repository's configuration.
func (r *gitCheckoutResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	s, found, err := gitcheckout.Read(ctx, r.host, req.ID)
	switch {
	case err != nil:
		resp.Diagnostics.AddError("Cannot import checkout", err.Error())
		return
	case !found || s.Repository == "":
		resp.Diagnostics.AddError("Cannot import checkout", fmt.Sprintf("%s on %s is not a checkout spice_git_checkout made (no %s with spice.repository)", req.ID, r.host.Name(), gitcheckout.GitDir(req.ID)))
		return
	}
	for attr, v := range map[string]string{"id": req.ID, "path": req.ID, "repository": s.Repository, "ref": s.Ref} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), v)...)
	}
}
