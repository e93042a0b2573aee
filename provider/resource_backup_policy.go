package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"golang.org/x/crypto/ssh"

	"github.com/spice-harvester/terraform-provider-spice/backup"
	"github.com/spice-harvester/terraform-provider-spice/host"
	"github.com/spice-harvester/terraform-provider-spice/schedule"
	spiceschema "github.com/spice-harvester/terraform-provider-spice/schema"
	"github.com/spice-harvester/terraform-provider-spice/systemd"
)

var (
	_ resource.ResourceWithConfigure      = &backupPolicyResource{}
	_ resource.ResourceWithImportState    = &backupPolicyResource{}
	_ resource.ResourceWithModifyPlan     = &backupPolicyResource{}
	_ resource.ResourceWithValidateConfig = &backupPolicyResource{}
)

func newBackupPolicyResource() resource.Resource {
	return withBase(&backupPolicyResource{}, resourceBase[backupPolicyModel]{
		typeName: "_backup_policy", createFailed: "Cannot install backup policy", deleteFailed: "Cannot remove backup policy",
	})
}

// backupPolicyResource is spice_backup_policy: a policy file the agent
// reads, a systemd service and timer that run it, and the agent itself.
type backupPolicyResource struct {
	resourceBase[backupPolicyModel]
}

type backupPolicyModel struct {
	ID            types.String          `tfsdk:"id"`
	Name          types.String          `tfsdk:"name"`
	Schedule      types.String          `tfsdk:"schedule"`
	Destination   types.String          `tfsdk:"destination"`
	Compression   types.String          `tfsdk:"compression"`
	CompressLevel types.Int64           `tfsdk:"compression_level"`
	MetricsFile   types.String          `tfsdk:"metrics_file"`
	BinaryPath    types.String          `tfsdk:"binary_path"`
	Retention     *backupRetentionModel `tfsdk:"retention"`
	Sources       []backupSourceModel   `tfsdk:"source"`
	Offsite       []backupOffsiteModel  `tfsdk:"offsite"`
	Engine        types.String          `tfsdk:"engine"`
	Repository    types.String          `tfsdk:"repository"`
	Password      types.String          `tfsdk:"password"`
	ServiceUnit   types.String          `tfsdk:"service_unit"`
	TimerUnit     types.String          `tfsdk:"timer_unit"`
	TimerActive   types.Bool            `tfsdk:"timer_active"`
	BinarySHA256  types.String          `tfsdk:"binary_sha256"`
	LastSuccessAt types.String          `tfsdk:"last_success_at"`
	LastBackupID  types.String          `tfsdk:"last_backup_id"`
	BackupCount   types.Int64           `tfsdk:"backup_count"`
	LastDuration  types.String          `tfsdk:"last_duration"`
}

type backupRetentionModel struct {
	Days    types.Int64 `tfsdk:"days"`
	MinKeep types.Int64 `tfsdk:"min_keep"`
}

type backupSourceModel struct {
	Name    types.String `tfsdk:"name"`
	Paths   []string     `tfsdk:"paths"`
	BaseDir types.String `tfsdk:"base_dir"`
	Command []string     `tfsdk:"command"`
}

type backupOffsiteModel struct {
	Name       types.String          `tfsdk:"name"`
	Host       types.String          `tfsdk:"host"`
	Port       types.Int64           `tfsdk:"port"`
	User       types.String          `tfsdk:"user"`
	PrivateKey types.String          `tfsdk:"private_key"`
	HostKey    types.String          `tfsdk:"host_key"`
	Path       types.String          `tfsdk:"path"`
	Retention  *backupRetentionModel `tfsdk:"retention"`
}

func backupUnits(name string) (service, timer string) {
	return "spice-backup-" + name + ".service", "spice-backup-" + name + ".timer"
}

