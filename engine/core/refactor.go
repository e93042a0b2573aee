package core

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/state"
)

// moved and removed blocks, as Terraform's refactoring package applies
// them: before planning, the objects in state at a moved block's "from"
// move to its "to" (chains followed in order, an occupied destination
// left alone); after planning, the statements are validated against the
// configuration. The plan shows a moved object as "has moved to", and
// applying it writes the state with the objects at their new addresses.

// moveStmt is a moved block with absolute addresses, or a move Terraform
// implies when count is added to or removed from a resource.
type moveStmt struct {
	from, to config.Address
	rng      hcl.Range
	implied  bool
}

func (s moveStmt) String() string { return s.from.String() + " → " + s.to.String() }

// moveStatements lists the moved blocks of every module, in declaration
// order, with the moves Terraform implies for count boundaries.
func (e *Engine) moveStatements() []moveStmt {
	var out []moveStmt
	var walk func(m *config.Module)
	walk = func(m *config.Module) {
		for _, mv := range m.Moved {
			out = append(out, moveStmt{from: mv.From.In(m.Path), to: mv.To.In(m.Path), rng: mv.DeclRange})
		}
		names := make([]string, 0, len(m.Calls))
		for name := range m.Calls {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			if c := m.Calls[name]; c.Module != nil {
				walk(c.Module)
			}
		}
	}
	walk(e.Module)
	return append(out, e.impliedMoves(out)...)
}

// impliedMoves keeps an object when count is added to its resource (no
// key becomes [0]) or removed (the other way), unless a moved block names
// the resource, as Terraform's ImpliedMoveStatements.
func (e *Engine) impliedMoves(explicit []moveStmt) []moveStmt {
	var out []moveStmt
	for _, sr := range e.State.Resources {
		if sr.Mode != "managed" {
			continue
		}
		sc := e.scopes[sr.Module]
		if sc == nil {
			continue
		}
		r := sc.resource(config.Managed.LocalAddress(sr.Type, sr.Name))
		if r == nil {
			continue
		}
		var fromKey, toKey any
		switch {
		case r.Count != nil && findInstance(&sr, nil) != nil:
			fromKey, toKey = nil, int64(0)
		case r.Count == nil && r.ForEach == nil && findInstance(&sr, int64(0)) != nil:
			fromKey, toKey = int64(0), nil
		default:
			continue
		}
		named := false
		for _, s := range explicit {
			named = named || (!s.from.IsModule() && (s.from.Resource() == r.Address() || s.to.Resource() == r.Address()))
		}
		if named {
			continue
		}
		base := config.Address{Module: sr.Module, Type: sr.Type, Name: sr.Name, Instance: true}
		from, to := base, base
		from.Key, to.Key = fromKey, toKey
		out = append(out, moveStmt{from: from, to: to, rng: r.DeclRange, implied: true})
	}
	return out
}

// kind is what a statement moves: a module, a resource or an instance.
func (s moveStmt) kind() int {
	switch {
	case s.from.IsModule():
		return 0
	case !s.from.Instance:
		return 1
	}
	return 2
}

// nestedIn reports whether a lies inside b (a resource in a module, an
// instance in a resource), without being b.
func nestedIn(a, b config.Address) bool {
	if b.IsModule() {
		return a.Module != b.Module && inModule(a.Module, b.Module) || (!a.IsModule() && a.Module == b.Module)
	}
	return !b.Instance && a.Instance && a.Resource() == b.Resource()
}

// dependsOn reports whether statement a must run after b: a continues b's
// chain, or one is nested in the other (Terraform's statementDependsOn).
func (a moveStmt) dependsOn(b moveStmt) bool {
	if a.kind() == b.kind() && a.from.String() == b.to.String() {
		return true
	}
	return nestedIn(a.from, b.to) || nestedIn(a.to, b.to) || nestedIn(b.from, a.from) || nestedIn(b.to, a.from)
}

