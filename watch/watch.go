// Package watch is spice watch: a long-running reconciler. It notices
// drift as it happens (fsnotify on the directories of local managed files,
// a periodic check of every host, spread over the interval), repairs it
// one object at a time under the state lock (or only reports it), backs
// off from objects that fail, leaves alone objects something else keeps
// changing (contested), and exports what it sees to Prometheus. The
// findings are spice drift's (package report); the repairs are targeted
// plans and applies of the engine (core.Engine.Targets).
package watch

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/core"
	"github.com/spice-harvester/terraform-provider-spice/engine/state"
	"github.com/spice-harvester/terraform-provider-spice/host"
	"github.com/spice-harvester/terraform-provider-spice/internal/ctyattr"
	"github.com/spice-harvester/terraform-provider-spice/provider"
	"github.com/spice-harvester/terraform-provider-spice/report"
)

// Options configure a watcher; the CLI fills them from flags.
type Options struct {
	Dir         string // the configuration directory
	StatePath   string
	Vars        []config.VarArg
	Factory     core.Factory
	Version     string
	Parallelism int
	Interval    time.Duration // how often every host is checked
	Apply       bool          // repair; false only reports
	MetricsAddr string        // "" serves no metrics
	Logger      *slog.Logger
	// FlapRepairs repairs of one object within FlapWindow are allowed;
	// the next drift makes it contested.
	FlapRepairs int
	FlapWindow  time.Duration
	BackoffBase time.Duration
	BackoffMax  time.Duration
	// Judge turns a plan into spice drift's findings (the drift command's
	// report builder): watch reports with the same model.
	Judge func(context.Context, *core.Engine, *core.Plan, hcl.Diagnostics) *report.Report
	// Reload receives a value for each reload request (SIGHUP).
	Reload <-chan os.Signal
}

// Watcher is one running spice watch.
type Watcher struct {
	opt     Options
	log     *slog.Logger
	metrics *metrics
	policy  policy
	schemas *core.Schemas

	module *config.Module // the last good configuration
	vars   map[string]cty.Value

	objects map[string]*object // by instance address
	hosts   map[string]*hostInfo
	paths   map[string][]string // local path → instance addresses
	dirs    map[string]bool     // directories fsnotify watches
	fsw     *fsnotify.Watcher
	streams map[string]*remoteStream // by host
	remote  chan remoteEvent
	state   stateCache
	// providers keeps each host's configured provider, and so its
	// connection, from one repair to the next; a host's check and a
	// reload start afresh (new connection, no stale provider caches).
	providers core.ProviderCache
	decoded   core.DecodeCache // state values decoded, reused while unchanged

	mu       sync.Mutex // guards healthy and healthMsg, read by /healthz
	healthy  bool
	healthMs string
}

// hostInfo is one provider configuration as the last full plan saw it.
type hostInfo struct {
	key       string
	local     bool
	root      string   // the provider's root (image mode), "" for /
	resources []string // resource addresses served by this configuration
	next      time.Time
	// Of a remote host: how to reach it, the agent binary there and the
	// managed paths its event stream watches (path → instance addresses).
	ssh   *host.SSHConfig
	agent string
	// agentDeclared: a spice_backup_policy installs the agent; otherwise
	// watch installs it on demand before starting the stream.
	agentDeclared bool
	remotePaths   map[string][]string
	// streaming: the host's event stream is ready; unwatched are the
	// managed paths it cannot see (their directory is missing).
	streaming bool
	unwatched map[string]bool
}

// eventCovered are the types whose whole managed state is one path's
// inode (content, mode, owner): any change to one is an event on that
// path. While fsnotify (locally) or the host's event stream watches the
// path's directory, interval checks leave these objects out: the events
// repair them. A checkout or a venv changes below its path, out of
// sight, and stays in the checks.
var eventCovered = map[string]bool{"spice_file": true, "spice_env_file": true, "spice_directory": true}

// covered is the set of h's objects that events watch.
func (w *Watcher) covered(h *hostInfo) map[string]bool {
	out := map[string]bool{}
	add := func(addrs []string) {
		for _, addr := range addrs {
			if o := w.objects[addr]; o != nil && eventCovered[o.typ] {
				out[addr] = true
			}
		}
	}
	switch {
	case h.local:
		for p, addrs := range w.paths {
			if w.dirs[filepath.Dir(p)] {
				add(addrs)
			}
		}
	case h.streaming:
		for p, addrs := range h.remotePaths {
			if !h.unwatched[p] {
				add(addrs)
			}
		}
	}
	return out
}

