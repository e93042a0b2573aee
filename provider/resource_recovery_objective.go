package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spice-harvester/terraform-provider-spice/host"
	"github.com/spice-harvester/terraform-provider-spice/recovery"
	spiceschema "github.com/spice-harvester/terraform-provider-spice/schema"
)

var (
	_ resource.ResourceWithConfigure   = &recoveryObjectiveResource{}
	_ resource.ResourceWithImportState = &recoveryObjectiveResource{}
	_ resource.ResourceWithModifyPlan  = &recoveryObjectiveResource{}
)

func newRecoveryObjectiveResource() resource.Resource {
	return withBase(&recoveryObjectiveResource{}, resourceBase[recoveryObjectiveModel]{
		typeName: "_recovery_objective", createFailed: "Cannot install recovery objective", deleteFailed: "Cannot remove recovery objective",
	})
}

// recoveryObjectiveResource is spice_recovery_objective: an RTO/RPO
// promise, judged on every plan against what the host can do.
type recoveryObjectiveResource struct {
	resourceBase[recoveryObjectiveModel]
}

type recoveryObjectiveModel struct {
	ID             types.String `tfsdk:"id"`
	Scenario       types.String `tfsdk:"scenario"`
	RTO            types.String `tfsdk:"rto"`
	RPO            types.String `tfsdk:"rpo"`
	Priority       types.String `tfsdk:"priority"`
	BackupPolicies []string     `tfsdk:"backup_policies"`
	Services       []string     `tfsdk:"services"`
	VerifyCommand  []string     `tfsdk:"verify_command"`
	Offsite        types.Bool   `tfsdk:"offsite"`
	Enforcement    types.String `tfsdk:"enforcement"`
	AchievableRPO  types.String `tfsdk:"achievable_rpo"`
	ObservedRPO    types.String `tfsdk:"observed_rpo"`
	AchievableRTO  types.String `tfsdk:"achievable_rto"`
	Status         types.String `tfsdk:"status"`
	Findings       types.List   `tfsdk:"findings"`
}

func (r *recoveryObjectiveResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A recovery promise from the manual's RTO/RPO table, made checkable. Every plan judges it against the host:\n\n" +
			"- `achievable_rpo`: the longest gap between consecutive runs of each listed policy's schedule (over the schedule's whole cycle) " +
			"plus the duration of its newest backup; the worst listed policy counts, since each holds data the scenario needs.\n" +
			"- `observed_rpo`: the age of the newest complete backup (its `metadata.json` is written after the checksums), again the worst policy; to the minute.\n" +
			"- with `offsite = true` (a data-center failure), only verified off-site copies count: the transfer time joins `achievable_rpo`, and `observed_rpo` is the age of the newest off-site copy.\n" +
			"- `achievable_rto`: the newest `spice drill SCENARIO` on the host (restore, verify, `verify_command`), plus the slowest listed service's " +
			"measured restart-to-healthy time (recorded by `spice_service` whenever its health check passes after a start or restart).\n" +
			"- `status`: `breached` when any of them misses the target, `unknown` when something is not measured yet (no backup, no drill), else `met`; " +
			"`findings` says each problem in plain words.\n\n" +
			"An RPO is met within " + recovery.Tolerance.String() + " (a systemd timer's own accuracy): an hourly backup that takes seconds meets a 1h RPO. " +
			"Policies are looked up by name: as planned in the same run (refer to them, `backup_policies = [spice_backup_policy.daily.name]`, " +
			"so they are planned first), else as installed under `/etc/spice/backup/`; backups are listed by the agent the policy installed.\n\n" +
			"Apply installs the objective as `" + recovery.ObjectiveDir + "/SCENARIO.json`, which `spice drill SCENARIO` reads on the host. " +
			"Destroy removes that file; drill journals stay (they are measurements, not configuration).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The scenario.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"scenario": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The scenario's name, such as `database-corruption`: lowercase letters, digits, `-` and `_`. Changing it replaces the resource.",
				Validators:          []validator.String{spiceschema.Check("Invalid scenario", "a lowercase name", recovery.CheckScenario)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"rto": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Recovery time objective, a duration such as `\"30m\"`.",
				Validators:          []validator.String{spiceschema.Duration()},
			},
			"rpo": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Recovery point objective, a duration such as `\"1h\"`; `\"0s\"` when no data may be lost (met only without backup policies, as for a service crash).",
				Validators:          []validator.String{spiceschema.DurationOrZero()},
			},
			"priority": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "`critical`, `high`, `medium` or `low`, as in the manual's table; informational.",
				Validators:          []validator.String{stringvalidator.OneOf("critical", "high", "medium", "low")},
			},
			"backup_policies": schema.ListAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Names of the `spice_backup_policy` resources whose backups restore this scenario's data.",
			},
			"services": schema.ListAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Names of the `spice_service` resources that must be healthy again.",
			},
			"verify_command": schema.ListAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Argv `spice drill` runs after restoring into its scratch directory (given as `SPICE_DRILL_DIR`); a non-zero exit fails the drill.",
			},
			"offsite": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "`true` for a scenario that loses the host and every backup on it, such as `data-center-failure`: only verified off-site copies " +
					"(the policies' `offsite` blocks) count. `achievable_rpo` is then each policy's longest schedule gap plus the duration of its newest backup plus the " +
					"measured duration of its newest push; `observed_rpo` is the age of the newest copy verified off site; a policy without `offsite` blocks breaches. " +
					"`spice drill SCENARIO` then restores from the newest off-site copy, so `achievable_rto` includes fetching it.",
			},
			"enforcement": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("warn"),
				MarkdownDescription: "`error`: a breached objective fails the plan with its findings. `warn` (the default): it is reported as a warning.",
				Validators:          []validator.String{stringvalidator.OneOf("error", "warn")},
			},
			"achievable_rpo": computed("Worst-case data loss the schedules allow, such as `24h2m0s`; null when a schedule is unknown."),
			"observed_rpo":   computed("Age of the newest complete backup, to the minute; null when there is none or the host cannot be read."),
			"achievable_rto": computed("Measured recovery time: newest drill plus the slowest service restart; null until measured."),
			"status":         computed("`met`, `breached` or `unknown`."),
			"findings": schema.ListAttribute{ElementType: types.StringType, Computed: true,
				MarkdownDescription: "Each problem in plain words, such as `policy daily: schedule \"daily\" leaves gaps of 24h0m0s; rpo is 1h0m0s`."},
		},
	}
}

