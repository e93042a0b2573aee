package provider

import (
	"context"
	"fmt"
	"strings"

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

	spiceschema "github.com/spice-harvester/terraform-provider-spice/schema"
)

var (
	_ resource.ResourceWithConfigure   = &limitsResource{}
	_ resource.ResourceWithImportState = &limitsResource{}
)

func newLimitsResource() resource.Resource {
	return withBase(&limitsResource{}, resourceBase[limitsModel]{
		typeName: "_limits", createFailed: "Cannot set limit", deleteFailed: "Cannot remove limit",
		createdPath: func(m *limitsModel) string { return m.File.ValueString() },
	})
}

// limitsResource is spice_limits: one pam_limits line, "DOMAIN TYPE ITEM
// VALUE", in a file under /etc/security/limits.d/ that other resources
// (and people) may share.
type limitsResource struct {
	resourceBase[limitsModel]
}

type limitsModel struct {
	ID     types.String `tfsdk:"id"`
	Domain types.String `tfsdk:"domain"`
	Type   types.String `tfsdk:"type"`
	Item   types.String `tfsdk:"item"`
	Value  types.String `tfsdk:"value"`
	File   types.String `tfsdk:"file"`
}

const (
	limitsDir = "/etc/security/limits.d"
	// limitsDefaultFile is shared by all spice_limits of a host: one place
	// to look, and each resource owns only its line in it.
	limitsDefaultFile = limitsDir + "/60-spice.conf"
)

func limitsID(domain, typ, item string) string { return domain + ":" + typ + ":" + item }

func (r *limitsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One PAM resource limit: a `DOMAIN TYPE ITEM VALUE` line in a file under `/etc/security/limits.d/`, " +
			"which `pam_limits` applies to new login sessions (SSH, `su`, console). " +
			"Several resources share a file without clobbering each other: each owns the line(s) with its own domain, type and item, " +
			"edited under a lock held by the provider process, and destroy removes only that line (and the file when nothing else is left in it). " +
			"Two resources with the same domain, type and item in one file would fight over one line: declare each once.\n\n" +
			"**PAM limits do not apply to systemd services**: services are not started through a PAM session. " +
			"Give a service its limit on the unit instead, with `spice_service`'s `limit_nofile` (`LimitNOFILE=`).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`DOMAIN:TYPE:ITEM`, such as `*:soft:nofile`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"domain": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Whom the limit applies to: a user name, `@group`, `%group`, `*` for everyone, or a uid range such as `1000:`. " +
					"Group and `*` entries do not apply to root (limits.conf(5)): name `root` for it. Changing it replaces the resource.",
				Validators:    []validator.String{spiceschema.LimitsDomain()},
				PlanModifiers: replace,
			},
			"type": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "`soft` (the default a session starts with), `hard` (the ceiling a user may raise the soft limit to), or `-` (both). Changing it replaces the resource.",
				Validators:          []validator.String{stringvalidator.OneOf("soft", "hard", "-")},
				PlanModifiers:       replace,
			},
			"item": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The limited resource, one of PAM's items: `" + strings.Join(spiceschema.LimitsItems, "`, `") +
					"`. Changing it replaces the resource.",
				Validators:    []validator.String{spiceschema.LimitsItem()},
				PlanModifiers: replace,
			},
			"value": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The limit: an integer (negative allowed for `nice` and `priority`) or `unlimited`.",
				Validators:          []validator.String{spiceschema.LimitsValue()},
			},
			"file": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(limitsDefaultFile),
				MarkdownDescription: "The `.conf` file directly in `/etc/security/limits.d/` holding the line (pam_limits reads no other names there). " +
					"Default `" + limitsDefaultFile + "`, shared by all spice_limits. Changing it replaces the resource.",
				Validators:    []validator.String{spiceschema.ConfFileIn(limitsDir)},
				PlanModifiers: replace,
			},
		},
	}
}

// limitsFields splits a limits.conf line into its four fields, without a
// trailing comment; ok is false for comments, blank and malformed lines.
func limitsFields(line string) (f [4]string, ok bool) {
	if i := strings.IndexByte(line, '#'); i >= 0 {
		line = line[:i]
	}
	fields := strings.Fields(line)
	if len(fields) != 4 {
		return f, false
	}
	copy(f[:], fields)
	return f, true
}

func (m *limitsModel) owns(line string) bool {
	f, ok := limitsFields(line)
	return ok && f[0] == m.Domain.ValueString() && f[1] == m.Type.ValueString() && f[2] == m.Item.ValueString()
}

func (m *limitsModel) line() string {
	return strings.Join([]string{m.Domain.ValueString(), m.Type.ValueString(), m.Item.ValueString(), m.Value.ValueString()}, "\t")
}

func (r *limitsResource) write(ctx context.Context, m *limitsModel, keep bool) error {
	line := ""
	if keep {
		line = m.line()
	}
	if err := r.editLines(ctx, m.File.ValueString(), m.owns, line); err != nil {
		return fmt.Errorf("limits %s in %s on %s: %w", m.ID.ValueString(), m.File.ValueString(), r.host.Name(), err)
	}
	return nil
}

func (r *limitsResource) converge(ctx context.Context, plan, _ *limitsModel) (diag.Diagnostics, error) {
	plan.ID = types.StringValue(limitsID(plan.Domain.ValueString(), plan.Type.ValueString(), plan.Item.ValueString()))
	return nil, r.write(ctx, plan, true)
}

// refresh parses the file back: no line of ours means the limit is gone
// (planned as a create); another value, or duplicate lines (pam_limits
// takes the last), plan an update that leaves exactly one line.
func (r *limitsResource) refresh(ctx context.Context, state *limitsModel) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	lines, _, err := readLines(ctx, r.host, state.File.ValueString())
	if err != nil {
		diags.AddError("Cannot read limit", fmt.Sprintf("read %s on %s: %s", state.File.ValueString(), r.host.Name(), err))
		return true, diags
	}
	var values []string
	for _, l := range lines {
		if state.owns(l) {
			f, _ := limitsFields(l)
			values = append(values, f[3])
		}
	}
	if len(values) == 0 {
		return false, nil
	}
	state.Value = types.StringValue(strings.Join(values, ","))
	return true, nil
}

func (r *limitsResource) destroy(ctx context.Context, state *limitsModel) (diag.Diagnostics, error) {
	return nil, r.write(ctx, state, false)
}

// ImportState takes "DOMAIN:TYPE:ITEM", optionally followed by
// ":/etc/security/limits.d/FILE.conf" for another file than the default.
// The domain may itself hold colons (uid ranges such as "1000:2000"), so
// the ID is split from the right.
func (r *limitsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, file := req.ID, limitsDefaultFile
	if i := strings.LastIndex(id, ":"); i >= 0 && strings.HasPrefix(id[i+1:], "/") {
		id, file = id[:i], id[i+1:]
	}
	parts := strings.Split(id, ":")
	bad := len(parts) < 3
	var domain, typ, item string
	if !bad {
		n := len(parts)
		domain, typ, item = strings.Join(parts[:n-2], ":"), parts[n-2], parts[n-1]
		bad = spiceschema.CheckLimitsDomain(domain) != nil || spiceschema.CheckLimitsItem(item) != nil ||
			(typ != "soft" && typ != "hard" && typ != "-")
	}
	if bad {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("%q: the import ID is DOMAIN:TYPE:ITEM, such as \"*:soft:nofile\", optionally followed by :FILE", req.ID))
		return
	}
	for attr, v := range map[string]string{"id": limitsID(domain, typ, item), "domain": domain, "type": typ, "item": item, "file": file} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), v)...)
	}
}
