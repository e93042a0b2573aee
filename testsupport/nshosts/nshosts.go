// Package nshosts gives tests SSH hosts that cost almost nothing, for
// fleets of tens of hosts on a small machine: each is one real sshd
// (testsupport/sshd) in a network and mount namespace of its own, no
// systemd, no container boot. A veth pair links it to this machine: the
// host listens on port 22 of its own address in 198.18.0.0/15 (the range
// RFC 2544 sets aside for benchmarks), the way hosts of a real fleet differ
// by address, not by port.
//
// A namespace host shares this machine's files, users and packages, with
// these differences inside it: /srv and /var/tmp are directories of its
// own (Host.Srv and Host.VarTmp seen from here), and every other part of
// the root file system is read-only, so a test that writes elsewhere
// through it fails instead of changing this machine. Tests manage paths
// below /srv only; /var/tmp is where programs find a writable temporary
// directory (/tmp holds this machine's, read-only inside).
//
// Everything is removed when the test ends: sshd and its sessions stopped
// by PID, which ends the namespaces and the veth pair, and the link deleted
// by name. A test process killed before its cleanup leaves sshds and links
// behind; the next Start removes them (each link's alias names its owner).
package nshosts

import (
	"bytes"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/sshd"
)

// Host is one namespace host. Its embedded Server's Host is the host's
// address and Port 22; KnownHostsFile and PrivateKeyFile reach it.
type Host struct {
	*sshd.Server
	Link   string // the veth end on this machine, "spnsN"
	Srv    string // the directory the host sees as /srv
	VarTmp string // the directory the host sees as /var/tmp
}

const (
	linkPrefix = "spns"
	// aliasPrefix marks the links this package made, and says whose they
	// are: "spice-nshosts owner=TESTPID sshd=SSHDPID".
	aliasPrefix = "spice-nshosts"
	// maxLinks /30 networks fit in 198.18.0.0/15.
	maxLinks = 1 << 15
)

var base = netip.MustParseAddr("198.18.0.0")

// next is where this process looks for a free link number first; links
// are claimed by creating them, so concurrent test processes never share
// one.
var (
	mu   sync.Mutex
	next = os.Getpid() % maxLinks
)

// Start makes n hosts for the test; they are removed when it ends.
func Start(t testing.TB, n int) []*Host {
	t.Helper()
	testsupport.RequireRoot(t)
	for _, tool := range []string{"ip", "unshare", "nsenter", "mount"} {
		_, err := exec.LookPath(tool)
		testsupport.Require(t, err == nil, "%s (apt-get install iproute2 util-linux mount)", tool)
	}
	removeStale(t)
	hosts := make([]*Host, n)
	opts := make([]sshd.Options, n)
	var outside strings.Builder // one ip batch for this machine's side
	for i := range hosts {
		num := claimLink(t)
		h := &Host{Link: linkPrefix + strconv.Itoa(num), Srv: t.TempDir(), VarTmp: t.TempDir()}
		if err := os.Chmod(h.VarTmp, 0o1777); err != nil { // as /var/tmp is
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = exec.Command("ip", "link", "del", h.Link).Run() }) // gone with the namespace, unless it lingers
		out, in := addrs(num)
		fmt.Fprintf(&outside, "addr add %s/30 dev %s\nlink set %s up\n", out, h.Link, h.Link)
		// unshare and sh exec what follows them, so the PID is sshd's.
		// Making / read-only is local to the new mount namespace; /srv
		// and /var/tmp, bound over it before, stay writable.
		opts[i] = sshd.Options{
			Wrapper: []string{"unshare", "--net", "--mount", "--propagation", "private", "--", "/bin/sh", "-c",
				`mount --bind "$0" /srv && mount --bind "$1" /var/tmp && mount -o remount,bind,ro / && shift && exec "$@"`,
				h.Srv, h.VarTmp},
			Host: in.String(),
			Port: 22,
		}
		hosts[i] = h
	}
	ipBatch(t, nil, outside.String())
	outside.Reset()
	for i, s := range sshd.StartAll(t, opts) {
		h := hosts[i]
		h.Server = s
		fmt.Fprintf(&outside, "link set %sp netns %d\nlink set %s alias \"%s owner=%d sshd=%d\"\n",
			h.Link, s.PID(), h.Link, aliasPrefix, os.Getpid(), s.PID())
	}
	ipBatch(t, nil, outside.String())
	for _, h := range hosts {
		ipBatch(t, []string{"nsenter", "-t", strconv.Itoa(h.PID()), "-n"}, fmt.Sprintf(
			"link set %sp name eth0\naddr add %s/30 dev eth0\nlink set eth0 up\nlink set lo up\n", h.Link, h.Host))
	}
	for _, h := range hosts {
		waitReachable(t, h.Addr)
	}
	return hosts
}

