package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spice-harvester/terraform-provider-spice/health"
	"github.com/spice-harvester/terraform-provider-spice/host"
	"github.com/spice-harvester/terraform-provider-spice/recovery"
	spiceschema "github.com/spice-harvester/terraform-provider-spice/schema"
	"github.com/spice-harvester/terraform-provider-spice/systemd"
)

var (
	_ resource.ResourceWithConfigure      = &serviceResource{}
	_ resource.ResourceWithImportState    = &serviceResource{}
	_ resource.ResourceWithModifyPlan     = &serviceResource{}
	_ resource.ResourceWithValidateConfig = &serviceResource{}
)

func newServiceResource() resource.Resource {
	return withBase(&serviceResource{}, resourceBase[serviceModel]{
		typeName: "_service", createFailed: "Cannot converge service", deleteFailed: "Cannot remove service",
	})
}

// serviceResource is spice_service: a systemd service unit in
// /etc/systemd/system, enabled or not, running or stopped, restarted when
// its unit or its restart triggers change, and gated by a health check.
type serviceResource struct {
	resourceBase[serviceModel]
}

type serviceModel struct {
	ID                 types.String        `tfsdk:"id"`
	Name               types.String        `tfsdk:"name"`
	Description        types.String        `tfsdk:"description"`
	ExecStart          types.String        `tfsdk:"exec_start"`
	WorkingDirectory   types.String        `tfsdk:"working_directory"`
	User               types.String        `tfsdk:"user"`
	Group              types.String        `tfsdk:"group"`
	EnvironmentFile    types.String        `tfsdk:"environment_file"`
	Environment        types.Map           `tfsdk:"environment"`
	Restart            types.String        `tfsdk:"restart"`
	RestartSec         types.String        `tfsdk:"restart_sec"`
	LimitNOFILE        types.Int64         `tfsdk:"limit_nofile"`
	After              types.List          `tfsdk:"after"`
	Wants              types.List          `tfsdk:"wants"`
	WantedBy           types.List          `tfsdk:"wanted_by"`
	Unit               types.String        `tfsdk:"unit"`
	Enabled            types.Bool          `tfsdk:"enabled"`
	State              types.String        `tfsdk:"state"`
	RestartTriggers    types.Map           `tfsdk:"restart_triggers"`
	HealthCheck        *serviceHealthModel `tfsdk:"health_check"`
	ActiveState        types.String        `tfsdk:"active_state"`
	MainPID            types.Int64         `tfsdk:"main_pid"`
	Healthy            types.Bool          `tfsdk:"healthy"`
	RestartOnUnhealthy types.Bool          `tfsdk:"restart_on_unhealthy"`
}

type serviceHealthModel struct {
	URL          types.String `tfsdk:"url"`
	ExpectStatus types.Int64  `tfsdk:"expect_status"`
	Timeout      types.String `tfsdk:"timeout"`
	Interval     types.String `tfsdk:"interval"`
	StartPeriod  types.String `tfsdk:"start_period"`
}

const (
	stateRunning = "running"
	stateStopped = "stopped"
)

// Health check defaults, applied in code: attributes of an absent block
// cannot carry schema defaults.
const (
	defaultExpectStatus   = 200
	defaultHealthTimeout  = "5s"
	defaultHealthInterval = "2s"
	defaultStartPeriod    = "60s"
)

// structuredAttributes render the unit; a raw unit excludes them all.
var structuredAttributes = []string{
	"description", "exec_start", "working_directory", "user", "group", "environment_file",
	"environment", "restart", "restart_sec", "limit_nofile", "after", "wants", "wanted_by",
}

