package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spice-harvester/terraform-provider-spice/facts"
	spiceschema "github.com/spice-harvester/terraform-provider-spice/schema"
)

var (
	_ resource.ResourceWithConfigure   = &hostResource{}
	_ resource.ResourceWithImportState = &hostResource{}
	_ resource.ResourceWithModifyPlan  = &hostResource{}
)

func newHostResource() resource.Resource {
	return withBase(&hostResource{}, resourceBase[hostModel]{typeName: "_host"})
}

// hostResource is spice_host: the host's facts, checked
// against declared requirements at plan time. It changes nothing on the
// host; its state is the facts and the violations found.
type hostResource struct {
	resourceBase[hostModel]
}

type hostModel struct {
	ID             types.String `tfsdk:"id"`
	Profile        types.String `tfsdk:"profile"`
	Tier           types.String `tfsdk:"tier"`
	MinCPUCores    types.Int64  `tfsdk:"min_cpu_cores"`
	MinMemoryGB    types.Int64  `tfsdk:"min_memory_gb"`
	MinStorageGB   types.Int64  `tfsdk:"min_storage_gb"`
	StorageType    types.String `tfsdk:"storage_type"`
	MinNetworkMbps types.Int64  `tfsdk:"min_network_mbps"`
	OS             types.List   `tfsdk:"os"`
	Runtimes       types.Map    `tfsdk:"runtimes"`
	Enforce        types.String `tfsdk:"enforce"`
	Facts          types.Object `tfsdk:"facts"`
	Violations     types.List   `tfsdk:"violations"`
}

const (
	enforceError = "error"
	enforceWarn  = "warn"
	defaultTier  = "minimum"
)