// claimLink creates the veth pair spnsN/spnsNp for the first free N.
func claimLink(t testing.TB) int {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	for range maxLinks {
		num := next
		next = (next + 1) % maxLinks
		name := linkPrefix + strconv.Itoa(num)
		out, err := exec.Command("ip", "link", "add", name, "alias", fmt.Sprintf("%s owner=%d sshd=0", aliasPrefix, os.Getpid()),
			"type", "veth", "peer", "name", name+"p").CombinedOutput()
		if err == nil {
			return num
		}
		if !bytes.Contains(out, []byte("exists")) {
			t.Fatalf("ip link add %s: %v\n%s", name, err, out)
		}
	}
	t.Fatal("no free link name: every spnsN exists")
	return 0
}

// addrs are the two ends of link num's /30 network.
func addrs(num int) (outside, inside netip.Addr) {
	b := base.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]) + uint32(num)*4
	at := func(off uint32) netip.Addr {
		x := v + off
		return netip.AddrFrom4([4]byte{byte(x >> 24), byte(x >> 16), byte(x >> 8), byte(x)})
	}
	return at(1), at(2)
}

func ipBatch(t testing.TB, prefix []string, batch string) {
	t.Helper()
	run(t, strings.NewReader(batch), append(prefix, "ip", "-batch", "-")...)
}

func run(t testing.TB, stdin *strings.Reader, argv ...string) {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	if stdin != nil {
		cmd.Stdin = stdin
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
}

// waitReachable waits until the host accepts TCP connections: the veth
// link comes up asynchronously.
func waitReachable(t testing.TB, addr string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("namespace host %s unreachable: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// removeStale removes the links, and stops the sshds, of test processes
// that died before their cleanup ran.
func removeStale(t testing.TB) {
	t.Helper()
	out, err := exec.Command("ip", "-o", "link", "show").Output()
	if err != nil {
		t.Fatalf("ip link show: %v", err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		name, owner, sshdPID, ok := parseLink(line)
		if !ok || alive(owner) {
			continue
		}
		// sshd=0: the owner died before starting it.
		if comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", sshdPID)); err == nil && strings.TrimSpace(string(comm)) == "sshd" {
			_ = syscall.Kill(sshdPID, syscall.SIGKILL) // its sessions end with their connections' namespace
		}
		_ = exec.Command("ip", "link", "del", name).Run()
	}
}

// parseLink reads one line of "ip -o link show" for a link of this
// package: "7: spns3@if6: <...> ... \    alias spice-nshosts owner=1 sshd=2".
func parseLink(line string) (name string, owner, sshdPID int, ok bool) {
	fields := strings.Fields(line)
	if len(fields) < 2 || !strings.HasPrefix(fields[1], linkPrefix) {
		return "", 0, 0, false
	}
	name, _, _ = strings.Cut(strings.TrimSuffix(fields[1], ":"), "@")
	_, alias, found := strings.Cut(line, "alias "+aliasPrefix+" ")
	if !found {
		return "", 0, 0, false
	}
	if _, err := fmt.Sscanf(alias, "owner=%d sshd=%d", &owner, &sshdPID); err != nil {
		return "", 0, 0, false
	}
	return name, owner, sshdPID, true
}

func alive(pid int) bool {
	return syscall.Kill(pid, 0) == nil
}
