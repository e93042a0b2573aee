package provider

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	fwpath "github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spice-harvester/terraform-provider-spice/facts"
	"github.com/spice-harvester/terraform-provider-spice/pyvenv"
	spiceschema "github.com/spice-harvester/terraform-provider-spice/schema"
)

var (
	_ resource.ResourceWithConfigure   = &pythonVenvResource{}
	_ resource.ResourceWithImportState = &pythonVenvResource{}
	_ resource.ResourceWithModifyPlan  = &pythonVenvResource{}
)

func newPythonVenvResource() resource.Resource {
	return withBase(&pythonVenvResource{}, resourceBase[pythonVenvModel]{
		typeName: "_python_venv", createFailed: "Cannot build venv", updateFailed: "Cannot rebuild venv", deleteFailed: "Cannot remove venv",
	})
}

// pythonVenvResource is spice_python_venv: a virtualenv with its
// requirements installed, rebuilt beside the old one and swapped in
// (package pyvenv).
type pythonVenvResource struct {
	resourceBase[pythonVenvModel]
}

type pythonVenvModel struct {
	ID                 types.String `tfsdk:"id"`
	Path               types.String `tfsdk:"path"`
	Python             types.String `tfsdk:"python"`
	Requirements       types.String `tfsdk:"requirements"`
	PipArgs            types.List   `tfsdk:"pip_args"`
	RequirementsSHA256 types.String `tfsdk:"requirements_sha256"`
	Frozen             types.List   `tfsdk:"frozen"`
	PythonVersion      types.String `tfsdk:"python_version"`
}

func (r *pythonVenvResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Python virtual environment with its requirements installed (the manual's `python3 -m venv venv` and `pip install -r requirements.txt`).\n\n" +
			"`path` is a symbolic link to the venv in `PATH.envs/`. A change of requirements, interpreter or pip arguments builds a new venv beside the old one " +
			"and swaps the link (a rename) once `pip install` succeeded; a failed install removes the new venv and leaves the old one in use. " +
			"A services's `ExecStart=PATH/bin/python ...` runs the old venv or the new one, never a half-installed one. Destroy removes the link and the venvs.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "The path.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"path": schema.StringAttribute{
				Required: true, MarkdownDescription: "Where the venv is (a link spice replaces), such as `/opt/spice-harvester/venv`. Changing it replaces the venv.",
				Validators:    []validator.String{spiceschema.AbsolutePath()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"python": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("python3"),
				MarkdownDescription: "The interpreter making the venv: a path or a command name (`/usr/bin/python3.11`), or a version constraint " +
					"(`\">=3.9\"`) that the host's `python3` must meet. Default `python3`.",
			},
			"requirements": schema.StringAttribute{
				Required: true, MarkdownDescription: "The requirements, as `requirements.txt` content: `file(\"requirements.txt\")`.",
			},
			"pip_args": schema.ListAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "More arguments of `pip install`, such as `[\"--index-url\", \"https://pypi.example/simple\"]` or, offline, `[\"--no-index\", \"--find-links\", \"/srv/wheels\"]`.",
			},
			"requirements_sha256": schema.StringAttribute{
				Computed: true, MarkdownDescription: "The sha256 of the requirements the venv in use was built from.",
			},
			"frozen": schema.ListAttribute{
				ElementType: types.StringType, Computed: true, MarkdownDescription: "`pip freeze` of the venv: what is installed, `NAME==VERSION`.",
			},
			"python_version": schema.StringAttribute{
				Computed: true, MarkdownDescription: "The venv's Python version.",
			},
		},
	}
}

// interpreter returns the interpreter a python attribute names, and the
// constraint it must meet when the attribute is one.
func interpreter(python string) (string, *facts.Constraint, error) {
	if python == "" || !strings.ContainsAny(python[:1], "<>=~!0123456789") {
		return python, nil, nil
	}
	c, err := facts.ParseConstraint(python)
	if err != nil {
		return "", nil, err
	}
	return "python3", &c, nil
}

