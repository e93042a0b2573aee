// Package hosttest is the behaviour every host.Host implementation owes the
// resources: Local and SSH run the same suite, so a resource that works on
// one works on the other.
package hosttest

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/host"
)

// NobodyUID and NobodyGID are the ids of files that are not ours: the
// attacker's, and the foreign files a sweep must keep.
const NobodyUID, NobodyGID = 65534, 65534

// Run runs the suite against the implementation newHost makes. newHost
// returns a fresh host and the local directory that is "/" of it (an empty
// one for each call), so the suite can check the bytes on disk.
func Run(t *testing.T, newHost func(t *testing.T) (h host.Host, root string)) {
	tests := []struct {
		name string
		fn   func(t *testing.T, h host.Host, root string)
	}{
		{"PathsMapBelowRoot", pathsMapBelowRoot},
		{"UncleanPathsAreRefused", uncleanPathsAreRefused},
		{"MissingIsNotExist", missingIsNotExist},
		{"StatDescribesThePathItself", statDescribesThePathItself},
		{"WriteFileIsAtomic", writeFileIsAtomic},
		{"WriteFileReplacesContent", writeFileReplacesContent},
		{"WriteFileSetsSpecialBitsAndReplacesLinks", writeFileSetsSpecialBitsAndReplacesLinks},
		{"WriteFileBelowAFile", writeFileBelowAFile},
		{"Ownership", ownership},
		{"MkdirAndRemove", mkdirAndRemove},
		{"MkdirRacesAParentCreation", mkdirRacesAParentCreation},
		{"RemoveAllDoesNotFollowLinks", removeAllDoesNotFollowLinks},
		{"SetAttrs", setAttrs},
		{"SymlinkSwapsAtomically", symlinkSwapsAtomically},
		{"SymlinkNeverReplacesADirectory", symlinkNeverReplacesADirectory},
		{"RunPassesArgvUnchanged", runPassesArgvUnchanged},
		{"RunReportsExitStatus", runReportsExitStatus},
		{"RunHonoursContext", runHonoursContext},
		{"ConcurrentUse", concurrentUse},
		{"DialReachesTheHostsLoopback", dialReachesTheHostsLoopback},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, root := newHost(t)
			tc.fn(t, h, root)
		})
	}
}

var keep = host.Attrs{Perm: 0o644, UID: host.KeepID, GID: host.KeepID}

func attrs(perm host.Perm) host.Attrs {
	return host.Attrs{Perm: perm, UID: host.KeepID, GID: host.KeepID}
}

func pathsMapBelowRoot(t *testing.T, h host.Host, root string) {
	ctx := context.Background()
	// A restrictive umask must not leak into the modes (this process's
	// umask for Local; a remote host has its own).
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)

	require.NoError(t, h.WriteFile(ctx, "/etc/app/app.conf", []byte("x"), attrs(0o640)))
	b, err := os.ReadFile(filepath.Join(root, "etc/app/app.conf"))
	require.NoError(t, err)
	assert.Equal(t, "x", string(b))
	info, err := h.Stat(ctx, "/etc/app/app.conf")
	require.NoError(t, err)
	assert.Equal(t, host.Perm(0o640), info.Perm)
	assert.Equal(t, int64(1), info.Size)
	for _, dir := range []string{"/etc", "/etc/app"} {
		parent, err := h.Stat(ctx, dir)
		require.NoError(t, err)
		assert.True(t, parent.IsDir)
		assert.Equal(t, host.Perm(0o755), parent.Perm, "parent %s is 0755 whatever the umask", dir)
	}
	require.NoError(t, h.Mkdir(ctx, "/srv/data/x", attrs(0o750)))
	parent, err := h.Stat(ctx, "/srv/data")
	require.NoError(t, err)
	assert.Equal(t, host.Perm(0o755), parent.Perm, "mkdir's parents are 0755 whatever the umask")
	_, err = os.Stat(filepath.Join(root, "srv/data/x"))
	assert.NoError(t, err)
}

