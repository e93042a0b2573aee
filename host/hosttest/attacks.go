//go:build linux

package hosttest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/host"
)

// RunAttacks holds a host to what an unprivileged local user who can
// write a managed directory must not achieve: reading what spice writes
// (through planted or raced temporary files), reading, chmod-ing or
// writing through a link at a managed path, and, in image mode, reaching
// anything outside root. The attacker runs as nobody (see attacker.go):
// a package that runs RunAttacks calls MaybeAttacker in TestMain. The
// attacks need root; they are skipped without it.
func RunAttacks(t *testing.T, newHost func(t *testing.T) (h host.Host, root string)) {
	tests := []struct {
		name string
		fn   func(t *testing.T, h host.Host, root string)
	}{
		{"PlantedTemporaryFiles", plantedTemporaryFiles},
		{"RacedTemporaryFiles", racedTemporaryFiles},
		{"LinksAtManagedPaths", linksAtManagedPaths},
		{"LinkSwappedDuringUse", linkSwappedDuringUse},
		{"DirectorySwappedDuringRemoveAll", directorySwappedDuringRemoveAll},
		{"ImageRootEscapes", imageRootEscapes},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			NeedAttacker(t)
			h, root := newHost(t)
			OpenDir(t, root, 0o755)
			tc.fn(t, h, root)
		})
	}
}

// secret is content only root may read; each test's own, so a leak is
// recognised wherever it shows up.
func secret(t *testing.T, what string) string {
	return fmt.Sprintf("SECRET-%s-%s-%d", what, t.Name(), time.Now().UnixNano())
}

var rootOnly = host.Attrs{Perm: 0o600, UID: host.KeepID, GID: host.KeepID}

// outsideTree is a directory beside root (outside any managed path) that
// holds a root-only secret file and a private directory.
func outsideTree(t *testing.T, root string) (dir, secretFile, secretDir, content string) {
	t.Helper()
	dir = OpenDir(t, filepath.Join(filepath.Dir(root), "outside-"+filepath.Base(root)), 0o755)
	content = secret(t, "outside")
	secretFile = filepath.Join(dir, "secret")
	require.NoError(t, os.WriteFile(secretFile, []byte(content), 0o600))
	require.NoError(t, os.Chmod(secretFile, 0o600))
	secretDir = filepath.Join(dir, "private")
	require.NoError(t, os.Mkdir(secretDir, 0o700))
	require.NoError(t, os.Chmod(secretDir, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(secretDir, "keep"), []byte("keep"), 0o600))
	return dir, secretFile, secretDir, content
}

// DescribeTree records every entry below dir: type, mode, owner, and the
// content's digest or the link's target.
func DescribeTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		st := statOf(t, info)
		desc := fmt.Sprintf("%v %d:%d", info.Mode(), st.Uid, st.Gid)
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			desc += " -> " + target
		case info.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			desc += " " + hex.EncodeToString(sum[:8])
		}
		rel, _ := filepath.Rel(dir, p)
		out[rel] = desc
		return nil
	})
	require.NoError(t, err)
	return out
}

func ownerOf(t *testing.T, p string) (uid, gid uint32, perm fs.FileMode) {
	t.Helper()
	info, err := os.Lstat(p)
	require.NoError(t, err)
	st := statOf(t, info)
	return st.Uid, st.Gid, info.Mode()
}