func (r *backupPolicyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A scheduled backup on the host, run by spice itself as the agent (`spice backup run`):\n\n" +
			"- the policy file `" + backup.PolicyFile("NAME") + "`, which `spice backup run|list|verify|restore -policy NAME` read;\n" +
			"- `spice-backup-NAME.service` (oneshot) and `spice-backup-NAME.timer` (`OnCalendar=` in UTC, `Persistent=true`, so a run missed while the host was off happens at boot), enabled and started;\n" +
			"- the spice binary at `binary_path`, uploaded when absent or when its sha256 differs from the running spice's " +
			"(or from the build `SPICE_AGENT_BINARY` names, e.g. one for the hosts' architecture: a binary for another architecture is refused).\n\n" +
			"Each run makes one directory per backup under `destination`, named by its UTC start time, with one archive per `source` and `metadata.json` " +
			"written last (a backup without it is incomplete and never counted); retention prunes by those timestamps and never removes the newest complete backup. " +
			"Refresh reads the backups through the agent: `last_success_at`, `last_backup_id`, `backup_count`, `last_duration`.\n\n" +
			"A run killed outright leaves a directory without `metadata.json`: the next run removes it, under the destination's lock, before it starts, " +
			"and says so in its log and in `spice_backup_last_run_removed_incomplete`. Complete and failed backups are left to retention.\n\n" +
			"Each `offsite` block names another host that keeps copies: after every successful run the agent pushes the new backup there over SFTP " +
			"(its own key, the pinned host key), verifies every checksum by reading the copy back, renames it into place, and applies retention there. " +
			"A failed push fails the run (exit status, journal, metrics) and keeps the local backup. Recovery objectives with `offsite = true` count only these copies.\n\n" +
			"Destroy stops and removes the timer, the service and the policy file. The backups and the agent binary stay: " +
			"backups are data, and the binary may serve other policies and drills.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The policy name.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Names the policy file, the units (`spice-backup-NAME`) and the metrics label: letters, digits, `.`, `_`, `-`. Changing it replaces the resource.",
				Validators:          []validator.String{spiceschema.Check("Invalid name", "a policy name", backup.CheckName)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"schedule": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "When to run, in UTC: a systemd calendar expression (`daily`, `hourly`, `*-*-* 02:00:00`, `Mon..Fri 02:00`, lists, ranges, steps) " +
					"or a 5-field cron line (`0 */6 * * *`), converted to `OnCalendar=` lines.",
				Validators: []validator.String{spiceschema.Check("Invalid schedule", "a systemd calendar expression or a cron line", func(s string) error {
					_, err := schedule.Parse(s)
					return err
				})},
			},
			"destination": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The directory holding one directory per backup; created 0700.",
				Validators:          []validator.String{spiceschema.AbsolutePath()},
			},
			"compression": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(backup.DefaultCompression),
				MarkdownDescription: "`zstd` (the default, `.tar.zst`: one frame per MiB, encoded on every core at once, so one backup uses both cores of a small host), `gzip` (one core, `.tar.gz` as the manual's backups) or `none`. " +
					"A change applies to the next backups; each backup is restored with the compression its `metadata.json` records. " +
					"The native engine's archives only: a restic repository compresses as restic does.",
				Validators: []validator.String{stringvalidator.OneOf(backup.CompressionZstd, backup.CompressionGzip, backup.CompressionNone)},
			},
			"compression_level": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "How hard to compress; the fastest level, `1`, when omitted. `zstd`: `1` fastest (about `zstd -1`), `2` (about `zstd -3`), `3` (about `zstd -7`), `4` smallest (about `zstd -11`). " +
					"`gzip`: `1` to `9`. Not allowed with `none`.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"metrics_file": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "A node_exporter textfile rewritten after every run: `spice_backup_last_success_timestamp_seconds`, " +
					"`spice_backup_last_duration_seconds`, `spice_backup_last_size_bytes`, `spice_backup_last_run_success`, ... labelled `policy`.",
				Validators: []validator.String{spiceschema.AbsolutePath()},
			},
			"binary_path": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(defaultBinaryPath),
				MarkdownDescription: "Where the agent is installed. Default `" + defaultBinaryPath + "`.",
				Validators:          []validator.String{spiceschema.AbsolutePath(), stringvalidator.RegexMatches(safeUnitPath, "must not contain spaces, quotes, '%', '$' or backslashes: it stands in ExecStart=")},
			},
			"service_unit":    computed("The `spice-backup-NAME.service` unit file; an edit on the host shows as a diff."),
			"timer_unit":      computed("The `spice-backup-NAME.timer` unit file; an edit on the host shows as a diff."),
			"timer_active":    schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the timer is enabled and active (in image mode: enabled); a stopped or disabled timer shows as a diff."},
			"binary_sha256":   computed("sha256 of the agent at `binary_path`; a different binary shows as a diff and is replaced."),
			"last_success_at": computed("When the newest complete backup was taken (RFC 3339, UTC); null when there is none."),
			"last_backup_id":  computed("ID of the newest complete backup."),
			"backup_count":    schema.Int64Attribute{Computed: true, MarkdownDescription: "How many complete backups there are."},
			"last_duration":   computed("How long the newest complete backup took, such as `4.2s`."),
		},
		Blocks: map[string]schema.Block{
			"retention": schema.SingleNestedBlock{
				MarkdownDescription: "How long backups are kept. Without it they are kept forever.",
				Attributes: map[string]schema.Attribute{
					"days": schema.Int64Attribute{Optional: true,
						MarkdownDescription: "Backups whose timestamp is older than this many days are pruned after each successful run; `0` keeps them."},
					"min_keep": schema.Int64Attribute{Optional: true,
						MarkdownDescription: "The newest this-many complete backups are kept whatever their age (the newest one always is)."},
				},
			},
			"offsite": schema.ListNestedBlock{
				MarkdownDescription: "Another host (over SSH/SFTP) that receives a verified copy of every successful backup. " +
					"`spice backup list -policy NAME -offsite TARGET` lists its copies; `spice backup restore -policy NAME -offsite TARGET ID` restores from one (verified first).",
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"name": schema.StringAttribute{Required: true,
							MarkdownDescription: "Labels the target: unique in the policy; letters, digits, `.`, `_`, `-`."},
						"host": schema.StringAttribute{Required: true, MarkdownDescription: "Host name or address of the far side (without a port)."},
						"port": schema.Int64Attribute{Optional: true, MarkdownDescription: "SSH port; 22 when omitted."},
						"user": schema.StringAttribute{Required: true, MarkdownDescription: "The account on the far side; it needs only SFTP access to `path`."},
						"private_key": schema.StringAttribute{Required: true, Sensitive: true,
							MarkdownDescription: "The client key (OpenSSH or PEM, unencrypted), such as `file(\"keys/offsite\")`. Installed as `" +
								backup.OffsiteKeyFile("POLICY", "NAME") + "` (0600, root): never in the policy file, on a command line or in output."},
						"host_key": schema.StringAttribute{Required: true,
							MarkdownDescription: "The far side's public host key, pinned: `\"ssh-ed25519 AAAA...\"` or a known_hosts line. Any other key refuses the push."},
						"path": schema.StringAttribute{Required: true,
							MarkdownDescription: "Absolute directory on the far side holding one directory per backup, as `destination` does locally."},
					},
					Blocks: map[string]schema.Block{
						"retention": schema.SingleNestedBlock{
							MarkdownDescription: "Retention on the far side; the policy's `retention` when omitted.",
							Attributes: map[string]schema.Attribute{
								"days":     schema.Int64Attribute{Optional: true, MarkdownDescription: "Copies older than this many days are pruned after each push; `0` keeps them."},
								"min_keep": schema.Int64Attribute{Optional: true, MarkdownDescription: "The newest this-many copies are kept whatever their age (the newest one always is)."},
							},
						},
					},
				},
			},
			"source": schema.ListNestedBlock{
				MarkdownDescription: "One archive per source: `paths` relative to `base_dir` (a tar archive, symlinks kept as links), " +
					"or the standard output of `command` (argv, no shell), streamed, such as `[\"docker\", \"exec\", \"terminusdb\", \"terminusdb\", \"bundle\", \"admin/spice\", \"-o\", \"/dev/stdout\"]`.",
				Validators: []validator.List{listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"name":     schema.StringAttribute{Required: true, MarkdownDescription: "Names the archive; unique in the policy."},
					"paths":    schema.ListAttribute{ElementType: types.StringType, Optional: true, MarkdownDescription: "Relative paths below `base_dir`."},
					"base_dir": schema.StringAttribute{Optional: true, MarkdownDescription: "The absolute directory `paths` are relative to."},
					"command":  schema.ListAttribute{ElementType: types.StringType, Optional: true, MarkdownDescription: "Argv whose standard output is saved; a non-zero exit fails the backup."},
				}},
			},
		},
	}
	maps.Copy(resp.Schema.Attributes, resticAttributes())
}

