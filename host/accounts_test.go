package host_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/host"
)

func TestAccounts(t *testing.T) {
	l, root := newLocal(t)
	require.NoError(t, os.MkdirAll(filepath.Join(root, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "etc/passwd"), []byte(
		"root:x:0:0:root:/root:/bin/bash\n# comment\nbroken line\nspice:x:998:997::/opt/spice-harvester:/usr/sbin/nologin\ntoor:x:0:0::/root:/bin/sh\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "etc/group"), []byte("root:x:0:\nspice:x:997:deploy\n"), 0o644))

	acc, err := host.LoadAccounts(context.Background(), l)
	require.NoError(t, err)
	for _, tc := range []struct {
		in      string
		want    int
		wantErr string
	}{
		{"spice", 998, ""},
		{"998", 998, ""},
		{"12345", 12345, ""},
		{"root", 0, ""},
		{"nobody", 0, `user "nobody" does not exist on local:`},
		{"-1", 0, "negative"},
	} {
		got, err := acc.UID(tc.in)
		if tc.wantErr != "" {
			assert.ErrorContains(t, err, tc.wantErr, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
	gid, err := acc.GID("spice")
	require.NoError(t, err)
	assert.Equal(t, 997, gid)
	assert.Equal(t, "root", acc.UserName(0), "the first name of a shared id wins")
	assert.Equal(t, "spice", acc.GroupName(997))
	assert.Equal(t, "4242", acc.UserName(4242), "an id without a name is its number")
}

func TestAccounts_imageWithoutEtc(t *testing.T) {
	l, _ := newLocal(t)
	acc, err := host.LoadAccounts(context.Background(), l)
	require.NoError(t, err)
	uid, err := acc.UID("1000")
	require.NoError(t, err)
	assert.Equal(t, 1000, uid)
	_, err = acc.UID("root")
	assert.Error(t, err)
}

func TestAccountCache_readsOncePerRun(t *testing.T) {
	l, root := newLocal(t)
	require.NoError(t, os.MkdirAll(filepath.Join(root, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "etc/passwd"), []byte("spice:x:998:998::/:/bin/false\n"), 0o644))
	cache := host.NewAccountCache(l)
	first, err := cache.Accounts(context.Background())
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(root, "etc/passwd"), []byte("other:x:999:999::/:/bin/false\n"), 0o644))
	second, err := cache.Accounts(context.Background())
	require.NoError(t, err)
	assert.Same(t, first, second, "one run reads the account files once")
	other, _ := newLocal(t)
	third, err := host.NewAccountCache(other).Accounts(context.Background())
	require.NoError(t, err)
	assert.NotSame(t, first, third, "each host has its own accounts")
}

// Two caches of one host (two provider configurations of the same host)
// share nothing: the second reads the files as they are now.
func TestAccountCache_perConfiguration(t *testing.T) {
	l, root := newLocal(t)
	require.NoError(t, os.MkdirAll(filepath.Join(root, "etc"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "etc/passwd"), []byte("spice:x:998:998::/:/bin/false\n"), 0o644))
	first, err := host.NewAccountCache(l).Accounts(context.Background())
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(root, "etc/passwd"), []byte("spice:x:1998:998::/:/bin/false\n"), 0o644))
	second, err := host.NewAccountCache(l).Accounts(context.Background())
	require.NoError(t, err)
	uid, err := first.UID("spice")
	require.NoError(t, err)
	assert.Equal(t, 998, uid)
	uid, err = second.UID("spice")
	require.NoError(t, err)
	assert.Equal(t, 1998, uid, "a second cache of the same host reads afresh")
}
