package watch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"sort"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/core"
	"github.com/spice-harvester/terraform-provider-spice/engine/state"
)

// lockRetry is how soon a repair deferred by another holder of the state
// lock is tried again.
const lockRetry = time.Second

// repair refreshes the given objects and, with -apply, converges those
// that differ: one targeted plan and apply under the state lock, taken for
// this repair and released after it. Contested objects and objects
// backing off are skipped. A repair that has begun is finished even when
// ctx ends (SIGTERM): its state is saved before watch exits.
func (w *Watcher) repair(ctx context.Context, addrs []string, trigger string) {
	now := time.Now()
	targets := map[string]bool{}
	for _, addr := range addrs {
		if o := w.objects[addr]; o != nil && (!w.opt.Apply || !o.waiting(now)) {
			targets[addr] = true
		}
	}
	if len(targets) == 0 {
		return
	}
	ctx = context.WithoutCancel(ctx)
	started := time.Now()
	defer func() { w.metrics.duration.Observe(time.Since(started).Seconds()) }()

	if w.opt.Apply {
		lock, err := state.Acquire(ctx, w.opt.StatePath, "OperationTypeApply", w.opt.Version, 0)
		var locked *state.ErrLocked
		if errors.As(err, &locked) {
			w.log.Info("state locked by another operation; repair deferred", "holder", locked.Info.Who, "operation", locked.Info.Operation)
			w.deferAll(targets, now.Add(lockRetry))
			return
		}
		if err != nil {
			w.fail("lock state", err)
			w.deferAll(targets, now.Add(lockRetry))
			return
		}
		defer func() { _ = lock.Release() }()
	}
	e, plan, changing, ok := w.planRepair(ctx, targets)
	if !ok || len(changing) == 0 {
		w.metrics.setObjects(w.objects)
		return
	}
	if !w.opt.Apply {
		for _, c := range changing {
			w.objects[c.Addr].drifted = true
			w.log.Warn("drift found; not repaired (-apply=false)", "address", c.Addr, "type", c.Type, "host", c.ProviderKey,
				"action", string(c.Action), "trigger", trigger)
		}
		w.metrics.setObjects(w.objects)
		return
	}
	// Only an object that really drifted again counts against its
	// allowance: watch's own writes wake fsnotify too, and find nothing.
	contested := false
	for _, c := range changing {
		o := w.objects[c.Addr]
		o.drifted = true
		if o.contest(now, w.policy) {
			contested = true
			delete(targets, c.Addr)
			w.log.Warn("contested: something else keeps changing this object; left alone until the configuration changes",
				"address", c.Addr, "type", c.Type, "host", c.ProviderKey, "repairs", len(o.repairs), "window", w.policy.flapWindow.String())
		}
	}
	if contested {
		if len(targets) == 0 {
			w.metrics.setObjects(w.objects)
			return
		}
		if e, plan, changing, ok = w.planRepair(ctx, targets); !ok || len(changing) == 0 {
			w.metrics.setObjects(w.objects)
			return
		}
	}
	for _, c := range changing {
		w.log.Info("repairing", "address", c.Addr, "type", c.Type, "host", c.ProviderKey, "action", string(c.Action), "trigger", trigger)
	}
	applyDiags := w.apply(ctx, e, plan, changing)
	if applyDiags.HasErrors() {
		w.state = stateCache{} // the engine may have changed objects the file does not record
	}
	done := time.Now()
	for _, c := range changing {
		o := w.objects[c.Addr]
		if applyDiags.HasErrors() {
			wait := o.failed(done, w.policy)
			w.metrics.failures.WithLabelValues(c.Type).Inc()
			w.log.Error("repair failed", "address", c.Addr, "type", c.Type, "host", c.ProviderKey, "trigger", trigger,
				"retry_in", wait.String(), "error", oneLine(applyDiags.Error()))
			continue
		}
		o.repaired(done)
		w.metrics.repairs.WithLabelValues(c.Type).Inc()
		w.log.Info("repaired", "address", c.Addr, "type", c.Type, "host", c.ProviderKey, "action", string(c.Action),
			"trigger", trigger, "duration_ms", done.Sub(started).Milliseconds())
	}
	w.metrics.setObjects(w.objects)
}

// planRepair refreshes and plans the targets from the state on disk; the
// changes are the targets that differ. Targets found as declared are no
// longer drifted. A failed plan backs every target off (ok false).
func (w *Watcher) planRepair(ctx context.Context, targets map[string]bool) (*core.Engine, *core.Plan, []*core.Change, bool) {
	st, err := w.readState()
	if err != nil {
		w.fail("read state", err)
		return nil, nil, nil, false
	}
	e := w.engine(st, targets)
	plan, diags := e.Plan(ctx, core.NormalMode)
	if plan == nil || diags.HasErrors() {
		w.failed(targets, "plan", oneLine(diags.Error()))
		return nil, nil, nil, false
	}
	var changing []*core.Change
	for _, c := range plan.Changes {
		if c.Mode != config.Managed || !targets[c.Addr] {
			continue
		}
		if c.Action != core.NoOp {
			changing = append(changing, c)
		} else if o := w.objects[c.Addr]; o != nil {
			o.drifted = false
		}
	}
	sort.Slice(changing, func(i, j int) bool { return changing[i].Addr < changing[j].Addr })
	return e, plan, changing, true
}

// deferAll marks objects drifted with a retry at when.
func (w *Watcher) deferAll(targets map[string]bool, when time.Time) {
	for addr := range targets {
		o := w.objects[addr]
		o.drifted, o.retryAt = true, when
	}
}

// failed backs off every target after a failure that is no one's alone.
func (w *Watcher) failed(targets map[string]bool, what, msg string) {
	now := time.Now()
	for _, addr := range sortedKeys(targets) {
		o := w.objects[addr]
		o.drifted = true
		wait := o.failed(now, w.policy)
		w.metrics.failures.WithLabelValues(o.typ).Inc()
		w.log.Error("repair failed", "address", addr, "type", o.typ, "host", o.host, "step", what, "retry_in", wait.String(), "error", msg)
	}
	w.metrics.setObjects(w.objects)
}

// apply carries out a repair's plan under the lock. The engine saves state
// after every instance and once more at the end; a repair of one object
// writes it once, at the end (atomically, lock held), and not at all when
// the object is back as state records it, the usual repair: the file
// would be written with the same content. A crash before the write leaves
// the prior state, which the next refresh corrects. A repair of several
// objects keeps a save per instance.
func (w *Watcher) apply(ctx context.Context, e *core.Engine, plan *core.Plan, changing []*core.Change) hcl.Diagnostics {
	if len(changing) > 1 {
		return e.Apply(ctx, plan, w.writeState)
	}
	before := recorded(e.State, changing[0].Addr)
	var pending *state.File
	diags := e.Apply(ctx, plan, func(f *state.File) error { pending = f; return nil })
	if pending == nil {
		return diags
	}
	if !diags.HasErrors() && bytes.Equal(before, recorded(pending, changing[0].Addr)) {
		return diags
	}
	if err := w.writeState(pending); err != nil {
		return append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot save state", Detail: err.Error()})
	}
	return diags
}

// recorded is what state records of one instance and of the outputs, as
// compact JSON: the same bytes, the same record. The engine replaces an
// instance's record, never edits it, so this can be taken before an apply
// and compared after.
func recorded(f *state.File, addr string) []byte {
	_, inst := f.Lookup(addr)
	b, err := json.Marshal(struct {
		Instance *state.Instance
		Outputs  map[string]state.Output
	}{inst, f.Outputs})
	if err != nil {
		return nil // never equal: the state is written
	}
	return b
}
