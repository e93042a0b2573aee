package provider

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spice-harvester/terraform-provider-spice/host"
	spiceschema "github.com/spice-harvester/terraform-provider-spice/schema"
)

var (
	_ resource.ResourceWithConfigure   = &sysctlResource{}
	_ resource.ResourceWithImportState = &sysctlResource{}
	_ resource.ResourceWithModifyPlan  = &sysctlResource{}
)

func newSysctlResource() resource.Resource {
	return withBase(&sysctlResource{}, resourceBase[sysctlModel]{
		typeName: "_sysctl", createFailed: "Cannot set sysctl", deleteFailed: "Cannot remove sysctl",
		createdPath: func(m *sysctlModel) string { return m.File.ValueString() },
	})
}

// sysctlResource is spice_sysctl: one kernel parameter, live in /proc/sys
// and persisted as one line of a file under /etc/sysctl.d/.
type sysctlResource struct {
	resourceBase[sysctlModel]
}

type sysctlModel struct {
	ID            types.String `tfsdk:"id"`
	Name          types.String `tfsdk:"name"`
	Value         types.String `tfsdk:"value"`
	Runtime       types.Bool   `tfsdk:"runtime"`
	Persist       types.Bool   `tfsdk:"persist"`
	File          types.String `tfsdk:"file"`
	OriginalValue types.String `tfsdk:"original_value"`
}

const sysctlDir = "/etc/sysctl.d"

// sysctlDefaultFile is one file per key, read by systemd-sysctl and
// `sysctl --system` at boot; 60 sorts after the distribution's defaults
// (10-..., 50-...) and before the administrator's 99-sysctl.conf.
func sysctlDefaultFile(name string) string { return sysctlDir + "/60-spice-" + name + ".conf" }

// sysctlProcPath maps a validated name to its /proc/sys file.
func sysctlProcPath(name string) string {
	return "/proc/sys/" + strings.ReplaceAll(name, ".", "/")
}

// normalSysctl is the kernel's normal form of a value: runs of spaces and
// tabs collapsed to one space, trimmed. The kernel prints multi-value keys
// with tabs ("32768\t60999") whatever was written.
func normalSysctl(v string) string { return strings.Join(strings.Fields(v), " ") }

func (r *sysctlResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One kernel parameter: applied live through `/proc/sys` (`runtime`) and persisted as a `name = value` line " +
			"in a file under `/etc/sysctl.d/` (`persist`), which systemd-sysctl applies at boot. " +
			"Values are compared in the kernel's normal form (runs of spaces and tabs collapsed), so multi-value keys such as " +
			"`net.ipv4.ip_local_port_range` converge. Refresh reads the live value and the persisted line: a value changed with " +
			"`sysctl -w` or an edited file plans an update. Destroy removes the persisted line (and the file when nothing else is left in it) " +
			"and writes `original_value` back live.\n\n" +
			"Kernel refusals (an invalid value, a read-only key such as `vm.swappiness` inside a container, no permission) fail the apply " +
			"naming the key, the host and the value. In image mode (provider `root` other than `/`) only the file is written: nothing live " +
			"is read or touched, and the key is not checked against a kernel.\n\n" +
			"Several resources may share one `file`: each edits only its own line, under a lock held by the provider process. " +
			"That lock does not reach other processes: do not point two provider configurations (aliases) at the same file of the same host.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The parameter's name; the import ID.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The parameter's dotted name, such as `net.core.somaxconn`: segments of `a-z`, `0-9`, `_` and `-`, checked at plan time. " +
					"With `runtime`, the key must exist on the host (`/proc/sys/net/core/somaxconn`); an unknown key fails the plan naming it. " +
					"Changing it replaces the resource.",
				Validators:    []validator.String{spiceschema.SysctlName()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"value": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The value, as `sysctl -w` takes it; several fields are separated by spaces (`\"32768 60999\"`). " +
					"Compared in the kernel's normal form.",
			},
			"runtime": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
				MarkdownDescription: "Apply the value to the running kernel and watch it for drift. Default `true`. Skipped in image mode.",
			},
			"persist": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
				MarkdownDescription: "Persist the value as a line of `file`, applied at boot. Default `true`.",
			},
			"file": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "The `.conf` file directly in `/etc/sysctl.d/` holding the persisted line. Default: one file per key, " +
					"`/etc/sysctl.d/60-spice-NAME.conf`. Files are read at boot in lexical order and a later file wins. Changing it replaces the resource.",
				Validators:    []validator.String{spiceschema.ConfFileIn(sysctlDir)},
				PlanModifiers: []planmodifier.String{sysctlFileDefault{}, stringplanmodifier.RequiresReplace()},
			},
			"original_value": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The live value found when the resource was created (in normal form), written back on destroy. " +
					"Null when nothing live was read (`runtime = false`, image mode, import).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// live reports whether the running kernel is managed for m.