// orderMoves sorts the statements so each runs after those it depends
// on; a cycle is an error naming its statements.
func orderMoves(stmts []moveStmt) ([]moveStmt, hcl.Diagnostics) {
	const (
		unvisited = iota
		visiting
		done
	)
	state := make([]int, len(stmts))
	var out []moveStmt
	var visit func(i int) bool
	visit = func(i int) bool {
		switch state[i] {
		case done:
			return true
		case visiting:
			return false
		}
		state[i] = visiting
		for j := range stmts {
			if j != i && stmts[i].dependsOn(stmts[j]) && !visit(j) {
				return false
			}
		}
		state[i] = done
		out = append(out, stmts[i])
		return true
	}
	for i := range stmts {
		if visit(i) {
			continue
		}
		var cycle []string
		for j, st := range state {
			if st == visiting {
				cycle = append(cycle, fmt.Sprintf("\n  - %s: %s", startString(stmts[j].rng), stmts[j]))
			}
		}
		sort.Strings(cycle)
		return nil, hcl.Diagnostics{sourceless("Cyclic dependency in move statements",
			"The following chained move statements form a cycle, and so there is no final location to move objects to:"+strings.Join(cycle, "")+
				"\n\nA chain of move statements must end with an address that doesn't appear in any other statements, and which typically also refers to an object still declared in the configuration.")}
	}
	return out, nil
}

// applyMoves moves the objects in state that moved blocks name and
// returns the moves made: new instance address to the address the object
// had before (a chain of moves is one entry).
func (e *Engine) applyMoves(stmts []moveStmt) (moved map[string]string, blocked []string, diags hcl.Diagnostics) {
	moved = map[string]string{}
	if len(stmts) == 0 {
		return moved, nil, nil
	}
	ordered, diags := orderMoves(stmts)
	if diags.HasErrors() {
		return moved, nil, diags
	}
	block := func(from, to string) {
		blocked = append(blocked, fmt.Sprintf("\n  - %s could not move to %s", from, to))
	}
	record := func(from, to string) {
		if prev, ok := moved[from]; ok {
			delete(moved, from)
			from = prev
		}
		moved[to] = from
	}
	st := e.State
	for _, s := range ordered {
		switch s.kind() {
		case 0:
			if !anyInModule(st, s.from.Module) {
				continue
			}
			if anyInModule(st, s.to.Module) {
				block(s.from.Module, s.to.Module)
				continue
			}
			for i := range st.Resources {
				sr := &st.Resources[i]
				if !inModule(sr.Module, s.from.Module) {
					continue
				}
				newModule := s.to.Module + strings.TrimPrefix(sr.Module, s.from.Module)
				for _, inst := range sr.Instances {
					record(state.InstanceAddress(*sr, inst), state.InstanceAddress(state.Resource{Module: newModule, Mode: sr.Mode, Type: sr.Type, Name: sr.Name}, inst))
				}
				sr.Module = newModule
			}
		case 1:
			sr := st.FindIn(s.from.Module, "managed", s.from.Type, s.from.Name)
			if sr == nil {
				continue
			}
			if st.FindIn(s.to.Module, "managed", s.to.Type, s.to.Name) != nil {
				block(s.from.String(), s.to.String())
				continue
			}
			if s.from.Type != s.to.Type {
				diags = append(diags, crossTypeMove(s))
				continue
			}
			for _, inst := range sr.Instances {
				record(state.InstanceAddress(*sr, inst), state.InstanceAddress(state.Resource{Module: s.to.Module, Mode: sr.Mode, Type: sr.Type, Name: s.to.Name}, inst))
			}
			sr.Module, sr.Name = s.to.Module, s.to.Name
		case 2:
			sr := st.FindIn(s.from.Module, "managed", s.from.Type, s.from.Name)
			if sr == nil {
				continue
			}
			inst := findInstance(sr, s.from.Key)
			if inst == nil {
				continue
			}
			if dst := st.FindIn(s.to.Module, "managed", s.to.Type, s.to.Name); dst != nil && findInstance(dst, s.to.Key) != nil {
				block(s.from.String(), s.to.String())
				continue
			}
			if s.from.Type != s.to.Type {
				diags = append(diags, crossTypeMove(s))
				continue
			}
			obj := *inst
			obj.IndexKey = stateKey(s.to.Key)
			provider := sr.Provider
			removeInstance(st, sr, s.from.Key)
			dst := st.FindIn(s.to.Module, "managed", s.to.Type, s.to.Name)
			if dst == nil {
				st.Resources = append(st.Resources, state.Resource{Module: s.to.Module, Mode: "managed", Type: s.to.Type, Name: s.to.Name, Provider: provider})
				dst = &st.Resources[len(st.Resources)-1]
			}
			switch s.to.Key.(type) {
			case string:
				dst.Each = "map"
			case int64:
				dst.Each = "list"
			default:
				dst.Each = ""
			}
			dst.Instances = append(dst.Instances, obj)
			record(s.from.String(), s.to.String())
		}
	}
	return moved, blocked, diags
}

