package host_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/host"
	"github.com/spice-harvester/terraform-provider-spice/host/hosttest"
)

func newLocal(t *testing.T) (*host.Local, string) {
	t.Helper()
	root := t.TempDir()
	l, err := host.NewLocal(root)
	require.NoError(t, err)
	return l, root
}

// TestLocal holds Local to the behaviour every host owes the resources.
func TestLocal(t *testing.T) {
	hosttest.Run(t, func(t *testing.T) (host.Host, string) {
		return newLocal(t)
	})
}

func TestCheckPath(t *testing.T) {
	for p, wantErr := range map[string]bool{
		"/etc/spice/backup/daily.json": false,
		"/opt/spice-harvester/.env":    false,
		"":                             true,
		"/":                            true,
		"relative/path":                true,
		"/etc/../root/.ssh":            true,
		"/etc/./x":                     true,
		"/etc//x":                      true,
		"/etc/x/":                      true,
		"/etc/x\x00y":                  true,
	} {
		err := host.CheckPath(p)
		assert.Equal(t, wantErr, err != nil, "CheckPath(%q) = %v", p, err)
	}
}

func TestLocal_nameAndRoot(t *testing.T) {
	ctx := context.Background()
	l, root := newLocal(t)
	assert.Equal(t, "local:"+root, l.Name())
	assert.Equal(t, root, l.Root())
	require.NoError(t, l.WriteFile(ctx, "/etc/app/app.conf", []byte("x"), host.Attrs{Perm: 0o640, UID: host.KeepID, GID: host.KeepID}))
	_, err := os.Stat(filepath.Join(root, "etc/app/app.conf"))
	assert.NoError(t, err)
}

func TestNewLocal_rootMustBeADirectory(t *testing.T) {
	_, err := host.NewLocal(filepath.Join(t.TempDir(), "missing"))
	assert.ErrorContains(t, err, "no such file or directory")
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	_, err = host.NewLocal(file)
	assert.ErrorContains(t, err, "is not a directory")
	l, err := host.NewLocal("")
	require.NoError(t, err)
	assert.Equal(t, "local", l.Name())
}