// plantedTemporaryFiles: the attacker creates files under the names a
// write's temporary file had (and could have), holds them open, and plants
// links under such names. Nothing spice writes may reach them, and the
// written files are root's.
func plantedTemporaryFiles(t *testing.T, h host.Host, root string) {
	ctx := context.Background()
	app := OpenDir(t, filepath.Join(root, "app"), 0o777)
	ctl := OpenDir(t, filepath.Join(t.TempDir(), "bait"), 0o777)
	bait := filepath.Join(ctl, "bait")
	require.NoError(t, os.WriteFile(bait, nil, 0o666))
	require.NoError(t, os.Chmod(bait, 0o666))
	plants := []string{
		"file:.cred.txt.spice-tmp", "file:..env.spice-tmp",
		"file:.cred.txt.0123456789abcdef.spice-tmp", "file:..env.0123456789abcdef.spice-tmp",
		"link:.cred.txt.fedcba9876543210.spice-tmp:" + bait, "link:..env.fedcba9876543210.spice-tmp:" + bait,
		"link:.cred.txt.spice-tmp-link:" + bait,
	}
	a := StartAttacker(t, "plant", app, plants...)
	cred, env := secret(t, "cred"), secret(t, "env")
	for range 3 {
		require.NoError(t, h.WriteFile(ctx, "/app/cred.txt", []byte(cred), rootOnly))
		require.NoError(t, h.WriteFile(ctx, "/app/.env", []byte(env), rootOnly))
	}
	loot := a.Stop()
	assert.NotContains(t, loot, "SECRET", "the attacker read what spice wrote")
	b, err := os.ReadFile(bait)
	require.NoError(t, err)
	assert.Empty(t, b, "written through a planted link")
	for name, want := range map[string]string{"cred.txt": cred, ".env": env} {
		got, err := os.ReadFile(filepath.Join(app, name))
		require.NoError(t, err)
		assert.Equal(t, want, string(got))
		uid, gid, mode := ownerOf(t, filepath.Join(app, name))
		assert.Equal(t, []uint32{0, 0}, []uint32{uid, gid}, "%s is root's, not the planter's", name)
		assert.Equal(t, fs.FileMode(0o600), mode)
	}
	for _, spec := range plants {
		kind, rest, _ := strings.Cut(spec, ":")
		name, _, _ := strings.Cut(rest, ":")
		uid, _, mode := ownerOf(t, filepath.Join(app, name))
		assert.Equal(t, uint32(NobodyUID), uid, "%s is still the planter's", name)
		if kind == "file" {
			assert.True(t, mode.IsRegular())
		} else {
			assert.NotZero(t, mode&fs.ModeSymlink, "%s is still a link", name)
		}
	}
}

// racedTemporaryFiles: the attacker opens every entry the moment it
// appears in the directory (inotify), temporary files included. It must
// never get one that later receives root-only content.
func racedTemporaryFiles(t *testing.T, h host.Host, root string) {
	ctx := context.Background()
	app := OpenDir(t, filepath.Join(root, "app"), 0o777)
	a := StartAttacker(t, "race", app)
	content := secret(t, "raced")
	for i := range 40 {
		attrs := rootOnly
		if i%2 == 1 {
			attrs = host.Attrs{Perm: 0o640, UID: 0, GID: 0}
		}
		require.NoError(t, h.WriteFile(ctx, fmt.Sprintf("/app/secret%d", i%5), []byte(content), attrs))
	}
	require.NoError(t, h.WriteFile(ctx, "/app/new/deeper/secret", []byte(content), rootOnly))
	require.NoError(t, h.Mkdir(ctx, "/app/private", host.Attrs{Perm: 0o700, UID: 0, GID: 0}))
	require.NoError(t, h.WriteFile(ctx, "/app/private/secret", []byte(content), host.Attrs{Perm: 0o644, UID: 0, GID: 0}))
	loot := a.Stop()
	assert.NotContains(t, loot, "SECRET", "the attacker read what spice wrote")
	for _, dir := range []string{"app", "app/new", "app/new/deeper"} {
		_, _, mode := ownerOf(t, filepath.Join(root, dir))
		if dir != "app" {
			assert.Equal(t, fs.ModeDir|0o755, mode, "parent %s", dir)
		}
	}
}

