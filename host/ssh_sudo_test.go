package host_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/host"
	"github.com/spice-harvester/terraform-provider-spice/host/hosttest"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// Real sudo, in a real container: a user "deploy" with passwordless sudo
// passes the whole conformance suite as root, and a user whose sudo needs a
// password gets the clear error.
func TestSSH_sudoInContainer(t *testing.T) {
	h := testhosts.Start(t, 1)[0]
	setup := `set -e
for u in deploy needpw; do
  useradd -m -s /bin/sh "$u"
  install -d -m 700 -o "$u" -g "$u" "/home/$u/.ssh"
  install -m 600 -o "$u" -g "$u" /root/.ssh/authorized_keys "/home/$u/.ssh/authorized_keys"
done
echo 'deploy ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/deploy
echo 'needpw ALL=(ALL) ALL' > /etc/sudoers.d/needpw
chmod 440 /etc/sudoers.d/deploy /etc/sudoers.d/needpw`
	h.Exec(t, "sh", "-c", setup)
	dial := func(t *testing.T, user, root string) *host.SSH {
		s, err := host.DialSSH(context.Background(), host.SSHConfig{
			Address: h.Address, Port: h.Port, User: user, Sudo: true, Root: root,
			PrivateKeyFile: h.PrivateKeyFile, KnownHostsFile: h.KnownHostsFile,
		})
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		return s
	}

	s := dial(t, "deploy", "")
	res, err := s.Run(context.Background(), host.Command{Argv: []string{"id", "-u"}})
	require.NoError(t, err)
	assert.Equal(t, "0\n", string(res.Stdout), "commands run as root through sudo")
	require.NoError(t, s.WriteFile(context.Background(), "/root/written-by-deploy", []byte("x"), host.Attrs{Perm: 0o600, UID: host.KeepID, GID: host.KeepID}))
	info, err := s.Stat(context.Background(), "/root/written-by-deploy")
	require.NoError(t, err)
	assert.Equal(t, 0, info.UID, "files are written as root through sudo")

	// File operations as root through sudo's SFTP server, checked inside.
	ctx := context.Background()
	require.NoError(t, s.Mkdir(ctx, "/etc/spice-sudo/conf.d", host.Attrs{Perm: 0o750, UID: 0, GID: 0}))
	require.NoError(t, s.WriteFile(ctx, "/etc/spice-sudo/conf.d/app.conf", []byte(strings.Join(hosttest.Hostile, "\n")), host.Attrs{Perm: 0o640, UID: 0, GID: 0}))
	assert.Equal(t, "750 0:0 /etc/spice-sudo/conf.d\n640 0:0 /etc/spice-sudo/conf.d/app.conf\n",
		h.Exec(t, "stat", "-c", "%a %u:%g %n", "/etc/spice-sudo/conf.d", "/etc/spice-sudo/conf.d/app.conf"))
	assert.Equal(t, strings.Join(hosttest.Hostile, "\n"), h.Exec(t, "cat", "/etc/spice-sudo/conf.d/app.conf"))
	deployUID := strings.TrimSpace(h.Exec(t, "id", "-u", "deploy"))
	require.NoError(t, s.SetAttrs(ctx, "/etc/spice-sudo/conf.d/app.conf", host.Attrs{Perm: 0o600, UID: atoi(t, deployUID), GID: 0}))
	assert.Equal(t, "600 "+deployUID+":0\n", h.Exec(t, "stat", "-c", "%a %u:%g", "/etc/spice-sudo/conf.d/app.conf"))
	names, err := s.ReadDir(ctx, "/etc/spice-sudo/conf.d")
	require.NoError(t, err)
	assert.Equal(t, []string{"app.conf"}, names)
	require.NoError(t, s.RemoveAll(ctx, "/etc/spice-sudo"))
	assert.Equal(t, "gone\n", h.Exec(t, "sh", "-c", "test -e /etc/spice-sudo || echo gone"))

	_, err = host.DialSSH(context.Background(), host.SSHConfig{
		Address: h.Address, Port: h.Port, User: "needpw", Sudo: true,
		PrivateKeyFile: h.PrivateKeyFile, KnownHostsFile: h.KnownHostsFile,
	})
	if err == nil {
		np := dial(t, "needpw", "")
		_, err = np.Run(context.Background(), host.Command{Argv: []string{"true"}})
	}
	require.Error(t, err)
	assert.Contains(t, err.Error(), "needs a password")
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}