// assess judges m against the host now and fills the computed attributes.
func (r *recoveryObjectiveResource) assess(ctx context.Context, m *recoveryObjectiveModel) {
	now := time.Now()
	rto, _ := time.ParseDuration(m.RTO.ValueString()) // validated
	rpo, _ := time.ParseDuration(m.RPO.ValueString())
	o := recovery.Objective{Scenario: m.Scenario.ValueString(), RTO: rto, RPO: rpo, Offsite: m.Offsite.ValueBool()}
	policies := make([]recovery.PolicyFacts, len(m.BackupPolicies))
	for i, name := range m.BackupPolicies {
		policies[i] = policyFacts(ctx, r.hostContext, name, now)
	}
	services := make([]recovery.ServiceFacts, len(m.Services))
	for i, name := range m.Services {
		services[i].Name = name
		if t, ok := readJSONOnHost(ctx, r.host, recovery.ServiceFile(name), recovery.ParseServiceTiming); ok {
			services[i].RestartToHealthy = t.Duration()
		}
	}
	drill, _ := readJSONOnHost(ctx, r.host, recovery.DrillFile(o.Scenario), recovery.ParseJournal)
	a := recovery.Assess(o, policies, services, drill, now)
	duration := func(d *time.Duration, round time.Duration) types.String {
		if d == nil {
			return types.StringNull()
		}
		return types.StringValue(d.Round(round).String())
	}
	m.AchievableRPO = duration(a.AchievableRPO, time.Second)
	m.ObservedRPO = duration(a.ObservedRPO, time.Minute)
	m.AchievableRTO = duration(a.AchievableRTO, time.Second)
	m.Status = types.StringValue(a.Status)
	m.Findings, _ = types.ListValueFrom(ctx, types.StringType, append([]string{}, a.Findings...))
}

