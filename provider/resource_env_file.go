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

func newEnvFileResource() resource.Resource {
	return newRenderedFile[envFileModel, *envFileModel](&envFileResource{}, "_env_file")
}

type envFileResource struct {
	renderedFile[envFileModel, *envFileModel]
}

type envFileModel struct {
	writtenFile
	envVariables
}

func (m *envFileModel) kind() string       { return "env file" }
func (m *envFileModel) file() *writtenFile { return &m.writtenFile }

// envVariables are the two maps an env file is rendered from.
type envVariables struct {
	Variables          types.Map `tfsdk:"variables"`
	SensitiveVariables types.Map `tfsdk:"sensitive_variables"`
}

// readEnvVariables reads just the two maps, for validation and plan
// modification: cheaper than decoding the whole model.
func readEnvVariables(ctx context.Context, from attributeGetter) (envVariables, diag.Diagnostics) {
	var v envVariables
	diags := from.GetAttribute(ctx, path.Root("variables"), &v.Variables)
	diags.Append(from.GetAttribute(ctx, path.Root("sensitive_variables"), &v.SensitiveVariables)...)
	return v, diags
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
				MarkdownDescription: "Hex HMAC-SHA-256 of the rendered file, keyed by `spice_env_file:` and the path: env files hold secrets, so plans never show their plain hash. On refresh, of the file on the host. Use it as a service's restart trigger.",
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
	var filePath types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("path"), &filePath)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if vars, ok := plan.desiredVariables(); ok && !filePath.IsUnknown() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("sha256"), envDigest(filePath.ValueString(), dotenv.Render(vars)))...)
	}
}

// envDigest is the sha256 attribute of an env file: always salted, since
// env files hold secrets (and an imported one holds every value as
// sensitive, so the digest must not depend on which map a value is in).
func envDigest(filePath string, content []byte) string {
	return digestOf(content, "spice_env_file:"+filePath, true)
}

func (m *envFileModel) digest(content []byte) string {
	return envDigest(m.Path.ValueString(), content)
}

func (m *envFileModel) render() ([]byte, error) {
	vars, _ := m.desiredVariables()
	return dotenv.Render(vars), nil
}

// readBack shows which values moved, when the file still parses.
func (m *envFileModel) readBack(ctx context.Context, content []byte) diag.Diagnostics {
	vars, err := dotenv.Parse(content)
	if err != nil {
		return nil
	}
	return m.splitObserved(ctx, vars)
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

func (r *envFileResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByPath(ctx, req, resp)
}