func (r *hostResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	profiles := "| profile / tier | CPU cores | RAM | storage | storage type | network |\n| --- | --- | --- | --- | --- | --- |\n"
	for _, p := range []string{"development", "production"} {
		for _, t := range []string{"minimum", "recommended"} {
			v := facts.Profiles[p][t]
			profiles += fmt.Sprintf("| `%s` / `%s` | %d | %d GB | %d GB | %s | %d Mbps |\n", p, t, v.CPUCores, v.MemoryGB, v.StorageGB, v.StorageType, v.NetworkMbps)
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A host's requirements and facts. At every plan spice reads the host's facts (one command) and checks them against " +
			"the requirements: a `profile` and `tier` from the operations manual's hardware tables, explicit minimums that override the profile's, an `os` allow-list " +
			"and `runtimes` version constraints. Unmet requirements fail the plan with one error listing each of them, declared against actual " +
			"(`enforce = \"warn\"` plans anyway with a warning). The facts are computed attributes for expressions, such as the manual's gunicorn rule " +
			"`workers = spice_host.this.facts.cpu_cores * 2 + 1`. Nothing on the host changes: destroy only forgets the resource.\n\n" +
			"The manual's tables (\"System Requirements\"):\n\n" + profiles + "\n" +
			"How the comparison works:\n\n" +
			"  - **Memory and storage** pass at 90% of the nominal size: the kernel reserves part of the installed RAM (a 32 GB machine reports about 31.3 GiB), " +
			"and disks are sold in decimal gigabytes with some kept by the filesystem. Storage is the size of the root filesystem.\n\n" +
			"  - **Unknown facts are not violations.** Link speed is invisible in most VMs and containers, the storage type on overlayfs and virtual disks " +
			"(see `facts.storage_type`): a requirement on an unknown fact is reported as a warning, \"not checked\". Set `min_network_mbps = 0` or " +
			"`storage_type = \"any\"` to stop checking it.\n\n" +
			"  - **When facts are read**: on create from the host; afterwards on every refresh, and the plan checks the refreshed facts " +
			"(with `-refresh=false`, the facts in state). Facts that changed show as changed computed values.\n\n" +
			"  - In image mode (provider `root`), commands and therefore facts are those of the machine spice runs on.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The host's hostname. Import takes any ID and reads the facts.",
			},
			"profile": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "`development` or `production`: the column of the manual's hardware tables whose CPU, RAM, storage, storage type and network minimums apply. Unset: only the explicit minimums apply.",
				Validators:          []validator.String{stringvalidator.OneOf("development", "production")},
			},
			"tier": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(defaultTier),
				MarkdownDescription: "`minimum` or `recommended`: which of the manual's two tables. Needs `profile`. Default `minimum`.",
				Validators: []validator.String{
					stringvalidator.OneOf("minimum", "recommended"),
					stringvalidator.AlsoRequires(path.MatchRoot("profile")),
				},
			},
			"min_cpu_cores": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Minimum `facts.cpu_cores`; overrides the profile's. `0` requires nothing.",
				Validators:          []validator.Int64{int64validator.AtLeast(0)},
			},
			"min_memory_gb": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Minimum RAM in GB (GiB); overrides the profile's. Met when `facts.memory_mb` is at least 90% of it. `0` requires nothing.",
				Validators:          []validator.Int64{int64validator.AtLeast(0)},
			},
			"min_storage_gb": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Minimum size of the root filesystem in decimal GB; overrides the profile's. Met when `facts.storage_total_gb` is at least 90% of it. `0` requires nothing.",
				Validators:          []validator.Int64{int64validator.AtLeast(0)},
			},
			"storage_type": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Required kind of disk behind `/`: `ssd` (an NVMe SSD qualifies too), `nvme`, or `any`; overrides the profile's. An `unknown` storage type is a warning, not a violation.",
				Validators:          []validator.String{stringvalidator.OneOf(facts.StorageSSD, facts.StorageNVMe, "any")},
			},
			"min_network_mbps": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Minimum link speed in Mbps (1 Gbps = `1000`); overrides the profile's. An unknown speed is a warning, not a violation; `0` requires nothing.",
				Validators:          []validator.Int64{int64validator.AtLeast(0)},
			},
			"os": schema.ListAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Allowed operating systems: os-release `ID`s, each with an optional version constraint on `VERSION_ID`, e.g. " +
					"`[\"ubuntu>=20.04\", \"debian>=11\", \"centos>=8\"]`, or `\"debian >= 11, < 14\"`. The host must match one entry. Unset or empty: any OS.",
				Validators: []validator.List{listvalidator.ValueStringsAre(spiceschema.Check("Invalid os entry", "an os-release ID with an optional version constraint", func(s string) error {
					_, err := facts.ParseOSRule(s)
					return err
				}))},
			},
			"runtimes": schema.MapAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Version constraints on installed runtimes, keyed `python` (`python3`), `docker`, `docker_compose` (`docker compose` or `docker-compose`) and `git`; " +
					"the syntax of Terraform's `required_version`, e.g. `{ python = \">=3.9\", docker = \">=20.10\", docker_compose = \">=2.0\", git = \">=2.25\" }`. " +
					"A runtime that is not installed violates its constraint.",
				Validators: []validator.Map{
					mapvalidator.KeysAre(stringvalidator.OneOf(facts.Runtimes...)),
					mapvalidator.ValueStringsAre(spiceschema.Check("Invalid version constraint", "a version constraint such as >=3.9", func(s string) error {
						_, err := facts.ParseConstraint(s)
						return err
					})),
				},
			},
			"enforce": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(enforceError),
				MarkdownDescription: "`error` (default): unmet requirements fail the plan. `warn`: they are reported as a warning and recorded in `violations`.",
				Validators:          []validator.String{stringvalidator.OneOf(enforceError, enforceWarn)},
			},
			"facts": schema.ObjectAttribute{
				Computed:            true,
				AttributeTypes:      factsAttrTypes,
				MarkdownDescription: factsDescription + "\n\n  On create, `storage_free_gb` is known only after apply.",
			},
			"violations": schema.ListAttribute{
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "The unmet requirements, each naming the requirement, actual against declared and where the declaration came from, " +
					"e.g. `\"cpu_cores: 2 < 16 (production/recommended)\"` or `\"runtimes.python: 3.8.10 does not satisfy >=3.9\"`. Empty when the host meets them all.",
			},
		},
	}
}