var (
	accountName = regexp.MustCompile(`^([a-z_][a-z0-9_-]*[$]?|[0-9]+)$`)
	envKey      = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

func (r *serviceResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	unitNames := listvalidator.ValueStringsAre(spiceschema.Check("Invalid unit name", "must be a unit name such as network-online.target", systemd.CheckUnitName))
	resp.Schema = schema.Schema{
		MarkdownDescription: "A systemd service: the unit file `/etc/systemd/system/NAME.service`, rendered from the structured attributes " +
			"or given as a raw `unit`, written atomically; one `systemctl daemon-reload` per host for all unit files changed together; " +
			"enabled or disabled, running or stopped. The service is restarted when its unit content or a value of `restart_triggers` changes " +
			"(typically the `sha256` of its `spice_file` configuration). After a start or restart, `health_check` gates the apply: the URL is " +
			"polled from the host itself until it answers `expect_status` or `start_period` runs out, and the apply then fails with the last " +
			"status and the start of the body. Between requests the unit is watched: " +
			"once systemd gives up on it (`failed`, such as a missing program whose restarts hit the start limit), the apply fails at once " +
			"with the unit's result, exit status (such as `203/EXEC`) and the last 20 lines of its journal.\n\n" +
			"A failed create (the unit file written, the start or the health gate failing) leaves the service on the host and in state, " +
			"tainted, as Terraform and `spice apply` taint a failed create: the next plan replaces it (`-/+`), stopping and removing it " +
			"before creating it again. A failed update (a restart that fails its health gate) is not tainted: the state records the new " +
			"configuration, and refresh then finds the service unhealthy or stopped, so the next plan updates it in place and restarts it " +
			"(with `restart_on_unhealthy`, the default, for a service still running).\n\n" +
			"Refresh reads one `systemctl show` and the unit file, and makes one `health_check` request: a stopped or failed service, " +
			"a disabled one, an edited unit file or (with `restart_on_unhealthy`) a running service that does not answer its health check " +
			"plans an update that repairs it. A unit file removed out of band plans its creation. Destroy stops and disables the service, removes the unit file " +
			"and reloads systemd.\n\n" +
			"The unit file is world-readable: keep secrets out of `environment` and `exec_start`; put them in an `environment_file` " +
			"(a `spice_env_file`, mode 0600).\n\n" +
			"In image mode (provider `root` other than `/`) the unit file is written and enabled by link (`systemctl --root`), " +
			"never started: `state`, `restart_triggers` and `health_check` have no effect there, and `active_state`, `main_pid` and `healthy` stay null.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The unit name, `NAME.service`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The service's name without `.service`, such as `spice-harvester-bff`: letters, digits and `:_.-@`, " +
					"255 characters at most with the suffix; the import ID. Changing it replaces the resource.",
				Validators:    []validator.String{spiceschema.Check("Invalid service name", "must be a service name without .service", systemd.CheckServiceName)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"description": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "`Description=`, written literally (`%` is escaped).",
				Validators:          []validator.String{spiceschema.Check("Invalid description", unitValue, systemd.CheckValue)},
			},
			"exec_start": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The `ExecStart=` command line, written as given: systemd's own quoting, `$VAR` expansion and `%` specifiers " +
					"apply (write `%%` for a literal `%`). An absolute program path is safest. Exactly one of `exec_start` and `unit`.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1), spiceschema.Check("Invalid exec_start", unitValue, systemd.CheckValue)},
			},
			"working_directory": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "`WorkingDirectory=`, an absolute path.",
				Validators:          []validator.String{spiceschema.AbsolutePath(), spiceschema.Check("Invalid working_directory", unitValue, systemd.CheckValue)},
			},
			"user": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "`User=`, a user name or numeric id. Unset: root.",
				Validators:          []validator.String{stringvalidator.RegexMatches(accountName, "must be a user name or a numeric id")},
			},
			"group": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "`Group=`, a group name or numeric id. Unset: the user's group.",
				Validators:          []validator.String{stringvalidator.RegexMatches(accountName, "must be a group name or a numeric id")},
			},
			"environment_file": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "`EnvironmentFile=`, an absolute path; the place for secrets (a `spice_env_file` is mode 0600). A missing file fails the start.",
				Validators:          []validator.String{spiceschema.AbsolutePath(), spiceschema.Check("Invalid environment_file", unitValue, systemd.CheckValue)},
			},
			"environment": schema.MapAttribute{
				ElementType: types.StringType,
				Optional:    true,
				MarkdownDescription: "`Environment=` variables, one line each, sorted by name and quoted so that systemd reads the values back exactly. " +
					"Not sensitive: the unit file is world-readable, so secrets belong in `environment_file`.",
				Validators: []validator.Map{
					mapvalidator.KeysAre(stringvalidator.RegexMatches(envKey, "must be a variable name: letters, digits and _, not starting with a digit")),
					mapvalidator.ValueStringsAre(spiceschema.Check("Invalid environment value", "must be one line", systemd.CheckLine)),
				},
			},
			"restart": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "`Restart=`: `no`, `always`, `on-success`, `on-failure`, `on-abnormal`, `on-abort` or `on-watchdog`.",
				Validators:          []validator.String{stringvalidator.OneOf("no", "always", "on-success", "on-failure", "on-abnormal", "on-abort", "on-watchdog")},
			},
			"restart_sec": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "`RestartSec=` as a duration such as `\"1s\"` or `\"100ms\"`: how long systemd waits before restarting.",
				Validators:          []validator.String{spiceschema.Duration()},
			},
			"limit_nofile": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "`LimitNOFILE=`, the open-file limit of the service (soft and hard), such as the manual's 65536. " +
					"`/etc/security/limits.conf` does not apply to systemd services.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"after": schema.ListAttribute{
				ElementType:         types.StringType,
				Optional:            true,
				MarkdownDescription: "`After=` units, such as `network-online.target`, one line each.",
				Validators:          []validator.List{unitNames},
			},
			"wants": schema.ListAttribute{
				ElementType:         types.StringType,
				Optional:            true,
				MarkdownDescription: "`Wants=` units, one line each.",
				Validators:          []validator.List{unitNames},
			},
			"wanted_by": schema.ListAttribute{
				ElementType:         types.StringType,
				Optional:            true,
				Computed:            true,
				Default:             listdefault.StaticValue(types.ListValueMust(types.StringType, []attr.Value{types.StringValue("multi-user.target")})),
				MarkdownDescription: "`WantedBy=` targets of the `[Install]` section, which `enabled` links the service into. Default `[\"multi-user.target\"]`.",
				Validators:          []validator.List{unitNames},
			},
			"unit": schema.StringAttribute{
				Optional:  true,
				Computed:  true,
				Sensitive: true,
				MarkdownDescription: "The whole unit file, written as given, instead of the structured attributes (it conflicts with all of them). " +
					"With the structured attributes it is computed: the rendered unit file, so an edited unit file on the host plans an update. " +
					"Always sensitive, shown as `(sensitive value)` in plans and `show`: the rendered unit holds `exec_start` and `environment`, " +
					"and a provider cannot tell whether those came from sensitive values, so it never shows them through `unit`. " +
					"To see the file, run `systemctl cat NAME.service` on the host.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1), spiceschema.Check("Invalid unit", "must hold no control characters but line ends and tabs", checkUnitText)},
			},
			"enabled": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
				MarkdownDescription: "Start the service at boot (`systemctl enable`, links per `[Install]`). Default `true`.",
			},
			"state": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(stateRunning),
				MarkdownDescription: "`running` (default) or `stopped`. A running service found stopped or failed on refresh plans its start.",
				Validators:          []validator.String{stringvalidator.OneOf(stateRunning, stateStopped)},
			},
			"restart_on_unhealthy": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
				MarkdownDescription: "A running service whose health check fails on refresh (`healthy = false`: hung, deadlocked, " +
					"stopped by a signal) plans an update that restarts it and waits for its health check again. Default `true`.",
			},
			"healthy": schema.BoolAttribute{
				Computed: true,
				MarkdownDescription: "Whether the service answered its `health_check` when last read: refresh makes one request, bounded by " +
					"the check's `timeout` (a service not running is unhealthy without one). Null without a `health_check` and in image mode.",
			},
			"restart_triggers": schema.MapAttribute{
				ElementType: types.StringType,
				Optional:    true,
				MarkdownDescription: "Arbitrary values; a change of any restarts the running service, e.g. " +
					"`{ config = spice_file.config.sha256 }`.",
			},
			"active_state": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "systemd's `ActiveState` (`active`, `inactive`, `failed`, ...) as last read. Null in image mode.",
			},
			"main_pid": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "systemd's `MainPID` as last read (0 when not running). Null in image mode.",
			},
		},
		Blocks: map[string]schema.Block{
			"health_check": schema.SingleNestedBlock{
				MarkdownDescription: "After a start or restart, wait until the service answers here. The request is made by the host itself " +
					"(through the SSH connection for SSH hosts), so `http://127.0.0.1:8002/health` is the host's own loopback.",
				Attributes: map[string]schema.Attribute{
					"url": schema.StringAttribute{
						Optional:            true, // required when the block is present: see ValidateConfig
						MarkdownDescription: "The http or https URL to GET; redirects are not followed. Required.",
						Validators:          []validator.String{spiceschema.HealthURL()},
					},
					"expect_status": schema.Int64Attribute{
						Optional:            true,
						MarkdownDescription: "The status that means healthy. Default 200.",
						Validators:          []validator.Int64{int64validator.Between(100, 599)},
					},
					"timeout": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Timeout of one request. Default `\"5s\"`.",
						Validators:          []validator.String{spiceschema.Duration()},
					},
					"interval": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "Time between requests. Default `\"2s\"`.",
						Validators:          []validator.String{spiceschema.Duration()},
					},
					"start_period": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "How long the service may take to become healthy before the apply fails. Default `\"60s\"`.",
						Validators:          []validator.String{spiceschema.Duration()},
					},
				},
			},
		},
	}
}

