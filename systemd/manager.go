package systemd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/spice-harvester/terraform-provider-spice/host"
)

// UnitDir is where administrators' units live and spice writes its own.
const UnitDir = "/etc/systemd/system"

// UnitPath is the file of a unit spice manages.
func UnitPath(unit string) string { return UnitDir + "/" + unit }

// Live reports whether h runs the systemd it holds: false in image mode,
// where only files and links are managed.
func Live(h host.Host) bool { return h.Root() == "/" }

// Status is what systemd reports about a unit.
type Status struct {
	LoadState        string // loaded, not-found, bad-setting, masked, ...
	ActiveState      string // active, inactive, failed, activating, deactivating, reloading
	SubState         string // running, dead, exited, auto-restart, ...
	UnitFileState    string // enabled, disabled, static, masked, ... ("" when not loaded)
	MainPID          int    // 0 when no main process runs
	FragmentPath     string // the unit file systemd loaded
	NeedDaemonReload bool   // the file changed since systemd loaded it
	Result           string // success, exit-code, signal, start-limit-hit, ...
	ExecMainCode     int    // how the main process ended: 1 exited, 2 killed, 3 dumped core
	ExecMainStatus   int    // its exit status, or the signal that ended it
	NRestarts        int    // automatic restarts since the unit was last started by hand
}

// Running reports a unit that is up or on its way up.
func (s Status) Running() bool {
	switch s.ActiveState {
	case "active", "activating", "reloading":
		return true
	}
	return false
}

// Enabled reports whether the unit is enabled, and whether that question
// has an answer: a static, generated or transient unit is neither.
func (s Status) Enabled() (enabled, known bool) {
	switch s.UnitFileState {
	case "enabled", "enabled-runtime", "linked", "linked-runtime", "alias":
		return true, true
	case "disabled":
		return false, true
	}
	return false, false
}

// Failed reports a unit systemd has given up on: it stays down until
// started again (after a failing start with no restart left, or once its
// start limit is hit).
func (s Status) Failed() bool { return s.ActiveState == "failed" }

// Outcome says how the unit last ended, in systemd's words: "result
// exit-code, code=exited, status=203/EXEC, 4 restarts".
func (s Status) Outcome() string {
	out := "result " + s.Result
	switch s.ExecMainCode {
	case cldExited:
		out += fmt.Sprintf(", code=exited, status=%d", s.ExecMainStatus)
		if name, ok := exitStatusNames[s.ExecMainStatus]; ok {
			out += "/" + name
		}
	case cldKilled, cldDumped:
		code := "killed"
		if s.ExecMainCode == cldDumped {
			code = "dumped"
		}
		out += fmt.Sprintf(", code=%s, status=%d", code, s.ExecMainStatus)
		if name, ok := linuxSignals[s.ExecMainStatus]; ok {
			out += "/" + name
		}
	}
	if s.NRestarts > 0 {
		out += fmt.Sprintf(", %d restarts", s.NRestarts)
	}
	return out
}

// How a main process ended (ExecMainCode), as in waitid(2).
const (
	cldExited = 1
	cldKilled = 2
	cldDumped = 3
)

// exitStatusNames are the exit statuses systemd itself sets when it
// cannot run a service's process (systemd.exec(5), "Process exit codes").
var exitStatusNames = map[int]string{
	200: "CHDIR", 201: "NICE", 202: "FDS", 203: "EXEC", 204: "MEMORY", 205: "LIMITS", 206: "OOM_ADJUST",
	207: "SIGNAL_MASK", 208: "STDIN", 209: "STDOUT", 210: "CHROOT", 211: "IOPRIO", 212: "TIMERSLACK",
	213: "SECUREBITS", 214: "SETSCHEDULER", 215: "CPUAFFINITY", 216: "GROUP", 217: "USER", 218: "CAPABILITIES",
	219: "CGROUP", 220: "SETSID", 221: "CONFIRM", 222: "STDERR", 224: "PAM", 225: "NETWORK", 226: "NAMESPACE",
	227: "NO_NEW_PRIVILEGES", 228: "SECCOMP", 229: "SELINUX_CONTEXT", 230: "PERSONALITY", 231: "APPARMOR_PROFILE",
	232: "ADDRESS_FAMILIES", 233: "RUNTIME_DIRECTORY", 235: "CHOWN", 236: "SMACK_PROCESS_LABEL", 237: "KEYRING",
	238: "STATE_DIRECTORY", 239: "CACHE_DIRECTORY", 240: "LOGS_DIRECTORY", 241: "CONFIGURATION_DIRECTORY",
	242: "NUMA_POLICY", 243: "CREDENTIALS", 245: "BPF",
}

