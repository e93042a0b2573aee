package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"

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
	spiceschema "github.com/spice-harvester/terraform-provider-spice/schema"
)

var (
	_ resource.ResourceWithConfigure      = &maintenanceModeResource{}
	_ resource.ResourceWithImportState    = &maintenanceModeResource{}
	_ resource.ResourceWithModifyPlan     = &maintenanceModeResource{}
	_ resource.ResourceWithValidateConfig = &maintenanceModeResource{}
)

func newMaintenanceModeResource() resource.Resource {
	return withBase(&maintenanceModeResource{}, resourceBase[maintenanceModeModel]{
		typeName: "_maintenance_mode", createFailed: "Cannot switch maintenance mode", deleteFailed: "Cannot leave maintenance mode",
		// Create remembers the status file's parent directories it
		// brings along, for destroy to take back.
		createdPath: func(m *maintenanceModeModel) string { return m.StatusFile.ValueString() },
	})
}

// maintenanceModeResource is spice_maintenance_mode: the manual's
// scripts/maintenance_mode.sh as a declared state. Enabled, the status
// file says so and nginx's site link points at the maintenance site;
// disabled, the file is gone and the link points at production.
type maintenanceModeResource struct {
	resourceBase[maintenanceModeModel]
}

type maintenanceModeModel struct {
	ID              types.String `tfsdk:"id"`
	Enabled         types.Bool   `tfsdk:"enabled"`
	Message         types.String `tfsdk:"message"`
	StatusFile      types.String `tfsdk:"status_file"`
	SiteLink        types.String `tfsdk:"site_link"`
	ProductionSite  types.String `tfsdk:"production_site"`
	MaintenanceSite types.String `tfsdk:"maintenance_site"`
	Reload          types.Bool   `tfsdk:"reload"`
	Mode            types.String `tfsdk:"mode"`
}

// The manual's paths and message.
const (
	maintenanceDefaultMessage = "System under maintenance"
	maintenanceStatusFile     = "/var/www/maintenance.json"
	maintenanceSiteLink       = "/etc/nginx/sites-enabled/default"
	maintenanceProduction     = "/etc/nginx/sites-available/production"
	maintenanceSite           = "/etc/nginx/sites-available/maintenance"

	modeMaintenance = "maintenance"
	modeProduction  = "production"
	modeMixed       = "mixed"
)

// plannedMode is the mode enabled asks for.
func plannedMode(enabled bool) string {
	if enabled {
		return modeMaintenance
	}
	return modeProduction
}

func (r *maintenanceModeResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	pathAttr := func(def, desc string, replace bool) schema.StringAttribute {
		a := schema.StringAttribute{
			Optional: true, Computed: true, Default: stringdefault.StaticString(def),
			MarkdownDescription: desc + " Default `" + def + "`.",
			Validators:          []validator.String{spiceschema.AbsolutePath()},
		}
		if replace {
			a.MarkdownDescription += " Changing it replaces the resource."
			a.PlanModifiers = []planmodifier.String{stringplanmodifier.RequiresReplace()}
		}
		return a
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Maintenance mode as the manual's `scripts/maintenance_mode.sh` switches it. " +
			"Enabled: `status_file` holds `{\"maintenance\": true, \"message\": \"...\"}` (the manual's JSON, mode `0644`, written atomically) " +
			"and `site_link` is a symbolic link to `maintenance_site`. Disabled: `status_file` is removed and `site_link` points at `production_site`. " +
			"The link is swapped atomically (a new link renamed over the old one): nginx never sees a missing site. " +
			"The status file exists whenever the maintenance site may be served: it is written before the link swap on enable and removed after it on disable.\n\n" +
			"After a link swap, when nginx is installed, `nginx -t` checks the whole configuration; if it fails, the link and the status file are put back " +
			"as they were and the apply fails with nginx's message. Then, with `reload`, `nginx -s reload` (the manual's command; it signals the master " +
			"whether systemd or a person started it). Without nginx, or with nginx not running, nothing is reloaded and a warning says why. " +
			"In image mode (provider `root` other than `/`) only files and the link change: nginx is never run.\n\n" +
			"Both site files must exist: a link to a missing site fails the apply naming it. A `site_link` that is a regular file or a directory is " +
			"refused, never replaced. Refresh reads the link and the status file into `mode`: a host left half-way (link and file disagreeing), or switched by hand, " +
			"plans an update back to what `enabled` says; an edited message in the status file plans an update of `message`. Destroy leaves the site in production: the link points at `production_site` and the status file is removed. " +
			"Import by `site_link`; the other paths take their defaults.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`site_link`; the import ID.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"enabled": schema.BoolAttribute{
				Required:            true,
				MarkdownDescription: "`true`: in maintenance. `false`: in production.",
			},
			"message": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(maintenanceDefaultMessage),
				MarkdownDescription: "The `message` of the status file while enabled. Default `\"" + maintenanceDefaultMessage + "\"`, the manual's.",
			},
			"status_file":      pathAttr(maintenanceStatusFile, "The JSON status file.", true),
			"site_link":        pathAttr(maintenanceSiteLink, "The link nginx includes, pointing at one of the two sites.", true),
			"production_site":  pathAttr(maintenanceProduction, "The site served in production, the link's target while disabled.", false),
			"maintenance_site": pathAttr(maintenanceSite, "The site served in maintenance, the link's target while enabled.", false),
			"reload": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
				MarkdownDescription: "Reload nginx after the link changed (`nginx -t` runs in any case when nginx is installed). Default `true`.",
			},
			"mode": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "What the host is in: `maintenance` (link at `maintenance_site`, status file saying so), `production` " +
					"(link at `production_site`, no status file), or `mixed` (anything else: half-way, or the link pointing elsewhere). " +
					"Planned from `enabled`; refresh reads it from the host, so a host in another mode plans an update.",
			},
		},
	}
}

