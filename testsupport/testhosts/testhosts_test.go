package testhosts_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

func TestMain(m *testing.M) { testhosts.Main(m) }

// sshArgs are the ssh client's options for h: its key, only its known_hosts
// file, strict checking and no prompts or user configuration.
func sshArgs(h *testhosts.Host, knownHosts string, argv ...string) []string {
	return append([]string{
		"-F", "/dev/null",
		"-o", "BatchMode=yes",
		"-o", "StrictHostKeyChecking=yes",
		"-o", "UserKnownHostsFile=" + knownHosts,
		"-o", "GlobalKnownHostsFile=/dev/null",
		"-o", "ConnectTimeout=10",
		"-i", h.PrivateKeyFile,
		"-p", fmt.Sprint(h.Port),
		h.User + "@" + h.Address,
	}, argv...)
}

func readTrim(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// leftovers lists what of the container's may remain on this machine:
// processes, mounts in any mount namespace, its network namespace, its
// cgroups and its directory.
type leftovers struct {
	name    string
	dir     string
	pids    map[int]string // PID -> comm it had
	netns   string         // e.g. net:[4026532300]
	cgroups []string
	files   []string // written beside its directory
}

func record(t *testing.T, h *testhosts.Host) leftovers {
	t.Helper()
	l := leftovers{name: h.Name, dir: h.Dir, pids: map[int]string{}, cgroups: h.Cgroups, files: []string{h.TFVarsFile}}
	for _, pid := range append([]int{h.PID1, h.NspawnPID}, h.HelperPIDs...) {
		l.pids[pid] = readTrim(t, fmt.Sprintf("/proc/%d/comm", pid))
	}
	ns, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/net", h.PID1))
	if err != nil {
		t.Fatal(err)
	}
	l.netns = ns
	if len(l.cgroups) == 0 {
		t.Fatalf("%s: no cgroups recorded", h.Name)
	}
	return l
}

func (l leftovers) check(t *testing.T) {
	t.Helper()
	for pid, comm := range l.pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		s := string(b)
		zombie := strings.HasPrefix(s[strings.LastIndexByte(s, ')')+2:], "Z")
		if c := readComm(pid); c == comm && !zombie {
			t.Errorf("%s: process %d (%s) still runs", l.name, pid, comm)
		}
	}
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, p := range procs {
		if ns, err := os.Readlink(p + "/ns/net"); err == nil && ns == l.netns {
			t.Errorf("%s: process %s is still in its network namespace %s", l.name, filepath.Base(p), ns)
		}
		if cwd, err := os.Readlink(p + "/cwd"); err == nil && (cwd == l.dir || strings.HasPrefix(cwd, l.dir+"/")) {
			t.Errorf("%s: process %s still works in %s", l.name, filepath.Base(p), cwd)
		}
		// A private mount namespace hides its mounts from ours: look in all.
		if b, err := os.ReadFile(p + "/mountinfo"); err == nil && bytes.Contains(b, []byte(l.dir+"/")) {
			t.Errorf("%s: process %s still sees a mount below %s", l.name, filepath.Base(p), l.dir)
		}
	}
	out, err := exec.Command("findmnt", "-rn", "-o", "TARGET,SOURCE,OPTIONS").Output()
	if err != nil {
		t.Fatalf("findmnt: %v", err)
	}
	if strings.Contains(string(out), l.dir+"/") {
		t.Errorf("%s: findmnt still shows %s", l.name, l.dir)
	}
	if out, err := exec.Command("ip", "netns", "list").CombinedOutput(); err == nil && strings.Contains(string(out), "spice-th") {
		t.Errorf("%s: ip netns list shows %s", l.name, out)
	}
	for _, cg := range l.cgroups {
		if _, err := os.Stat(cg); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: cgroup %s remains (%v)", l.name, cg, err)
		}
	}
	for _, f := range append([]string{l.dir}, l.files...) {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: %s remains (%v)", l.name, f, err)
		}
	}
}

