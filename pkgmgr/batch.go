package pkgmgr

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spice-harvester/terraform-provider-spice/host"
)

// Why a batcher: Terraform (and the standalone engine, which drives the
// provider the same way) applies each resource with its own call, in
// parallel, and tells no resource about its siblings. Package managers
// want one transaction: dependencies resolved together, one dpkg lock,
// one download. So the package resources of one host meet here:
//
//   - Expect is called when a plan (ModifyPlan) finds a change for a
//     package: in the plan that Terraform and the engine make again for each
//     resource right before applying it, and, in the engine, also in the
//     plan phase of the same process. Each expected name is one more
//     request to wait for.
//   - Submit is the apply. The first request starts a batch; the batch runs
//     once every expected name has arrived and no request nor expectation
//     came for Settle, or at the latest MaxWait after it started (a planned
//     package whose apply never comes, because something it depends on
//     failed, or because it depends on a package of this batch: such a
//     package goes to the next batch).
//   - One batch is one install transaction (plus one hold and one unhold
//     command when holds change), then one query of the package database
//     that every request reads its result from.
//
// Refresh reads one snapshot of the package database per host (Installed),
// taken at the first read and again after each transaction.

// Request is one package resource's wish.
type Request struct {
	Name       string
	Version    string // "" any, exact, or a prefix ending in "*"
	Remove     bool   // state = "absent"
	Hold       bool
	Recommends bool
	// UpdateMaxAge, when positive, refreshes the repository metadata
	// before the transaction if it is older (apt update).
	UpdateMaxAge time.Duration
}

// Result is what the package database says about a request's package
// after its batch, and the error of the request (nil when it got what it
// asked for). Installed is valid even with an error: a failed transaction
// leaves the state saying what is installed.
type Result struct {
	Installed Installed
	Found     bool
	Err       error
}

// Batcher gathers the package changes of one host into transactions.
type Batcher struct {
	Host    host.Host
	Manager Manager
	Settle  time.Duration
	MaxWait time.Duration
	// UpdateStamp is touched after a metadata refresh; its age is the
	// cache's age (apt's own stamp, which unattended-upgrades uses too).
	UpdateStamp string

	mu        sync.Mutex
	expected  map[string]int // expectations not yet submitted, by name
	queue     []*pending
	lastEvent time.Time
	running   bool

	exec     sync.Mutex // one transaction at a time
	snapMu   sync.Mutex
	snapshot map[string]Installed
}

type pending struct {
	req  Request
	done chan Result
}

// DefaultUpdateStamp is apt's stamp of its last successful update.
const DefaultUpdateStamp = "/var/lib/apt/periodic/update-success-stamp"

// Expect announces a change planned for name that Submit will bring.
func (b *Batcher) Expect(name string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.expected == nil {
		b.expected = map[string]int{}
	}
	// Planned twice (engine plan, then plan before apply) is one request.
	b.expected[name] = 1
	b.lastEvent = time.Now()
}

// Submit applies req with the other requests of its batch and waits for
// the batch's result.
func (b *Batcher) Submit(ctx context.Context, req Request) Result {
	p := &pending{req: req, done: make(chan Result, 1)}
	b.mu.Lock()
	delete(b.expected, req.Name)
	b.queue = append(b.queue, p)
	b.lastEvent = time.Now()
	if !b.running {
		b.running = true
		go b.collect(context.WithoutCancel(ctx))
	}
	b.mu.Unlock()
	select {
	case r := <-p.done:
		return r
	case <-ctx.Done():
		return Result{Err: ctx.Err()}
	}
}

// collect waits until the batch is complete, then runs it.
func (b *Batcher) collect(ctx context.Context) {
	start := time.Now()
	for {
		b.mu.Lock()
		quiet := time.Since(b.lastEvent) >= b.Settle
		if (quiet && len(b.expected) == 0) || time.Since(start) >= b.MaxWait {
			batch := b.queue
			b.queue, b.running = nil, false
			b.mu.Unlock()
			b.run(ctx, batch)
			return
		}
		b.mu.Unlock()
		time.Sleep(b.Settle / 10)
	}
}

// Installed is the package database as last read, read now if it never
// was.
func (b *Batcher) Installed(ctx context.Context) (map[string]Installed, error) {
	b.snapMu.Lock()
	defer b.snapMu.Unlock()
	if b.snapshot != nil {
		return b.snapshot, nil
	}
	snap, err := b.query(ctx)
	if err != nil {
		return nil, err
	}
	b.snapshot = snap
	return snap, nil
}