var safeUnitPath = regexp.MustCompile(`^[A-Za-z0-9/._+-]+$`)

// policy is the agent's view of the model.
func (m *backupPolicyModel) policy() *backup.Policy {
	p := &backup.Policy{
		Name: m.Name.ValueString(), Schedule: m.Schedule.ValueString(), Destination: m.Destination.ValueString(),
		Compression: m.Compression.ValueString(), CompressionLevel: int(m.CompressLevel.ValueInt64()), MetricsFile: m.MetricsFile.ValueString(),
		Engine: m.Engine.ValueString(), Repository: m.Repository.ValueString(),
	}
	if p.Engine == backup.EngineRestic {
		p.PasswordFile = backup.ResticPasswordFile(p.Name)
	}
	if m.Retention != nil {
		p.Retention = backup.Retention{Days: int(m.Retention.Days.ValueInt64()), MinKeep: int(m.Retention.MinKeep.ValueInt64())}
	}
	for _, s := range m.Sources {
		p.Sources = append(p.Sources, backup.Source{Name: s.Name.ValueString(), Paths: s.Paths, BaseDir: s.BaseDir.ValueString(), Command: s.Command})
	}
	for _, o := range m.Offsite {
		t := backup.Offsite{
			Name: o.Name.ValueString(), Host: o.Host.ValueString(), Port: int(o.Port.ValueInt64()), User: o.User.ValueString(),
			PrivateKeyFile: backup.OffsiteKeyFile(p.Name, o.Name.ValueString()), HostKey: o.HostKey.ValueString(), Path: o.Path.ValueString(),
		}
		if o.Retention != nil {
			t.Retention = &backup.Retention{Days: int(o.Retention.Days.ValueInt64()), MinKeep: int(o.Retention.MinKeep.ValueInt64())}
		}
		p.Offsite = append(p.Offsite, t)
	}
	return p
}