func (r *pythonVenvResource) spec(ctx context.Context, m *pythonVenvModel) (pyvenv.Spec, error) {
	python, constraint, err := interpreter(m.Python.ValueString())
	if err != nil {
		return pyvenv.Spec{}, err
	}
	if constraint != nil {
		v, err := pyvenv.PythonVersion(ctx, r.host, python)
		if err != nil {
			return pyvenv.Spec{}, err
		}
		if !constraint.Check(v) {
			return pyvenv.Spec{}, fmt.Errorf("python3 on %s is %s, which does not meet python = %q", r.host.Name(), v, constraint.Text)
		}
	}
	spec := pyvenv.Spec{Path: m.Path.ValueString(), Python: python, Requirements: m.Requirements.ValueString()}
	if known(m.PipArgs) {
		if d := m.PipArgs.ElementsAs(ctx, &spec.PipArgs, false); d.HasError() {
			return spec, fmt.Errorf("pip_args: %v", d)
		}
	}
	return spec, nil
}

func (m *pythonVenvModel) set(s pyvenv.State) diag.Diagnostics {
	m.RequirementsSHA256, m.PythonVersion = types.StringValue(s.RequirementsSHA256), types.StringValue(s.PythonVersion)
	frozen, diags := types.ListValueFrom(context.Background(), types.StringType, append([]string{}, s.Frozen...))
	m.Frozen = frozen
	return diags
}

// ModifyPlan plans requirements_sha256 from the configuration, so that a
// venv built from other requirements (its marker says which) is drift;
// and checks a python version constraint against the host.
func (r *pythonVenvResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	plan := plannedModel[pythonVenvModel](ctx, req, resp)
	if plan == nil || !known(plan.Requirements) {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, fwpath.Root("requirements_sha256"), pyvenv.RequirementsSHA256(plan.Requirements.ValueString()))...)
	if !known(plan.Python) {
		return
	}
	if _, _, err := interpreter(plan.Python.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(fwpath.Root("python"), "Invalid python", err.Error())
		return
	}
	if r.hostContext != nil && req.State.Raw.IsNull() {
		if _, err := r.spec(ctx, plan); err != nil {
			resp.Diagnostics.AddAttributeError(fwpath.Root("python"), "Python not usable", err.Error())
		}
	}
}

func (r *pythonVenvResource) converge(ctx context.Context, plan, _ *pythonVenvModel) (diag.Diagnostics, error) {
	plan.ID = plan.Path
	spec, err := r.spec(ctx, plan)
	if err != nil {
		return nil, err
	}
	s, err := pyvenv.Build(ctx, r.host, spec)
	if err != nil {
		return nil, err
	}
	return plan.set(s), nil
}

func (r *pythonVenvResource) refresh(ctx context.Context, state *pythonVenvModel) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	s, found, err := pyvenv.Read(ctx, r.host, state.Path.ValueString())
	if err != nil {
		diags.AddError("Cannot read venv", err.Error())
		return true, diags
	}
	if !found {
		return false, nil
	}
	return true, state.set(s)
}

func (r *pythonVenvResource) destroy(ctx context.Context, state *pythonVenvModel) (diag.Diagnostics, error) {
	return nil, pyvenv.Remove(ctx, r.host, state.Path.ValueString())
}

// ImportState takes the path of a venv spice built; its requirements are
// the requirements.txt kept in it.
func (r *pythonVenvResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	requirements, err := r.host.ReadFile(ctx, path.Join(req.ID, "requirements.txt"))
	if err == nil {
		_, found, readErr := pyvenv.Read(ctx, r.host, req.ID)
		if err = readErr; err == nil && !found {
			err = fmt.Errorf("no complete venv built by spice_python_venv")
		}
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot import venv", fmt.Sprintf("%s on %s: %s", req.ID, r.host.Name(), err))
		return
	}
	for attr, v := range map[string]string{"id": req.ID, "path": req.ID, "python": "python3", "requirements": string(requirements)} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, fwpath.Root(attr), v)...)
	}
}