func (r *maintenanceModeResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m maintenanceModeModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	link, production, maintenance := stringOr(m.SiteLink, maintenanceSiteLink), stringOr(m.ProductionSite, maintenanceProduction), stringOr(m.MaintenanceSite, maintenanceSite)
	if !m.ProductionSite.IsUnknown() && !m.MaintenanceSite.IsUnknown() && production == maintenance {
		resp.Diagnostics.AddAttributeError(path.Root("maintenance_site"), "Same site twice",
			fmt.Sprintf("maintenance_site: %s is also production_site; maintenance needs a site of its own", maintenance))
	}
	if !m.SiteLink.IsUnknown() && (link == production || link == maintenance) {
		resp.Diagnostics.AddAttributeError(path.Root("site_link"), "Link onto a site",
			fmt.Sprintf("site_link: %s is one of the sites it should point at", link))
	}
}

func (r *maintenanceModeResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var link types.String
	var enabled types.Bool
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("site_link"), &link)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("enabled"), &enabled)...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), link)...)
	if known(enabled) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("mode"), plannedMode(enabled.ValueBool()))...)
	}
}

// statusJSON is the manual's status file, byte for byte what its
// `echo '{"maintenance": true, "message": "..."}'` writes.
func statusJSON(message string) []byte {
	var msg bytes.Buffer
	enc := json.NewEncoder(&msg)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(message) // a string always encodes
	return []byte(`{"maintenance": true, "message": ` + strings.TrimSuffix(msg.String(), "\n") + "}\n")
}

// hostSide is what the host holds: the link's target ("" when site_link
// is missing or not a link) and the status file (nil when absent).
type hostSide struct {
	target string
	status []byte
}

func (r *maintenanceModeResource) observe(ctx context.Context, m *maintenanceModeModel) (hostSide, error) {
	var seen hostSide
	link := m.SiteLink.ValueString()
	info, found, err := statExisting(ctx, r.host, link)
	if err != nil {
		return seen, fmt.Errorf("site link %s on %s: %w", link, r.host.Name(), err)
	}
	if found && info.IsSymlink {
		if seen.target, err = r.host.ReadLink(ctx, link); err != nil {
			return seen, err
		}
	}
	file := m.StatusFile.ValueString()
	if _, found, err = statExisting(ctx, r.host, file); err != nil {
		return seen, fmt.Errorf("status file %s on %s: %w", file, r.host.Name(), err)
	}
	if found {
		if seen.status, err = r.host.ReadFile(ctx, file); err != nil {
			return seen, err
		}
	}
	return seen, nil
}

