// Package testhosts gives tests real Linux hosts: systemd containers booted
// copy-on-write from this machine's own OS by scripts/testhosts.sh, each
// with its own hostname, machine-id and sshd host key, reachable over SSH
// on a 127.0.0.1 port. Tests that need them skip (or fail with
// SPICE_TEST_STRICT) when not run as root or when the packages of
// scripts/install-test-deps.sh are missing.
//
// Start boots containers for one test and removes them when it ends.
// Shared boots containers once for a whole test package; its TestMain
// must call Main so that they are removed when the package's tests end:
//
//	func TestMain(m *testing.M) { testhosts.Main(m) }
//
// Shared hosts keep what earlier tests changed; use Start for a pristine
// host. Containers of a test process that died without cleaning up (^C, a
// test timeout) are removed by the next Start or Shared on this machine.
package testhosts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// Host is one container, as scripts/testhosts.sh describes it.
type Host struct {
	Name           string `json:"name"`
	Hostname       string `json:"hostname"`
	Address        string `json:"address"` // always 127.0.0.1
	Port           int    `json:"port"`
	User           string `json:"user"`             // root
	PrivateKeyFile string `json:"private_key_file"` // ed25519, authorized for User
	KnownHostsFile string `json:"known_hosts_file"` // the host key for [127.0.0.1]:Port
	// TFVarsFile holds the connection variables every example takes
	// (host, port, ssh_user, private_key_file, known_hosts_file).
	TFVarsFile string `json:"tfvars_file"`
	HostKey    string `json:"host_key"` // "ssh-ed25519 AAAA..."
	MachineID  string `json:"machine_id"`
	PID1       int    `json:"pid1"` // the container's systemd, for nsenter
	NspawnPID  int    `json:"nspawn_pid"`
	HelperPIDs []int  `json:"helper_pids"` // the socat forwarders
	// RootFS is the overlay mount point, mounted only in the container's
	// private mount namespace; from here use Root.
	RootFS     string   `json:"rootfs"`
	UpperDir   string   `json:"upper_dir"` // where the container's writes land
	Cgroups    []string `json:"cgroups"`
	Dir        string   `json:"dir"`
	ConsoleLog string   `json:"console_log"`
}

// Addr is the SSH address, "127.0.0.1:PORT".
func (h *Host) Addr() string {
	return net.JoinHostPort(h.Address, strconv.Itoa(h.Port))
}

// Root is the container's root directory as seen from this machine, for
// reading and writing its files. Never write sysctls through it:
// /proc/sys/net below it belongs to the network namespace of the writer,
// which is this machine's; use Exec.
func (h *Host) Root() string {
	return fmt.Sprintf("/proc/%d/root", h.PID1)
}

// cleanEnv keeps this machine's PATH (pyenv shims, Go) and HOME out of
// commands run inside.
var cleanEnv = []string{
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"HOME=/root",
	"LANG=C.UTF-8",
	"TERM=dumb",
}

// SpiceProvider is a provider "spice" block that reaches this host over
// SSH.
func (h *Host) SpiceProvider() string {
	return fmt.Sprintf("provider \"spice\" {\n  host             = %q\n  port             = %d\n  private_key_file = %q\n  known_hosts_file = %q\n}\n",
		h.Address, h.Port, h.PrivateKeyFile, h.KnownHostsFile)
}

// Command prepares argv to run inside the container (all its namespaces,
// its root and a clean environment), for callers that handle failure
// themselves.
func (h *Host) Command(argv ...string) *exec.Cmd {
	args := append([]string{"-t", strconv.Itoa(h.PID1), "-a", "--"}, argv...)
	cmd := exec.Command("nsenter", args...)
	cmd.Env = cleanEnv
	return cmd
}