func uncleanPathsAreRefused(t *testing.T, h host.Host, root string) {
	ctx := context.Background()
	for _, p := range []string{"/etc/../../outside", "relative", "/etc/", "/", ""} {
		_, err := h.ReadFile(ctx, p)
		assert.Error(t, err, "ReadFile(%q)", p)
		_, err = h.Stat(ctx, p)
		assert.Error(t, err, "Stat(%q)", p)
		_, err = h.ReadDir(ctx, p)
		assert.Error(t, err, "ReadDir(%q)", p)
		assert.Error(t, h.WriteFile(ctx, p, nil, keep), "WriteFile(%q)", p)
		assert.Error(t, h.Mkdir(ctx, p, keep), "Mkdir(%q)", p)
		assert.Error(t, h.SetAttrs(ctx, p, keep), "SetAttrs(%q)", p)
		assert.Error(t, h.Remove(ctx, p), "Remove(%q)", p)
		assert.Error(t, h.RemoveAll(ctx, p), "RemoveAll(%q)", p)
	}
	_, err := h.ReadFile(ctx, "/etc/../../outside")
	assert.ErrorContains(t, err, "clean form")
	entries, err := os.ReadDir(root)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing was created")
}

func missingIsNotExist(t *testing.T, h host.Host, _ string) {
	ctx := context.Background()
	for _, p := range []string{"/nope", "/nope/deeper"} {
		_, err := h.Stat(ctx, p)
		assert.ErrorIs(t, err, fs.ErrNotExist, "Stat(%q)", p)
		_, err = h.ReadFile(ctx, p)
		assert.ErrorIs(t, err, fs.ErrNotExist, "ReadFile(%q)", p)
		_, err = h.ReadDir(ctx, p)
		assert.ErrorIs(t, err, fs.ErrNotExist, "ReadDir(%q)", p)
		assert.ErrorIs(t, h.Remove(ctx, p), fs.ErrNotExist, "Remove(%q)", p)
		assert.ErrorIs(t, h.SetAttrs(ctx, p, keep), fs.ErrNotExist, "SetAttrs(%q)", p)
		assert.NoError(t, h.RemoveAll(ctx, p), "RemoveAll(%q) of nothing is done", p)
	}
	_, err := h.ReadFile(ctx, "/nope")
	assert.ErrorContains(t, err, "read /nope on "+h.Name())
}

func statDescribesThePathItself(t *testing.T, h host.Host, root string) {
	ctx := context.Background()
	require.NoError(t, h.WriteFile(ctx, "/dir/file", []byte("12345"), attrs(0o600)))
	require.NoError(t, os.Symlink(filepath.Join(root, "dir/file"), filepath.Join(root, "link")))
	require.NoError(t, os.Symlink(filepath.Join(root, "missing"), filepath.Join(root, "dangling")))

	file, err := h.Stat(ctx, "/dir/file")
	require.NoError(t, err)
	assert.Equal(t, host.FileInfo{Perm: 0o600, UID: file.UID, GID: file.GID, Size: 5}, file)
	dir, err := h.Stat(ctx, "/dir")
	require.NoError(t, err)
	assert.True(t, dir.IsDir)
	assert.False(t, dir.IsSymlink)
	link, err := h.Stat(ctx, "/link")
	require.NoError(t, err)
	assert.True(t, link.IsSymlink, "a link is reported as a link")
	assert.False(t, link.IsDir)
	dangling, err := h.Stat(ctx, "/dangling")
	require.NoError(t, err, "a dangling link exists")
	assert.True(t, dangling.IsSymlink)

	// A link is never read through, even to a file below root: to a
	// resource managing the path it is drift to replace.
	for _, p := range []string{"/link", "/dangling"} {
		b, err := h.ReadFile(ctx, p)
		assert.ErrorIs(t, err, host.ErrNotRegular, "ReadFile(%q)", p)
		assert.ErrorIs(t, err, host.ErrSymlink, "ReadFile(%q)", p)
		assert.NotErrorIs(t, err, fs.ErrNotExist, "ReadFile(%q): the link exists", p)
		assert.Empty(t, b)
	}

	_, err = h.ReadFile(ctx, "/dir")
	assert.ErrorIs(t, err, host.ErrNotRegular, "a directory is not a file")
	assert.NotErrorIs(t, err, fs.ErrNotExist)
	_, err = h.ReadDir(ctx, "/dir/file")
	assert.Error(t, err, "a file is not a directory")
	assert.NotErrorIs(t, err, fs.ErrNotExist, "the file exists")
}

