//go:build linux

package host_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/spice-harvester/terraform-provider-spice/host"
	"github.com/spice-harvester/terraform-provider-spice/host/hosttest"
)

// What Local owes beyond the shared attacks: on the live system ("/"),
// where paths are the real ones, and where only Local can tell (hard
// links, locks on temporary files, descriptor-based walks).

var private = host.Attrs{Perm: 0o600, UID: host.KeepID, GID: host.KeepID}

func liveLocal(t *testing.T) *host.Local {
	t.Helper()
	l, err := host.NewLocal("/")
	require.NoError(t, err)
	return l
}

// TestLocal_liveAttacks: finding 1 and 2 as reproduced on the live system,
// with real paths: a planted temporary file held open, a link at the
// managed path, a link planted in a parent directory.
func TestLocal_liveAttacks(t *testing.T) {
	hosttest.NeedAttacker(t)
	ctx := context.Background()
	l := liveLocal(t)
	base := hosttest.OpenDir(t, filepath.Join(t.TempDir(), "live"), 0o755)
	app := hosttest.OpenDir(t, filepath.Join(base, "app"), 0o777)
	outside := hosttest.OpenDir(t, filepath.Join(base, "outside"), 0o755)
	secretFile := filepath.Join(outside, "secret")
	require.NoError(t, os.WriteFile(secretFile, []byte("SECRET outside"), 0o600))
	secretDir := filepath.Join(outside, "private")
	require.NoError(t, os.Mkdir(secretDir, 0o700))
	realDir := filepath.Join(base, "real")
	require.NoError(t, os.Mkdir(realDir, 0o755))
	require.NoError(t, os.Symlink(realDir, filepath.Join(app, "rootlink")), "a link root made")
	before := hosttest.DescribeTree(t, outside)

	a := hosttest.StartAttacker(t, "plant", app,
		"file:.cred.txt.spice-tmp", "file:..env.spice-tmp",
		"link:managed:"+secretFile, "link:sub:"+secretDir)

	// Finding 1: the written files are root's, and nothing leaks.
	require.NoError(t, l.WriteFile(ctx, app+"/cred.txt", []byte("SECRET cred"), private))
	require.NoError(t, l.WriteFile(ctx, app+"/.env", []byte("SECRET env"), private))
	for _, name := range []string{"cred.txt", ".env"} {
		info, err := os.Stat(filepath.Join(app, name))
		require.NoError(t, err)
		st, ok := info.Sys().(*syscall.Stat_t)
		require.True(t, ok)
		assert.Equal(t, []uint32{0, 0}, []uint32{st.Uid, st.Gid}, name)
		assert.Equal(t, fs.FileMode(0o600), info.Mode())
	}

	// Finding 2: a link at the managed path is drift, not a way in.
	_, err := l.ReadFile(ctx, app+"/managed")
	assert.ErrorIs(t, err, host.ErrNotRegular)
	assert.ErrorIs(t, l.SetAttrs(ctx, app+"/managed", host.Attrs{Perm: 0o644, UID: hosttest.NobodyUID, GID: host.KeepID}), host.ErrSymlink)
	require.NoError(t, l.WriteFile(ctx, app+"/managed", []byte("mine"), private))

	// A link another user planted in a parent is not followed; root's is.
	err = l.WriteFile(ctx, app+"/sub/x", []byte("SECRET sub"), private)
	assert.ErrorIs(t, err, host.ErrSymlink)
	assert.ErrorContains(t, err, "owned by uid 65534")
	assert.ErrorIs(t, l.Mkdir(ctx, app+"/sub/d", host.Attrs{Perm: 0o777, UID: host.KeepID, GID: host.KeepID}), host.ErrSymlink)
	assert.ErrorIs(t, l.SetAttrs(ctx, app+"/sub/x", private), host.ErrSymlink)
	_, err = l.ReadFile(ctx, app+"/sub/x")
	assert.ErrorIs(t, err, host.ErrSymlink)
	assert.ErrorIs(t, l.RemoveAll(ctx, app+"/sub/x"), host.ErrSymlink)
	require.NoError(t, l.WriteFile(ctx, app+"/rootlink/x", []byte("x"), private))
	_, err = os.Stat(filepath.Join(realDir, "x"))
	assert.NoError(t, err, "root's own link is followed")

	assert.NotContains(t, a.Stop(), "SECRET")
	assert.Equal(t, before, hosttest.DescribeTree(t, outside), "nothing outside changed")
	b, err := os.ReadFile(secretFile)
	require.NoError(t, err)
	assert.Equal(t, "SECRET outside", string(b))
}

// TestLocal_hardLinks: a file with another name (a hard link to a root-only
// file, as an attacker makes where fs.protected_hardlinks is off) is not
// read, and its mode and owner are not changed: that would reach the
// other name. A write replaces the name.
func TestLocal_hardLinks(t *testing.T) {
	ctx := context.Background()
	l, root := newLocal(t)
	target := filepath.Join(root, "shadow")
	require.NoError(t, os.WriteFile(target, []byte("SECRET"), 0o600))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "app"), 0o755))
	require.NoError(t, os.Link(target, filepath.Join(root, "app/managed")))

	_, err := l.ReadFile(ctx, "/app/managed")
	assert.ErrorIs(t, err, host.ErrNotRegular)
	assert.ErrorContains(t, err, "2 hard links")
	assert.ErrorIs(t, l.SetAttrs(ctx, "/app/managed", host.Attrs{Perm: 0o644, UID: host.KeepID, GID: host.KeepID}), host.ErrNotRegular)
	info, err := os.Stat(target)
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o600), info.Mode())

	require.NoError(t, l.WriteFile(ctx, "/app/managed", []byte("mine"), private))
	b, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, "SECRET", string(b))
	b, err = l.ReadFile(ctx, "/app/managed")
	require.NoError(t, err)
	assert.Equal(t, "mine", string(b))
}

