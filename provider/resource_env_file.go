package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spice-harvester/terraform-provider-spice/dotenv"
	"github.com/spice-harvester/terraform-provider-spice/dotenv/generated"
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
	GeneratedSecrets      types.Map `tfsdk:"generated_secrets"`
	GeneratedSecretHashes types.Map `tfsdk:"generated_secret_hashes"`
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
			"generated_secrets": schema.MapAttribute{
				ElementType: types.MapType{ElemType: types.StringType},
				Optional:    true,
				MarkdownDescription: "Variables whose values are generated on the host and never leave it, e.g. `{ SECRET_KEY = { length = 50 } }`. " +
					"Each takes `length` (characters, " + strconv.Itoa(generated.MinLength) + " to " + strconv.Itoa(generated.MaxLength) + ", default " + strconv.Itoa(generated.DefaultLength) + ") and `charset` (" +
					"`alphanumeric` default, `hex`, or `urlsafe`: letters, digits, `-` and `_`), drawn from the host's kernel random source. " +
					"The value is written straight into the file (by spice itself for a local host, by the spice agent at `" + defaultBinaryPath + "` on an SSH host, installed like `spice_backup_policy`'s) " +
					"and kept across applies; the state holds only its keyed hash (`generated_secret_hashes`). " +
					"A value edited or deleted on the host is drift: the plan generates a new one. " +
					"`length` and `charset` apply when a value is generated: changing them later keeps the existing value (rotate one by deleting its line on the host, or with `-replace`). " +
					"A name may appear in only one of `variables`, `sensitive_variables` and `generated_secrets`.",
			},
			"generated_secret_hashes": schema.MapAttribute{
				ElementType: types.StringType,
				Computed:    true,
				MarkdownDescription: "For each generated secret found on the host, the hex HMAC-SHA-256 of its file, name and value, keyed by a random per-host key that never leaves the host " +
					"(`" + generated.KeyFile + "`, mode 0600): the state cannot be used to test guesses of the value offline. " +
					"A generated secret missing here is generated by the next apply.",
			},
			"sha256": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Hex HMAC-SHA-256 of the rendered file, keyed by `spice_env_file:` and the path: env files hold secrets, so plans never show their plain hash. On refresh, of the file on the host. " +
					"With `generated_secrets`, each generated value counts as its keyed hash. Use it as a service's restart trigger.",
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
	var gen types.Map
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("generated_secrets"), &gen)...)
	_, diags = secretSpecs(gen)
	resp.Diagnostics.Append(diags...)
	for name := range gen.Elements() {
		at := path.Root("generated_secrets").AtMapKey(name)
		if err := dotenv.ValidateKey(name); err != nil {
			resp.Diagnostics.AddAttributeError(at, "Invalid variable name", fmt.Sprintf("generated_secrets: %s", err))
		}
		for other, vars := range map[string]map[string]types.String{"variables": plain, "sensitive_variables": secret} {
			if _, dup := vars[name]; dup {
				resp.Diagnostics.AddAttributeError(at, "Variable declared twice",
					fmt.Sprintf("%q is in both %s and generated_secrets; declare it in one of them", name, other))
			}
		}
	}
}