func writeFileIsAtomic(t *testing.T, h host.Host, root string) {
	ctx := context.Background()
	old := bytes.Repeat([]byte("a"), 1<<20)
	next := bytes.Repeat([]byte("b"), 1<<20)
	require.NoError(t, h.WriteFile(ctx, "/data/blob", old, attrs(0o600)))

	// A reader racing the writes sees one whole version or the other.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var torn, reads int
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			b, err := os.ReadFile(filepath.Join(root, "data/blob"))
			reads++
			if err != nil || (!bytes.Equal(b, old) && !bytes.Equal(b, next)) {
				torn++
			}
		}
	}()
	for i := range 30 {
		content := old
		if i%2 == 0 {
			content = next
		}
		require.NoError(t, h.WriteFile(ctx, "/data/blob", content, attrs(0o600)))
	}
	close(stop)
	wg.Wait()
	assert.Zero(t, torn, "a reader saw a partial or missing file in %d reads", reads)

	entries, err := os.ReadDir(filepath.Join(root, "data"))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "temporary files left behind: %v", entries)
}

func writeFileReplacesContent(t *testing.T, h host.Host, root string) {
	ctx := context.Background()
	big := make([]byte, 3<<20+17) // several SFTP packets, not a multiple of any
	_, _ = rand.Read(big)
	require.NoError(t, h.WriteFile(ctx, "/f", big, attrs(0o644)))
	got, err := h.ReadFile(ctx, "/f")
	require.NoError(t, err)
	assert.True(t, bytes.Equal(big, got), "read back %d bytes, wrote %d", len(got), len(big))
	onDisk, err := os.ReadFile(filepath.Join(root, "f"))
	require.NoError(t, err)
	assert.True(t, bytes.Equal(big, onDisk))

	require.NoError(t, h.WriteFile(ctx, "/f", []byte("short"), attrs(0o644)))
	got, err = h.ReadFile(ctx, "/f")
	require.NoError(t, err)
	assert.Equal(t, "short", string(got), "no tail of the old content")

	require.NoError(t, h.WriteFile(ctx, "/f", nil, attrs(0o644)))
	got, err = h.ReadFile(ctx, "/f")
	require.NoError(t, err)
	assert.Empty(t, got)
}

func writeFileSetsSpecialBitsAndReplacesLinks(t *testing.T, h host.Host, root string) {
	ctx := context.Background()
	target := filepath.Join(root, "elsewhere")
	require.NoError(t, os.WriteFile(target, []byte("keep me"), 0o644))
	require.NoError(t, os.Symlink(target, filepath.Join(root, "link")))

	require.NoError(t, h.WriteFile(ctx, "/link", []byte("new"), attrs(0o2750)))

	info, err := h.Stat(ctx, "/link")
	require.NoError(t, err)
	assert.False(t, info.IsSymlink, "the link is replaced by the file, not followed")
	assert.Equal(t, host.Perm(0o2750), info.Perm)
	b, _ := os.ReadFile(target)
	assert.Equal(t, "keep me", string(b), "the link's target is untouched")

	for _, perm := range []host.Perm{0o4755, 0o1777, 0o0000, 0o7777} {
		require.NoError(t, h.WriteFile(ctx, "/bits", []byte("x"), attrs(perm)))
		info, err := h.Stat(ctx, "/bits")
		require.NoError(t, err)
		assert.Equal(t, perm, info.Perm)
	}
}

func writeFileBelowAFile(t *testing.T, h host.Host, _ string) {
	ctx := context.Background()
	require.NoError(t, h.WriteFile(ctx, "/f", []byte("x"), keep))
	err := h.WriteFile(ctx, "/f/x", []byte("y"), keep)
	assert.ErrorContains(t, err, "not a directory")
	assert.NotErrorIs(t, err, fs.ErrNotExist)
	err = h.Mkdir(ctx, "/f/d/e", keep)
	assert.ErrorContains(t, err, "not a directory")
	assert.NotErrorIs(t, err, fs.ErrNotExist)
}

// statOf is the system's stat of info, which os.Stat and os.Lstat made.
func statOf(t *testing.T, info fs.FileInfo) *syscall.Stat_t {
	t.Helper()
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		t.Fatalf("%s: no stat_t", info.Name())
	}
	return st
}