// unitValue describes the values CheckValue accepts.
const unitValue = "must be one line, without leading or trailing whitespace, not ending in a backslash"

// checkUnitText refuses control characters other than line ends and tabs
// in a raw unit.
func checkUnitText(s string) error {
	for i, line := range strings.Split(s, "\n") {
		if err := systemd.CheckLine(line); err != nil {
			return fmt.Errorf("line %d: %w", i+1, err)
		}
	}
	return nil
}

// ValidateConfig requires exactly one of exec_start and unit, no
// structured attribute beside a raw unit, and a url in health_check.
func (r *serviceResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var unit, execStart types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("unit"), &unit)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("exec_start"), &execStart)...)
	var hc *serviceHealthModel
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("health_check"), &hc)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if hc != nil && hc.URL.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("health_check").AtName("url"), "Missing health check URL",
			"health_check.url is required when a health_check block is present")
	}
	if unit.IsNull() && execStart.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("exec_start"), "Missing exec_start",
			"exactly one of exec_start (with the other structured attributes) and unit (a raw unit file) is required")
		return
	}
	if unit.IsNull() {
		return
	}
	for _, name := range structuredAttributes {
		var v attr.Value
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(name), &v)...)
		if v != nil && !v.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Conflicting attributes",
				fmt.Sprintf("%s cannot be set together with unit: a raw unit file is written as given", name))
		}
	}
}