// requirements resolves the model's declarations: the profile first, then
// each explicit value over it. ok is false while any of them is unknown.
func (m *hostModel) requirements(ctx context.Context) (reqs facts.Requirements, ok bool, diags diag.Diagnostics) {
	for _, v := range []attr.Value{m.Profile, m.Tier, m.MinCPUCores, m.MinMemoryGB, m.MinStorageGB, m.StorageType, m.MinNetworkMbps, m.OS, m.Runtimes} {
		if v.IsUnknown() {
			return reqs, false, nil
		}
	}
	if known(m.Profile) {
		tier := defaultTier
		if known(m.Tier) {
			tier = m.Tier.ValueString()
		}
		var err error
		if reqs, err = facts.FromProfile(m.Profile.ValueString(), tier); err != nil {
			diags.AddAttributeError(path.Root("profile"), "Invalid profile", err.Error())
			return reqs, false, diags
		}
	}
	override := func(v types.Int64, name string, into *facts.Minimum) {
		if known(v) {
			*into = facts.Minimum{Value: v.ValueInt64(), From: name}
		}
	}
	override(m.MinCPUCores, "min_cpu_cores", &reqs.CPUCores)
	override(m.MinMemoryGB, "min_memory_gb", &reqs.MemoryGB)
	override(m.MinStorageGB, "min_storage_gb", &reqs.StorageGB)
	override(m.MinNetworkMbps, "min_network_mbps", &reqs.NetworkMbps)
	if known(m.StorageType) {
		reqs.StorageType, reqs.StorageTypeFrom = m.StorageType.ValueString(), "storage_type"
	}

	var osEntries []types.String
	diags.Append(m.OS.ElementsAs(ctx, &osEntries, false)...)
	for _, e := range osEntries {
		if e.IsUnknown() {
			return reqs, false, diags
		}
		rule, err := facts.ParseOSRule(e.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("os"), "Invalid os entry", err.Error())
			continue
		}
		reqs.OS = append(reqs.OS, rule)
	}
	runtimes := map[string]types.String{}
	diags.Append(m.Runtimes.ElementsAs(ctx, &runtimes, false)...)
	for name, e := range runtimes {
		if e.IsUnknown() {
			return reqs, false, diags
		}
		c, err := facts.ParseConstraint(e.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("runtimes").AtMapKey(name), "Invalid version constraint", err.Error())
			continue
		}
		if reqs.Runtimes == nil {
			reqs.Runtimes = map[string]facts.Constraint{}
		}
		reqs.Runtimes[name] = c
	}
	return reqs, !diags.HasError(), diags
}

// setViolations computes the violations of m's requirements by f into m.
// ok is false (and the violations unknown) while requirements are unknown.
func (m *hostModel) setViolations(ctx context.Context, f *facts.Facts) (violations, notes []string, ok bool, diags diag.Diagnostics) {
	reqs, ok, diags := m.requirements(ctx)
	if !ok {
		m.Violations = types.ListUnknown(types.StringType)
		return nil, nil, false, diags
	}
	violations, notes = reqs.Check(f)
	if violations == nil {
		violations = []string{}
	}
	list, d := types.ListValueFrom(ctx, types.StringType, violations)
	diags.Append(d...)
	m.Violations = list
	return violations, notes, true, diags
}

// check sets the violations and reports them. With enforce unknown
// nothing is reported yet: apply checks again once it is known.
func (m *hostModel) check(ctx context.Context, hostName string, f *facts.Facts) diag.Diagnostics {
	violations, notes, ok, diags := m.setViolations(ctx, f)
	if !ok || m.Enforce.IsUnknown() {
		return diags
	}
	where := fmt.Sprintf("%s (%s)", hostName, f.Hostname)
	if len(violations) > 0 {
		detail := fmt.Sprintf("%s does not meet %d requirement(s):\n  - %s\n\n", where, len(violations), strings.Join(violations, "\n  - "))
		if slices.ContainsFunc(violations, func(v string) bool {
			return strings.HasPrefix(v, "memory:") || strings.HasPrefix(v, "storage:")
		}) {
			// Say why 59 GB of MemTotal would have passed for 64 GB.
			detail += "Memory and storage pass at 90% of the nominal size. "
		}
		if m.Enforce.ValueString() == enforceWarn {
			diags.AddWarning("Host does not meet its requirements", detail+"enforce = \"warn\": planning anyway.")
		} else {
			diags.AddError("Host does not meet its requirements", detail+"Set enforce = \"warn\" to plan anyway.")
		}
	}
	if len(notes) > 0 {
		diags.AddWarning("Host requirements not checked",
			fmt.Sprintf("%s does not show these facts, so their requirements were not checked:\n  - %s\n\n"+
				"Set the requirement to 0 (storage_type: \"any\") to stop checking what the host cannot show.",
				where, strings.Join(notes, "\n  - ")))
	}
	return diags
}

