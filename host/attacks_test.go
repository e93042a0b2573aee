//go:build linux

// The attack suite runs on Linux only: its attacker is started through
// setpriv and watches directories with inotify (host/hosttest).

package host_test

import (
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/host"
	"github.com/spice-harvester/terraform-provider-spice/host/hosttest"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/sshd"
)

// TestLocal_attacks holds Local in image mode to what an unprivileged
// user must not achieve (see hosttest.RunAttacks).
func TestLocal_attacks(t *testing.T) {
	hosttest.RunAttacks(t, func(t *testing.T) (host.Host, string) {
		return newLocal(t)
	})
}

// TestSSH_attacks runs the attacks Local withstands against SSH, in image
// mode on this machine, where the attacker runs beside sshd. The sessions
// get the umask most hosts give them, 022, under which an SFTP server
// creates files anyone may open.
func TestSSH_attacks(t *testing.T) {
	srv := sshd.StartWithOptions(t, sshd.Options{Umask: "022"})
	hosttest.RunAttacks(t, func(t *testing.T) (host.Host, string) {
		root := t.TempDir()
		cfg := sshConfig(srv)
		cfg.Root = root
		return dialSSH(t, cfg), root
	})
}