// renderUnit renders the unit file from the structured attributes; ok is
// false while any of them is unknown.
func (m *serviceModel) renderUnit(ctx context.Context) (content string, ok bool, diags diag.Diagnostics) {
	for _, v := range []attr.Value{m.Description, m.ExecStart, m.WorkingDirectory, m.User, m.Group, m.EnvironmentFile,
		m.Environment, m.Restart, m.RestartSec, m.LimitNOFILE, m.After, m.Wants, m.WantedBy} {
		if v.IsUnknown() {
			return "", false, nil
		}
	}
	strs := func(l types.List) []string {
		var out []string
		diags.Append(l.ElementsAs(ctx, &out, false)...)
		return out
	}
	var u systemd.Unit
	addString := func(section, key string, v types.String, escape bool) {
		if v.IsNull() {
			return
		}
		s := v.ValueString()
		if escape {
			s = systemd.Escape(s)
		}
		u.Add(section, key, s)
	}
	addString("Unit", "Description", m.Description, true)
	for _, a := range strs(m.After) {
		u.Add("Unit", "After", a)
	}
	for _, w := range strs(m.Wants) {
		u.Add("Unit", "Wants", w)
	}
	addString("Service", "User", m.User, true)
	addString("Service", "Group", m.Group, true)
	addString("Service", "WorkingDirectory", m.WorkingDirectory, true)
	addString("Service", "EnvironmentFile", m.EnvironmentFile, true)
	env := map[string]string{}
	diags.Append(m.Environment.ElementsAs(ctx, &env, false)...)
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		u.Add("Service", "Environment", systemd.EnvironmentValue(k, env[k]))
	}
	addString("Service", "ExecStart", m.ExecStart, false)
	addString("Service", "Restart", m.Restart, false)
	if known(m.RestartSec) {
		d, err := time.ParseDuration(m.RestartSec.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("restart_sec"), "Invalid duration", err.Error())
		}
		u.Add("Service", "RestartSec", systemd.TimeSpan(d))
	}
	if known(m.LimitNOFILE) {
		u.Add("Service", "LimitNOFILE", strconv.FormatInt(m.LimitNOFILE.ValueInt64(), 10))
	}
	for _, w := range strs(m.WantedBy) {
		u.Add("Install", "WantedBy", w)
	}
	b, err := u.Render()
	if err != nil {
		diags.AddError("Cannot render unit", fmt.Sprintf("unit %s: %s", systemd.ServiceUnit(m.Name.ValueString()), err))
	}
	return string(b), !diags.HasError(), diags
}