// retentionModel is the installed retention r in HCL form, keeping null the
// attributes that prior (the state or configuration) left out and that
// are zero.
func retentionModel(r backup.Retention, prior *backupRetentionModel) *backupRetentionModel {
	keep := func(n int, priorValue func(*backupRetentionModel) types.Int64) types.Int64 {
		if n == 0 && (prior == nil || priorValue(prior).IsNull()) {
			return types.Int64Null()
		}
		return types.Int64Value(int64(n))
	}
	return &backupRetentionModel{
		Days:    keep(r.Days, func(r *backupRetentionModel) types.Int64 { return r.Days }),
		MinKeep: keep(r.MinKeep, func(r *backupRetentionModel) types.Int64 { return r.MinKeep }),
	}
}

// ValidateConfig runs the agent's own validation of the policy, so that a
// policy the agent would refuse fails the plan, naming the attribute.
func (r *backupPolicyResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	if !req.Config.Raw.IsFullyKnown() {
		return
	}
	var m backupPolicyModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if m.Compression.IsNull() {
		m.Compression = types.StringValue(backup.DefaultCompression)
	}
	if m.Engine.IsNull() {
		m.Engine = types.StringValue(backup.EngineNative)
	}
	m.validateRestic(&resp.Diagnostics)
	for i, o := range m.Offsite {
		// The message never holds the key: only the parser's reason.
		if _, err := ssh.ParsePrivateKey([]byte(o.PrivateKey.ValueString())); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("offsite").AtListIndex(i).AtName("private_key"), "Invalid backup policy",
				fmt.Sprintf("offsite[%d].private_key: is not an unencrypted OpenSSH or PEM private key (%s)", i, err))
		}
	}
	err := m.policy().Validate()
	if err == nil {
		return
	}
	for _, e := range strings.Split(err.Error(), "\n") {
		if strings.HasPrefix(e, "name:") {
			continue // the name's own validator said it
		}
		resp.Diagnostics.AddError("Invalid backup policy", strings.Replace(e, "sources[", "source[", 1))
	}
}