// secretSpecs reads generated_secrets with their defaults, leaving out
// the declarations only known after apply; errors name the setting.
func secretSpecs(m types.Map) (specs map[string]generated.Secret, diags diag.Diagnostics) {
	specs = map[string]generated.Secret{}
	if m.IsUnknown() {
		return specs, nil
	}
	for name, el := range m.Elements() {
		at := path.Root("generated_secrets").AtMapKey(name)
		inner, _ := el.(types.Map)
		if inner.IsUnknown() {
			continue
		}
		s := generated.Secret{Length: generated.DefaultLength, Charset: generated.Alphanumeric}
		pending, bad := false, false
		for setting, v := range inner.Elements() {
			sv, _ := v.(types.String)
			if sv.IsUnknown() {
				pending = true
				continue
			}
			switch setting {
			case "length":
				n, err := strconv.Atoi(sv.ValueString())
				if err != nil {
					diags.AddAttributeError(at.AtMapKey(setting), "Invalid generated secret", fmt.Sprintf("generated_secrets[%q]: length must be a whole number of characters", name))
					bad = true
				}
				s.Length = n
			case "charset":
				s.Charset = sv.ValueString()
			default:
				diags.AddAttributeError(at.AtMapKey(setting), "Invalid generated secret", fmt.Sprintf("generated_secrets[%q]: unknown setting %q: a generated secret takes length and charset", name, setting))
				bad = true
			}
		}
		if pending {
			continue
		}
		if err := s.Validate(); err != nil && !bad {
			diags.AddAttributeError(at, "Invalid generated secret", fmt.Sprintf("generated_secrets[%q]: %s", name, err))
		}
		specs[name] = s
	}
	return specs, diags
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
	var gen types.Map
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("path"), &filePath)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("generated_secrets"), &gen)...)
	if resp.Diagnostics.HasError() {
		return
	}
	vars, varsKnown := plan.desiredVariables()
	if gen.IsNull() || (known(gen) && len(gen.Elements()) == 0) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("generated_secret_hashes"), types.MapNull(types.StringType))...)
		if varsKnown && !filePath.IsUnknown() {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("sha256"), envDigest(filePath.ValueString(), dotenv.Render(vars)))...)
		}
		return
	}
	hashes, allKept := r.plannedHashes(ctx, req, gen, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("generated_secret_hashes"), hashes)...)
	digest := types.StringUnknown()
	if varsKnown && allKept && !filePath.IsUnknown() {
		digest = types.StringValue(maskedDigest(filePath.ValueString(), vars, stringElements(hashes)))
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("sha256"), digest)...)
}

// plannedHashes keeps the hash of every generated secret the refresh found
// as spice wrote it (or adopted on import); the others are generated by
// the apply, their hashes unknown until then. A kept value whose declared
// length or charset changed gets a warning: declarations apply to new
// values only.
func (r *envFileResource) plannedHashes(ctx context.Context, req resource.ModifyPlanRequest, gen types.Map, diags *diag.Diagnostics) (hashes types.Map, allKept bool) {
	if gen.IsUnknown() {
		return types.MapUnknown(types.StringType), false
	}
	var prior, priorGen types.Map
	if !req.State.Raw.IsNull() {
		diags.Append(req.State.GetAttribute(ctx, path.Root("generated_secret_hashes"), &prior)...)
		diags.Append(req.State.GetAttribute(ctx, path.Root("generated_secrets"), &priorGen)...)
	}
	priorHashes := knownElements(prior)
	declared, _ := secretSpecs(gen)
	before, _ := secretSpecs(priorGen)
	elems := map[string]attr.Value{}
	allKept = true
	for name := range gen.Elements() {
		h, ok := priorHashes[name]
		if !ok || !known(h) {
			elems[name], allKept = types.StringUnknown(), false
			continue
		}
		elems[name] = h
		was, wasDeclared := before[name]
		now, isKnown := declared[name]
		if wasDeclared && isKnown && was != now {
			diags.AddAttributeWarning(path.Root("generated_secrets").AtMapKey(name), "Generated secret kept",
				fmt.Sprintf("%s keeps its value on the host: length and charset apply when a value is generated. To generate a new one, delete its line on the host or apply with -replace.", name))
		}
	}
	return types.MapValueMust(types.StringType, elems), allKept
}

// stringElements are the known values of a map of strings.
func stringElements(m types.Map) map[string]string {
	out := map[string]string{}
	for k, v := range knownElements(m) {
		if known(v) {
			out[k] = v.ValueString()
		}
	}
	return out
}

// maskedDigest is the sha256 attribute of an env file with generated
// secrets: the digest of its rendering with each generated value replaced
// by its keyed hash. It changes whenever the file does, and neither the
// provider nor the state ever needs a generated value for it.
func maskedDigest(filePath string, vars, hashes map[string]string) string {
	all := maps.Clone(vars)
	if all == nil {
		all = map[string]string{}
	}
	maps.Copy(all, hashes)
	return envDigest(filePath, dotenv.Render(all))
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

// converge writes an env file with generated secrets through the host
// (package generated); one without them as any rendered file.
func (r *envFileResource) converge(ctx context.Context, plan, prior *envFileModel) (diag.Diagnostics, error) {
	specs, diags := secretSpecs(plan.GeneratedSecrets)
	if diags.HasError() {
		return diags, nil
	}
	if len(specs) == 0 {
		plan.GeneratedSecretHashes = types.MapNull(types.StringType)
		return r.renderedFile.converge(ctx, plan, prior)
	}
	f := plan.file()
	if prior != nil && !contentChanged(f.SHA256, prior.SHA256) {
		return nil, f.writeFile(ctx, r.hostContext, nil, false)
	}
	kept := stringElements(plan.GeneratedSecretHashes)
	for name, s := range specs {
		s.Keep = kept[name]
		specs[name] = s
	}
	attrs, err := f.desired(ctx, r.hostContext)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Path.ValueString(), err)
	}
	vars, _ := plan.desiredVariables()
	hashes, err := applyGenerated(ctx, r.hostContext, generated.ApplyRequest{Path: f.Path.ValueString(), Variables: vars, Secrets: specs, Attrs: attrs})
	if err != nil {
		return nil, err
	}
	plan.GeneratedSecretHashes, diags = types.MapValueFrom(ctx, types.StringType, map[string]string(hashes))
	f.SHA256 = types.StringValue(maskedDigest(f.Path.ValueString(), vars, hashes))
	return diags, f.observeAfterApply(ctx, r.hostContext)
}

