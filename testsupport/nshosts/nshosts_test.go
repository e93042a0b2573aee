package nshosts_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/testsupport/nshosts"
)

// ssh runs a command on h with the OpenSSH client.
func ssh(t *testing.T, h *nshosts.Host, command string) (string, error) {
	t.Helper()
	out, err := exec.Command("ssh", "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
		"-o", "UserKnownHostsFile="+h.KnownHostsFile, "-i", h.PrivateKeyFile, h.User+"@"+h.Host, command).CombinedOutput()
	return string(out), err
}

// TestStart checks that hosts differ by address on port 22, that each has
// its own /srv and /var/tmp, that the rest of the file system is read-only inside, and
// that nothing is left once the test ends.
func TestStart(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("no ssh client")
	}
	var links []string
	t.Run("hosts", func(t *testing.T) {
		hosts := nshosts.Start(t, 2)
		if hosts[0].Host == hosts[1].Host || hosts[0].Port != 22 {
			t.Fatalf("addresses %s and %s", hosts[0].Addr, hosts[1].Addr)
		}
		for i, h := range hosts {
			links = append(links, h.Link)
			name := []string{"first", "second"}[i]
			if out, err := ssh(t, h, "echo "+name+" > /srv/which"); err != nil {
				t.Fatalf("write /srv on %s: %v\n%s", h.Addr, err, out)
			}
		}
		for i, h := range hosts {
			got, err := os.ReadFile(filepath.Join(h.Srv, "which"))
			if want := []string{"first", "second"}[i] + "\n"; err != nil || string(got) != want {
				t.Errorf("%s/which = %q, %v; want %q", h.Srv, got, err, want)
			}
		}
		if out, err := ssh(t, hosts[0], "echo temporary > /var/tmp/which"); err != nil {
			t.Fatalf("write /var/tmp on %s: %v\n%s", hosts[0].Addr, err, out)
		}
		if got, err := os.ReadFile(filepath.Join(hosts[0].VarTmp, "which")); err != nil || string(got) != "temporary\n" {
			t.Errorf("%s/which = %q, %v", hosts[0].VarTmp, got, err)
		}
		probe := "/var/lib/nshosts-probe-" + hosts[0].Link
		out, err := ssh(t, hosts[0], "echo x > "+probe)
		if _, statErr := os.Stat(probe); statErr == nil {
			_ = os.Remove(probe)
			t.Errorf("a host wrote %s on this machine", probe)
		}
		if err == nil || !strings.Contains(out, "Read-only file system") {
			t.Errorf("write outside /srv: %v\n%s", err, out)
		}
	})
	for _, link := range links {
		if out, err := exec.Command("ip", "link", "show", link).CombinedOutput(); err == nil {
			t.Errorf("link %s left behind:\n%s", link, out)
		}
	}
}