func (b *Batcher) query(ctx context.Context) (map[string]Installed, error) {
	out, err := b.runArgv(ctx, b.Manager.QueryArgv())
	if err != nil {
		return nil, fmt.Errorf("list installed packages on %s: %w", b.Host.Name(), err)
	}
	installed, err := b.Manager.ParseQuery(out)
	if err != nil {
		return nil, fmt.Errorf("read installed packages on %s: %w", b.Host.Name(), err)
	}
	if argv := b.Manager.HoldsArgv(); argv != nil {
		out, err := b.runArgv(ctx, argv)
		if err != nil {
			return nil, fmt.Errorf("list held packages on %s: %w", b.Host.Name(), err)
		}
		ParseHolds(out, installed)
	}
	return installed, nil
}

func (b *Batcher) runArgv(ctx context.Context, argv []string) ([]byte, error) {
	res, err := b.Host.Run(ctx, host.Command{Argv: argv})
	return res.Stdout, err
}

// run executes one batch and hands every request its result.
func (b *Batcher) run(ctx context.Context, batch []*pending) {
	b.exec.Lock()
	defer b.exec.Unlock()
	errs := b.transact(ctx, batch)
	b.snapMu.Lock()
	snap, err := b.query(ctx)
	b.snapshot = snap
	b.snapMu.Unlock()
	for i, p := range batch {
		r := Result{Err: errs[i]}
		if err != nil && r.Err == nil {
			r.Err = err
		}
		r.Installed, r.Found = snap[p.req.Name]
		if r.Err == nil {
			r.Err = check(p.req, r)
		}
		p.done <- r
	}
}

// check says how the host still differs from what req asked, after a
// transaction that reported success.
func check(req Request, r Result) error {
	switch {
	case req.Remove && r.Found:
		return fmt.Errorf("package %s is still installed (%s)", req.Name, r.Installed.Version)
	case req.Remove:
		return nil
	case !r.Found:
		return fmt.Errorf("package %s is not installed after the transaction", req.Name)
	case !Matches(req.Version, r.Installed.Version):
		return fmt.Errorf("package %s is at version %s, not %s", req.Name, r.Installed.Version, req.Version)
	case r.Installed.Held != req.Hold:
		return fmt.Errorf("package %s: hold is %t, not %t", req.Name, r.Installed.Held, req.Hold)
	}
	return nil
}