// refresh reads an env file with generated secrets through the host, which
// withholds their values; one without them as any rendered file.
func (r *envFileResource) refresh(ctx context.Context, state *envFileModel) (bool, diag.Diagnostics) {
	names := slices.Sorted(maps.Keys(state.GeneratedSecrets.Elements()))
	if len(names) == 0 {
		return r.renderedFile.refresh(ctx, state)
	}
	var diags diag.Diagnostics
	f := state.file()
	p := f.Path.ValueString()
	info, found, err := statExisting(ctx, r.host, p)
	switch {
	case err != nil:
		diags.AddError("Cannot read env file", err.Error())
		return found, diags
	case !found:
		return false, nil
	case info.IsDir:
		diags.AddError("Not a file", fmt.Sprintf("%s on %s is a directory", p, r.host.Name()))
		return true, diags
	}
	ins, err := inspectGenerated(ctx, r.hostContext, generated.InspectRequest{Path: p, Names: names})
	switch {
	case err != nil:
		diags.AddError("Cannot read env file", err.Error())
		return true, diags
	case ins.NotRegular:
		diags.AddWarning("env file replaced on the host", fmt.Sprintf("%s on %s is not a regular file; the plan writes the env file again in its place", p, r.host.Name()))
		return false, diags
	case !ins.Found:
		return false, nil
	}
	state.GeneratedSecretHashes, diags = types.MapValueFrom(ctx, types.StringType, observedHashes(state.GeneratedSecretHashes, ins.Hashes))
	f.SHA256 = types.StringValue(maskedDigest(p, ins.Variables, ins.Hashes))
	if !ins.Canonical {
		// Edited by hand (spacing, comments, quoting): no plan matches.
		f.SHA256 = types.StringValue(envDigest(p, []byte("edited on the host\n"+f.SHA256.ValueString())))
	}
	if ins.Parsed {
		diags.Append(state.splitObserved(ctx, ins.Variables)...)
	}
	if err := f.observe(ctx, r.hostContext, info); err != nil {
		diags.AddError("Cannot read env file", err.Error())
	}
	return true, diags
}

// observedHashes are the hashes refresh records: a value the state has no
// hash for is adopted as found (after an import, or a refresh-only apply
// that accepted a change); one whose hash differs from the state's was
// edited on the host and is left out, as a deleted one is, so that the plan
// generates it anew.
func observedHashes(prior types.Map, found generated.Hashes) map[string]string {
	recorded := stringElements(prior)
	out := map[string]string{}
	for name, h := range found {
		if was, ok := recorded[name]; !ok || was == h {
			out[name] = h
		}
	}
	return out
}

// ImportState takes the path, or PATH#NAME,NAME... to adopt the named
// variables as generated secrets: their values stay on the host and only
// their keyed hashes enter the state.
func (r *envFileResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, names, ok := strings.Cut(req.ID, "#")
	if !ok {
		importByPath(ctx, req, resp)
		return
	}
	gen := map[string]map[string]string{}
	for _, name := range strings.Split(names, ",") {
		if err := dotenv.ValidateKey(name); err != nil {
			resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("the import ID is PATH or PATH#NAME,NAME... naming the generated secrets: %s", err))
			return
		}
		gen[name] = map[string]string{}
	}
	importByPath(ctx, resource.ImportStateRequest{ID: id}, resp)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("generated_secrets"), gen)...)
}