func ownership(t *testing.T, h host.Host, root string) {
	if os.Geteuid() != 0 {
		t.Skip("chown to another user needs root")
	}
	ctx := context.Background()
	require.NoError(t, h.WriteFile(ctx, "/f", []byte("x"), host.Attrs{Perm: 0o4755, UID: 4242, GID: 4343}))
	info, err := os.Stat(filepath.Join(root, "f"))
	require.NoError(t, err)
	st := statOf(t, info)
	assert.Equal(t, []uint32{4242, 4343}, []uint32{st.Uid, st.Gid})
	assert.NotZero(t, info.Mode()&fs.ModeSetuid, "setuid survives the chown")
	got, err := h.Stat(ctx, "/f")
	require.NoError(t, err)
	assert.Equal(t, []int{4242, 4343}, []int{got.UID, got.GID})

	// One id kept: the other changes alone.
	require.NoError(t, h.SetAttrs(ctx, "/f", host.Attrs{Perm: 0o640, UID: host.KeepID, GID: 4444}))
	got, err = h.Stat(ctx, "/f")
	require.NoError(t, err)
	assert.Equal(t, []int{4242, 4444}, []int{got.UID, got.GID})
	assert.Equal(t, host.Perm(0o640), got.Perm)

	require.NoError(t, h.Mkdir(ctx, "/d/e", host.Attrs{Perm: 0o750, UID: 4242, GID: host.KeepID}))
	parent, err := h.Stat(ctx, "/d")
	require.NoError(t, err)
	got, err = h.Stat(ctx, "/d/e")
	require.NoError(t, err)
	assert.Equal(t, 4242, got.UID)
	assert.Equal(t, parent.GID, got.GID, "the kept group is the one it was created with")
	assert.Equal(t, host.Perm(0o750), got.Perm)

	require.NoError(t, h.WriteFile(ctx, "/g", []byte("x"), host.Attrs{Perm: 0o2750, UID: host.KeepID, GID: 4343}))
	got, err = h.Stat(ctx, "/g")
	require.NoError(t, err)
	assert.Equal(t, []int{0, 4343}, []int{got.UID, got.GID})
	assert.Equal(t, host.Perm(0o2750), got.Perm, "setgid survives the chown")
}

func mkdirAndRemove(t *testing.T, h host.Host, root string) {
	ctx := context.Background()
	require.NoError(t, h.Mkdir(ctx, "/a/b", attrs(0o700)))
	require.NoError(t, h.Mkdir(ctx, "/a/b", attrs(0o750)), "existing directory: attrs only")
	info, err := h.Stat(ctx, "/a/b")
	require.NoError(t, err)
	assert.Equal(t, host.Perm(0o750), info.Perm)
	assert.True(t, info.IsDir)

	for _, name := range []string{"c", "a", "b"} {
		require.NoError(t, h.WriteFile(ctx, "/a/b/"+name, nil, keep))
	}
	assert.ErrorContains(t, h.Mkdir(ctx, "/a/b/c", keep), "exists and is not a directory")
	require.NoError(t, os.Symlink(filepath.Join(root, "a"), filepath.Join(root, "dirlink")))
	assert.ErrorContains(t, h.Mkdir(ctx, "/dirlink", keep), "exists and is not a directory",
		"a link to a directory is not a directory")
	names, err := h.ReadDir(ctx, "/a/b")
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "c"}, names, "sorted, without . and ..")

	err = h.Remove(ctx, "/a/b")
	assert.Error(t, err, "non-empty directory")
	assert.NotErrorIs(t, err, fs.ErrNotExist)
	require.NoError(t, h.Remove(ctx, "/a/b/a"))
	_, err = h.Stat(ctx, "/a/b/a")
	assert.ErrorIs(t, err, fs.ErrNotExist)
	require.NoError(t, h.Mkdir(ctx, "/a/empty", keep))
	require.NoError(t, h.Remove(ctx, "/a/empty"), "an empty directory")
	require.NoError(t, h.Remove(ctx, "/dirlink"), "the link, not its target")
	_, err = os.Stat(filepath.Join(root, "a/b/c"))
	require.NoError(t, err)

	require.NoError(t, h.RemoveAll(ctx, "/a"))
	_, err = h.Stat(ctx, "/a")
	assert.ErrorIs(t, err, fs.ErrNotExist)
	require.NoError(t, h.WriteFile(ctx, "/single", nil, keep))
	require.NoError(t, h.RemoveAll(ctx, "/single"), "a file")
	_, err = h.Stat(ctx, "/single")
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