// units renders the service and the timer.
func (m *backupPolicyModel) units() (service, timer string, err error) {
	name := m.Name.ValueString()
	s, err := schedule.Parse(m.Schedule.ValueString())
	if err != nil {
		return "", "", err
	}
	var svc systemd.Unit
	svc.Add("Unit", "Description", systemd.Escape("spice backup "+name))
	svc.Add("Unit", "Documentation", "man:systemd.timer(5)")
	svc.Add("Service", "Type", "oneshot")
	svc.Add("Service", "ExecStart", m.BinaryPath.ValueString()+" backup run -policy "+name)
	// A backup yields to the services it protects.
	svc.Add("Service", "Nice", "10")
	svc.Add("Service", "IOSchedulingClass", "idle")
	var tmr systemd.Unit
	tmr.Add("Unit", "Description", systemd.Escape("spice backup "+name+" schedule"))
	for _, line := range s.OnCalendar() {
		tmr.Add("Timer", "OnCalendar", line)
	}
	tmr.Add("Timer", "Persistent", "true")
	// Runs start on time: systemd's default accuracy is a minute.
	tmr.Add("Timer", "AccuracySec", "1s")
	tmr.Add("Install", "WantedBy", "timers.target")
	sb, err := svc.Render()
	if err != nil {
		return "", "", err
	}
	tb, err := tmr.Render()
	return string(sb), string(tb), err
}