func crossTypeMove(s moveStmt) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unsupported `moved` across resource types",
		Detail:  fmt.Sprintf("The provider %q does not support moved operations across resource types and providers.", config.SpiceSource),
		Subject: s.rng.Ptr()}
}

func anyInModule(st *state.File, module string) bool {
	for _, sr := range st.Resources {
		if inModule(sr.Module, module) {
			return true
		}
	}
	return false
}

// stateKey is an address key as state records it (JSON numbers are
// float64 once read).
func stateKey(key any) any {
	if n, ok := key.(int64); ok {
		return float64(n)
	}
	return key
}

func sameKey(a, b any) bool { return config.KeyString(a) == config.KeyString(b) }

func findInstance(sr *state.Resource, key any) *state.Instance {
	for i := range sr.Instances {
		if sameKey(sr.Instances[i].IndexKey, key) {
			return &sr.Instances[i]
		}
	}
	return nil
}

func removeInstance(st *state.File, sr *state.Resource, key any) {
	kept := sr.Instances[:0]
	for _, inst := range sr.Instances {
		if !sameKey(inst.IndexKey, key) {
			kept = append(kept, inst)
		}
	}
	sr.Instances = kept
	if len(kept) == 0 {
		st.RemoveIn(sr.Module, sr.Mode, sr.Type, sr.Name)
	}
}

// verifyTargetedMoves refuses a targeted plan that leaves out an object
// that moved, as Terraform does: planning it half would go wrong.
func (e *Engine) verifyTargetedMoves(moved map[string]string) hcl.Diagnostics {
	if len(e.TargetAddrs) == 0 {
		return nil
	}
	excluded := map[string]bool{}
	for to, from := range moved {
		for _, addr := range []string{from, to} {
			if !targetContains(e.TargetAddrs, addr) {
				excluded[resourceOfTarget(addr)] = true
			}
		}
	}
	if len(excluded) == 0 {
		return nil
	}
	var list []string
	for addr := range excluded {
		list = append(list, fmt.Sprintf("\n  -target=%q", addr))
	}
	sort.Strings(list)
	return hcl.Diagnostics{sourceless("Moved resource instances excluded by targeting",
		"Resource instances in your current state have moved to new addresses in the latest configuration. spice must include those resource instances while planning in order to ensure a correct result, but your -target=... options do not fully cover all of those resource instances.\n\nTo create a valid plan, either remove your -target=... options altogether or add the following additional target options:"+
			strings.Join(list, "")+"\n\nNote that adding these options may include further additional resource instances in your plan, in order to respect object dependencies.")}
}

// targetContains reports whether an instance address is one of the
// targets or lies in one.
func targetContains(targets []config.Address, addr string) bool {
	for _, t := range targets {
		switch {
		case t.IsModule():
			if strings.HasPrefix(addr, t.Module+".") {
				return true
			}
		case t.Instance:
			if t.String() == addr {
				return true
			}
		default:
			if resourceOfTarget(addr) == t.Resource() {
				return true
			}
		}
	}
	return false
}