// checkTFVars reads h's tfvars file as Terraform would (HCL, each value a
// constant) and wants exactly the five connection variables of the
// examples, with h's values and types, printed as they are in the file.
func checkTFVars(t *testing.T, h *testhosts.Host, printed string) {
	t.Helper()
	src, err := os.ReadFile(h.TFVarsFile)
	if err != nil {
		t.Fatalf("%s: %v", h.Name, err)
	}
	if !strings.Contains(printed, string(src)) {
		t.Errorf("%s: up did not print %s as it is:\n%s\nprinted:\n%s", h.Name, h.TFVarsFile, src, printed)
	}
	f, diags := hclparse.NewParser().ParseHCL(src, h.TFVarsFile)
	if diags.HasErrors() {
		t.Fatalf("%s: %s", h.Name, diags)
	}
	attrs, diags := f.Body.JustAttributes()
	if diags.HasErrors() {
		t.Fatalf("%s: %s", h.Name, diags)
	}
	want := map[string]cty.Value{
		"host":             cty.StringVal(h.Address),
		"port":             cty.NumberIntVal(int64(h.Port)),
		"ssh_user":         cty.StringVal(h.User),
		"private_key_file": cty.StringVal(h.PrivateKeyFile),
		"known_hosts_file": cty.StringVal(h.KnownHostsFile),
	}
	for name, attr := range attrs {
		got, diags := attr.Expr.Value(nil)
		if diags.HasErrors() {
			t.Errorf("%s: %s: %s", h.Name, name, diags)
			continue
		}
		w, ok := want[name]
		switch {
		case !ok:
			t.Errorf("%s: unexpected variable %s = %#v", h.Name, name, got)
		case !got.Type().Equals(w.Type()) || !got.Equals(w).True():
			t.Errorf("%s: %s = %#v, want %#v", h.Name, name, got, w)
		}
	}
	for name := range want {
		if _, ok := attrs[name]; !ok {
			t.Errorf("%s: %s lacks %s", h.Name, h.TFVarsFile, name)
		}
	}
}

// checkPrintedSSH runs the ssh command line up printed for h, as a person
// would paste it, and wants it to reach h.
func checkPrintedSSH(t *testing.T, h *testhosts.Host, printed string) {
	t.Helper()
	var lines []string
	for _, line := range strings.Split(printed, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "ssh ") && strings.Contains(line, h.PrivateKeyFile) {
			lines = append(lines, line)
		}
	}
	if len(lines) != 1 {
		t.Fatalf("%s: want one ssh line with its key, got %q in:\n%s", h.Name, lines, printed)
	}
	out, err := exec.Command("bash", "-c", lines[0]+" hostname").CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %s hostname: %v\n%s", h.Name, lines[0], err, out)
	}
	if got := strings.TrimSpace(string(out)); got != h.Hostname {
		t.Errorf("%s: %s hostname printed %q", h.Name, lines[0], got)
	}
}

func readComm(pid int) string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	return strings.TrimSpace(string(b))
}