// ModifyPlan plans what apply installs (the units, an active timer, the
// running spice as the agent) so that drift on the host shows as a diff,
// and tells objectives of this run the schedule about to be applied.
func (r *backupPolicyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !req.Config.Raw.IsFullyKnown() {
		return
	}
	plan := plannedModel[backupPolicyModel](ctx, req, resp)
	if plan == nil {
		return
	}
	service, timer, err := plan.units()
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("schedule"), "Invalid schedule", err.Error())
		return
	}
	plan.ID = plan.Name
	plan.ServiceUnit, plan.TimerUnit = types.StringValue(service), types.StringValue(timer)
	plan.TimerActive = types.BoolValue(true)
	// The agent depends on the host's architecture: unknown until the
	// provider is configured.
	plan.BinarySHA256 = types.StringUnknown()
	if r.hostContext != nil {
		machine, err := r.agents.hostMachine(ctx, r.host)
		if err != nil {
			resp.Diagnostics.AddError("Cannot plan the backup agent", err.Error())
			return
		}
		agent, err := localAgent(&r.agents, machine)
		if err != nil {
			resp.Diagnostics.AddError("Cannot plan the backup agent", err.Error())
			return
		}
		plan.BinarySHA256 = types.StringValue(agent.sha256)
	}
	if r.hostContext != nil {
		planned := plannedPolicy{Schedule: plan.Schedule.ValueString(), BinaryPath: plan.BinaryPath.ValueString(), Destination: plan.Destination.ValueString(),
			OffsiteRepository: plan.policy().OffsiteRepository()}
		for _, o := range plan.Offsite {
			planned.Offsite = append(planned.Offsite, o.Name.ValueString())
		}
		r.policies.record(plan.Name.ValueString(), planned)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

// converge installs the agent, the policy file and the units, then reads
// the backups back.
func (r *backupPolicyResource) converge(ctx context.Context, m, _ *backupPolicyModel) (diag.Diagnostics, error) {
	if err := r.install(ctx, m); err != nil {
		return nil, err
	}
	var warnings diag.Diagnostics
	r.readBackups(ctx, m, &warnings)
	return warnings, nil
}

// install puts the agent, the policy file and the units in place, in that
// order: the timer never fires before what it runs is there.
func (r *backupPolicyResource) install(ctx context.Context, m *backupPolicyModel) error {
	name := m.Name.ValueString()
	if err := installAgent(ctx, r.hostContext, m.BinaryPath.ValueString()); err != nil {
		return err
	}
	if err := r.installOffsiteKeys(ctx, m); err != nil {
		return err
	}
	if err := r.installResticPassword(ctx, m); err != nil {
		return err
	}
	b, err := json.MarshalIndent(m.policy(), "", "  ")
	if err != nil {
		return err
	}
	if err := r.host.WriteFile(ctx, backup.PolicyFile(name), append(b, '\n'), host.Attrs{Perm: 0o600, UID: 0, GID: 0}); err != nil {
		return fmt.Errorf("write %s on %s: %w", backup.PolicyFile(name), r.host.Name(), err)
	}
	serviceUnit, timerUnit := backupUnits(name)
	for unit, content := range map[string]string{serviceUnit: m.ServiceUnit.ValueString(), timerUnit: m.TimerUnit.ValueString()} {
		if _, err := r.units.WriteUnit(ctx, unit, []byte(content)); err != nil {
			return err
		}
	}
	if err := r.units.Enable(ctx, timerUnit); err != nil {
		return err
	}
	if err := r.units.Reload(ctx); err != nil {
		return err
	}
	if !systemd.Live(r.host) {
		return nil
	}
	// restart, not start: a changed schedule takes effect now.
	return r.units.Restart(ctx, timerUnit)
}

// installOffsiteKeys writes each off-site target's private key to its own
// 0600 file in a 0700 directory, and removes the keys of targets no
// longer declared. The key never appears in the policy file or a command.
func (r *backupPolicyResource) installOffsiteKeys(ctx context.Context, m *backupPolicyModel) error {
	name := m.Name.ValueString()
	dir := backup.OffsiteKeyDir(name)
	if len(m.Offsite) == 0 {
		if err := r.host.RemoveAll(ctx, dir); err != nil {
			return fmt.Errorf("remove %s on %s: %w", dir, r.host.Name(), err)
		}
		return nil
	}
	if err := r.host.Mkdir(ctx, dir, host.Attrs{Perm: 0o700, UID: 0, GID: 0}); err != nil {
		return fmt.Errorf("create %s on %s: %w", dir, r.host.Name(), err)
	}
	declared := map[string]bool{}
	for _, o := range m.Offsite {
		file := backup.OffsiteKeyFile(name, o.Name.ValueString())
		declared[o.Name.ValueString()+".key"] = true
		if err := r.host.WriteFile(ctx, file, []byte(o.PrivateKey.ValueString()), host.Attrs{Perm: 0o600, UID: 0, GID: 0}); err != nil {
			return fmt.Errorf("write the key of offsite %s on %s: %w", o.Name.ValueString(), r.host.Name(), err)
		}
	}
	names, err := r.host.ReadDir(ctx, dir)
	if err != nil {
		return fmt.Errorf("list %s on %s: %w", dir, r.host.Name(), err)
	}
	for _, n := range names {
		if !declared[n] {
			if err := r.host.RemoveAll(ctx, dir+"/"+n); err != nil {
				return fmt.Errorf("remove the key %s/%s of a removed offsite target on %s: %w", dir, n, r.host.Name(), err)
			}
		}
	}
	return nil
}

// readBackups fills the computed view of the backups, through the agent.
func (r *backupPolicyResource) readBackups(ctx context.Context, m *backupPolicyModel, diags *diag.Diagnostics) {
	m.LastSuccessAt, m.LastBackupID, m.LastDuration = types.StringNull(), types.StringNull(), types.StringNull()
	m.BackupCount = types.Int64Value(0)
	if !systemd.Live(r.host) {
		return
	}
	backups, err := listBackups(ctx, r.host, m.BinaryPath.ValueString(), m.Name.ValueString())
	if err != nil {
		diags.AddWarning("Cannot list backups", err.Error())
		return
	}
	count := 0
	for _, b := range backups {
		if b.Status != backup.StatusComplete {
			continue
		}
		count++
		m.LastSuccessAt = types.StringValue(b.Time.UTC().Format(time.RFC3339))
		m.LastBackupID = types.StringValue(b.ID)
		m.LastDuration = types.StringValue(time.Duration(b.DurationSeconds * float64(time.Second)).Round(100 * time.Millisecond).String())
	}
	m.BackupCount = types.Int64Value(int64(count))
}

// refresh reads the policy file back (a missing one removes the resource),
// the unit files, whether the timer runs, the agent's hash and the backups.
func (r *backupPolicyResource) refresh(ctx context.Context, m *backupPolicyModel) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	fail := func(err error) (bool, diag.Diagnostics) {
		diags.AddError("Cannot read backup policy", err.Error())
		return true, diags
	}
	name := m.Name.ValueString()
	b, err := r.host.ReadFile(ctx, backup.PolicyFile(name))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return fail(fmt.Errorf("read %s on %s: %w", backup.PolicyFile(name), r.host.Name(), err))
	}
	var p backup.Policy
	if err := json.Unmarshal(b, &p); err != nil {
		return fail(fmt.Errorf("%s on %s: %w", backup.PolicyFile(name), r.host.Name(), err))
	}
	m.fromPolicy(&p)
	if err := r.readResticPassword(ctx, m, &p); err != nil {
		return fail(err)
	}
	for i := range m.Offsite {
		// The installed key is the truth: a key changed or removed on
		// the host shows as a (sensitive) diff.
		key, err := r.host.ReadFile(ctx, p.Offsite[i].PrivateKeyFile)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			m.Offsite[i].PrivateKey = types.StringValue("")
		case err != nil:
			return fail(fmt.Errorf("read the key of offsite %s on %s: %w", p.Offsite[i].Name, r.host.Name(), err))
		default:
			m.Offsite[i].PrivateKey = types.StringValue(string(key))
		}
	}
	serviceUnit, timerUnit := backupUnits(name)
	for unit, attr := range map[string]*types.String{serviceUnit: &m.ServiceUnit, timerUnit: &m.TimerUnit} {
		content, found, err := systemd.ReadUnit(ctx, r.host, unit)
		if err != nil {
			return fail(err)
		}
		*attr = types.StringValue(string(content))
		if !found {
			*attr = types.StringNull()
		}
	}
	status, err := systemd.Show(ctx, r.host, timerUnit)
	if err != nil {
		return fail(err)
	}
	enabled, _ := status.Enabled()
	m.TimerActive = types.BoolValue(enabled && (!systemd.Live(r.host) || status.ActiveState == "active"))
	sum, err := remoteSHA256(ctx, r.host, m.BinaryPath.ValueString())
	if err != nil {
		return fail(err)
	}
	m.BinarySHA256 = types.StringValue(sum)
	m.ID = m.Name
	r.readBackups(ctx, m, &diags)
	return true, diags
}

