package host

import "context"

// DialSSHWithSudo connects like DialSSH but runs commands and the SFTP
// server through sudo, the given prefix standing in for "sudo -n --", even
// as root: the sudo code paths without a sudo or a second user.
func DialSSHWithSudo(ctx context.Context, cfg SSHConfig, sudo []string) (*SSH, error) {
	return dialSSH(ctx, cfg, sudo)
}

// TempNameOfThisConnection is a temporary name for name, as a write through
// s's current connection would make it.
func (s *SSH) TempNameOfThisConnection(ctx context.Context, name string) (string, error) {
	c, err := s.current(ctx)
	if err != nil {
		return "", err
	}
	return tempName(name, c.creator), nil
}