// linuxSignals name the signals that commonly end services, by their
// numbers on Linux (the host's, whatever spice itself runs on).
var linuxSignals = map[int]string{
	1: "HUP", 2: "INT", 3: "QUIT", 4: "ILL", 5: "TRAP", 6: "ABRT", 7: "BUS", 8: "FPE", 9: "KILL",
	10: "USR1", 11: "SEGV", 12: "USR2", 13: "PIPE", 14: "ALRM", 15: "TERM",
}

// JournalTail is the last n lines a unit logged (its own output and
// systemd's messages about it), without metadata.
func JournalTail(ctx context.Context, h host.Host, unit string, n int) (string, error) {
	res, err := h.Run(ctx, host.Command{Argv: []string{"journalctl", "-u", unit, "-n", strconv.Itoa(n), "--no-pager", "-o", "cat"}})
	if err != nil {
		return "", fmt.Errorf("journalctl -u %s on %s: %w", unit, h.Name(), err)
	}
	return strings.TrimRight(string(res.Stdout), "\n"), nil
}

var showProperties = []string{"LoadState", "ActiveState", "SubState", "UnitFileState", "MainPID", "FragmentPath", "NeedDaemonReload",
	"Result", "ExecMainCode", "ExecMainStatus", "NRestarts"}

// Show reads a unit's status in one `systemctl show` call. In image mode
// only UnitFileState is known, from the links under the root
// (`systemctl --root=ROOT is-enabled`).
func Show(ctx context.Context, h host.Host, unit string) (Status, error) {
	if !Live(h) {
		return showImage(ctx, h, unit)
	}
	res, err := h.Run(ctx, host.Command{Argv: []string{"systemctl", "show", "-p", strings.Join(showProperties, ","), "--", unit}})
	if err != nil {
		return Status{}, fmt.Errorf("systemctl show %s on %s: %w", unit, h.Name(), err)
	}
	return parseShow(string(res.Stdout))
}

func parseShow(out string) (Status, error) {
	var s Status
	for _, line := range strings.Split(out, "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		switch k {
		case "LoadState":
			s.LoadState = v
		case "ActiveState":
			s.ActiveState = v
		case "SubState":
			s.SubState = v
		case "UnitFileState":
			s.UnitFileState = v
		case "FragmentPath":
			s.FragmentPath = v
		case "NeedDaemonReload":
			s.NeedDaemonReload = v == "yes"
		case "Result":
			s.Result = v
		case "MainPID", "ExecMainCode", "ExecMainStatus", "NRestarts":
			n, err := strconv.Atoi(v)
			if err != nil {
				return s, fmt.Errorf("systemctl show: %s=%q is not a number", k, v)
			}
			switch k {
			case "MainPID":
				s.MainPID = n
			case "ExecMainCode":
				s.ExecMainCode = n
			case "ExecMainStatus":
				s.ExecMainStatus = n
			case "NRestarts":
				s.NRestarts = n
			}
		}
	}
	if s.LoadState == "" || s.ActiveState == "" {
		return s, fmt.Errorf("systemctl show printed no LoadState or ActiveState: %q", out)
	}
	return s, nil
}

func showImage(ctx context.Context, h host.Host, unit string) (Status, error) {
	res, err := h.Run(ctx, host.Command{Argv: []string{"systemctl", "--root=" + h.Root(), "is-enabled", "--", unit}})
	state := strings.TrimSpace(string(res.Stdout))
	// is-enabled exits non-zero for anything but enabled, yet says which.
	var exit *host.ExitError
	if err != nil && (!errors.As(err, &exit) || state == "") {
		return Status{}, fmt.Errorf("systemctl is-enabled %s below %s on %s: %w", unit, h.Root(), h.Name(), err)
	}
	return Status{UnitFileState: state}, nil
}

// Manager changes the units of one host: it writes and removes unit
// files, enables, disables, starts and stops units, and runs the
// daemon-reloads those changes need, one for all changes made together.
// Reading (Show, ReadUnit) needs no Manager. A provider configuration
// holds one Manager per host for as long as it lives, so that its
// resources share reloads; two configurations share nothing. It is safe
// for concurrent use.
type Manager struct {
	host host.Host

	// Unit file changes made, and how many of them a daemon-reload covers.
	mu       sync.Mutex    // held while a daemon-reload runs
	written  atomic.Uint64 // changes made
	reloaded uint64        // changes a finished daemon-reload covers
}

// NewManager manages the units of h.
func NewManager(h host.Host) *Manager { return &Manager{host: h} }