// Exec runs argv inside the container and returns its stdout; it fails the
// test when the command fails.
func (h *Host) Exec(t testing.TB, argv ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := h.Command(argv...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %q: %v\nstdout: %s\nstderr: %s", h.Name, argv, err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// Start boots n containers in parallel for this test and removes them,
// with everything they left on this machine, when it ends.
func Start(t testing.TB, n int) []*Host {
	t.Helper()
	hosts, _ := start(t, n)
	return hosts
}

// start is Start that also returns what scripts/testhosts.sh up printed
// for people (on its stderr).
func start(t testing.TB, n int) ([]*Host, string) {
	t.Helper()
	Require(t)
	reapOrphans(t)
	dir, err := newDir()
	if err != nil {
		t.Fatalf("test hosts: %v", err)
	}
	t.Cleanup(func() {
		if err := down(dir); err != nil {
			t.Errorf("test hosts: %v", err)
		}
	})
	hosts, log, err := up(dir, n)
	if log != "" {
		t.Logf("%s", strings.TrimSpace(log))
	}
	if err != nil {
		t.Fatalf("test hosts: %v", err)
	}
	return hosts, log
}

var shared struct {
	sync.Mutex
	inMain bool
	dir    string
	hosts  []*Host
}

// Shared returns n containers shared by the tests of this package, booting
// more when fewer are running. The package's TestMain must call Main or Run.
func Shared(t testing.TB, n int) []*Host {
	t.Helper()
	Require(t)
	shared.Lock()
	defer shared.Unlock()
	if !shared.inMain {
		t.Fatal("testhosts.Shared: the package's TestMain must call testhosts.Main(m) or Run(m), which remove the shared hosts")
	}
	if len(shared.hosts) >= n {
		return shared.hosts[:n]
	}
	reapOrphans(t)
	if shared.dir == "" {
		dir, err := newDir()
		if err != nil {
			t.Fatalf("test hosts: %v", err)
		}
		shared.dir = dir
	}
	hosts, log, err := up(shared.dir, n-len(shared.hosts))
	if log != "" {
		t.Logf("%s", strings.TrimSpace(log))
	}
	if err != nil {
		t.Fatalf("test hosts: %v", err)
	}
	shared.hosts = append(shared.hosts, hosts...)
	return shared.hosts[:n]
}

// Main runs the package's tests, then removes the hosts Shared booted.
func Main(m *testing.M) {
	os.Exit(Run(m))
}

// Run is Main for a TestMain with more to do after the tests: it returns
// the exit code instead of exiting.
func Run(m *testing.M) int {
	shared.Lock()
	shared.inMain = true
	shared.Unlock()
	code := m.Run()
	shared.Lock()
	if shared.dir != "" {
		if err := down(shared.dir); err != nil {
			fmt.Fprintf(os.Stderr, "test hosts: %v\n", err)
			code = 1
		}
	}
	shared.Unlock()
	return code
}

// script is scripts/testhosts.sh, found from this source file so that
// Main works without a testing.TB.
func script() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "scripts", "testhosts.sh")
}

var (
	checkOnce sync.Once
	checkWhy  string
)

// Require skips the test (fails it with SPICE_TEST_STRICT) when test hosts
// cannot run here; Start and Shared call it.
func Require(t testing.TB) {
	t.Helper()
	checkOnce.Do(func() {
		out, err := exec.Command("bash", script(), "check").CombinedOutput()
		if err != nil {
			checkWhy = strings.TrimSpace(strings.TrimPrefix(string(out), "missing: "))
			if checkWhy == "" {
				checkWhy = fmt.Sprintf("%s check: %v", script(), err)
			}
		}
	})
	testsupport.Require(t, checkWhy == "", "test hosts: %s", checkWhy)
}

// dirPrefix names the directories below os.TempDir() that hold a test
// process's containers; short, and free of the ',' and ':' that overlay
// mount options cannot carry (t.TempDir() may contain them).
const dirPrefix = "spice-testhosts-"