// linksAtManagedPaths: the attacker replaces managed objects by links
// (absolute, relative, dangling, to a directory) and a named pipe. Each is
// reported for what it is: nothing is read, listed, chmod-ed or chown-ed
// through it, a write replaces it, a removal removes only it.
func linksAtManagedPaths(t *testing.T, h host.Host, root string) {
	ctx := context.Background()
	app := OpenDir(t, filepath.Join(root, "app"), 0o777)
	outside, secretFile, secretDir, content := outsideTree(t, root)
	rel, err := filepath.Rel(app, secretFile)
	require.NoError(t, err)
	a := StartAttacker(t, "plant", app,
		"link:cred.txt:"+secretFile, "link:rel.txt:"+rel, "link:dangling:/nonexistent/x",
		"link:dirlink:"+secretDir, "link:dirlink2:"+secretDir, "fifo:fifo")
	before := DescribeTree(t, outside)

	for _, p := range []string{"/app/cred.txt", "/app/rel.txt", "/app/dangling", "/app/dirlink"} {
		b, err := h.ReadFile(ctx, p)
		assert.ErrorIs(t, err, host.ErrNotRegular, "ReadFile(%s)", p)
		assert.ErrorIs(t, err, host.ErrSymlink, "ReadFile(%s)", p)
		assert.NotErrorIs(t, err, fs.ErrNotExist, "ReadFile(%s): the link is there", p)
		assert.Empty(t, b)
		info, err := h.Stat(ctx, p)
		require.NoError(t, err)
		assert.True(t, info.IsSymlink, "Stat(%s)", p)
		err = h.SetAttrs(ctx, p, host.Attrs{Perm: 0o666, UID: NobodyUID, GID: NobodyGID})
		assert.ErrorIs(t, err, host.ErrSymlink, "SetAttrs(%s)", p)
	}
	done := make(chan error, 1)
	go func() {
		_, err := h.ReadFile(ctx, "/app/fifo")
		done <- err
	}()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, host.ErrNotRegular, "a named pipe is not a file")
	case <-time.After(10 * time.Second):
		t.Fatal("ReadFile of a named pipe blocked")
	}
	assert.Error(t, h.SetAttrs(ctx, "/app/fifo", host.Attrs{Perm: 0o666, UID: host.KeepID, GID: host.KeepID}))
	assert.ErrorIs(t, h.Mkdir(ctx, "/app/dirlink", host.Attrs{Perm: 0o777, UID: NobodyUID, GID: NobodyGID}), host.ErrSymlink)
	_, err = h.ReadDir(ctx, "/app/dirlink")
	assert.ErrorIs(t, err, host.ErrSymlink)
	assert.Equal(t, before, DescribeTree(t, outside), "nothing outside changed")

	// A write replaces the link; removals remove the links.
	require.NoError(t, h.WriteFile(ctx, "/app/cred.txt", []byte("mine"), rootOnly))
	info, err := h.Stat(ctx, "/app/cred.txt")
	require.NoError(t, err)
	assert.False(t, info.IsSymlink)
	b, err := h.ReadFile(ctx, "/app/cred.txt")
	require.NoError(t, err)
	assert.Equal(t, "mine", string(b))
	require.NoError(t, h.Remove(ctx, "/app/rel.txt"))
	require.NoError(t, h.RemoveAll(ctx, "/app/dirlink"))
	require.NoError(t, h.Remove(ctx, "/app/dirlink2"))
	assert.Equal(t, before, DescribeTree(t, outside), "nothing outside changed")
	got, err := os.ReadFile(secretFile)
	require.NoError(t, err)
	assert.Equal(t, content, string(got))
	assert.NotContains(t, a.Stop(), "SECRET")
}

