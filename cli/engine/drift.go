package engine

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/cli/command"
	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/core"
	"github.com/spice-harvester/terraform-provider-spice/internal/atomicfile"
	"github.com/spice-harvester/terraform-provider-spice/internal/ctyattr"
	"github.com/spice-harvester/terraform-provider-spice/report"
)

// driftCommand is spice drift: refresh, plan and judge the recovery
// objectives, then report for CI.
type driftCommand struct{ meta }

// backupsListed is how many of each policy's newest backups a report shows.
const backupsListed = 10

func (c *driftCommand) Synopsis() string {
	return "Report drift, pending changes and recovery objectives for CI"
}

func (c *driftCommand) Help() string {
	return `Usage: spice [-chdir=DIR] drift [options]

  Refreshes every object, plans, judges every spice_recovery_objective and
  lists the newest backups of every spice_backup_policy, then reports.
  Exit status: 0 clean; 2 something drifted, a change is pending or an
  objective is breached; 1 an error (an unreachable host is reported as
  such, the other hosts still are).

Options:
  -format=FORMAT        what stdout gets: ` + strings.Join(report.Formats(), ", ") + ` (default text)
  -report=FORMAT:FILE   also write a report to FILE (repeatable), atomically
  -var 'NAME=VALUE'     set a variable (repeatable)
  -var-file=FILE        read variables from a file (repeatable)
  -parallelism=N        concurrent operations (default 10)
  -state=FILE           state file (default terraform.tfstate)
  -lock-timeout=D       wait this long for a held state lock
  -no-color             plain output`
}

// reportTarget is one -report=FORMAT:FILE.
type reportTarget struct{ format, file string }

