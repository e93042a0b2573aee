package host

import "context"

// DialSSHWithSudo connects like DialSSH but runs commands and the SFTP
// server through sudo, the given prefix standing in for "sudo -n --", even
// as root: the sudo code paths without a sudo or a second user.
func DialSSHWithSudo(ctx context.Context, cfg SSHConfig, sudo []string) (*SSH, error) {
	return dialSSH(ctx, cfg, sudo)
}