// ModifyPlan judges the objective on every plan: afresh when it is new or
// its arguments changed, else as the refresh just found it. A breach is an
// error or a warning, as enforcement says.
func (r *recoveryObjectiveResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	// Judged once every argument is known; until then the verdict is
	// unknown, like any computed value.
	if r.hostContext == nil || !req.Config.Raw.IsFullyKnown() {
		return
	}
	plan := plannedModel[recoveryObjectiveModel](ctx, req, resp)
	if plan == nil {
		return
	}
	verdict := *plan
	if plan.Status.IsUnknown() {
		// New or changed: judge now for the diagnostics, but leave the
		// computed values to apply, which judges again. Ages and the
		// backups may move in between, and Terraform holds apply to
		// every value a plan knew.
		r.assess(ctx, &verdict)
	}
	if verdict.Status.ValueString() != recovery.StatusBreached {
		return
	}
	summary := fmt.Sprintf("Recovery objective %s breached", verdict.Scenario.ValueString())
	var findings []string
	resp.Diagnostics.Append(verdict.Findings.ElementsAs(ctx, &findings, false)...)
	detail := "- " + strings.Join(findings, "\n- ")
	if verdict.Enforcement.ValueString() == "error" {
		resp.Diagnostics.AddError(summary, detail)
	} else {
		resp.Diagnostics.AddWarning(summary, detail)
	}
}

func (r *recoveryObjectiveResource) install(ctx context.Context, m *recoveryObjectiveModel) error {
	b, err := json.MarshalIndent(recovery.Installed{
		Scenario: m.Scenario.ValueString(), RTO: m.RTO.ValueString(), RPO: m.RPO.ValueString(),
		BackupPolicies: m.BackupPolicies, Services: m.Services, VerifyCommand: m.VerifyCommand, Offsite: m.Offsite.ValueBool(),
	}, "", "  ")
	if err != nil {
		return err
	}
	p := recovery.ObjectiveFile(m.Scenario.ValueString())
	if err := r.host.WriteFile(ctx, p, append(b, '\n'), host.Attrs{Perm: 0o644, UID: host.KeepID, GID: host.KeepID}); err != nil {
		return fmt.Errorf("install objective %s on %s: %w", p, r.host.Name(), err)
	}
	return nil
}

// converge installs the objective and records the verdict as of now.
func (r *recoveryObjectiveResource) converge(ctx context.Context, m, _ *recoveryObjectiveModel) (diag.Diagnostics, error) {
	if err := r.install(ctx, m); err != nil {
		return nil, err
	}
	m.ID = m.Scenario
	r.assess(ctx, m)
	return nil, nil
}

func (r *recoveryObjectiveResource) refresh(ctx context.Context, m *recoveryObjectiveModel) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	b, err := r.host.ReadFile(ctx, recovery.ObjectiveFile(m.Scenario.ValueString()))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		diags.AddError("Cannot read recovery objective", err.Error())
		return true, diags
	}
	installed, err := recovery.ParseInstalled(b)
	if err != nil {
		diags.AddError("Cannot read recovery objective", fmt.Sprintf("%s on %s: %s", recovery.ObjectiveFile(m.Scenario.ValueString()), r.host.Name(), err))
		return true, diags
	}
	m.RTO, m.RPO = types.StringValue(installed.RTO), types.StringValue(installed.RPO)
	m.BackupPolicies = refreshedList(m.BackupPolicies, installed.BackupPolicies)
	m.Services = refreshedList(m.Services, installed.Services)
	m.VerifyCommand = refreshedList(m.VerifyCommand, installed.VerifyCommand)
	m.Offsite = types.BoolValue(installed.Offsite)
	r.assess(ctx, m)
	return true, nil
}

// refreshedList is the list found on the host, unless it holds what the
// state holds: then the state's own form stays, so that an empty list and
// an omitted (null) one each match the configuration that declared them.
func refreshedList(state, found []string) []string {
	if slices.Equal(state, found) {
		return state
	}
	if len(found) == 0 {
		return nil
	}
	return found
}

func (r *recoveryObjectiveResource) destroy(ctx context.Context, m *recoveryObjectiveModel) (diag.Diagnostics, error) {
	p := recovery.ObjectiveFile(m.Scenario.ValueString())
	if err := r.host.Remove(ctx, p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("remove %s on %s: %w", p, r.host.Name(), err)
	}
	return nil, nil
}

// ImportState takes the scenario; the rest is read from the installed file.
func (r *recoveryObjectiveResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if err := recovery.CheckScenario(req.ID); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("scenario"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("enforcement"), "warn")...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("offsite"), false)...)
}
