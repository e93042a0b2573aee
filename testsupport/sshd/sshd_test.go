package sshd_test

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/testsupport/sshd"
)

// TestStart checks the server with the OpenSSH client: the key, the
// known_hosts entries, and the session environment the tests rely on.
func TestStart(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("no ssh client")
	}
	s := sshd.Start(t)
	for _, knownHosts := range []string{s.KnownHostsFile, s.HashedKnownHostsFile} {
		out, err := exec.Command("ssh", "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
			"-o", "UserKnownHostsFile="+knownHosts, "-i", s.PrivateKeyFile, "-p", strconv.Itoa(s.Port),
			s.User+"@"+s.Host, "umask; echo $PATH").CombinedOutput()
		if err != nil {
			t.Fatalf("ssh with %s: %v: %s\n%s", knownHosts, err, out, s.Log())
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) != 2 || lines[0] != "0077" {
			t.Errorf("umask and PATH: %q", out)
		}
		// sshd's PATH has system directories only; rc files add the home's.
		if path := lines[len(lines)-1]; strings.Contains(path, "/root/") {
			t.Errorf("PATH %q: a shell rc file ran", path)
		}
	}
	if got := s.Logins(); got != 2 {
		t.Errorf("Logins() = %d after two connections", got)
	}
}