func (r *sysctlResource) live(m *sysctlModel) bool {
	return m.Runtime.ValueBool() && !r.imageMode()
}

// readLive reads the key's live value in normal form. An absent /proc/sys
// file is an unknown key: on this kernel, with its modules loaded now.
func (r *sysctlResource) readLive(ctx context.Context, name string) (string, error) {
	b, err := r.host.ReadFile(ctx, sysctlProcPath(name))
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("unknown sysctl key %s on %s: %s does not exist", name, r.host.Name(), sysctlProcPath(name))
	}
	if err != nil {
		return "", fmt.Errorf("read sysctl %s on %s: %w", name, r.host.Name(), err)
	}
	return normalSysctl(string(b)), nil
}

// writeLive sets the key in the running kernel. /proc/sys files cannot be
// replaced by rename, so host.WriteFile does not apply: tee opens the
// file and writes the value it reads from stdin in one write(2), with
// neither value nor path passing through a shell, and reports the
// kernel's errno (EINVAL, EROFS, EACCES) by name. It needs only
// coreutils, not procps. The value is read back: a kernel that clamps or
// rewrites it would otherwise flap forever.
func (r *sysctlResource) writeLive(ctx context.Context, name, value string) error {
	p := sysctlProcPath(name)
	if _, err := r.host.Run(ctx, host.Command{Argv: []string{"tee", "--", p}, Stdin: []byte(value)}); err != nil {
		return fmt.Errorf("write sysctl %s = %q on %s: the kernel refused it: %w", name, value, r.host.Name(), err)
	}
	got, err := r.readLive(ctx, name)
	if err != nil {
		return err
	}
	if got != normalSysctl(value) {
		return fmt.Errorf("write sysctl %s = %q on %s: the kernel keeps %q instead", name, value, r.host.Name(), got)
	}
	return nil
}

// sysctlLineKey is the key of a sysctl.d line ("" for comments and blank
// lines): "-" (ignore errors) dropped, '/' separators taken as '.'.
func sysctlLineKey(line string) (key, value string) {
	l := strings.TrimSpace(line)
	if l == "" || l[0] == '#' || l[0] == ';' {
		return "", ""
	}
	k, v, ok := strings.Cut(l, "=")
	if !ok {
		return "", ""
	}
	k = strings.TrimPrefix(strings.TrimSpace(k), "-")
	return strings.ReplaceAll(k, "/", "."), strings.TrimSpace(v)
}

// readPersisted returns the value the file gives name (the last line for
// it wins, as for systemd-sysctl), and whether there is one.
func (r *sysctlResource) readPersisted(ctx context.Context, m *sysctlModel) (string, bool, error) {
	lines, _, err := readLines(ctx, r.host, m.File.ValueString())
	if err != nil {
		return "", false, fmt.Errorf("read sysctl file %s on %s: %w", m.File.ValueString(), r.host.Name(), err)
	}
	value, found := "", false
	for _, l := range lines {
		if k, v := sysctlLineKey(l); k == m.Name.ValueString() {
			value, found = normalSysctl(v), true
		}
	}
	return value, found, nil
}

// writePersisted makes the file hold exactly one line for name (or none).
func (r *sysctlResource) writePersisted(ctx context.Context, m *sysctlModel, keep bool) error {
	name := m.Name.ValueString()
	line := ""
	if keep {
		line = name + " = " + normalSysctl(m.Value.ValueString())
	}
	owns := func(l string) bool { k, _ := sysctlLineKey(l); return k == name }
	if err := r.editLines(ctx, m.File.ValueString(), owns, line); err != nil {
		return fmt.Errorf("persist sysctl %s in %s on %s: %w", name, m.File.ValueString(), r.host.Name(), err)
	}
	return nil
}

// sysctlFileDefault plans the default file from the name when file is not
// configured. It runs before RequiresReplace, which then sees a concrete
// path rather than an unknown one (that would replace on every change).
type sysctlFileDefault struct{}