func removeAllDoesNotFollowLinks(t *testing.T, h host.Host, root string) {
	ctx := context.Background()
	outside := filepath.Join(root, "outside")
	require.NoError(t, os.MkdirAll(filepath.Join(outside, "sub"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(outside, "sub", "keep"), []byte("k"), 0o644))
	for i := range 40 {
		require.NoError(t, h.WriteFile(ctx, fmt.Sprintf("/tree/d%d/f%d", i%4, i), []byte("x"), keep))
	}
	require.NoError(t, os.Symlink(outside, filepath.Join(root, "tree", "d1", "link")))
	require.NoError(t, os.Symlink(filepath.Join(outside, "sub", "keep"), filepath.Join(root, "tree", "filelink")))

	require.NoError(t, h.RemoveAll(ctx, "/tree"))
	_, err := os.Lstat(filepath.Join(root, "tree"))
	assert.ErrorIs(t, err, fs.ErrNotExist)
	b, err := os.ReadFile(filepath.Join(outside, "sub", "keep"))
	require.NoError(t, err, "the links' targets are untouched")
	assert.Equal(t, "k", string(b))
}

func setAttrs(t *testing.T, h host.Host, _ string) {
	ctx := context.Background()
	require.NoError(t, h.WriteFile(ctx, "/f", []byte("x"), attrs(0o644)))
	require.NoError(t, h.SetAttrs(ctx, "/f", attrs(0o600)))
	info, err := h.Stat(ctx, "/f")
	require.NoError(t, err)
	assert.Equal(t, host.Perm(0o600), info.Perm)
	b, err := h.ReadFile(ctx, "/f")
	require.NoError(t, err)
	assert.Equal(t, "x", string(b), "content untouched")

	require.NoError(t, h.Mkdir(ctx, "/d", attrs(0o755)))
	require.NoError(t, h.SetAttrs(ctx, "/d", attrs(0o1777)))
	info, err = h.Stat(ctx, "/d")
	require.NoError(t, err)
	assert.Equal(t, host.Perm(0o1777), info.Perm)
}

func symlinkSwapsAtomically(t *testing.T, h host.Host, root string) {
	ctx := context.Background()
	const link, production, maintenance = "/etc/nginx/sites-enabled/default", "/etc/nginx/sites-available/production", "/etc/nginx/sites-available/maintenance"
	onDisk := filepath.Join(root, link)

	require.NoError(t, h.Symlink(ctx, production, link), "parents are created")
	info, err := h.Stat(ctx, link)
	require.NoError(t, err)
	assert.True(t, info.IsSymlink)
	got, err := h.ReadLink(ctx, link)
	require.NoError(t, err)
	assert.Equal(t, production, got)
	got, err = os.Readlink(onDisk)
	require.NoError(t, err)
	assert.Equal(t, production, got, "the target is stored as given, not mapped below root")

	// A reader racing the swaps always finds a link, to one site or the other.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var torn, reads int
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			target, err := os.Readlink(onDisk)
			reads++
			if err != nil || (target != production && target != maintenance) {
				torn++
			}
		}
	}()
	for i := range 30 {
		target := production
		if i%2 == 0 {
			target = maintenance
		}
		require.NoError(t, h.Symlink(ctx, target, link))
	}
	close(stop)
	wg.Wait()
	assert.Zero(t, torn, "a reader found no link or another target in %d reads", reads)
	got, err = h.ReadLink(ctx, link)
	require.NoError(t, err)
	assert.Equal(t, production, got)

	// A regular file is replaced; a relative target is kept as written.
	require.NoError(t, h.WriteFile(ctx, "/etc/nginx/sites-enabled/plain", []byte("x"), keep))
	require.NoError(t, h.Symlink(ctx, "../sites-available/production", "/etc/nginx/sites-enabled/plain"))
	got, err = h.ReadLink(ctx, "/etc/nginx/sites-enabled/plain")
	require.NoError(t, err)
	assert.Equal(t, "../sites-available/production", got)

	entries, err := os.ReadDir(filepath.Join(root, "etc/nginx/sites-enabled"))
	require.NoError(t, err)
	assert.Len(t, entries, 2, "temporary links left behind: %v", entries)

	_, err = h.ReadLink(ctx, "/etc/nginx/missing")
	assert.ErrorIs(t, err, fs.ErrNotExist)
	require.NoError(t, h.WriteFile(ctx, "/etc/nginx/file", []byte("x"), keep))
	_, err = h.ReadLink(ctx, "/etc/nginx/file")
	assert.ErrorContains(t, err, "read link /etc/nginx/file on "+h.Name(), "a file is not a link")
	assert.NotErrorIs(t, err, fs.ErrNotExist)
	assert.Error(t, h.Symlink(ctx, "", "/etc/nginx/empty"), "an empty target")
}