func TestTwoHosts(t *testing.T) {
	testhosts.Require(t)
	hostMachineID := readTrim(t, "/etc/machine-id")
	hostSomaxconn := readTrim(t, "/proc/sys/net/core/somaxconn")
	hostSwappiness := readTrim(t, "/proc/sys/vm/swappiness")
	var left []leftovers

	ok := t.Run("boot", func(t *testing.T) {
		start := time.Now()
		hosts, printed := testhosts.StartLogged(t, 2)
		t.Logf("2 hosts booted in parallel in %s", time.Since(start).Round(time.Millisecond))
		if len(hosts) != 2 {
			t.Fatalf("Start(2) returned %d hosts", len(hosts))
		}
		for _, h := range hosts {
			left = append(left, record(t, h))
		}
		a, b := hosts[0], hosts[1]

		t.Run("identity", func(t *testing.T) {
			seen := map[string]string{}
			for _, h := range hosts {
				name := strings.TrimSpace(h.Exec(t, "hostname"))
				id := strings.TrimSpace(h.Exec(t, "cat", "/etc/machine-id"))
				if name != h.Hostname {
					t.Errorf("%s: hostname %q, want %q", h.Name, name, h.Hostname)
				}
				if id != h.MachineID || len(id) != 32 {
					t.Errorf("%s: machine-id %q, want %q", h.Name, id, h.MachineID)
				}
				if id == hostMachineID {
					t.Errorf("%s: has this machine's machine-id", h.Name)
				}
				for _, v := range []string{name, id, h.HostKey, h.Addr()} {
					if other, dup := seen[v]; dup {
						t.Errorf("%s and %s share %q", other, h.Name, v)
					}
					seen[v] = h.Name
				}
			}
		})

		t.Run("ssh", func(t *testing.T) {
			for _, h := range hosts {
				out, err := exec.Command("ssh", sshArgs(h, h.KnownHostsFile, "hostname; ls -A ~; echo $PATH")...).CombinedOutput()
				if err != nil {
					t.Fatalf("%s: ssh %s: %v\n%s", h.Name, h.Addr(), err, out)
				}
				lines := strings.Split(strings.TrimSpace(string(out)), "\n")
				if len(lines) != 3 || lines[0] != h.Hostname || lines[1] != ".ssh" || strings.Contains(lines[2], "pyenv") {
					t.Errorf("%s: want hostname, a clean /root and a plain PATH, got:\n%s", h.Name, out)
				}
			}
			for _, h := range hosts {
				conf := h.Exec(t, "sshd", "-T")
				for _, want := range []string{"\nstrictmodes no\n", "\nusedns no\n", "\nhostkey /etc/ssh/ssh_host_ed25519_key\n", "\npasswordauthentication no\n"} {
					if !strings.Contains(conf, want) {
						t.Errorf("%s: sshd -T lacks %q", h.Name, strings.TrimSpace(want))
					}
				}
				if n := strings.Count(conf, "\nhostkey "); n != 1 {
					t.Errorf("%s: sshd has %d host keys, want only its own", h.Name, n)
				}
			}
			// The other host's key in known_hosts for this port must be refused.
			wrong := filepath.Join(t.TempDir(), "known_hosts")
			line := fmt.Sprintf("[127.0.0.1]:%d %s\n", a.Port, b.HostKey)
			if err := os.WriteFile(wrong, []byte(line), 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command("ssh", sshArgs(a, wrong, "true")...).CombinedOutput()
			if err == nil || !strings.Contains(string(out), "REMOTE HOST IDENTIFICATION HAS CHANGED") {
				t.Errorf("%s: ssh with another host's key in known_hosts: %v\n%s", a.Name, err, out)
			}
		})

		t.Run("printed for people", func(t *testing.T) {
			for _, h := range hosts {
				checkTFVars(t, h, printed)
				checkPrintedSSH(t, h, printed)
			}
		})

		t.Run("sysctl", func(t *testing.T) {
			for _, h := range hosts {
				mine, _ := os.Readlink("/proc/self/ns/net")
				theirs, _ := os.Readlink(fmt.Sprintf("/proc/%d/ns/net", h.PID1))
				if mine == "" || mine == theirs {
					t.Fatalf("%s: not in a network namespace of its own (%q, %q)", h.Name, mine, theirs)
				}
				h.Exec(t, "sh", "-c", "echo 1234 > /proc/sys/net/core/somaxconn")
				if got := strings.TrimSpace(h.Exec(t, "cat", "/proc/sys/net/core/somaxconn")); got != "1234" {
					t.Errorf("%s: net.core.somaxconn = %q after writing 1234", h.Name, got)
				}
				// Writes the value it has, so that nothing would change even
				// if the write got through.
				cmd := h.Command("sh", "-c", "cat /proc/sys/vm/swappiness > /proc/sys/vm/swappiness")
				if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "Read-only file system") {
					t.Errorf("%s: writing vm.swappiness: %v %s, want a read-only file system", h.Name, err, out)
				}
			}
			if got := readTrim(t, "/proc/sys/net/core/somaxconn"); got != hostSomaxconn {
				t.Errorf("this machine's net.core.somaxconn changed: %s, was %s", got, hostSomaxconn)
			}
			if got := readTrim(t, "/proc/sys/vm/swappiness"); got != hostSwappiness {
				t.Errorf("this machine's vm.swappiness changed: %s, was %s", got, hostSwappiness)
			}
		})

		t.Run("systemd", func(t *testing.T) {
			for _, h := range hosts {
				// Exits non-zero when degraded: judged by its output.
				out, _ := h.Command("timeout", "20", "systemctl", "is-system-running", "--wait").Output()
				state := strings.TrimSpace(string(out))
				switch state {
				case "running":
				case "degraded":
					t.Logf("%s: degraded; failed units:\n%s", h.Name, h.Exec(t, "systemctl", "--failed", "--no-pager"))
				default:
					t.Errorf("%s: systemctl is-system-running: %q", h.Name, state)
				}
				if links := h.Exec(t, "ip", "-o", "link"); strings.Count(links, "\n") != 1 || !strings.Contains(links, ": lo:") {
					t.Errorf("%s: want only loopback, got:\n%s", h.Name, links)
				}
			}
		})

		t.Run("writes stay in the overlay", func(t *testing.T) {
			h := hosts[0]
			probe := "/etc/spice-testhosts-probe"
			h.Exec(t, "touch", probe)
			if _, err := os.Stat(filepath.Join(h.UpperDir, probe)); err != nil {
				t.Errorf("%s: %s not in the upper dir: %v", h.Name, probe, err)
			}
			if _, err := os.Stat(filepath.Join(h.Root(), probe)); err != nil {
				t.Errorf("%s: %s not seen through Root(): %v", h.Name, probe, err)
			}
			if _, err := os.Stat(probe); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("%s reached this machine's /etc (%v)", probe, err)
			}
		})
	})

	// The subtest's cleanup has removed the hosts.
	if !ok {
		return
	}
	if len(left) != 2 {
		t.Fatalf("recorded %d hosts", len(left))
	}
	for _, l := range left {
		l.check(t)
	}
}

func TestShared(t *testing.T) {
	first := testhosts.Shared(t, 1)
	again := testhosts.Shared(t, 1)
	if first[0] != again[0] {
		t.Errorf("Shared booted a second host: %s, %s", first[0].Name, again[0].Name)
	}
	if got := strings.TrimSpace(first[0].Exec(t, "hostname")); got != first[0].Hostname {
		t.Errorf("hostname %q, want %q", got, first[0].Hostname)
	}
}