// fromPolicy takes the installed policy's values, keeping null what the
// configuration left out.
func (m *backupPolicyModel) fromPolicy(p *backup.Policy) {
	m.Schedule, m.Destination = types.StringValue(p.Schedule), types.StringValue(p.Destination)
	m.Compression = types.StringValue(p.Compression)
	if p.Compression == "" {
		m.Compression = types.StringValue(backup.DefaultCompression)
	}
	m.CompressLevel = types.Int64Null()
	if p.CompressionLevel != 0 {
		m.CompressLevel = types.Int64Value(int64(p.CompressionLevel))
	}
	m.MetricsFile = types.StringNull()
	if p.MetricsFile != "" {
		m.MetricsFile = types.StringValue(p.MetricsFile)
	}
	if p.Retention != (backup.Retention{}) || m.Retention != nil {
		m.Retention = retentionModel(p.Retention, m.Retention)
	}
	prior := map[string]backupOffsiteModel{}
	for _, o := range m.Offsite {
		prior[o.Name.ValueString()] = o
	}
	m.Offsite = nil
	for _, o := range p.Offsite {
		before := prior[o.Name]
		t := backupOffsiteModel{
			Name: types.StringValue(o.Name), Host: types.StringValue(o.Host), Port: types.Int64Null(), User: types.StringValue(o.User),
			PrivateKey: before.PrivateKey, HostKey: types.StringValue(o.HostKey), Path: types.StringValue(o.Path),
		}
		if o.Port != 0 {
			t.Port = types.Int64Value(int64(o.Port))
		}
		if o.Retention != nil {
			t.Retention = retentionModel(*o.Retention, before.Retention)
		}
		m.Offsite = append(m.Offsite, t)
	}
	m.Sources = nil
	for _, s := range p.Sources {
		src := backupSourceModel{Name: types.StringValue(s.Name), Paths: s.Paths, Command: s.Command, BaseDir: types.StringNull()}
		if s.BaseDir != "" {
			src.BaseDir = types.StringValue(s.BaseDir)
		}
		m.Sources = append(m.Sources, src)
	}
}

