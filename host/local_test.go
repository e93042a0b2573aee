package host_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/host"
)

func newLocal(t *testing.T) (*host.Local, string) {
	t.Helper()
	root := t.TempDir()
	l, err := host.NewLocal(root)
	require.NoError(t, err)
	return l, root
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

func TestLocal_rootMapsEveryPath(t *testing.T) {
	ctx := context.Background()
	l, root := newLocal(t)
	assert.Equal(t, "local:"+root, l.Name())
	require.NoError(t, l.WriteFile(ctx, "/etc/app/app.conf", []byte("x"), host.Attrs{Perm: 0o640, UID: host.KeepID, GID: host.KeepID}))

	b, err := os.ReadFile(filepath.Join(root, "etc/app/app.conf"))
	require.NoError(t, err)
	assert.Equal(t, "x", string(b))
	info, err := l.Stat(ctx, "/etc/app/app.conf")
	require.NoError(t, err)
	assert.Equal(t, host.Perm(0o640), info.Perm)
	parent, err := l.Stat(ctx, "/etc/app")
	require.NoError(t, err)
	assert.True(t, parent.IsDir)
	assert.Equal(t, host.Perm(0o755), parent.Perm, "parents are 0755 whatever the umask")

	_, err = l.ReadFile(ctx, "/etc/../../outside")
	assert.ErrorContains(t, err, "clean form")
}

func TestLocal_missingIsNotExist(t *testing.T) {
	ctx := context.Background()
	l, _ := newLocal(t)
	_, err := l.Stat(ctx, "/nope")
	assert.True(t, errors.Is(err, fs.ErrNotExist), "%v", err)
	_, err = l.ReadFile(ctx, "/nope")
	assert.True(t, errors.Is(err, fs.ErrNotExist), "%v", err)
	assert.ErrorContains(t, err, "read /nope on local:")
}

func TestLocal_writeFileIsAtomic(t *testing.T) {
	ctx := context.Background()
	l, root := newLocal(t)
	old := bytes.Repeat([]byte("a"), 1<<20)
	next := bytes.Repeat([]byte("b"), 1<<20)
	attrs := host.Attrs{Perm: 0o600, UID: host.KeepID, GID: host.KeepID}
	require.NoError(t, l.WriteFile(ctx, "/data/blob", old, attrs))

	// A reader racing the writes sees one whole version or the other.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var torn int
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
			if err != nil || (!bytes.Equal(b, old) && !bytes.Equal(b, next)) {
				torn++
			}
		}
	}()
	for i := range 50 {
		content := old
		if i%2 == 0 {
			content = next
		}
		require.NoError(t, l.WriteFile(ctx, "/data/blob", content, attrs))
	}
	close(stop)
	wg.Wait()
	assert.Zero(t, torn, "a reader saw a partial or missing file")

	entries, err := os.ReadDir(filepath.Join(root, "data"))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "temporary files left behind: %v", entries)
}

func TestLocal_writeFileSetsSpecialBitsAndReplacesLinks(t *testing.T) {
	ctx := context.Background()
	l, root := newLocal(t)
	target := filepath.Join(root, "elsewhere")
	require.NoError(t, os.WriteFile(target, []byte("keep me"), 0o644))
	require.NoError(t, os.Symlink(target, filepath.Join(root, "link")))

	require.NoError(t, l.WriteFile(ctx, "/link", []byte("new"), host.Attrs{Perm: 0o2750, UID: host.KeepID, GID: host.KeepID}))

	info, err := l.Stat(ctx, "/link")
	require.NoError(t, err)
	assert.False(t, info.IsSymlink, "the link is replaced by the file, not followed")
	assert.Equal(t, host.Perm(0o2750), info.Perm)
	b, _ := os.ReadFile(target)
	assert.Equal(t, "keep me", string(b), "the link's target is untouched")
}

func TestLocal_ownership(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("chown to another user needs root")
	}
	ctx := context.Background()
	l, root := newLocal(t)
	require.NoError(t, l.WriteFile(ctx, "/f", []byte("x"), host.Attrs{Perm: 0o4755, UID: 4242, GID: 4343}))
	info, err := os.Stat(filepath.Join(root, "f"))
	require.NoError(t, err)
	st := info.Sys().(*syscall.Stat_t)
	assert.Equal(t, []uint32{4242, 4343}, []uint32{st.Uid, st.Gid})
	assert.NotZero(t, info.Mode()&fs.ModeSetuid, "setuid survives the chown")

	require.NoError(t, l.Mkdir(ctx, "/d/e", host.Attrs{Perm: 0o750, UID: 4242, GID: host.KeepID}))
	got, err := l.Stat(ctx, "/d/e")
	require.NoError(t, err)
	assert.Equal(t, 4242, got.UID)
	assert.Equal(t, host.Perm(0o750), got.Perm)
}

func TestLocal_mkdirAndRemove(t *testing.T) {
	ctx := context.Background()
	l, _ := newLocal(t)
	attrs := host.Attrs{Perm: 0o700, UID: host.KeepID, GID: host.KeepID}
	require.NoError(t, l.Mkdir(ctx, "/a/b", attrs))
	require.NoError(t, l.Mkdir(ctx, "/a/b", host.Attrs{Perm: 0o750, UID: host.KeepID, GID: host.KeepID}), "existing directory: attrs only")
	info, err := l.Stat(ctx, "/a/b")
	require.NoError(t, err)
	assert.Equal(t, host.Perm(0o750), info.Perm)

	require.NoError(t, l.WriteFile(ctx, "/a/b/f", nil, attrs))
	assert.ErrorContains(t, l.Mkdir(ctx, "/a/b/f", attrs), "exists and is not a directory")
	names, err := l.ReadDir(ctx, "/a/b")
	require.NoError(t, err)
	assert.Equal(t, []string{"f"}, names)
	assert.Error(t, l.Remove(ctx, "/a/b"), "non-empty directory")
	require.NoError(t, l.RemoveAll(ctx, "/a"))
	_, err = l.Stat(ctx, "/a")
	assert.True(t, errors.Is(err, fs.ErrNotExist))
}

func TestLocal_runPassesArgvUnchanged(t *testing.T) {
	ctx := context.Background()
	l, _ := newLocal(t)
	hostile := []string{"$(id)", "a b", "'quoted'", `"dq"`, "; rm -rf /", "`x`", "*", "\\n"}
	res, err := l.Run(ctx, host.Command{Argv: append([]string{"printf", "%s\\n"}, hostile...)})
	require.NoError(t, err)
	assert.Equal(t, joinLines(hostile), string(res.Stdout))

	res, err = l.Run(ctx, host.Command{Argv: []string{"cat"}, Stdin: []byte("from stdin")})
	require.NoError(t, err)
	assert.Equal(t, "from stdin", string(res.Stdout))

	_, err = l.Run(ctx, host.Command{Argv: []string{"sh", "-c", "echo first >&2; echo 'the reason' >&2; exit 3"}})
	var exitErr *host.ExitError
	require.ErrorAs(t, err, &exitErr)
	assert.Equal(t, 3, exitErr.Result.ExitCode)
	assert.Contains(t, err.Error(), "exit status 3: the reason")
}

func joinLines(lines []string) string {
	var b bytes.Buffer
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	return b.String()
}

func TestNewLocal_rootMustBeADirectory(t *testing.T) {
	_, err := host.NewLocal(filepath.Join(t.TempDir(), "missing"))
	assert.ErrorContains(t, err, "no such file or directory")
	l, err := host.NewLocal("")
	require.NoError(t, err)
	assert.Equal(t, "local", l.Name())
}