// systemctl runs a verb on a unit. Enable and disable work on the links
// (below the root in image mode); the others need a running systemd.
func (m *Manager) systemctl(ctx context.Context, verb, unit string) error {
	h := m.host
	argv := []string{"systemctl"}
	links := verb == "enable" || verb == "disable"
	switch {
	case links && !Live(h):
		argv = append(argv, "--root="+h.Root())
	case links:
		// The reload systemctl would run is left to Reload, shared
		// with the unit files written at the same time.
		argv = append(argv, "--no-reload")
	case !Live(h):
		return fmt.Errorf("systemctl %s %s on %s: image mode (root %s) starts and stops nothing", verb, unit, h.Name(), h.Root())
	}
	argv = append(argv, verb, "--", unit)
	if _, err := h.Run(ctx, host.Command{Argv: argv}); err != nil {
		return fmt.Errorf("systemctl %s %s on %s: %w", verb, unit, h.Name(), err)
	}
	if links {
		m.MarkWritten()
	}
	return nil
}

// Enable links the unit into the targets of its [Install] section. Call
// Reload afterwards: systemd sees the links (and reports the unit
// enabled) from the next daemon-reload, which Enable leaves to Reload so
// that it is shared.
func (m *Manager) Enable(ctx context.Context, unit string) error {
	return m.systemctl(ctx, "enable", unit)
}

// Disable removes the unit's [Install] links; call Reload afterwards, as
// for Enable.
func (m *Manager) Disable(ctx context.Context, unit string) error {
	return m.systemctl(ctx, "disable", unit)
}

// Start starts the unit and waits for the start job (live hosts only).
func (m *Manager) Start(ctx context.Context, unit string) error {
	return m.systemctl(ctx, "start", unit)
}

// Stop stops the unit and waits until its processes are gone (live hosts only).
func (m *Manager) Stop(ctx context.Context, unit string) error {
	return m.systemctl(ctx, "stop", unit)
}

// Restart stops and starts the unit, or starts it when stopped (live hosts only).
func (m *Manager) Restart(ctx context.Context, unit string) error {
	return m.systemctl(ctx, "restart", unit)
}

// ResetFailed forgets a unit's failed state, so a removed unit does not
// linger in systemd as failed (live hosts only).
func (m *Manager) ResetFailed(ctx context.Context, unit string) error {
	return m.systemctl(ctx, "reset-failed", unit)
}

// ReadUnit reads a unit file from UnitDir; found is false when there is none.
func ReadUnit(ctx context.Context, h host.Host, unit string) (content []byte, found bool, err error) {
	content, err = h.ReadFile(ctx, UnitPath(unit))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read unit %s on %s: %w", unit, h.Name(), err)
	}
	return content, true, nil
}

// unitAttrs: unit files are root's and world-readable, as systemctl cat
// and non-root `systemctl status` expect.
var unitAttrs = host.Attrs{Perm: 0o644, UID: 0, GID: 0}

// WriteUnit makes UnitDir hold content for unit, atomically, and reports
// whether it changed anything. A change is remembered for Reload.
func (m *Manager) WriteUnit(ctx context.Context, unit string, content []byte) (changed bool, err error) {
	h := m.host
	current, found, err := ReadUnit(ctx, h, unit)
	if err != nil {
		return false, err
	}
	if found && string(current) == string(content) {
		return false, nil
	}
	if err := h.WriteFile(ctx, UnitPath(unit), content, unitAttrs); err != nil {
		return false, fmt.Errorf("write unit %s on %s: %w", unit, h.Name(), err)
	}
	m.MarkWritten()
	return true, nil
}

// RemoveUnit deletes a unit file (one already gone is fine) and remembers
// the change for Reload.
func (m *Manager) RemoveUnit(ctx context.Context, unit string) error {
	err := m.host.Remove(ctx, UnitPath(unit))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("remove unit %s on %s: %w", unit, m.host.Name(), err)
	}
	m.MarkWritten()
	return nil
}

// MarkWritten records that a unit file or link changed outside WriteUnit,
// RemoveUnit, Enable and Disable (or that systemd reported
// NeedDaemonReload), so the next Reload runs.
func (m *Manager) MarkWritten() {
	m.written.Add(1)
}

// Reload runs `systemctl daemon-reload` if a unit file changed since the
// last one. Callers that changed files together share one reload: the
// first runs it for all changes made until it starts, the others wait for
// it and find nothing left to do. A change made while a reload runs gets a
// reload of its own. In image mode there is nothing to reload.
func (m *Manager) Reload(ctx context.Context) error {
	if !Live(m.host) {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	target := m.written.Load()
	if m.reloaded >= target {
		return nil
	}
	if _, err := m.host.Run(ctx, host.Command{Argv: []string{"systemctl", "daemon-reload"}}); err != nil {
		return fmt.Errorf("systemctl daemon-reload on %s: %w", m.host.Name(), err)
	}
	m.reloaded = target
	return nil
}