// transact runs the batch's commands: metadata refresh, one transaction
// per recommends setting (normally one), holds. It returns each request's
// error.
func (b *Batcher) transact(ctx context.Context, batch []*pending) []error {
	errs := make([]error, len(batch))
	fail := func(err error) []error {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = err
			}
		}
		return errs
	}
	installed, err := b.Installed(ctx)
	if err != nil {
		return fail(err)
	}
	if err := b.refreshMetadata(ctx, batch); err != nil {
		return fail(err)
	}
	var wanted []string
	for _, p := range batch {
		if !p.req.Remove {
			wanted = append(wanted, p.req.Name)
		}
	}
	available := map[string][]string{}
	if len(wanted) > 0 {
		// madison exits 0 and prints nothing for names no repository has.
		out, err := b.runArgv(ctx, b.Manager.AvailableArgv(wanted))
		if err != nil {
			return fail(fmt.Errorf("list available versions on %s: %w", b.Host.Name(), err))
		}
		available = b.Manager.ParseAvailable(out)
	}
	specs := map[bool][]string{} // by recommends
	var remove []string
	var hold, unhold []string
	var inTx []int
	for i, p := range batch {
		r, inst := p.req, installed[p.req.Name]
		_, isInstalled := installed[r.Name]
		switch {
		case r.Remove:
			if isInstalled {
				remove = append(remove, r.Name)
				inTx = append(inTx, i)
			}
			continue
		case isInstalled && Matches(r.Version, inst.Version):
			// Only the hold may change.
		default:
			versions, known := available[r.Name]
			if !known {
				errs[i] = fmt.Errorf("package %s: no configured repository of %s has it (is the name right, is the metadata current?)", r.Name, b.Host.Name())
				continue
			}
			v := Choose(r.Version, versions)
			if v == "" {
				errs[i] = fmt.Errorf("package %s: no version matching %q is available on %s (available: %s)", r.Name, r.Version, b.Host.Name(), strings.Join(versions, ", "))
				continue
			}
			specs[r.Recommends] = append(specs[r.Recommends], b.Manager.Spec(r.Name, v))
			inTx = append(inTx, i)
		}
		if r.Hold != inst.Held || !isInstalled {
			if r.Hold {
				hold = append(hold, r.Name)
			} else if inst.Held {
				unhold = append(unhold, r.Name)
			}
		}
	}
	// Unhold first: removing a held package is refused otherwise by dnf.
	if len(unhold) > 0 {
		if _, err := b.runArgv(ctx, b.Manager.HoldArgv(sorted(unhold), false)); err != nil {
			return fail(fmt.Errorf("release holds on %s: %w", b.Host.Name(), err))
		}
	}
	// Removals go with the transaction without recommends, unless only
	// packages with recommends are installed.
	removeWith := len(specs[false]) > 0 || len(specs[true]) == 0
	for _, recommends := range []bool{false, true} {
		install, rm := sorted(specs[recommends]), []string(nil)
		if recommends != removeWith {
			rm = sorted(remove)
		}
		if len(install) == 0 && len(rm) == 0 {
			continue
		}
		for _, argv := range b.Manager.TransactionArgv(install, rm, recommends) {
			if _, err := b.runArgv(ctx, argv); err != nil {
				txErr := fmt.Errorf("package transaction on %s (%s): %w", b.Host.Name(), strings.Join(append(install, rm...), " "), describe(err))
				for _, i := range inTx {
					if errs[i] == nil {
						errs[i] = txErr
					}
				}
				return errs
			}
		}
	}
	if len(hold) > 0 {
		if _, err := b.runArgv(ctx, b.Manager.HoldArgv(sorted(hold), true)); err != nil {
			return fail(fmt.Errorf("hold packages on %s: %w", b.Host.Name(), err))
		}
	}
	return errs
}

// describe keeps the package manager's "E:" lines, where apt says why a
// transaction failed, in the error.
func describe(err error) error {
	var exit *host.ExitError
	if !errors.As(err, &exit) {
		return err
	}
	var reasons []string
	for _, line := range strings.Split(string(exit.Result.Stderr), "\n") {
		if strings.HasPrefix(line, "E: ") || strings.HasPrefix(line, "Error: ") {
			reasons = append(reasons, strings.TrimSpace(line))
		}
	}
	if len(reasons) == 0 {
		return err
	}
	return fmt.Errorf("exit status %d: %s", exit.Result.ExitCode, strings.Join(reasons, "; "))
}

// refreshMetadata runs apt update when a request asks for metadata younger
// than the stamp says it is.
func (b *Batcher) refreshMetadata(ctx context.Context, batch []*pending) error {
	argv := b.Manager.UpdateArgv()
	var maxAge time.Duration
	for _, p := range batch {
		if a := p.req.UpdateMaxAge; a > 0 && (maxAge == 0 || a < maxAge) {
			maxAge = a
		}
	}
	if argv == nil || maxAge == 0 {
		return nil
	}
	stamp := b.UpdateStamp
	if stamp == "" {
		stamp = DefaultUpdateStamp
	}
	out, err := b.runArgv(ctx, []string{"sh", "-c", `stat -c %Y "$1" 2>/dev/null || echo 0; date +%s`, "sh", stamp})
	if err != nil {
		return fmt.Errorf("age of %s on %s: %w", stamp, b.Host.Name(), err)
	}
	f := strings.Fields(string(out))
	if len(f) == 2 {
		then, err1 := strconv.ParseInt(f[0], 10, 64)
		now, err2 := strconv.ParseInt(f[1], 10, 64)
		if err1 == nil && err2 == nil && time.Duration(now-then)*time.Second < maxAge {
			return nil
		}
	}
	if _, err := b.runArgv(ctx, argv); err != nil {
		return fmt.Errorf("refresh package metadata on %s: %w", b.Host.Name(), describe(err))
	}
	if _, err := b.runArgv(ctx, []string{"sh", "-c", `mkdir -p "$(dirname "$1")" && touch "$1"`, "sh", stamp}); err != nil {
		return fmt.Errorf("touch %s on %s: %w", stamp, b.Host.Name(), err)
	}
	return nil
}

func sorted(s []string) []string {
	s = append([]string(nil), s...)
	sort.Strings(s)
	return s
}