func symlinkNeverReplacesADirectory(t *testing.T, h host.Host, root string) {
	ctx := context.Background()
	require.NoError(t, h.WriteFile(ctx, "/d/keep", []byte("k"), keep))
	err := h.Symlink(ctx, "/elsewhere", "/d")
	assert.ErrorContains(t, err, "link /d on "+h.Name())
	b, err := os.ReadFile(filepath.Join(root, "d", "keep"))
	require.NoError(t, err, "the directory and its content stay")
	assert.Equal(t, "k", string(b))
	entries, err := os.ReadDir(root)
	require.NoError(t, err)
	for _, e := range entries {
		assert.NotContains(t, e.Name(), "spice", "temporary link left behind")
	}
}

// Hostile are strings a shell would interpret if they reached one
// unquoted.
var Hostile = []string{
	"$(id)", "`id`", "${HOME}", "$HOME", "a b", "  leading and trailing  ", "\ttab",
	"'quoted'", "'", "''", `"dq"`, `"`, `\`, `\\`, `\'`, `'\''`, "\\n",
	"; rm -rf /nonexistent", "&& false", "|| true", "| cat", "> /tmp/x", "< /etc/passwd", "2>&1",
	"*", "?", "[a-z]", "~", "~root", "#comment", "!", "!!", "!$", "{a,b}", "a=b", "-n", "--", "-e",
	"line\nbreak", "\r", "\x01\x02\x1b[31m", "\x7f", "ünïcødé ✓", "\xff\xfe invalid utf-8",
	"%s", "%%", "%n", "",
}

func runPassesArgvUnchanged(t *testing.T, h host.Host, _ string) {
	ctx := context.Background()
	res, err := h.Run(ctx, host.Command{Argv: append([]string{"printf", "%s\\n"}, Hostile...)})
	require.NoError(t, err)
	assert.Equal(t, strings.Join(Hostile, "\n")+"\n", string(res.Stdout))

	res, err = h.Run(ctx, host.Command{Argv: []string{"cat"}, Stdin: []byte("from stdin\x00with a NUL")})
	require.NoError(t, err)
	assert.Equal(t, "from stdin\x00with a NUL", string(res.Stdout))

	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16)
	res, err = h.Run(ctx, host.Command{Argv: []string{"cat"}, Stdin: big})
	require.NoError(t, err)
	assert.True(t, bytes.Equal(big, res.Stdout), "1 MiB through stdin and stdout")

	_, err = h.Run(ctx, host.Command{Argv: []string{"true"}, Stdin: big})
	assert.NoError(t, err, "a command that does not read its input succeeds")

	_, err = h.Run(ctx, host.Command{})
	assert.ErrorContains(t, err, "empty command")
	_, err = h.Run(ctx, host.Command{Argv: []string{"echo", "nul\x00byte"}})
	assert.Error(t, err, "NUL cannot be passed in an argument")
}

func runReportsExitStatus(t *testing.T, h host.Host, _ string) {
	ctx := context.Background()
	res, err := h.Run(ctx, host.Command{Argv: []string{"sh", "-c", "echo out; echo first >&2; echo 'the reason' >&2; exit 3"}})
	var exitErr *host.ExitError
	require.ErrorAs(t, err, &exitErr)
	assert.Equal(t, 3, exitErr.Result.ExitCode)
	assert.Equal(t, 3, res.ExitCode)
	assert.Equal(t, "out\n", string(res.Stdout), "output of a failed command is kept")
	assert.Equal(t, h.Name(), exitErr.Host)
	assert.Equal(t, "sh", exitErr.Argv0)
	assert.EqualError(t, err, "run sh on "+h.Name()+": exit status 3: the reason")
	assert.NotErrorIs(t, err, fs.ErrNotExist)

	_, err = h.Run(ctx, host.Command{Argv: []string{"/nonexistent/command"}})
	assert.Error(t, err)
}

// runHonoursContext: a cancelled command returns at once and is stopped,
// not left running on the host. (Commands are not mapped below root, so
// the pid file's path is the real one; the suite's hosts are this machine.)
func runHonoursContext(t *testing.T, h host.Host, root string) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pidFile := filepath.Join(root, "pid")
	var cancelled time.Time
	go func() {
		// Cancel once the command runs: its pid is in the file.
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if b, err := os.ReadFile(pidFile); err == nil && strings.HasSuffix(string(b), "\n") {
				break
			}
		}
		cancelled = time.Now()
		cancel()
	}()
	_, err := h.Run(ctx, host.Command{Argv: []string{"sh", "-c", `echo $$ > "$1"; exec sleep 30`, "sh", pidFile}})
	assert.Error(t, err)
	assert.Less(t, time.Since(cancelled), 10*time.Second, "the command was not waited for")
	b, err := os.ReadFile(pidFile)
	require.NoError(t, err)
	proc := "/proc/" + strings.TrimSpace(string(b))
	assert.Eventually(t, func() bool {
		_, err := os.Stat(proc)
		return err != nil
	}, 5*time.Second, 20*time.Millisecond, "the cancelled command is still running")

	res, err := h.Run(context.Background(), host.Command{Argv: []string{"echo", "still usable"}})
	require.NoError(t, err)
	assert.Equal(t, "still usable\n", string(res.Stdout))
}

func concurrentUse(t *testing.T, h host.Host, _ string) {
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := fmt.Sprintf("/c/%d/file", i%5)
			want := fmt.Sprintf("content %d", i)
			errs <- func() error {
				if err := h.WriteFile(ctx, p+fmt.Sprint(i), []byte(want), keep); err != nil {
					return err
				}
				got, err := h.ReadFile(ctx, p+fmt.Sprint(i))
				if err != nil {
					return err
				}
				if string(got) != want {
					return fmt.Errorf("read %q, want %q", got, want)
				}
				if _, err := h.Stat(ctx, p+fmt.Sprint(i)); err != nil {
					return err
				}
				res, err := h.Run(ctx, host.Command{Argv: []string{"echo", want}})
				if err != nil {
					return err
				}
				if string(res.Stdout) != want+"\n" {
					return fmt.Errorf("echo printed %q", res.Stdout)
				}
				return nil
			}()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	if t.Failed() {
		return
	}
	for i := range 5 {
		names, err := h.ReadDir(ctx, fmt.Sprintf("/c/%d", i))
		require.NoError(t, err)
		assert.Len(t, names, 24/5+btoi(i < 24%5), "no temporary files left: %v", names)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// mkdirRacesAParentCreation: a directory resource and a file inside it are
// applied concurrently; the file's write creates the directory as a parent
// while Mkdir runs. Both must succeed, and the directory gets its mode.
func mkdirRacesAParentCreation(t *testing.T, h host.Host, root string) {
	ctx := context.Background()
	for i := range 30 {
		dir := fmt.Sprintf("/race%d/sub", i)
		var wg sync.WaitGroup
		var writeErr, mkdirErr error
		wg.Add(2)
		go func() {
			defer wg.Done()
			writeErr = h.WriteFile(ctx, dir+"/f", []byte("x"), host.Attrs{Perm: 0o644, UID: host.KeepID, GID: host.KeepID})
		}()
		go func() {
			defer wg.Done()
			mkdirErr = h.Mkdir(ctx, dir, host.Attrs{Perm: 0o750, UID: host.KeepID, GID: host.KeepID})
		}()
		wg.Wait()
		require.NoError(t, writeErr)
		require.NoError(t, mkdirErr)
		info, err := h.Stat(ctx, dir)
		require.NoError(t, err)
		assert.Equal(t, host.Perm(0o750), info.Perm, "the parent created for the file must not override the directory's mode")
	}
}