// destroy stops and removes the timer, the service and the policy file.
func (r *backupPolicyResource) destroy(ctx context.Context, m *backupPolicyModel) (diag.Diagnostics, error) {
	name := m.Name.ValueString()
	serviceUnit, timerUnit := backupUnits(name)
	if systemd.Live(r.host) {
		status, err := systemd.Show(ctx, r.host, timerUnit)
		if err != nil {
			return nil, err
		}
		if status.LoadState == "loaded" {
			if err := r.units.Stop(ctx, timerUnit); err != nil {
				return nil, err
			}
		}
	}
	if _, found, _ := systemd.ReadUnit(ctx, r.host, timerUnit); found {
		if err := r.units.Disable(ctx, timerUnit); err != nil {
			return nil, err
		}
	}
	for _, unit := range []string{timerUnit, serviceUnit} {
		if err := r.units.RemoveUnit(ctx, unit); err != nil {
			return nil, err
		}
	}
	if err := r.units.Reload(ctx); err != nil {
		return nil, err
	}
	if err := r.host.Remove(ctx, backup.PolicyFile(name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("remove %s on %s: %w", backup.PolicyFile(name), r.host.Name(), err)
	}
	if err := r.host.RemoveAll(ctx, backup.OffsiteKeyDir(name)); err != nil {
		return nil, fmt.Errorf("remove %s on %s: %w", backup.OffsiteKeyDir(name), r.host.Name(), err)
	}
	if err := r.host.Remove(ctx, backup.ResticPasswordFile(name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("remove %s on %s: %w", backup.ResticPasswordFile(name), r.host.Name(), err)
	}
	return nil, nil
}

// ImportState takes the policy name; the rest is read from the host.
func (r *backupPolicyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if err := backup.CheckName(req.ID); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("binary_path"), defaultBinaryPath)...)
}