// TestLocal_staleTemporaryFiles: a write killed before its rename leaves
// its temporary file; the next write into the directory removes it, and
// that of another file (their creators, 01234567, have exited), and the
// next write of the same file one under the fixed name of earlier
// versions; nothing else: not a temporary file a live write holds
// (locked, though its creator 11111111 has exited), nor one of an unknown
// creator, nor one another user owns, nor a link, nor one with a second
// name, nor anything not named exactly like one. See also
// TestLocal_sweepsStaleTemporaryEntries.
func TestLocal_staleTemporaryFiles(t *testing.T) {
	ctx := context.Background()
	l, root := newLocal(t)
	dir := filepath.Join(root, "etc")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	write := func(name string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte("old"), 0o600))
		return p
	}
	stale := write(".app.conf.0123456789abcdef.spice-tmp")
	other := write(".other.conf.0123456789abcdef.spice-tmp")
	legacy := write(".app.conf.spice-tmp") // the fixed name spice used before
	locked := write(".app.conf.1111111111111111.spice-tmp")
	f, err := os.Open(locked)
	require.NoError(t, err)
	defer func() { _ = f.Close() }()
	require.NoError(t, unix.Flock(int(f.Fd()), unix.LOCK_EX))
	kept := []string{
		locked,
		write(".app.conf.00000000000000ff.spice-tmp"),
		write(".app.conf.spice-tmp.spice-tmp"),
		write(".app.conf.0123456789abcdeg.spice-tmp"),
		write(".app.conf.0123456789abcde.spice-tmp"),
		write("app.conf.0123456789abcdef.spice-tmp"),
	}
	if os.Geteuid() == 0 {
		foreign := write(".app.conf.2222222222222222.spice-tmp")
		require.NoError(t, os.Chown(foreign, hosttest.NobodyUID, hosttest.NobodyGID))
		kept = append(kept, foreign)
	}
	link := filepath.Join(dir, ".app.conf.3333333333333333.spice-tmp")
	require.NoError(t, os.Symlink("app.conf", link))
	kept = append(kept, link)
	shared := write(".app.conf.4444444444444444.spice-tmp")
	require.NoError(t, os.Link(shared, filepath.Join(root, "shared")))
	kept = append(kept, shared)

	require.NoError(t, l.WriteFile(ctx, "/etc/app.conf", []byte("new"), private))
	for _, p := range []string{stale, other, legacy} {
		_, err := os.Lstat(p)
		assert.ErrorIs(t, err, fs.ErrNotExist, "stale %s", filepath.Base(p))
	}
	for _, p := range kept {
		_, err := os.Lstat(p)
		assert.NoError(t, err, "%s must stay", filepath.Base(p))
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		assert.False(t, strings.HasPrefix(e.Name(), ".app.conf.") && !contains(kept, filepath.Join(dir, e.Name())),
			"temporary file of the write left behind: %s", e.Name())
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestLocal_racedParents: while the attacker keeps replacing a managed
// directory of an image by a link to a directory outside root, writes,
// mkdirs and removals below it stay below root: Local walks descriptors,
// so there is no moment between a check and a use.
func TestLocal_racedParents(t *testing.T) {
	hosttest.NeedAttacker(t)
	ctx := context.Background()
	l, root := newLocal(t)
	hosttest.OpenDir(t, root, 0o755)
	app := hosttest.OpenDir(t, filepath.Join(root, "app"), 0o777)
	outside := hosttest.OpenDir(t, filepath.Join(filepath.Dir(root), "outside"), 0o755)
	require.NoError(t, os.WriteFile(filepath.Join(outside, "keep"), []byte("keep"), 0o600))
	before := hosttest.DescribeTree(t, outside)
	require.NoError(t, l.Mkdir(ctx, "/app/tree", host.Attrs{Perm: 0o755, UID: 0, GID: 0}))
	a := hosttest.StartAttacker(t, "dirswap", app, "tree", outside)
	for i := range 200 {
		_ = l.WriteFile(ctx, fmt.Sprintf("/app/tree/d%d/f", i%4), []byte("x"), private)
		_ = l.Mkdir(ctx, fmt.Sprintf("/app/tree/m%d", i%4), host.Attrs{Perm: 0o777, UID: host.KeepID, GID: host.KeepID})
		_ = l.SetAttrs(ctx, "/app/tree/keep", host.Attrs{Perm: 0o666, UID: host.KeepID, GID: host.KeepID})
		if i%50 == 49 {
			_ = l.RemoveAll(ctx, "/app/tree")
			_ = l.Mkdir(ctx, "/app/tree", host.Attrs{Perm: 0o755, UID: 0, GID: 0})
		}
	}
	a.Stop()
	assert.Equal(t, before, hosttest.DescribeTree(t, outside), "nothing outside root changed")
}

// TestLocal_sweepsStaleTemporaryEntries: see
// hosttest.SweepsStaleTemporaryEntries (this process makes Local's names).
func TestLocal_sweepsStaleTemporaryEntries(t *testing.T) {
	l, root := newLocal(t)
	own := fmt.Sprintf(".03.yml.%08x0a1b2c3d.spice-tmp", os.Getpid())
	hosttest.SweepsStaleTemporaryEntries(t, l, root, own)
}