func (sysctlFileDefault) Description(context.Context) string {
	return "defaults to /etc/sysctl.d/60-spice-NAME.conf"
}
func (d sysctlFileDefault) MarkdownDescription(ctx context.Context) string { return d.Description(ctx) }

func (sysctlFileDefault) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() {
		return
	}
	var name types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("name"), &name)...)
	if known(name) {
		resp.PlanValue = types.StringValue(sysctlDefaultFile(name.ValueString()))
	}
}

// ModifyPlan sets id and checks, on create with runtime, that the key
// exists on the host: an unknown key fails the plan rather than the apply.
func (r *sysctlResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan sysctlModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !known(plan.Name) {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), plan.Name)...)
	// Existing resources are checked by Read on refresh.
	if !req.State.Raw.IsNull() || r.hostContext == nil || !known(plan.Runtime) || !r.live(&plan) {
		return
	}
	if _, err := r.readLive(ctx, plan.Name.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Unknown sysctl key", err.Error())
	}
}

// converge sets the live value and the persisted line. original_value is
// the live value before spice first touched the key: recorded on create,
// kept from state on update unless runtime was off until now.
func (r *sysctlResource) converge(ctx context.Context, m, prior *sysctlModel) (diag.Diagnostics, error) {
	m.ID = m.Name
	recordOriginal := true
	if prior != nil {
		m.OriginalValue = prior.OriginalValue
		recordOriginal = prior.OriginalValue.IsNull()
	}
	name, value := m.Name.ValueString(), m.Value.ValueString()
	if r.live(m) {
		current, err := r.readLive(ctx, name)
		if err != nil {
			return nil, err
		}
		if recordOriginal {
			m.OriginalValue = types.StringValue(current)
		}
		if current != normalSysctl(value) {
			if err := r.writeLive(ctx, name, value); err != nil {
				return nil, err
			}
		}
	}
	if m.OriginalValue.IsUnknown() {
		m.OriginalValue = types.StringNull()
	}
	return nil, r.writePersisted(ctx, m, m.Persist.ValueBool())
}

// refresh reports drift through value: a live value other than the declared
// one (in normal form) becomes value, else a persisted line that differs
// or is missing ("" then). Both agreeing, value keeps the declared
// spelling, so "32768 60999" does not flap against the kernel's tab.
func (r *sysctlResource) refresh(ctx context.Context, state *sysctlModel) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	want := normalSysctl(state.Value.ValueString())
	imported := state.Value.IsNull()
	drifted := false
	if r.live(state) {
		current, err := r.readLive(ctx, state.Name.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("name"), "Cannot read sysctl", err.Error())
			return true, diags
		}
		if imported || current != want {
			drifted = !imported
			state.Value = types.StringValue(current)
			want = current
		}
	}
	if state.Persist.ValueBool() && !drifted {
		persisted, found, err := r.readPersisted(ctx, state)
		if err != nil {
			diags.AddError("Cannot read sysctl", err.Error())
			return true, diags
		}
		if imported && state.Value.IsNull() {
			state.Value = types.StringValue(persisted)
		} else if !found || persisted != want {
			state.Value = types.StringValue(persisted)
		}
	}
	return true, diags
}

// destroy removes the persisted line and writes original_value back live.
func (r *sysctlResource) destroy(ctx context.Context, state *sysctlModel) (diag.Diagnostics, error) {
	if err := r.writePersisted(ctx, state, false); err != nil {
		return nil, err
	}
	if !r.live(state) || state.OriginalValue.IsNull() {
		return nil, nil
	}
	var diags diag.Diagnostics
	name, orig := state.Name.ValueString(), state.OriginalValue.ValueString()
	current, err := r.readLive(ctx, name)
	if err == nil && current != orig {
		err = r.writeLive(ctx, name, orig)
	}
	if err != nil {
		diags.AddError("Cannot restore sysctl", err.Error())
	}
	return diags, nil
}

// ImportState takes the key's name; runtime and persist take their
// defaults, file the default one-file-per-key path.
func (r *sysctlResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if err := spiceschema.CheckSysctlName(req.ID); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("the import ID is the sysctl name: %s", err))
		return
	}
	for attr, v := range map[string]any{"id": req.ID, "name": req.ID, "file": sysctlDefaultFile(req.ID), "runtime": true, "persist": true} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), v)...)
	}
}
