package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
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
	spiceschema "github.com/spice-harvester/terraform-provider-spice/schema"
)

var (
	_ resource.ResourceWithConfigure      = &logrotateResource{}
	_ resource.ResourceWithImportState    = &logrotateResource{}
	_ resource.ResourceWithModifyPlan     = &logrotateResource{}
	_ resource.ResourceWithValidateConfig = &logrotateResource{}
)

func newLogrotateResource() resource.Resource {
	return withBase(&logrotateResource{}, resourceBase[logrotateModel]{
		typeName: "_logrotate", createFailed: "Cannot write logrotate policy", deleteFailed: "Cannot delete file",
	})
}

// logrotateResource is spice_logrotate: one policy file in
// /etc/logrotate.d/, rendered from attributes and checked by logrotate
// itself before it is put in place.
type logrotateResource struct {
	resourceBase[logrotateModel]
}

type logrotateModel struct {
	ID            types.String `tfsdk:"id"`
	Name          types.String `tfsdk:"name"`
	Paths         []string     `tfsdk:"paths"`
	Frequency     types.String `tfsdk:"frequency"`
	Rotate        types.Int64  `tfsdk:"rotate"`
	Compress      types.Bool   `tfsdk:"compress"`
	DelayCompress types.Bool   `tfsdk:"delaycompress"`
	MissingOK     types.Bool   `tfsdk:"missingok"`
	NotIfEmpty    types.Bool   `tfsdk:"notifempty"`
	CopyTruncate  types.Bool   `tfsdk:"copytruncate"`
	Create        types.String `tfsdk:"create"`
	Su            types.String `tfsdk:"su"`
	Postrotate    types.String `tfsdk:"postrotate"`
	Content       types.String `tfsdk:"content"`
}

const logrotateDir = "/etc/logrotate.d"

func logrotateFile(name string) string { return logrotateDir + "/" + name }

var (
	logrotateName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	// logrotateTaboo are suffixes of logrotate's default tabooext list
	// that a valid name can have: logrotate silently skips such files in
	// /etc/logrotate.d.
	logrotateTaboo = []string{".cfsaved", ".disabled", ".dpkg-bak", ".dpkg-del", ".dpkg-dist", ".dpkg-new", ".dpkg-old",
		".dpkg-tmp", ".rpmnew", ".rpmorig", ".rpmsave", ".swp", ".ucf-dist", ".ucf-new", ".ucf-old"}
	logrotateAccount = `[A-Za-z_][A-Za-z0-9_.-]*\$?`
	logrotateCreate  = regexp.MustCompile(`^[0-7]{3,4}( ` + logrotateAccount + `( ` + logrotateAccount + `)?)?$`)
	logrotateSu      = regexp.MustCompile(`^` + logrotateAccount + ` ` + logrotateAccount + `$`)
	// logrotatePathChars are what a path in a logrotate file cannot hold
	// unquoted; spice writes paths unquoted, so they are refused.
	logrotatePathChars = " \t\r\n\"'{}#\\"
)

func checkLogrotateName(name string) error {
	if !logrotateName.MatchString(name) {
		return fmt.Errorf("%q is not a file name for /etc/logrotate.d: up to 128 of A-Z, a-z, 0-9, '_', '.', '-', not starting with '.' or '-'", name)
	}
	for _, ext := range logrotateTaboo {
		if strings.HasSuffix(name, ext) {
			return fmt.Errorf("%q ends in %s: logrotate skips such files in /etc/logrotate.d", name, ext)
		}
	}
	return nil
}

func checkLogrotatePath(p string) error {
	if err := host.CheckPath(p); err != nil {
		return fmt.Errorf("%q: %w", p, err)
	}
	if strings.ContainsAny(p, logrotatePathChars) || strings.ContainsFunc(p, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return fmt.Errorf("%q: a log path may not hold whitespace, control characters, quotes, braces, '#' or '\\'", p)
	}
	return nil
}