// New loads the configuration and the provider schemas.
func New(ctx context.Context, opt Options) (*Watcher, error) {
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	w := &Watcher{opt: opt, log: opt.Logger, metrics: newMetrics(),
		policy:  policy{flapRepairs: opt.FlapRepairs, flapWindow: opt.FlapWindow, backoffBase: opt.BackoffBase, backoffMax: opt.BackoffMax},
		objects: map[string]*object{}, hosts: map[string]*hostInfo{}, paths: map[string][]string{}, dirs: map[string]bool{},
		streams: map[string]*remoteStream{}, remote: make(chan remoteEvent, 64)}
	schemas, err := core.LoadSchemas(ctx, opt.Factory())
	if err != nil {
		return nil, fmt.Errorf("load the provider schemas: %w", err)
	}
	w.schemas = schemas
	if err := w.loadConfig(); err != nil {
		return nil, err
	}
	return w, nil
}

// loadConfig reads and validates the configuration; on error the last
// good one stays.
func (w *Watcher) loadConfig() error {
	mod, diags := config.Load(w.opt.Dir)
	if !diags.HasErrors() {
		var vd hcl.Diagnostics
		w.vars, vd = mod.VariableValues(w.opt.Vars)
		diags = append(diags, vd...)
	}
	if diags.HasErrors() {
		w.metrics.configValid.Set(0)
		return fmt.Errorf("load the configuration in %s: %s", w.opt.Dir, oneLine(diags.Error()))
	}
	w.module = mod
	w.metrics.configValid.Set(1)
	return nil
}

// Run watches until ctx ends. A repair under way when it ends is finished
// and its state saved first.
func (w *Watcher) Run(ctx context.Context) error {
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("start fsnotify: %w", err)
	}
	defer func() { _ = fsw.Close() }()
	defer w.providers.Forget("") // closes the hosts' connections
	w.fsw = fsw
	dir, err := filepath.Abs(w.opt.Dir)
	if err != nil {
		return fmt.Errorf("watch %s: %w", w.opt.Dir, err)
	}
	if err := fsw.Add(dir); err != nil {
		return fmt.Errorf("watch the configuration directory %s: %w", dir, err)
	}
	if w.opt.MetricsAddr != "" {
		stop, err := w.serveMetrics()
		if err != nil {
			return err
		}
		defer stop()
	}
	w.fullCheck(ctx, "start")
	w.startStreams(ctx)
	// The first full plan's garbage is most of the peak; give it back
	// now rather than keep it resident while idle.
	debug.FreeOSMemory()
	w.log.Info("watching", "hosts", len(w.hosts), "objects", len(w.objects), "local_paths", len(w.paths), "apply", w.opt.Apply, "interval", w.opt.Interval.String())

	var reloadAt <-chan time.Time
	for {
		timer := time.NewTimer(w.nextWake())
		select {
		case <-ctx.Done():
			timer.Stop()
			w.log.Info("stopped")
			return nil
		case <-w.opt.Reload:
			w.reload(ctx, "sighup")
		case <-reloadAt:
			reloadAt = nil
			w.reload(ctx, "config changed")
		case ev := <-w.remote:
			w.handleRemote(ctx, ev)
		case err := <-fsw.Errors:
			w.log.Warn("fsnotify error", "error", err.Error())
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				// Events were lost: check every local object now.
				for _, key := range sortedKeys(w.hosts) {
					if h := w.hosts[key]; h.local {
						w.checkHost(ctx, h, true)
					}
				}
			}
		case ev := <-fsw.Events:
			addrs, configChanged := w.classify(ev, dir)
			// Take every event already queued: one repair for a burst.
			for more := true; more; {
				select {
				case ev := <-fsw.Events:
					a, c := w.classify(ev, dir)
					addrs, configChanged = append(addrs, a...), configChanged || c
				default:
					more = false
				}
			}
			if configChanged && reloadAt == nil {
				// Editors write a file in several steps: reload once they are done.
				reloadAt = time.After(100 * time.Millisecond)
			}
			if len(addrs) > 0 {
				w.repair(ctx, dedupe(addrs), "fsnotify")
			}
		case <-timer.C:
			w.due(ctx)
		}
		timer.Stop()
	}
}

// classify maps an fsnotify event to the objects it concerns, or to a
// configuration change.
func (w *Watcher) classify(ev fsnotify.Event, configDir string) ([]string, bool) {
	name := filepath.Clean(ev.Name)
	if filepath.Dir(name) == configDir && (strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tfvars")) {
		return nil, true
	}
	return w.paths[name], false
}

// nextWake is how long until the next host check or retry is due.
func (w *Watcher) nextWake() time.Duration {
	now := time.Now()
	next := now.Add(w.opt.Interval)
	for _, h := range w.hosts {
		if h.next.Before(next) {
			next = h.next
		}
	}
	for _, o := range w.objects {
		if o.drifted && !o.contested && !o.retryAt.IsZero() && o.retryAt.Before(next) {
			next = o.retryAt
		}
	}
	return max(next.Sub(now), time.Millisecond)
}