// validateMoves checks the moved blocks against the configuration once
// the plan knows which instances it declares (Terraform's ValidateMoves).
func (e *Engine) validateMoves(stmts []moveStmt, declared map[string]bool) hcl.Diagnostics {
	var diags hcl.Diagnostics
	type end struct {
		other string
		rng   hcl.Range
	}
	fromSeen, toSeen := map[string]end{}, map[string]end{}
	for _, s := range stmts {
		if s.implied {
			continue
		}
		from, to := s.from.String(), s.to.String()
		if from == to {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Redundant move statement",
				Detail:  fmt.Sprintf("This statement declares a move from %s to the same address, which is the same as not declaring this move at all.", from),
				Subject: s.rng.Ptr()})
			continue
		}
		noun, short := "resource instance", "instance"
		switch s.kind() {
		case 0:
			noun, short = "module call", "call"
		case 1:
			noun, short = "resource", "resource"
		}
		if at, exists := e.declaredAt(s.from, declared); exists {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Moved object still exists",
				Detail: fmt.Sprintf("This statement declares a move from %s, but that %s is still declared at %s.\n\nChange your configuration so that this %s will be declared as %s instead.",
					from, noun, at, short, to),
				Subject: s.rng.Ptr()})
		}
		if prev, ok := fromSeen[from]; ok && prev.other != to {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Ambiguous move statements",
				Detail: fmt.Sprintf("A statement at %s declared that %s moved to %s, but this statement instead declares that it moved to %s.\n\nEach %s can move to only one destination %s.",
					startString(prev.rng), from, prev.other, to, noun, short),
				Subject: s.rng.Ptr()})
		} else if !ok {
			fromSeen[from] = end{to, s.rng}
		}
		if prev, ok := toSeen[to]; ok && prev.other != from {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Ambiguous move statements",
				Detail: fmt.Sprintf("A statement at %s declared that %s moved to %s, but this statement instead declares that %s moved there.\n\nEach %s can have moved from only one source %s.",
					startString(prev.rng), prev.other, to, from, noun, short),
				Subject: s.rng.Ptr()})
		} else if !ok {
			toSeen[to] = end{from, s.rng}
		}
	}
	return diags
}

// declaredAt reports where the configuration still declares a moved
// block's "from" object.
func (e *Engine) declaredAt(a config.Address, declared map[string]bool) (string, bool) {
	if a.IsModule() {
		if _, ok := e.scopes[a.Module]; !ok {
			return "", false
		}
		parent, name := moduleOfAddress(a.Module), a.Module[strings.LastIndex(a.Module, ".")+1:]
		if sc := e.scopes[parent]; sc != nil && sc.module.Calls[name] != nil {
			return startString(sc.module.Calls[name].DeclRange), true
		}
		return "", false
	}
	sc := e.scopes[a.Module]
	if sc == nil {
		return "", false
	}
	r := sc.resource(a.Mode.LocalAddress(a.Type, a.Name))
	if r == nil {
		return "", false
	}
	if !a.Instance {
		return startString(r.DeclRange), true
	}
	if !declared[a.String()] {
		return "", false
	}
	switch {
	case r.ForEach != nil:
		return startString(r.ForEach.Range()), true
	case r.Count != nil:
		return startString(r.Count.Range()), true
	}
	return startString(r.DeclRange), true
}

func startString(r hcl.Range) string {
	return fmt.Sprintf("%s:%d,%d", r.Filename, r.Start.Line, r.Start.Column)
}

// removedStatements lists the removed blocks of every module with
// absolute addresses, and reports those whose object is still declared.
func (e *Engine) removedStatements() ([]config.Removed, hcl.Diagnostics) {
	var out []config.Removed
	var diags hcl.Diagnostics
	var walk func(m *config.Module)
	walk = func(m *config.Module) {
		for _, rm := range m.Removed {
			abs := *rm
			abs.From = rm.From.In(m.Path)
			if _, exists := e.declaredAt(abs.From, nil); exists {
				kind := "resource"
				if abs.From.IsModule() {
					kind = "module"
				}
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Removed " + kind + " still exists",
					Detail: fmt.Sprintf("This statement declares that %s was removed, but it is still declared in configuration.", abs.From), Subject: rm.DeclRange.Ptr()})
			}
			out = append(out, abs)
		}
		for _, c := range m.Calls {
			if c.Module != nil {
				walk(c.Module)
			}
		}
	}
	walk(e.Module)
	return out, diags
}

