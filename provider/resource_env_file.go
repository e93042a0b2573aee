package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spice-harvester/terraform-provider-spice/dotenv"
)

var (
	_ resource.ResourceWithConfigure      = &envFileResource{}
	_ resource.ResourceWithImportState    = &envFileResource{}
	_ resource.ResourceWithModifyPlan     = &envFileResource{}
	_ resource.ResourceWithValidateConfig = &envFileResource{}
)

func newEnvFileResource() resource.Resource { return &envFileResource{} }

type envFileResource struct {
	hostResource
}

type envFileModel struct {
	fsObject
	envVariables
	SHA256 types.String `tfsdk:"sha256"`
}

// envVariables are the two maps an env file is rendered from.
type envVariables struct {
	Variables          types.Map `tfsdk:"variables"`
	SensitiveVariables types.Map `tfsdk:"sensitive_variables"`
}

// readEnvVariables reads just the two maps, for validation and plan
// modification (see readFileContent).
func readEnvVariables(ctx context.Context, from attributeGetter) (envVariables, diag.Diagnostics) {
	var v envVariables
	diags := from.GetAttribute(ctx, path.Root("variables"), &v.Variables)
	diags.Append(from.GetAttribute(ctx, path.Root("sensitive_variables"), &v.SensitiveVariables)...)
	return v, diags
}

func (r *envFileResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_env_file"
}

func (r *envFileResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A dotenv file (`NAME=\"value\"` lines) that python-dotenv and systemd's `EnvironmentFile=` read back to exactly the declared values. " +
			"Variables are sorted by name and double-quoted with `\\\\` and `\\\"` as the only escapes; spaces, `#`, `=`, `$`, quotes and backslashes survive. " +
			"Values with a line break, a control character, `${...}` (which python-dotenv would expand) or a trailing backslash (which python-dotenv misreads) are refused at plan time. " +
			"Written atomically like `spice_file`; mode `0600` unless declared.",
		Attributes: mergeAttributes(fsObjectAttributes("env file", "0600"), map[string]schema.Attribute{
			"variables": schema.MapAttribute{
				ElementType:         types.StringType,
				Optional:            true,
				MarkdownDescription: "Variables shown in plans.",
			},
			"sensitive_variables": schema.MapAttribute{
				ElementType:         types.StringType,
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Variables never shown in output, e.g. `{ SECRET_KEY = spice_secret.app.result }`. A name may appear in only one of the two maps.",
			},
			"sha256": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Hex SHA-256 of the rendered file; on refresh, of the file on the host. Use it as a service's restart trigger.",
			},
		}),
	}
}

func (r *envFileResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	cfg, diags := readEnvVariables(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	plain := knownElements(cfg.Variables)
	secret := knownElements(cfg.SensitiveVariables)
	for attr, vars := range map[string]map[string]types.String{"variables": plain, "sensitive_variables": secret} {
		for name, v := range vars {
			at := path.Root(attr).AtMapKey(name)
			if err := dotenv.ValidateKey(name); err != nil {
				resp.Diagnostics.AddAttributeError(at, "Invalid variable name", fmt.Sprintf("%s: %s", attr, err))
			}
			if known(v) {
				if err := dotenv.ValidateValue(v.ValueString()); err != nil {
					resp.Diagnostics.AddAttributeError(at, "Invalid variable value", fmt.Sprintf("%s[%q]: %s", attr, name, err))
				}
			}
		}
	}
	for name := range plain {
		if _, dup := secret[name]; dup {
			resp.Diagnostics.AddAttributeError(path.Root("sensitive_variables").AtMapKey(name), "Variable declared twice",
				fmt.Sprintf("%q is in both variables and sensitive_variables; declare it in one of them", name))
		}
	}
}

// knownElements returns the map's elements, or nothing while the map itself
// is null or unknown. Elements may still be unknown.
func knownElements(m types.Map) map[string]types.String {
	out := map[string]types.String{}
	if !known(m) {
		return out
	}
	for k, v := range m.Elements() {
		if s, ok := v.(types.String); ok {
			out[k] = s
		}
	}
	return out
}

// desiredVariables merges both maps, or known=false while any value is
// only known after apply.
func (m *envVariables) desiredVariables() (vars map[string]string, known bool) {
	if m.Variables.IsUnknown() || m.SensitiveVariables.IsUnknown() {
		return nil, false
	}
	vars = map[string]string{}
	for _, src := range []types.Map{m.Variables, m.SensitiveVariables} {
		for k, v := range knownElements(src) {
			if v.IsUnknown() {
				return nil, false
			}
			vars[k] = v.ValueString()
		}
	}
	return vars, true
}

func (r *envFileResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	plan, diags := readEnvVariables(ctx, req.Plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if vars, ok := plan.desiredVariables(); ok {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("sha256"), sha256Hex(dotenv.Render(vars)))...)
	}
}

func (r *envFileResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan envFileModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	diags, err := createTracked(ctx, r.host, plan.Path.ValueString(), resp.Private, func() error { return r.write(ctx, &plan, true) })
	resp.Diagnostics.Append(diags...)
	if err != nil {
		resp.Diagnostics.AddError("Cannot create env file", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *envFileResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state envFileModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := r.write(ctx, &plan, contentChanged(plan.SHA256, state.SHA256)); err != nil {
		resp.Diagnostics.AddError("Cannot update env file", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *envFileResource) write(ctx context.Context, m *envFileModel, rewrite bool) error {
	vars, _ := m.desiredVariables()
	content := dotenv.Render(vars)
	m.SHA256 = types.StringValue(sha256Hex(content))
	return m.writeFile(ctx, r.hostContext, content, rewrite)
}

func (r *envFileResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state envFileModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	info, content, ok := readManagedFile(ctx, r.host, state.Path.ValueString(), "env file", resp)
	if !ok {
		return
	}
	// sha256 always reflects the bytes on the host, so any edit plans a
	// rewrite. The maps show which values moved when the file still parses.
	state.SHA256 = types.StringValue(sha256Hex(content))
	if vars, err := dotenv.Parse(content); err == nil {
		resp.Diagnostics.Append(state.splitObserved(ctx, vars)...)
	}
	if err := state.observe(ctx, r.hostContext, info); err != nil {
		resp.Diagnostics.AddError("Cannot read env file", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// splitObserved sorts the variables found on the host into the two maps.
// A name stays in the map that declared it; a name no map declared goes to
// sensitive_variables, so an import or an added line never prints a value
// that may be secret.
func (m *envFileModel) splitObserved(ctx context.Context, vars map[string]string) diag.Diagnostics {
	declaredPlain := knownElements(m.Variables)
	plain, secret := map[string]string{}, map[string]string{}
	for k, v := range vars {
		if _, ok := declaredPlain[k]; ok {
			plain[k] = v
		} else {
			secret[k] = v
		}
	}
	var diags diag.Diagnostics
	m.Variables, diags = observedMap(ctx, m.Variables, plain)
	var more diag.Diagnostics
	m.SensitiveVariables, more = observedMap(ctx, m.SensitiveVariables, secret)
	return append(diags, more...)
}

// observedMap keeps a map null when it was null and nothing belongs in it.
func observedMap(ctx context.Context, prior types.Map, values map[string]string) (types.Map, diag.Diagnostics) {
	if prior.IsNull() && len(values) == 0 {
		return prior, nil
	}
	return types.MapValueFrom(ctx, types.StringType, values)
}

func (r *envFileResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state envFileModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	removeFile(ctx, r.host, state.Path.ValueString(), req, resp)
}

func (r *envFileResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByPath(ctx, req, resp)
}