// ModifyPlan checks the requirements at plan time. A new resource reads
// the facts now; an existing one uses the facts that refresh just read, so
// that the plan of an unchanged host is empty and the plan Terraform makes
// again at apply time agrees with this one. Only storage_free_gb, which
// changes by the second, is left unknown until a new resource is created.
func (r *hostResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	plan := plannedModel[hostModel](ctx, req, resp)
	if plan == nil {
		return // destroy: nothing to check
	}
	var prior *hostModel
	if !req.State.Raw.IsNull() {
		prior = &hostModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, prior)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	var f *facts.Facts
	if prior != nil && known(prior.Facts) {
		plan.Facts = prior.Facts
		var d diag.Diagnostics
		f, d = factsFromObject(ctx, prior.Facts)
		resp.Diagnostics.Append(d...)
	} else {
		var d diag.Diagnostics
		f, plan.Facts, d = gatherFacts(ctx, r.hostContext, true)
		resp.Diagnostics.Append(d...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID = types.StringValue(f.Hostname)
	resp.Diagnostics.Append(plan.check(ctx, r.hostName(), f)...)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

// converge completes the planned values: the planned facts stay as they are
// (apply must produce what the plan showed), only what the plan left
// unknown is filled in: storage_free_gb on create, and the violations
// when requirements depended on values unknown at plan time, which are
// enforced now.
func (r *hostResource) converge(ctx context.Context, plan, _ *hostModel) (diag.Diagnostics, error) {
	var diags diag.Diagnostics
	if !factsKnown(plan.Facts) {
		_, fresh, d := gatherFacts(ctx, r.hostContext, false)
		diags.Append(d...)
		if diags.HasError() {
			return diags, nil
		}
		if plan.Facts.IsUnknown() {
			plan.Facts = fresh
		} else {
			attrs := plan.Facts.Attributes()
			for name, v := range fresh.Attributes() {
				if attrs[name].IsUnknown() {
					attrs[name] = v
				}
			}
			obj, d := types.ObjectValue(factsAttrTypes, attrs)
			diags.Append(d...)
			plan.Facts = obj
		}
	}
	if plan.Violations.IsUnknown() {
		f, d := factsFromObject(ctx, plan.Facts)
		diags.Append(d...)
		if diags.HasError() {
			return diags, nil
		}
		diags.Append(plan.check(ctx, r.hostName(), f)...)
	}
	return diags, nil
}

// factsKnown reports whether every fact in o is known.
func factsKnown(o types.Object) bool {
	if o.IsUnknown() {
		return false
	}
	for _, v := range o.Attributes() {
		if v.IsUnknown() {
			return false
		}
	}
	return true
}

// refresh reads the facts and the violations they cause under the
// requirements in state.
func (r *hostResource) refresh(ctx context.Context, state *hostModel) (bool, diag.Diagnostics) {
	f, obj, diags := gatherFacts(ctx, r.hostContext, false)
	if diags.HasError() {
		return true, diags
	}
	state.ID, state.Facts = types.StringValue(f.Hostname), obj
	_, _, _, more := state.setViolations(ctx, f)
	return true, append(diags, more...)
}

// hostName names the host in messages ("local", an SSH address).
func (r *hostResource) hostName() string {
	if r.hostContext == nil {
		return "host"
	}
	return r.host.Name()
}

// destroy changes nothing on the host: the resource only observed it.
func (r *hostResource) destroy(context.Context, *hostModel) (diag.Diagnostics, error) {
	return nil, nil
}

// ImportState takes any ID (by convention the hostname); Read then fills
// in the facts. The defaults are set so that importing and then declaring
// the same resource without tier or enforce plans no change to them.
func (r *hostResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("tier"), defaultTier)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("enforce"), enforceError)...)
}