// inMaintenance reports whether the host is fully in maintenance, and the
// message its status file gives.
func (s hostSide) inMaintenance(m *maintenanceModeModel) (bool, string) {
	var status struct {
		Maintenance bool    `json:"maintenance"`
		Message     *string `json:"message"`
	}
	if s.target != m.MaintenanceSite.ValueString() || s.status == nil || json.Unmarshal(s.status, &status) != nil || !status.Maintenance || status.Message == nil {
		return false, ""
	}
	return true, *status.Message
}

func (s hostSide) inProduction(m *maintenanceModeModel) bool {
	return s.target == m.ProductionSite.ValueString() && s.status == nil
}

// converge brings the host to m, rolling back when nginx rejects the
// result. Warnings say why nginx was not reloaded.
func (r *maintenanceModeResource) converge(ctx context.Context, m, _ *maintenanceModeModel) (diag.Diagnostics, error) {
	m.ID, m.Mode = m.SiteLink, types.StringValue(plannedMode(m.Enabled.ValueBool()))
	link, file := m.SiteLink.ValueString(), m.StatusFile.ValueString()
	site := m.ProductionSite.ValueString()
	if m.Enabled.ValueBool() {
		site = m.MaintenanceSite.ValueString()
	}
	info, found, err := statExisting(ctx, r.host, site)
	switch {
	case err != nil:
		return nil, fmt.Errorf("site %s on %s: %w", site, r.host.Name(), err)
	case !found || info.IsDir:
		return nil, fmt.Errorf("site %s does not exist on %s (or is a directory): create the site file first, then point %s at it", site, r.host.Name(), link)
	}
	linkInfo, found, err := statExisting(ctx, r.host, link)
	if err != nil {
		return nil, fmt.Errorf("site link %s on %s: %w", link, r.host.Name(), err)
	}
	if found && !linkInfo.IsSymlink {
		return nil, fmt.Errorf("site link %s on %s is not a symbolic link: refusing to replace it; move it away, or name another site_link", link, r.host.Name())
	}
	before, err := r.observe(ctx, m)
	if err != nil {
		return nil, err
	}
	var want []byte
	if m.Enabled.ValueBool() {
		want = statusJSON(m.Message.ValueString())
	}
	if err := r.setStatus(ctx, file, before.status, want, true); err != nil {
		return nil, err
	}
	if before.target == site {
		return nil, r.setStatus(ctx, file, before.status, want, false)
	}
	if err := r.host.Symlink(ctx, site, link); err != nil {
		return nil, fmt.Errorf("point %s at %s: %w", link, site, err)
	}
	warnings, nginxErr := r.nginx(ctx, m)
	if nginxErr != nil {
		return nil, errors.Join(nginxErr, r.restore(ctx, m, before))
	}
	return warnings, r.setStatus(ctx, file, before.status, want, false)
}

// setStatus writes want in the phase it belongs to: a status file to
// write goes before the link swap (early), one to remove after it.
func (r *maintenanceModeResource) setStatus(ctx context.Context, file string, current, want []byte, early bool) error {
	switch {
	case want != nil && early && !bytes.Equal(current, want):
		if err := r.host.WriteFile(ctx, file, want, host.Attrs{Perm: 0o644, UID: host.KeepID, GID: host.KeepID}); err != nil {
			return fmt.Errorf("write status file: %w", err)
		}
	case want == nil && !early && current != nil:
		if err := r.host.Remove(ctx, file); err != nil {
			return fmt.Errorf("remove status file: %w", err)
		}
	}
	return nil
}

// restore puts back the link and status file as they were before.
func (r *maintenanceModeResource) restore(ctx context.Context, m *maintenanceModeModel, before hostSide) error {
	link, file := m.SiteLink.ValueString(), m.StatusFile.ValueString()
	var errs []error
	if before.target != "" {
		errs = append(errs, r.host.Symlink(ctx, before.target, link))
	} else {
		errs = append(errs, r.host.Remove(ctx, link))
	}
	if before.status != nil {
		errs = append(errs, r.host.WriteFile(ctx, file, before.status, host.Attrs{Perm: 0o644, UID: host.KeepID, GID: host.KeepID}))
	} else if err := r.host.Remove(ctx, file); err != nil && !errors.Is(err, fs.ErrNotExist) {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("and restoring %s and %s as they were failed: %w", link, file, err)
	}
	return nil
}