// ModifyPlan plans id and the unit file content: the raw unit or the
// rendered one, so that an edited file on the host shows as a diff of
// unit. Whenever anything changes, the service may be restarted, so
// active_state and main_pid become unknown.
func (r *serviceResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan, config serviceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if known(plan.Name) {
		plan.ID = types.StringValue(systemd.ServiceUnit(plan.Name.ValueString()))
	}
	if config.Unit.IsNull() {
		content, ok, diags := plan.renderUnit(ctx)
		resp.Diagnostics.Append(diags...)
		plan.Unit = types.StringUnknown()
		if ok {
			plan.Unit = types.StringValue(content)
		}
	}
	if !req.State.Raw.IsNull() {
		var state serviceModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if restartsUnhealthy(&state, &plan) {
			plan.Healthy = types.BoolValue(true) // shows as healthy = false -> true
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	if !req.State.Raw.IsNull() && !resp.Plan.Raw.Equal(req.State.Raw) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("active_state"), types.StringUnknown())...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("main_pid"), types.Int64Unknown())...)
	}
}

// restartsUnhealthy reports a service found running but unhealthy that
// plan repairs by a restart.
func restartsUnhealthy(prior, plan *serviceModel) bool {
	return prior.Healthy.Equal(types.BoolValue(false)) && prior.State.ValueString() == stateRunning &&
		plan.State.ValueString() == stateRunning && plan.RestartOnUnhealthy.ValueBool() && plan.HealthCheck != nil
}

// healthCheck is the declared check with its defaults applied.
func (m *serviceModel) healthCheck() (health.Check, bool) {
	if m.HealthCheck == nil {
		return health.Check{}, false
	}
	hc := m.HealthCheck
	durationOr := func(v types.String, def string) time.Duration {
		s := def
		if known(v) {
			s = v.ValueString()
		}
		d, _ := time.ParseDuration(s) // validated at plan time
		return d
	}
	c := health.Check{
		URL:          hc.URL.ValueString(),
		ExpectStatus: defaultExpectStatus,
		Timeout:      durationOr(hc.Timeout, defaultHealthTimeout),
		Interval:     durationOr(hc.Interval, defaultHealthInterval),
		StartPeriod:  durationOr(hc.StartPeriod, defaultStartPeriod),
	}
	if known(hc.ExpectStatus) {
		c.ExpectStatus = int(hc.ExpectStatus.ValueInt64())
	}
	return c, true
}

// converge makes the host match plan; a change of the restart triggers
// restarts the service. Once the unit file is written, a failure (a
// start, the health gate) still records the service in state: Terraform
// then keeps it, tainted after a create.
func (r *serviceResource) converge(ctx context.Context, plan, prior *serviceModel) (diag.Diagnostics, error) {
	restart := prior == nil || !plan.RestartTriggers.Equal(prior.RestartTriggers) || restartsUnhealthy(prior, plan)
	written, err := r.start(ctx, plan, restart)
	if plan.ActiveState.IsUnknown() {
		plan.ActiveState = types.StringNull()
	}
	if plan.MainPID.IsUnknown() {
		plan.MainPID = types.Int64Null()
	}
	if plan.Healthy.IsUnknown() {
		plan.Healthy = types.BoolNull()
	}
	if err != nil && written {
		err = &keptError{err}
	}
	return nil, err
}