// due runs the host checks and the retries whose time has come.
func (w *Watcher) due(ctx context.Context) {
	now := time.Now()
	for _, key := range sortedKeys(w.hosts) {
		h := w.hosts[key]
		if !now.Before(h.next) {
			for !now.Before(h.next) {
				h.next = h.next.Add(w.opt.Interval)
			}
			w.checkHost(ctx, h, false)
		}
	}
	var retry []string
	for addr, o := range w.objects {
		if o.drifted && !o.contested && !o.retryAt.IsZero() && !now.Before(o.retryAt) {
			retry = append(retry, addr)
		}
	}
	if len(retry) > 0 {
		sort.Strings(retry)
		w.repair(ctx, retry, "retry")
	}
}

// reload loads the configuration again; when it is valid, contested
// objects are fought for again and everything is checked.
func (w *Watcher) reload(ctx context.Context, why string) {
	if err := w.loadConfig(); err != nil {
		w.log.Error("configuration invalid; the last good one stays in force", "trigger", why, "error", err.Error())
		return
	}
	w.log.Info("configuration reloaded", "trigger", why)
	for _, o := range w.objects {
		o.contested, o.repairs = false, nil
	}
	w.fullCheck(ctx, why)
	w.startStreams(ctx)
}

// engine is an engine over the current configuration and st, limited to
// targets when not nil.
func (w *Watcher) engine(st *state.File, targets map[string]bool) *core.Engine {
	return &core.Engine{Module: w.module, Vars: w.vars, State: st, Factory: w.opt.Factory, Schemas: w.schemas,
		Parallelism: w.opt.Parallelism, Refresh: true, Targets: targets, Providers: &w.providers,
		Decoded: &w.decoded}
}

// fullCheck plans the whole configuration: it learns the hosts, objects
// and local paths, updates every metric, and repairs what differs.
func (w *Watcher) fullCheck(ctx context.Context, trigger string) {
	started := time.Now()
	w.providers.Forget("")
	st, err := w.readState()
	if err != nil {
		w.fail("read state", err)
		return
	}
	e := w.engine(st, nil)
	plan, diags := e.Plan(ctx, core.NormalMode)
	if plan == nil {
		w.fail("plan", errors.New(oneLine(diags.Error())))
		return
	}
	r := w.opt.Judge(ctx, e, plan, diags)
	w.index(e, plan, r)
	for _, h := range r.Hosts {
		w.observe(h, r, plan)
	}
	w.finishCheck(started, r)
	w.repair(ctx, w.differing(r, ""), trigger)
}

// checkHost refreshes and plans the objects of one host (every interval),
// but for those events cover, unless all.
func (w *Watcher) checkHost(ctx context.Context, h *hostInfo, all bool) {
	targets := map[string]bool{}
	if all {
		for _, r := range h.resources {
			targets[r] = true
		}
	} else {
		covered := w.covered(h)
		for addr, o := range w.objects {
			if o.host == h.key && !covered[addr] {
				targets[addr] = true
			}
		}
	}
	if len(targets) == 0 {
		return
	}
	started := time.Now()
	w.providers.Forget(h.key)
	st, err := w.readState()
	if err != nil {
		w.fail("read state", err)
		return
	}
	e := w.engine(st, targets)
	plan, diags := e.Plan(ctx, core.NormalMode)
	if plan == nil {
		w.fail("check "+h.key, errors.New(oneLine(diags.Error())))
		return
	}
	r := w.opt.Judge(ctx, e, plan, diags)
	for _, rh := range r.Hosts {
		if rh.Name == h.key {
			w.observe(rh, r, plan)
		}
	}
	w.finishCheck(started, r)
	w.repair(ctx, w.differing(r, h.key), "interval")
}

// finishCheck records a check's duration and, without errors, its time.
func (w *Watcher) finishCheck(started time.Time, r *report.Report) {
	w.metrics.duration.Observe(time.Since(started).Seconds())
	if len(r.Errors) > 0 {
		w.setHealth(false, "check failed: "+r.Errors[0])
		w.log.Error("check failed", "error", r.Errors[0])
		return
	}
	w.metrics.lastReconcile.Set(float64(time.Now().Unix()))
	w.setHealth(true, "ok")
}

func (w *Watcher) fail(what string, err error) {
	w.setHealth(false, what+": "+err.Error())
	w.log.Error(what+" failed", "error", err.Error())
}

func (w *Watcher) setHealth(ok bool, msg string) {
	w.mu.Lock()
	w.healthy, w.healthMs = ok, msg
	w.mu.Unlock()
}