func (c *driftCommand) Run(args []string) int {
	fs := c.flagSet("drift", true)
	format := fs.String("format", "text", "")
	var targets []reportTarget
	fs.Func("report", "FORMAT:FILE", func(v string) error {
		f, file, ok := strings.Cut(v, ":")
		if !ok || file == "" {
			return fmt.Errorf("-report takes FORMAT:FILE, got %q", v)
		}
		targets = append(targets, reportTarget{format: f, file: file})
		return nil
	})
	pos, err := command.ParseArgs(fs, args)
	if err != nil {
		return 1
	}
	if len(pos) > 0 {
		return c.Errorf("drift takes no arguments, got %q", pos)
	}
	for _, f := range append([]string{*format}, formatsOf(targets)...) {
		if !report.Known(f) {
			return c.Errorf("report format %q is not available: choose one of %s", f, strings.Join(report.Formats(), ", "))
		}
	}
	if !c.refresh {
		return c.Errorf("drift always refreshes: -refresh=false would report nothing")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s, ok := c.open(ctx, "OperationTypePlan")
	if !ok {
		return 1
	}
	defer s.close()
	s.engine.Progress = nil // stdout holds the report alone
	plan, diags := s.engine.Plan(ctx, core.NormalMode)
	c.diagnostics(s.module, diags)
	if plan == nil {
		return 1
	}
	r := c.build(ctx, s.engine, plan, diags)
	var out bytes.Buffer
	if err := report.Write(&out, *format, r); err != nil {
		return c.Errorf("%s", err)
	}
	if _, err := c.Stdout.Write(out.Bytes()); err != nil {
		return 1
	}
	for _, t := range targets {
		var b bytes.Buffer
		if err := report.Write(&b, t.format, r); err != nil {
			return c.Errorf("%s", err)
		}
		if err := atomicfile.Write(t.file, b.Bytes(), 0o644); err != nil {
			return c.Errorf("write the %s report: %s", t.format, err)
		}
	}
	return r.ExitCode()
}

func formatsOf(targets []reportTarget) []string {
	out := make([]string, len(targets))
	for i, t := range targets {
		out[i] = t.format
	}
	return out
}

// build fills a report from a plan: the hosts, every managed object, the
// objectives and the backups. Errors not tied to an unreachable host
// (when the plan is not Partial) are the report's own.
func (c *driftCommand) build(ctx context.Context, e *core.Engine, plan *core.Plan, diags hcl.Diagnostics) *report.Report {
	r := &report.Report{Version: c.Version, GeneratedAt: plan.Timestamp}
	if diags.HasErrors() && !plan.Partial {
		for _, err := range diags.Errs() {
			r.Errors = append(r.Errors, strings.Join(strings.Fields(err.Error()), " "))
		}
	}
	unreachable := map[string]bool{}
	for _, key := range plan.Unreachable {
		unreachable[key] = true
	}
	for _, key := range e.ProviderKeys() {
		r.Hosts = append(r.Hosts, report.Host{Name: key, Address: hostAddress(e.ProviderConfig(key)),
			Reachable: !unreachable[key], Error: plan.HostErrors[key]})
	}
	drifted := map[string]bool{}
	for _, d := range plan.Drift {
		drifted[d.Addr] = true
	}
	planned := map[string]bool{}
	for _, ch := range plan.Changes {
		if ch.Mode != config.Managed {
			continue
		}
		planned[ch.Addr] = true
		r.Resources = append(r.Resources, resourceOf(ch, drifted[ch.Addr]))
		if ch.Type == "spice_recovery_objective" {
			if v := judged(ch); v != cty.NilVal {
				r.Objectives = append(r.Objectives, objectiveOf(ch.Addr, ch.ProviderKey, v))
			}
		}
	}
	instances := e.ManagedInstances("spice_recovery_objective", "spice_backup_policy")
	for _, inst := range instances {
		if planned[inst.Addr] || !unreachable[inst.ProviderKey] {
			continue
		}
		r.Resources = append(r.Resources, report.Resource{Address: inst.Addr, Host: inst.ProviderKey, Status: report.Unreachable})
		if inst.Type == "spice_recovery_objective" && inst.Value != cty.NilVal {
			o := objectiveOf(inst.Addr, inst.ProviderKey, inst.Value)
			o.Status, o.Findings = report.Unknown, []string{"host " + inst.ProviderKey + " is unreachable"}
			o.AchievableRTO, o.AchievableRPO, o.ObservedRPO = "", "", ""
			r.Objectives = append(r.Objectives, o)
		}
	}
	sort.Slice(r.Resources, func(i, j int) bool { return r.Resources[i].Address < r.Resources[j].Address })
	sort.Slice(r.Objectives, func(i, j int) bool { return r.Objectives[i].Address < r.Objectives[j].Address })
	for _, inst := range instances {
		if inst.Type == "spice_backup_policy" && !unreachable[inst.ProviderKey] && inst.Value != cty.NilVal {
			r.Backups = append(r.Backups, backupsOf(ctx, e, inst))
		}
	}
	return r
}

// resourceOf judges one planned instance: drifted when the refresh found
// it changed and the plan changes it back, pending when only the plan
// changes it. The findings are what the plan would change: declared
// (planned) against actual (refreshed).
func resourceOf(ch *core.Change, drifted bool) report.Resource {
	res := report.Resource{Address: ch.Addr, Host: ch.ProviderKey, Status: report.OK}
	if ch.Action == core.NoOp && ch.ImportID == "" {
		return res
	}
	res.Status = report.Pending
	if drifted {
		res.Status = report.Drifted
	}
	switch {
	case ch.Action.IsReplace():
		res.Action = "replace"
	case ch.Action == core.NoOp:
		res.Action = "import"
	default:
		res.Action = string(ch.Action)
	}
	if ch.Action == core.Update || ch.Action.IsReplace() {
		res.Findings = declaredFirst(report.Diff(ch.After, ch.Before, ch.Sensitive), ch.Schema)
	}
	return res
}

// declaredFirst drops the findings in read-only attributes when a declared
// attribute differs too: a file's sha256 only repeats that its content
// changed. Alone, a read-only attribute is the one trace of the change (a
// file declared by source, a stopped backup timer) and stays.
func declaredFirst(findings []report.Finding, schema *core.Schema) []report.Finding {
	if schema == nil {
		return findings
	}
	readOnly := func(f report.Finding) bool {
		top, _, _ := strings.Cut(f.Attribute, ".")
		top, _, _ = strings.Cut(top, "[")
		return slices.Contains(schema.ReadOnly, top)
	}
	if !slices.ContainsFunc(findings, func(f report.Finding) bool { return !readOnly(f) }) {
		return findings
	}
	return slices.DeleteFunc(findings, readOnly)
}

// judged is an objective's verdict as the plan holds it: as refreshed
// (the plan keeps computed values of an unchanged object), or cty.NilVal
// for one being deleted.
func judged(ch *core.Change) cty.Value {
	switch {
	case ch.Action == core.Delete:
		return cty.NilVal
	case !ch.After.IsNull():
		return ch.After
	}
	return cty.NilVal
}

func objectiveOf(addr, host string, v cty.Value) report.Objective {
	o := report.Objective{Address: addr, Host: host,
		Scenario: ctyattr.String(v, "scenario"), Priority: ctyattr.String(v, "priority"),
		RTO: ctyattr.String(v, "rto"), RPO: ctyattr.String(v, "rpo"),
		AchievableRTO: ctyattr.String(v, "achievable_rto"), AchievableRPO: ctyattr.String(v, "achievable_rpo"),
		ObservedRPO: ctyattr.String(v, "observed_rpo"), Status: report.Status(ctyattr.String(v, "status"))}
	if o.Status == "" {
		o.Status = report.Unknown
		o.Findings = []string{"not judged yet: the objective is new or changing; apply it first"}
		return o
	}
	if f := ctyattr.Get(v, "findings"); f.IsKnown() && !f.IsNull() {
		for it := f.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if e.IsKnown() && !e.IsNull() {
				o.Findings = append(o.Findings, e.AsString())
			}
		}
	}
	return o
}