// nginxNotRunning matches what `nginx -s reload` says when no master runs:
// no PID file, an empty one, or a PID that is gone.
var nginxNotRunning = regexp.MustCompile(`open\(\) "[^"]*" failed \(2: |invalid PID number|kill\(\d+, 1\) failed \(3: `)

// nginx checks the configuration and reloads it. Image mode runs nothing:
// the nginx here is not the image's.
func (r *maintenanceModeResource) nginx(ctx context.Context, m *maintenanceModeModel) (warnings diag.Diagnostics, err error) {
	if r.imageMode() {
		return nil, nil
	}
	_, err = r.host.Run(ctx, host.Command{Argv: []string{"nginx", "-t"}})
	var exit *host.ExitError
	switch {
	case host.NotInstalled(err):
		warnings.AddWarning("nginx not reloaded", fmt.Sprintf("nginx is not installed on %s: %s now points at the %s site, nothing was checked or reloaded",
			r.host.Name(), m.SiteLink.ValueString(), siteName(m)))
		return warnings, nil
	case errors.As(err, &exit):
		return nil, fmt.Errorf("nginx -t on %s rejects the configuration with %s pointing at %s:\n%s",
			r.host.Name(), m.SiteLink.ValueString(), linkTarget(m), strings.TrimSpace(string(exit.Result.Stderr)))
	case err != nil:
		return nil, fmt.Errorf("nginx -t on %s: %w", r.host.Name(), err)
	}
	if !m.Reload.ValueBool() {
		return nil, nil
	}
	_, err = r.host.Run(ctx, host.Command{Argv: []string{"nginx", "-s", "reload"}})
	switch {
	case errors.As(err, &exit) && nginxNotRunning.Match(exit.Result.Stderr):
		warnings.AddWarning("nginx not reloaded", fmt.Sprintf("nginx is not running on %s: %s points at the %s site for its next start (%s)",
			r.host.Name(), m.SiteLink.ValueString(), siteName(m), strings.TrimSpace(string(exit.Result.Stderr))))
		return warnings, nil
	case err != nil:
		return nil, fmt.Errorf("reload nginx on %s: %w", r.host.Name(), err)
	}
	return nil, nil
}

func siteName(m *maintenanceModeModel) string {
	if m.Enabled.ValueBool() {
		return "maintenance"
	}
	return "production"
}

func linkTarget(m *maintenanceModeModel) string {
	if m.Enabled.ValueBool() {
		return m.MaintenanceSite.ValueString()
	}
	return m.ProductionSite.ValueString()
}

// refresh reports the host's mode; message follows the status file while in
// maintenance. An imported resource is enabled when the link points at the
// maintenance site.
func (r *maintenanceModeResource) refresh(ctx context.Context, state *maintenanceModeModel) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	seen, err := r.observe(ctx, state)
	if err != nil {
		diags.AddError("Cannot read maintenance mode", err.Error())
		return true, diags
	}
	maintenance, message := seen.inMaintenance(state)
	switch {
	case maintenance:
		state.Mode = types.StringValue(modeMaintenance)
	case seen.inProduction(state):
		state.Mode = types.StringValue(modeProduction)
	default:
		state.Mode = types.StringValue(modeMixed)
	}
	if state.Enabled.IsNull() { // imported
		state.Enabled = types.BoolValue(seen.target == state.MaintenanceSite.ValueString())
	}
	if maintenance {
		state.Message = types.StringValue(message)
	} else if state.Message.IsNull() {
		state.Message = types.StringValue(maintenanceDefaultMessage)
	}
	state.ID = state.SiteLink
	return true, diags
}

// destroy leaves the site in production.
func (r *maintenanceModeResource) destroy(ctx context.Context, state *maintenanceModeModel) (diag.Diagnostics, error) {
	state.Enabled = types.BoolValue(false)
	return r.converge(ctx, state, state)
}

// ImportState takes site_link; the other paths and reload take their
// defaults, enabled and message are read from the host.
func (r *maintenanceModeResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if err := host.CheckPath(req.ID); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("the import ID is the site link's path, such as %s: %s", maintenanceSiteLink, err))
		return
	}
	for attr, v := range map[string]any{
		"id": req.ID, "site_link": req.ID, "status_file": maintenanceStatusFile,
		"production_site": maintenanceProduction, "maintenance_site": maintenanceSite, "reload": true,
	} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), v)...)
	}
}