// index learns, from a full plan, the objects, the hosts with their
// resources and the local paths to watch.
func (w *Watcher) index(e *core.Engine, plan *core.Plan, r *report.Report) {
	old := w.objects
	w.objects = map[string]*object{}
	hosts := map[string]*hostInfo{}
	now := time.Now()
	for _, rh := range r.Hosts {
		h := &hostInfo{key: rh.Name, local: rh.Address == "local", next: now.Add(phase(rh.Name, w.opt.Interval)),
			agent: defaultAgentPath, remotePaths: map[string][]string{}}
		if prev, ok := w.hosts[rh.Name]; ok {
			// A stream that goes on keeps its state (startStreams stops
			// one whose paths changed).
			h.next, h.streaming, h.unwatched = prev.next, prev.streaming, prev.unwatched
		}
		if cfg := e.ProviderConfig(rh.Name); cfg != cty.NilVal {
			h.root = ctyattr.String(cfg, "root")
			if sshCfg, remote := provider.RemoteSSHConfig(cfg); remote && !h.local {
				h.ssh = &sshCfg
			}
		}
		hosts[rh.Name] = h
	}
	w.hosts = hosts
	paths := map[string][]string{}
	for _, c := range plan.Changes {
		if c.Mode != config.Managed || c.Action == core.Delete {
			continue
		}
		o := old[c.Addr]
		if o == nil {
			o = &object{addr: c.Addr, typ: c.Type, host: c.ProviderKey}
		}
		w.objects[c.Addr] = o
		h := hosts[c.ProviderKey]
		if h == nil {
			continue
		}
		if !slices.Contains(h.resources, c.ResourceAddr) {
			h.resources = append(h.resources, c.ResourceAddr)
		}
		if c.Type == "spice_backup_policy" {
			h.agentDeclared = true
			if bp := ctyattr.String(c.After, "binary_path"); bp != "" {
				h.agent = bp
			}
		}
		p := ctyattr.String(c.After, "path")
		if p == "" || !filepath.IsAbs(p) {
			continue
		}
		// The host's own path: a root maps managed paths below it.
		real := filepath.Clean(filepath.Join(h.root, p))
		if h.local {
			paths[real] = append(paths[real], c.Addr)
		} else {
			h.remotePaths[real] = append(h.remotePaths[real], c.Addr)
		}
	}
	w.paths = paths
	w.watchDirs()
}

// watchDirs puts fsnotify on the parent directory of every local path:
// editors save by writing a new file and renaming it over the old one,
// which a watch on the file itself would lose.
func (w *Watcher) watchDirs() {
	want := map[string]bool{}
	for p := range w.paths {
		want[filepath.Dir(p)] = true
	}
	for d := range w.dirs {
		if !want[d] {
			_ = w.fsw.Remove(d)
			delete(w.dirs, d)
		}
	}
	for d := range want {
		if w.dirs[d] {
			continue
		}
		if err := w.fsw.Add(d); err != nil {
			// A missing directory is repaired by the checks; its files are
			// then watched from the next full check on.
			w.log.Warn("cannot watch a directory; its objects are checked every interval", "error", err.Error())
			continue
		}
		w.dirs[d] = true
	}
}

// observe records a host's findings in the objects and the metrics.
func (w *Watcher) observe(h report.Host, r *report.Report, plan *core.Plan) {
	values := map[string]cty.Value{}
	for _, c := range plan.Changes {
		if c.ProviderKey == h.Name && c.Mode == config.Managed {
			values[c.Addr] = c.After
		}
	}
	for _, res := range r.Resources {
		if o := w.objects[res.Address]; o != nil && res.Host == h.Name {
			o.drifted = res.Status == report.Drifted || res.Status == report.Pending
		}
	}
	w.metrics.setHost(h, r, values, time.Now())
	w.metrics.setObjects(w.objects)
}

// differing lists the objects a report found drifted or pending, of one
// host (or of all when host is "").
func (w *Watcher) differing(r *report.Report, host string) []string {
	var out []string
	for _, res := range r.Resources {
		if (host == "" || res.Host == host) && (res.Status == report.Drifted || res.Status == report.Pending) {
			out = append(out, res.Address)
		}
	}
	return out
}

// phase spreads the hosts' checks over the interval: each host has its
// own offset, the same on every start.
func phase(key string, interval time.Duration) time.Duration {
	if interval <= 0 {
		return 0
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(key))
	return time.Duration(h.Sum64() % uint64(interval))
}

// serveMetrics serves /metrics and /healthz until the returned stop.
func (w *Watcher) serveMetrics() (func(), error) {
	l, err := net.Listen("tcp", w.opt.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("serve metrics on %s: %w", w.opt.MetricsAddr, err)
	}
	srv := &http.Server{Handler: w.metrics.handler(func() (bool, string) {
		w.mu.Lock()
		defer w.mu.Unlock()
		return w.healthy, w.healthMs
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	w.log.Info("serving metrics", "addr", l.Addr().String())
	return func() { _ = srv.Close() }, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func dedupe(s []string) []string {
	sort.Strings(s)
	return slices.Compact(s)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