// start writes the unit file and brings the service to its declared state
// (started, restarted when restart is set or the unit changed, or
// stopped; health-gated). written reports whether the unit file is in
// place.
func (r *serviceResource) start(ctx context.Context, plan *serviceModel, restart bool) (written bool, err error) {
	unit := systemd.ServiceUnit(plan.Name.ValueString())
	plan.ID = types.StringValue(unit)
	changed, err := r.units.WriteUnit(ctx, unit, []byte(plan.Unit.ValueString()))
	if err != nil {
		return false, err
	}
	status, err := systemd.Show(ctx, r.host, unit)
	if err != nil {
		return true, err
	}
	if status.NeedDaemonReload && !changed {
		r.units.MarkWritten() // changed by someone else since the last reload
	}
	if enabled, known := status.Enabled(); !known || enabled != plan.Enabled.ValueBool() {
		setEnabled := r.units.Disable
		if plan.Enabled.ValueBool() {
			setEnabled = r.units.Enable
		}
		if err := setEnabled(ctx, unit); err != nil {
			return true, err
		}
	}
	if err := r.units.Reload(ctx); err != nil {
		return true, err
	}
	if !systemd.Live(r.host) {
		plan.ActiveState, plan.MainPID, plan.Healthy = types.StringNull(), types.Int64Null(), types.BoolNull()
		return true, nil
	}
	started := false
	startedAt := time.Now()
	switch {
	case plan.State.ValueString() == stateStopped && status.Running():
		err = r.units.Stop(ctx, unit)
	case plan.State.ValueString() == stateRunning && (changed || restart || !status.Running()):
		err, started = r.units.Restart(ctx, unit), true
	}
	if err != nil {
		if started {
			err = r.unitFailure(ctx, unit, err)
		}
		return true, err
	}
	var healthErr error
	check, hasCheck := plan.healthCheck()
	if hasCheck && started {
		if _, healthErr = health.Wait(ctx, r.host, check, r.watchUnit(unit)); healthErr == nil {
			if err := r.recordRestartTime(ctx, plan.Name.ValueString(), time.Since(startedAt)); err != nil {
				return true, err
			}
		}
	}
	if status, err = systemd.Show(ctx, r.host, unit); err != nil {
		return true, err
	}
	plan.ActiveState, plan.MainPID = types.StringValue(status.ActiveState), types.Int64Value(int64(status.MainPID))
	switch {
	case !hasCheck:
		plan.Healthy = types.BoolNull()
	case started:
		plan.Healthy = types.BoolValue(healthErr == nil)
	default:
		plan.Healthy = types.BoolValue(r.probe(ctx, check, status))
	}
	if healthErr != nil {
		return true, fmt.Errorf("%s on %s: %w", unit, r.host.Name(), healthErr)
	}
	if started && status.ActiveState == "failed" {
		return true, r.unitFailure(ctx, unit, fmt.Errorf("%s on %s failed after its start", unit, r.host.Name()))
	}
	return true, nil
}

// journalLines is how much of a failed unit's journal an error quotes.
const journalLines = 20

// watchUnit, called between health probes, ends the wait once systemd
// has given up on the unit (failed, or its start limit hit), naming how
// it ended and quoting its journal, instead of probing a dead service for
// the rest of the start period.
func (r *serviceResource) watchUnit(unit string) func(context.Context) error {
	return func(ctx context.Context) error {
		status, err := systemd.Show(ctx, r.host, unit)
		if err != nil || !status.Failed() {
			return err
		}
		return r.unitFailure(ctx, unit, errors.New("the unit failed while waiting for its health check"))
	}
}

// unitFailure adds to failed what the operator would look up next: how
// the unit ended (its result and exit status, such as 203/EXEC) and the
// last lines of its journal (a missing EnvironmentFile, a traceback).
func (r *serviceResource) unitFailure(ctx context.Context, unit string, failed error) error {
	outcome := "status unknown"
	if status, err := systemd.Show(ctx, r.host, unit); err == nil {
		outcome = status.Outcome()
	}
	journal, err := systemd.JournalTail(ctx, r.host, unit, journalLines)
	if err != nil {
		journal = err.Error()
	}
	return fmt.Errorf("%w (%s); last %d journal lines (journalctl -u %s):\n%s", failed, outcome, journalLines, unit, journal)
}

