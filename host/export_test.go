package host

import (
	"context"
	"testing"
	"time"
)

// SetKeepaliveInterval shortens the SSH keepalive for connections made
// during the test, so a dead link is noticed in test time.
func SetKeepaliveInterval(t testing.TB, d time.Duration) {
	old := keepaliveInterval.Swap(int64(d))
	t.Cleanup(func() { keepaliveInterval.Store(old) })
}

// DialSSHWithSudo connects like DialSSH but runs commands and the SFTP
// server through sudo, the given prefix standing in for "sudo -n --", even
// as root: the sudo code paths without a sudo or a second user.
func DialSSHWithSudo(ctx context.Context, cfg SSHConfig, sudo []string) (*SSH, error) {
	return dialSSH(ctx, cfg, sudo)
}