// backupsOf lists a policy's newest backups through the provider's
// spice_backups data source on the policy's own host.
func backupsOf(ctx context.Context, e *core.Engine, inst core.StateInstance) report.PolicyBackups {
	name := ctyattr.String(inst.Value, "name")
	pb := report.PolicyBackups{Policy: name, Host: inst.ProviderKey, Backups: []report.Backup{}}
	schema := e.Schemas.DataSources["spice_backups"]
	if schema == nil {
		pb.Error = "the provider has no spice_backups data source"
		return pb
	}
	attrs := map[string]cty.Value{}
	for n, ty := range schema.Type.AttributeTypes() {
		attrs[n] = cty.NullVal(ty)
	}
	attrs["policy"] = cty.StringVal(name)
	attrs["limit"] = cty.NumberIntVal(backupsListed)
	if bp := ctyattr.String(inst.Value, "binary_path"); bp != "" {
		attrs["binary_path"] = cty.StringVal(bp)
	}
	v, err := e.ReadData(ctx, inst.ProviderKey, "spice_backups", cty.ObjectVal(attrs))
	if err != nil {
		pb.Error = strings.Join(strings.Fields(err.Error()), " ")
		return pb
	}
	list := ctyattr.Get(v, "backups")
	if !list.IsKnown() || list.IsNull() {
		return pb
	}
	for it := list.ElementIterator(); it.Next(); {
		_, b := it.Element()
		t, _ := time.Parse(time.RFC3339, ctyattr.String(b, "time"))
		var size int64
		if n := ctyattr.Get(b, "bytes"); n.IsKnown() && !n.IsNull() {
			size, _ = n.AsBigFloat().Int64()
		}
		pb.Backups = append(pb.Backups, report.Backup{ID: ctyattr.String(b, "id"), Time: t,
			Complete: ctyattr.Get(b, "complete").IsKnown() && ctyattr.Get(b, "complete").True(), Bytes: size})
	}
	return pb
}

// hostAddress says where a provider configuration points, as the
// provider resolves it: user@host:port, or "local".
func hostAddress(cfg cty.Value) string {
	host := ctyattr.String(cfg, "host")
	if host == "" {
		host = os.Getenv("SPICE_HOST")
	}
	if host == "" || host == "local" {
		return "local"
	}
	user := ctyattr.String(cfg, "user")
	if user == "" {
		user = os.Getenv("SPICE_SSH_USER")
	}
	if user == "" {
		user = "root"
	}
	port := "22"
	if p := ctyattr.Get(cfg, "port"); p.IsKnown() && !p.IsNull() {
		port = p.AsBigFloat().Text('f', 0)
	}
	return fmt.Sprintf("%s@%s:%s", user, host, port)
}