// linkSwappedDuringUse: the attacker keeps swapping a managed path between
// a file of its own and a link to a root-only file, so that a check of the
// path and its use meet different objects. Reads never return the
// secret, and mode and owner changes never reach it.
func linkSwappedDuringUse(t *testing.T, h host.Host, root string) {
	ctx := context.Background()
	app := OpenDir(t, filepath.Join(root, "app"), 0o777)
	outside, secretFile, _, content := outsideTree(t, root)
	before := DescribeTree(t, outside)
	a := StartAttacker(t, "swap", app, "cred.txt", secretFile)
	reads := 0
	for i := range 300 {
		b, err := h.ReadFile(ctx, "/app/cred.txt")
		if err == nil {
			reads++
			assert.Equal(t, "PLANT", string(b), "read %d", i)
		}
		_ = h.SetAttrs(ctx, "/app/cred.txt", host.Attrs{Perm: 0o666, UID: NobodyUID, GID: NobodyGID})
	}
	assert.NotContains(t, a.Stop(), "SECRET")
	assert.Equal(t, before, DescribeTree(t, outside), "nothing outside changed")
	got, err := os.ReadFile(secretFile)
	require.NoError(t, err)
	assert.Equal(t, content, string(got))
	t.Logf("%d of 300 reads found the attacker's file", reads)
}

// directorySwappedDuringRemoveAll: while a managed directory is removed,
// the attacker keeps moving it aside for a moment and putting a link to a
// directory outside in its place. What the link leads to is never removed.
// (The tree is built beside it and moved into place by the test: writes
// into a directory the attacker swaps are another matter, which only
// Local's descriptor walk settles; see TestLocal_racedParents.)
func directorySwappedDuringRemoveAll(t *testing.T, h host.Host, root string) {
	ctx := context.Background()
	app := OpenDir(t, filepath.Join(root, "app"), 0o777)
	outside, _, secretDir, _ := outsideTree(t, root)
	for i := range 20 {
		require.NoError(t, os.WriteFile(filepath.Join(secretDir, fmt.Sprintf("f%d", i)), []byte("keep"), 0o600))
		require.NoError(t, os.MkdirAll(filepath.Join(secretDir, fmt.Sprintf("d%d", i%3)), 0o700))
	}
	before := DescribeTree(t, outside)
	a := StartAttacker(t, "dirswap", app, "tree", secretDir)
	stage := filepath.Join(t.TempDir(), "stage")
	removed := 0
	for range 30 {
		require.NoError(t, os.RemoveAll(stage))
		for j := range 10 {
			require.NoError(t, os.MkdirAll(filepath.Join(stage, fmt.Sprintf("d%d", j%3)), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(stage, fmt.Sprintf("d%d/f%d", j%3, j)), []byte("x"), 0o600))
		}
		// The stage's file system may differ: copy it in beside the tree
		// (the attacker only touches "tree"), then rename it into place.
		next := filepath.Join(app, ".next")
		require.NoError(t, os.RemoveAll(next))
		require.NoError(t, copyTree(stage, next))
		for range 100 {
			if os.Rename(next, filepath.Join(app, "tree")) == nil {
				break
			}
		}
		if h.RemoveAll(ctx, "/app/tree") == nil {
			removed++
		}
	}
	a.Stop()
	assert.Equal(t, before, DescribeTree(t, outside), "nothing outside was removed")
	t.Logf("%d of 30 removals succeeded", removed)
}

func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.Mkdir(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o600)
	})
}