// refresh reports drift: the unit file's content as unit, a stopped or
// failed service as state "stopped" (a running one as "running"), a
// disabled one as enabled false. A missing unit file removes the resource.
func (r *serviceResource) refresh(ctx context.Context, state *serviceModel) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	unit := systemd.ServiceUnit(state.Name.ValueString())
	// The file and the status over one connection at once.
	var status systemd.Status
	var statusErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		status, statusErr = systemd.Show(ctx, r.host, unit)
	}()
	content, found, err := systemd.ReadUnit(ctx, r.host, unit)
	<-done
	for _, e := range []error{err, statusErr} {
		if e != nil {
			diags.AddError("Cannot read service", e.Error())
			return true, diags
		}
	}
	if !found {
		return false, nil
	}
	state.ID = types.StringValue(unit)
	state.Unit = types.StringValue(string(content))
	if enabled, known := status.Enabled(); known {
		state.Enabled = types.BoolValue(enabled)
	} else if state.Enabled.IsNull() {
		state.Enabled = types.BoolValue(true)
	}
	if state.RestartOnUnhealthy.IsNull() {
		state.RestartOnUnhealthy = types.BoolValue(true) // imported, or recorded before the attribute existed
	}
	state.Healthy = types.BoolNull()
	if systemd.Live(r.host) {
		if status.Running() {
			state.State = types.StringValue(stateRunning)
		} else {
			state.State = types.StringValue(stateStopped)
		}
		state.ActiveState = types.StringValue(status.ActiveState)
		state.MainPID = types.Int64Value(int64(status.MainPID))
		if check, ok := state.healthCheck(); ok {
			state.Healthy = types.BoolValue(r.probe(ctx, check, status))
		}
	} else if state.State.IsNull() {
		state.State = types.StringValue(stateRunning)
	}
	return true, diags
}

// probe asks a service's health check once, bounded by its timeout; a
// service not running is unhealthy without asking.
func (r *serviceResource) probe(ctx context.Context, check health.Check, status systemd.Status) bool {
	return status.Running() && health.Probe(ctx, r.host, check.URL, check.Timeout).Healthy(check.ExpectStatus)
}

// destroy stops and disables the service, then removes its unit file and
// reloads, leaving neither a process nor a link behind.
func (r *serviceResource) destroy(ctx context.Context, state *serviceModel) (diag.Diagnostics, error) {
	return nil, r.remove(ctx, systemd.ServiceUnit(state.Name.ValueString()))
}

func (r *serviceResource) remove(ctx context.Context, unit string) error {
	status, err := systemd.Show(ctx, r.host, unit)
	if err != nil {
		return err
	}
	if systemd.Live(r.host) && status.LoadState != "not-found" {
		if err := r.units.Stop(ctx, unit); err != nil {
			return err
		}
		// A failed unit stays loaded as failed after the stop; any other
		// is unloaded by systemd at once.
		if status, err = systemd.Show(ctx, r.host, unit); err != nil {
			return err
		}
		if status.ActiveState == "failed" {
			if err := r.units.ResetFailed(ctx, unit); err != nil {
				return err
			}
		}
	}
	if enabled, known := status.Enabled(); known && enabled {
		if err := r.units.Disable(ctx, unit); err != nil {
			return err
		}
	}
	if err := r.units.RemoveUnit(ctx, unit); err != nil {
		return err
	}
	if err := r.units.Reload(ctx); err != nil {
		return err
	}
	timing := recovery.ServiceFile(strings.TrimSuffix(unit, ".service"))
	if err := r.host.Remove(ctx, timing); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s on %s: %w", timing, r.host.Name(), err)
	}
	return nil
}

// recordRestartTime keeps the measured restart-to-healthy time on the
// host, where spice_recovery_objective reads achievable_rto from.
func (r *serviceResource) recordRestartTime(ctx context.Context, name string, d time.Duration) error {
	b, err := json.Marshal(recovery.ServiceTiming{Service: name, RestartToHealthySeconds: d.Seconds(), MeasuredAt: time.Now().UTC()})
	if err != nil {
		return err
	}
	p := recovery.ServiceFile(name)
	if err := r.host.WriteFile(ctx, p, append(b, '\n'), host.Attrs{Perm: 0o644, UID: host.KeepID, GID: host.KeepID}); err != nil {
		return fmt.Errorf("record the restart time of %s in %s on %s: %w", name, p, r.host.Name(), err)
	}
	return nil
}

// ImportState takes the service's name (without .service). Refresh then
// reads the unit file into unit and the observed state; structured
// attributes stay unset until the configuration declares them, and a plan
// whose rendered unit equals the file restarts nothing.
func (r *serviceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if err := systemd.CheckServiceName(req.ID); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("the import ID is the service's name: %s", err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), systemd.ServiceUnit(req.ID))...)
}