// checkPostrotate accepts a script that logrotate reads back as exactly
// this script: logrotate's lexer ends a script at any line whose first
// word, after blanks, starts with "endscript" (it reads letters only, so
// "endscript;" and "endscript # x" end it too), and whatever follows is
// read as directives. Lines ending in a backslash, control characters
// other than tabs and line feeds, and invalid UTF-8 are refused as well:
// they would join, split or garble lines. Errors quote no script text.
func checkPostrotate(script string) error {
	if strings.TrimSpace(script) == "" {
		return errors.New("the script is empty: leave postrotate unset instead")
	}
	if !utf8.ValidString(script) {
		return errors.New("the script must be valid UTF-8")
	}
	for i, l := range strings.Split(strings.TrimRight(script, "\n"), "\n") {
		for _, r := range l {
			if r != '\t' && unicode.IsControl(r) {
				return fmt.Errorf("line %d holds control character %U: only tabs and line feeds may stand in a script", i+1, r)
			}
		}
		if strings.HasPrefix(strings.ToLower(strings.TrimLeft(l, " \t")), "endscript") {
			return fmt.Errorf(`line %d starts with "endscript", which would end the script early and make the rest logrotate directives`, i+1)
		}
		if strings.HasSuffix(l, `\`) {
			return fmt.Errorf("line %d ends in a backslash: continue a command inside the line, or end it", i+1)
		}
	}
	return nil
}

func matching(re *regexp.Regexp, form string) func(string) error {
	return func(s string) error {
		if !re.MatchString(s) {
			return fmt.Errorf("%q is not of the form %s", s, form)
		}
		return nil
	}
}

func (r *logrotateResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	flag := func(def bool, desc string) schema.BoolAttribute {
		return schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(def), MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A log rotation policy: the file `/etc/logrotate.d/NAME`, rendered from the attributes (mode `0644`: logrotate ignores " +
			"files writable by group or others). Every option is written explicitly (`compress` or `nocompress`, `missingok` or `nomissingok`, ...), " +
			"so the global defaults of `/etc/logrotate.conf` matter only for what is not declared here, such as Debian's global `create`.\n\n" +
			"When logrotate is installed on the host, the file is first checked with `logrotate -d` under a name logrotate's daily run skips " +
			"(`NAME.spice-check.disabled`, removed again): a file logrotate rejects (an unknown user in `create` or `su`, ...) fails the apply " +
			"with logrotate's message, and the policy in place stays as it was. Other complaints of that dry run (a log that does not exist yet " +
			"with `missingok = false`) are warnings. Without logrotate the file is written unchecked, with a warning. In image mode " +
			"(provider `root` other than `/`) nothing is run: only the file is written.\n\n" +
			"Refresh reads the file back: an edited file plans an update (the changed options, or `content` when the file is no longer in the form " +
			"spice writes). Import by `name`. Destroy removes the file.\n\n" +
			"The manual's policies: service logs daily for 7 days, access and error logs daily for 30 days.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The policy's name; the import ID.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The file name in `/etc/logrotate.d/`: up to 128 of `A-Z a-z 0-9 _ . -`, not starting with `.` or `-`, and not ending " +
					"in a suffix logrotate skips (`.disabled`, `.dpkg-old`, `.rpmsave`, `.swp`, ...). Changing it replaces the resource.",
				Validators:    []validator.String{spiceschema.Check("Invalid logrotate name", "logrotate name", checkLogrotateName)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"paths": schema.ListAttribute{
				ElementType: types.StringType,
				Required:    true,
				MarkdownDescription: "The logs: absolute paths in clean form, globs allowed (`/opt/spice-harvester/logs/*.log`); no whitespace, quotes, " +
					"braces, `#` or `\\`. A log may appear in one policy only (logrotate refuses duplicates across files).",
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.UniqueValues(),
					listvalidator.ValueStringsAre(spiceschema.Check("Invalid log path", "log path", checkLogrotatePath)),
				},
			},
			"frequency": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString("daily"),
				MarkdownDescription: "`daily` (default), `weekly`, `monthly` or `yearly`.",
				Validators:          []validator.String{stringvalidator.OneOf("daily", "weekly", "monthly", "yearly")},
			},
			"rotate": schema.Int64Attribute{
				Required:            true,
				MarkdownDescription: "How many rotated logs are kept (0 or more): with `daily`, the days of history.",
				Validators:          []validator.Int64{int64validator.Between(0, 100000)},
			},
			"compress":      flag(true, "Compress rotated logs with gzip. Default `true`."),
			"delaycompress": flag(false, "Compress a rotated log only at the next rotation, for programs that keep writing to the old file until told otherwise. Default `false`."),
			"missingok":     flag(true, "A missing log is no error. Default `true`."),
			"notifempty":    flag(true, "Leave an empty log alone. Default `true`."),
			"copytruncate":  flag(false, "Copy the log, then truncate it in place, for programs that cannot reopen their log. Conflicts with `create`. Default `false`."),
			"create": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Create the new, empty log with this mode and optionally owner and group: `\"0640 oms adm\"`. Unset: `/etc/logrotate.conf`'s global setting applies.",
				Validators:          []validator.String{spiceschema.Check("Invalid create", "create", matching(logrotateCreate, `"MODE [OWNER [GROUP]]", such as "0640 oms adm"`))},
			},
			"su": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Rotate as this user and group, `\"USER GROUP\"`: needed when the log directory is writable by others than root.",
				Validators:          []validator.String{spiceschema.Check("Invalid su", "su", matching(logrotateSu, `"USER GROUP", such as "oms oms"`))},
			},
			"postrotate": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "A shell script run after rotation, such as `systemctl kill -s HUP oms.service`; run once for all matched logs " +
					"(`sharedscripts`). Trailing newlines are not significant; import reads the script with one, as a heredoc writes it. No line may start with " +
					"`endscript` (after blanks, followed by anything: logrotate would end the script there) or end in `\\`, and the only control characters allowed are tabs and line feeds.",
				Validators: []validator.String{spiceschema.Check("Invalid postrotate", "postrotate", checkPostrotate)},
			},
			"content": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The file as spice renders it. After refresh, what the host holds when it is not in that form.",
			},
		},
	}
}

func (r *logrotateResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var copyTruncate types.Bool
	var create types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("copytruncate"), &copyTruncate)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("create"), &create)...)
	if copyTruncate.ValueBool() && known(create) {
		resp.Diagnostics.AddAttributeError(path.Root("create"), "Conflicting options",
			"create: a log rotated with copytruncate is kept, not created anew; set one of copytruncate and create")
	}
}

// render is the policy file: one block, every option explicit, in a fixed
// order, so the same attributes always give the same bytes.
func (m *logrotateModel) render() string {
	var b strings.Builder
	b.WriteString(logrotateHeader)
	b.WriteString(strings.Join(m.Paths, " ") + " {\n")
	line := func(s string) { b.WriteString("\t" + s + "\n") }
	either := func(v types.Bool, yes, no string) {
		if v.ValueBool() {
			line(yes)
		} else if no != "" {
			line(no)
		}
	}
	line(m.Frequency.ValueString())
	line("rotate " + strconv.FormatInt(m.Rotate.ValueInt64(), 10))
	either(m.Compress, "compress", "nocompress")
	either(m.DelayCompress, "delaycompress", "")
	either(m.MissingOK, "missingok", "nomissingok")
	either(m.NotIfEmpty, "notifempty", "ifempty")
	either(m.CopyTruncate, "copytruncate", "")
	if known(m.Create) {
		line("create " + m.Create.ValueString())
	}
	if known(m.Su) {
		line("su " + m.Su.ValueString())
	}
	if known(m.Postrotate) {
		line("sharedscripts")
		line("postrotate")
		b.WriteString(strings.TrimRight(m.Postrotate.ValueString(), "\n") + "\n")
		line("endscript")
	}
	b.WriteString("}\n")
	return b.String()
}

const logrotateHeader = "# Managed by spice (spice_logrotate): edits are reverted on the next apply.\n"

// parseLogrotate reads back a file in the form render writes; ok is false
// for anything else (edited by hand beyond option changes).
func parseLogrotate(content string) (m logrotateModel, ok bool) {
	body, found := strings.CutPrefix(content, logrotateHeader)
	if !found {
		return m, false
	}
	lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
	if len(lines) < 2 || lines[len(lines)-1] != "}" || !strings.HasSuffix(lines[0], " {") {
		return m, false
	}
	m.Paths = strings.Fields(strings.TrimSuffix(lines[0], " {"))
	for _, b := range []*types.Bool{&m.Compress, &m.DelayCompress, &m.MissingOK, &m.NotIfEmpty, &m.CopyTruncate} {
		*b = types.BoolValue(false)
	}
	m.Create, m.Su, m.Postrotate = types.StringNull(), types.StringNull(), types.StringNull()
	opts := lines[1 : len(lines)-1]
	for i := 0; i < len(opts); i++ {
		word, arg, _ := strings.Cut(strings.TrimSpace(opts[i]), " ")
		switch word {
		case "daily", "weekly", "monthly", "yearly":
			m.Frequency = types.StringValue(word)
		case "rotate":
			n, err := strconv.ParseInt(arg, 10, 64)
			if err != nil {
				return m, false
			}
			m.Rotate = types.Int64Value(n)
		case "compress", "delaycompress", "missingok", "notifempty", "copytruncate":
			*map[string]*types.Bool{"compress": &m.Compress, "delaycompress": &m.DelayCompress, "missingok": &m.MissingOK,
				"notifempty": &m.NotIfEmpty, "copytruncate": &m.CopyTruncate}[word] = types.BoolValue(true)
		case "nocompress", "nomissingok", "ifempty", "sharedscripts":
		case "create":
			m.Create = types.StringValue(arg)
		case "su":
			m.Su = types.StringValue(arg)
		case "postrotate":
			var script []string
			for i++; i < len(opts) && strings.TrimSpace(opts[i]) != "endscript"; i++ {
				script = append(script, opts[i])
			}
			if i == len(opts) {
				return m, false
			}
			// With the one trailing newline a heredoc gives it.
			m.Postrotate = types.StringValue(strings.Join(script, "\n") + "\n")
		default:
			return m, false
		}
	}
	if m.Frequency.IsNull() || m.Rotate.IsNull() {
		return m, false
	}
	// The round trip proves the parse: anything render would not write
	// (duplicates, other spacing, a missing option) is not this form.
	return m, m.render() == content
}

// ModifyPlan plans content from the other attributes.
func (r *logrotateResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan logrotateModel
	diags := req.Plan.Get(ctx, &plan)
	if diags.HasError() {
		return // unknown paths: content stays unknown
	}
	for _, v := range []knowable{plan.Name, plan.Frequency, plan.Rotate, plan.Compress, plan.DelayCompress, plan.MissingOK,
		plan.NotIfEmpty, plan.CopyTruncate, plan.Create, plan.Su, plan.Postrotate} {
		if v.IsUnknown() {
			return
		}
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), plan.Name)...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("content"), plan.render())...)
}

// check runs logrotate's dry run on content under a name logrotate's own
// runs skip, and removes that file again. A rejection is an error;
// warnings are what the dry run found about the logs themselves.
func (r *logrotateResource) check(ctx context.Context, name, content string) (warnings diag.Diagnostics, err error) {
	final := logrotateFile(name)
	candidate := final + ".spice-check.disabled"
	if err := r.host.WriteFile(ctx, candidate, []byte(content), host.Attrs{Perm: 0o644, UID: host.KeepID, GID: host.KeepID}); err != nil {
		return nil, fmt.Errorf("write %s for logrotate -d on %s: %w", candidate, r.host.Name(), err)
	}
	defer func() {
		if rmErr := r.host.Remove(ctx, candidate); rmErr != nil && err == nil {
			err = fmt.Errorf("remove %s on %s: %w", candidate, r.host.Name(), rmErr)
		}
	}()
	// -s /dev/null: the dry run neither reads nor locks the real state file.
	res, runErr := r.host.Run(ctx, host.Command{Argv: []string{"logrotate", "-d", "-s", "/dev/null", candidate}})
	if host.NotInstalled(runErr) {
		warnings.AddWarning("logrotate not checked", fmt.Sprintf("logrotate is not installed on %s: %s is written unchecked, and nothing rotates the logs until it is installed", r.host.Name(), final))
		return warnings, nil
	}
	var exit *host.ExitError
	if runErr != nil && !errors.As(runErr, &exit) {
		return nil, fmt.Errorf("logrotate -d %s on %s: %w", candidate, r.host.Name(), runErr)
	}
	var rejected, complaints []string
	for _, l := range strings.Split(string(res.Stdout)+"\n"+string(res.Stderr), "\n") {
		if !strings.HasPrefix(l, "error: ") {
			continue
		}
		if strings.Contains(l, candidate) {
			rejected = append(rejected, strings.ReplaceAll(l, candidate, final))
		} else {
			complaints = append(complaints, l)
		}
	}
	if len(rejected) > 0 {
		return nil, fmt.Errorf("logrotate on %s rejects %s:\n%s", r.host.Name(), final, strings.Join(rejected, "\n"))
	}
	if runErr != nil {
		complaints = append(complaints, runErr.Error())
	}
	if len(complaints) > 0 {
		warnings.AddWarning("logrotate dry run complains",
			fmt.Sprintf("logrotate -d of %s on %s:\n%s", final, r.host.Name(), strings.Join(complaints, "\n")))
	}
	return warnings, nil
}

// converge renders the whole file anew, on create and update alike.
func (r *logrotateResource) converge(ctx context.Context, m, _ *logrotateModel) (diag.Diagnostics, error) {
	content := m.render()
	m.ID, m.Content = m.Name, types.StringValue(content)
	var warnings diag.Diagnostics
	if !r.imageMode() {
		var err error
		if warnings, err = r.check(ctx, m.Name.ValueString(), content); err != nil {
			return nil, err
		}
	}
	file := logrotateFile(m.Name.ValueString())
	if err := r.host.WriteFile(ctx, file, []byte(content), host.Attrs{Perm: 0o644, UID: host.KeepID, GID: host.KeepID}); err != nil {
		return warnings, fmt.Errorf("write %s on %s: %w", file, r.host.Name(), err)
	}
	return warnings, nil
}

// refresh parses the file back. In spice's form, the options found become the
// attributes (an edited rotate count plans an update of rotate); in any
// other form, content holds the file and differs from the planned one.
func (r *logrotateResource) refresh(ctx context.Context, state *logrotateModel) (bool, diag.Diagnostics) {
	_, content, found, diags := readManagedFile(ctx, r.host, logrotateFile(state.Name.ValueString()), "logrotate policy")
	if !found || diags.HasError() {
		return found, diags
	}
	state.ID = state.Name
	state.Content = types.StringValue(string(content))
	if parsed, ok := parseLogrotate(string(content)); ok {
		script := state.Postrotate
		parsed.ID, parsed.Name, parsed.Content = state.ID, state.Name, state.Content
		// The script as configured, when only trailing newlines differ.
		if known(script) && known(parsed.Postrotate) && strings.TrimRight(script.ValueString(), "\n") == strings.TrimRight(parsed.Postrotate.ValueString(), "\n") {
			parsed.Postrotate = script
		}
		*state = parsed
	}
	return true, nil
}

func (r *logrotateResource) destroy(ctx context.Context, state *logrotateModel) (diag.Diagnostics, error) {
	return nil, removeFile(ctx, r.host, logrotateFile(state.Name.ValueString()))
}

// ImportState takes the policy's name; Read fills in the rest from the
// file, which must be in the form spice writes.
func (r *logrotateResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if err := checkLogrotateName(req.ID); err != nil {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("the import ID is the policy's name in /etc/logrotate.d: %s", err))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), req.ID)...)
}