// imageRootEscapes: in image mode the tree holds links that lead out of
// root, as an image's own absolute links do (/var/run -> /run) and as a
// hostile image's may. Every operation resolves them below root, as the
// image's system will: nothing outside root is read, written, chmod-ed or
// removed.
func imageRootEscapes(t *testing.T, h host.Host, root string) {
	if h.Root() == "/" {
		t.Skip("not in image mode")
	}
	ctx := context.Background()
	outside, secretFile, secretDir, _ := outsideTree(t, root)
	require.NoError(t, os.MkdirAll(filepath.Join(root, "var"), 0o755))
	links := map[string]string{
		"var/run": outside,                                 // absolute, out of root
		"etc":     "../" + filepath.Base(outside),          // relative, out of root
		"up":      strings.Repeat("../", 12),               // far above root
		"abs":     "/",                                     // root itself
		"key":     secretFile,                              // a file outside
		"keydir":  secretDir,                               // a directory outside
		"loop":    "loop2",                                 // a cycle
		"loop2":   "loop",                                  //
		"var/lib": "../" + filepath.Base(outside) + "/../", // back out through ..
	}
	for name, target := range links {
		require.NoError(t, os.Symlink(target, filepath.Join(root, name)))
	}
	before := DescribeTree(t, outside)
	check := func(what string) {
		t.Helper()
		assert.Equal(t, before, DescribeTree(t, outside), "after %s: something outside root changed", what)
	}
	dirAttrs := host.Attrs{Perm: 0o777, UID: NobodyUID, GID: NobodyGID}

	require.NoError(t, h.WriteFile(ctx, "/var/run/app.pid", []byte("1"), rootOnly))
	check("a write through /var/run")
	b, err := os.ReadFile(filepath.Join(root, outside, "app.pid"))
	require.NoError(t, err, "/var/run -> %s is %s below root", outside, outside)
	assert.Equal(t, "1", string(b))

	require.NoError(t, h.WriteFile(ctx, "/etc/app/app.conf", []byte("conf"), rootOnly))
	check("a write through /etc")
	_, err = os.Stat(filepath.Join(root, filepath.Base(outside), "app", "app.conf"))
	require.NoError(t, err, "/etc -> ../outside is /outside below root")

	require.NoError(t, h.Mkdir(ctx, "/etc/data", dirAttrs))
	require.NoError(t, h.SetAttrs(ctx, "/etc/data", dirAttrs))
	require.NoError(t, h.WriteFile(ctx, "/up/etc/x/y", []byte("y"), rootOnly))
	require.NoError(t, h.Symlink(ctx, "/target", "/var/run/link"))
	require.NoError(t, h.WriteFile(ctx, "/var/lib/z", []byte("z"), rootOnly))
	require.NoError(t, h.WriteFile(ctx, "/abs/etc/w", []byte("w"), rootOnly))
	check("writes, mkdir and chmod through links")

	_, err = h.ReadFile(ctx, "/etc/secret")
	assert.ErrorIs(t, err, fs.ErrNotExist, "the outside secret is not below root")
	_, err = h.ReadFile(ctx, "/keydir/keep")
	assert.ErrorIs(t, err, fs.ErrNotExist)
	_, err = h.ReadDir(ctx, "/keydir")
	assert.ErrorIs(t, err, host.ErrSymlink)
	_, err = h.ReadFile(ctx, "/key")
	assert.ErrorIs(t, err, host.ErrNotRegular)
	assert.Error(t, h.SetAttrs(ctx, "/key", dirAttrs))
	assert.Error(t, h.SetAttrs(ctx, "/keydir", dirAttrs))
	assert.Error(t, h.Mkdir(ctx, "/keydir", dirAttrs))
	assert.Error(t, h.WriteFile(ctx, "/loop/x", nil, rootOnly), "a cycle of links")
	require.NoError(t, h.WriteFile(ctx, "/keydir/keep", []byte("mine"), rootOnly), "a write through a link to a directory outside lands below root")
	require.NoError(t, h.WriteFile(ctx, "/key", []byte("mine"), rootOnly), "replaces the link")
	check("reads and refused changes")

	require.NoError(t, h.RemoveAll(ctx, "/etc/data"))
	require.NoError(t, h.RemoveAll(ctx, "/keydir"))
	require.NoError(t, h.Remove(ctx, "/var/run/app.pid"))
	require.NoError(t, h.RemoveAll(ctx, "/var/run"))
	require.NoError(t, h.RemoveAll(ctx, "/etc"))
	require.NoError(t, h.RemoveAll(ctx, "/up"))
	check("removals")
	_, err = os.Lstat(filepath.Join(root, "var/run"))
	assert.ErrorIs(t, err, fs.ErrNotExist, "the link itself is removed")
}