// forgotten reports whether a removed block with destroy = false covers a
// resource no longer in the configuration: its objects leave state and
// stay on the hosts.
func forgotten(removed []config.Removed, module, resAddr string) bool {
	for _, rm := range removed {
		if rm.Destroy {
			continue
		}
		if rm.From.IsModule() && inModule(module, rm.From.Module) || !rm.From.IsModule() && rm.From.Resource() == resAddr {
			return true
		}
	}
	return false
}

// refactoring is what moved and removed blocks did to one plan.
type refactoring struct {
	stmts   []moveStmt
	moved   map[string]string // new instance address: the previous one
	blocked []string          // moves an object at the destination prevented
}

// prepareRefactoring runs before the plan walk: it resolves -target,
// reads the removed blocks and moves objects in state.
func (e *Engine) prepareRefactoring(mode Mode) (*refactoring, hcl.Diagnostics) {
	if len(e.ReplaceAddrs) > 0 && mode != NormalMode {
		return nil, hcl.Diagnostics{sourceless("Unsupported plan mode", "Forcing resource instance replacement (with -replace=...) is allowed only in normal planning mode.")}
	}
	removed, diags := e.removedStatements()
	e.removed = removed
	diags = append(diags, e.resolveTargets(mode)...)
	rf := &refactoring{stmts: e.moveStatements()}
	moved, blocked, d := e.applyMoves(rf.stmts)
	rf.moved, rf.blocked = moved, blocked
	diags = append(diags, d...)
	return rf, append(diags, e.verifyTargetedMoves(moved)...)
}

// finish marks the moved objects in the plan, validates the moved blocks
// (normal plans, as Terraform) and warns about objects to be forgotten.
func (rf *refactoring) finish(e *Engine, plan *Plan) hcl.Diagnostics {
	declared := map[string]bool{}
	var forgotten []string
	for _, c := range plan.Changes {
		c.PrevAddr = rf.moved[c.Addr]
		if c.PrevAddr != "" && c.Action == Delete && c.Reason != "" {
			c.Reason = ReasonNoMoveTarget
		}
		switch c.Action {
		case Forget:
			forgotten = append(forgotten, " - "+c.Addr)
		case Delete:
		default:
			declared[c.Addr] = true
		}
	}
	var diags hcl.Diagnostics
	if plan.Mode == NormalMode {
		diags = e.validateMoves(rf.stmts, declared)
	}
	e.keepStoredOutputs(plan.Outputs)
	if len(rf.blocked) > 0 && !diags.HasErrors() {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Unresolved resource instance address changes",
			Detail: "spice tried to adjust resource instance addresses in the prior state based on change information recorded in the configuration, but some adjustments did not succeed due to existing objects already at the intended addresses:" +
				strings.Join(rf.blocked, "") + "\n\nspice has planned to destroy these objects. If spice's proposed changes aren't appropriate, you must first resolve the conflicts using the \"spice state\" subcommands and then create a new plan."})
	}
	if len(forgotten) > 0 {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Some objects will no longer be managed by spice",
			Detail: fmt.Sprintf("If you apply this plan, spice will discard its tracking information for the following objects, but it will not delete them:\n%s\n\nAfter applying this plan, spice will no longer manage these objects. You will need to import them into spice to manage them again.", strings.Join(forgotten, "\n"))})
	}
	return diags
}

// Why an object is deleted or forgotten, as Terraform's action_reason.
const (
	ReasonNoResourceConfig = "delete_because_no_resource_config"
	ReasonNoModule         = "delete_because_no_module"
	ReasonNoMoveTarget     = "delete_because_no_move_target"
)

func orphanReason(moduleGone bool) string {
	if moduleGone {
		return ReasonNoModule
	}
	return ReasonNoResourceConfig
}
