package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spice-harvester/terraform-provider-spice/host"
	spiceschema "github.com/spice-harvester/terraform-provider-spice/schema"
)

func TestSysctlName(t *testing.T) {
	for _, ok := range []string{"net.core.somaxconn", "net.ipv4.conf.all.rp_filter", "vm.swappiness", "net.ipv4.conf.veth-1.forwarding", "kernel"} {
		if err := spiceschema.CheckSysctlName(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "net/../../etc", "net..core", ".net", "net.", "net.core/somaxconn", "Net.core", "net.core.*", "net core", "net.core.somaxconn\n"} {
		if spiceschema.CheckSysctlName(bad) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if got := sysctlProcPath("net.ipv4.ip_local_port_range"); got != "/proc/sys/net/ipv4/ip_local_port_range" {
		t.Errorf("proc path %q", got)
	}
}

func TestNormalSysctl(t *testing.T) {
	for _, tc := range [][2]string{{"32768\t60999\n", "32768 60999"}, {"  4096   87380\t 6291456 ", "4096 87380 6291456"}, {"1\n", "1"}, {"", ""}} {
		if got := normalSysctl(tc[0]); got != tc[1] {
			t.Errorf("normalSysctl(%q) = %q, want %q", tc[0], got, tc[1])
		}
	}
}

func TestSysctlLineKey(t *testing.T) {
	for line, want := range map[string][2]string{
		"net.core.somaxconn = 65535": {"net.core.somaxconn", "65535"},
		"-net/core/somaxconn=1":      {"net.core.somaxconn", "1"},
		"  # net.core.somaxconn = 1": {"", ""},
		"; net.core.somaxconn = 1":   {"", ""},
		"net.core.somaxconn":         {"", ""},
		"kernel.printk = 4 4\t1   7": {"kernel.printk", "4 4\t1   7"},
	} {
		k, v := sysctlLineKey(line)
		if k != want[0] || v != want[1] {
			t.Errorf("sysctlLineKey(%q) = %q, %q; want %q", line, k, v, want)
		}
	}
}

func TestLimitsFields(t *testing.T) {
	m := limitsModel{}
	m.Domain, m.Type, m.Item = types.StringValue("*"), types.StringValue("soft"), types.StringValue("nofile")
	for line, owned := range map[string]bool{
		"*\tsoft\tnofile\t65536":     true,
		"*  soft nofile 1 # comment": true,
		"# * soft nofile 1":          false,
		"* hard nofile 1":            false,
		"@staff soft nofile 1":       false,
		"* soft nofile":              false,
		"* soft nofile 1 extra":      false,
	} {
		if got := m.owns(line); got != owned {
			t.Errorf("owns(%q) = %v", line, got)
		}
	}
}

func TestSysctlImageMode(t *testing.T) {
	l, err := host.NewLocal("/")
	if err != nil {
		t.Fatal(err)
	}
	if newHostContext(l).imageMode() {
		t.Error("root / taken as image mode")
	}
	if l, err = host.NewLocal(t.TempDir()); err != nil || !newHostContext(l).imageMode() {
		t.Errorf("a temporary root not taken as image mode (%v)", err)
	}
}

// editLines keeps foreign lines in place, replaces the owned ones at the
// place of the first and removes a file left blank.
func TestSysctlEditLines(t *testing.T) {
	ctx := context.Background()
	h, err := host.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p := "/etc/x.conf"
	mine := func(l string) bool { k, _ := sysctlLineKey(l); return k == "a.b" }
	if err := h.WriteFile(ctx, p, []byte("# head\na.b = 1\nc.d = 2\na.b = 3\n"), host.Attrs{Perm: 0o600, UID: host.KeepID, GID: host.KeepID}); err != nil {
		t.Fatal(err)
	}
	hc := newHostContext(h)
	if err := hc.editLines(ctx, p, mine, "a.b = 9"); err != nil {
		t.Fatal(err)
	}
	if b, _ := h.ReadFile(ctx, p); string(b) != "# head\na.b = 9\nc.d = 2\n" {
		t.Errorf("after edit: %q", b)
	}
	if info, _ := h.Stat(ctx, p); info.Perm != 0o600 {
		t.Errorf("mode %s not kept", info.Perm)
	}
	if err := hc.editLines(ctx, p, func(l string) bool { return l != "" }, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Stat(ctx, p); err == nil {
		t.Error("blank file not removed")
	}
}