// newDir makes a directory for containers and records this process as its
// owner, so that a later test process can remove them if this one dies.
func newDir() (string, error) {
	dir, err := os.MkdirTemp("", dirPrefix)
	if err != nil {
		return "", fmt.Errorf("directory for test hosts: %w", err)
	}
	st, err := startTime(os.Getpid())
	if err != nil {
		return "", err
	}
	owner := fmt.Sprintf("%d %s\n", os.Getpid(), st)
	if err := os.WriteFile(filepath.Join(dir, "owner"), []byte(owner), 0o644); err != nil {
		return "", fmt.Errorf("recording the owner of %s: %w", dir, err)
	}
	return dir, nil
}

func up(dir string, n int) ([]*Host, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "bash", script(), "up", strconv.Itoa(n), "-dir", dir)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, stderr.String(), fmt.Errorf("%s up %d -dir %s: %w\n%s", script(), n, dir, err, stderr.String())
	}
	var hosts []*Host
	for _, file := range strings.Fields(stdout.String()) {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, stderr.String(), fmt.Errorf("reading host description: %w", err)
		}
		h := &Host{}
		if err := json.Unmarshal(b, h); err != nil {
			return nil, stderr.String(), fmt.Errorf("parsing %s: %w", file, err)
		}
		hosts = append(hosts, h)
	}
	if len(hosts) != n {
		return nil, stderr.String(), fmt.Errorf("%s up %d described %d hosts: %q", script(), n, len(hosts), stdout.String())
	}
	slices.SortFunc(hosts, func(a, b *Host) int { return strings.Compare(a.Name, b.Name) })
	return hosts, stderr.String(), nil
}

func down(dir string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "bash", script(), "down", "-dir", dir).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s down -dir %s: %w\n%s", script(), dir, err, out)
	}
	// Whatever down left but the owner file newDir wrote would be left
	// on a machine where make testhosts-down ran.
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("reading %s after down: %w", dir, err)
	}
	var left []string
	for _, e := range entries {
		if e.Name() != "owner" {
			left = append(left, e.Name())
		}
	}
	if len(left) > 0 {
		return fmt.Errorf("%s down -dir %s left %s behind", script(), dir, strings.Join(left, ", "))
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("removing %s: %w", dir, err)
	}
	return nil
}

var reapOnce sync.Once

// reapOrphans removes the containers of test processes that ended without
// cleaning up. Renaming a directory claims it, so that two test processes
// never remove the same one.
func reapOrphans(t testing.TB) {
	t.Helper()
	reapOnce.Do(func() {
		dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
		for _, dir := range dirs {
			b, err := os.ReadFile(filepath.Join(dir, "owner"))
			if err != nil {
				continue
			}
			var pid int
			var st string
			if _, err := fmt.Sscan(string(b), &pid, &st); err != nil {
				continue
			}
			if cur, err := startTime(pid); err == nil && cur == st {
				continue // its test process still runs
			}
			// A new name: os.Rename refuses to replace even an empty directory.
			claimed := filepath.Join(os.TempDir(), fmt.Sprintf("%sreap-%d-%d", dirPrefix, os.Getpid(), time.Now().UnixNano()))
			if err := os.Rename(dir, claimed); err != nil {
				continue // another test process took it
			}
			if err := down(claimed); err != nil {
				t.Logf("test hosts: removing the containers of ended test process %d: %v", pid, err)
			} else {
				t.Logf("test hosts: removed the containers of ended test process %d (%s)", pid, dir)
			}
		}
	})
}

// startTime is field 22 of /proc/PID/stat; with the PID it names a process
// uniquely. Zombies count as ended.
func startTime(pid int) (string, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return "", fmt.Errorf("/proc/%d/stat: %q", pid, s)
	}
	fields := strings.Fields(s[i+1:])
	if len(fields) < 20 {
		return "", fmt.Errorf("/proc/%d/stat: %q", pid, s)
	}
	if fields[0] == "Z" {
		return "", errors.New("zombie")
	}
	return fields[19], nil
}
