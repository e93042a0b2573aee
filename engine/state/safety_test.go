package state

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeOne(t *testing.T, path string) *File {
	t.Helper()
	f, err := Read(path)
	require.NoError(t, err)
	f.Resources = append(f.Resources, Resource{Mode: "managed", Type: "spice_file", Name: "x", Provider: "p",
		Instances: []Instance{{Attributes: json.RawMessage(`{"content":"secret"}`), SensitiveAttributes: json.RawMessage(`[]`)}}})
	require.NoError(t, Write(path, f))
	return f
}

// Issue 20, finding 8: the backup went through a fixed PATH.backup.tmp
// written with os.WriteFile, so a symlink planted there received the whole
// state in a 0644 file. Symlinks planted at that name, at the backup and
// at the state itself are never written through.
func TestWriteNeverWritesThroughPlantedSymlinks(t *testing.T) {
	for _, planted := range []string{DefaultPath + ".backup.tmp", DefaultPath + ".backup", "." + DefaultPath + ".tmp-"} {
		t.Run(planted, func(t *testing.T) {
			dir, elsewhere := t.TempDir(), t.TempDir()
			path, outside := filepath.Join(dir, DefaultPath), filepath.Join(elsewhere, "victim")
			f := writeOne(t, path)
			require.NoError(t, os.WriteFile(outside, nil, 0o644))
			require.NoError(t, os.Symlink(outside, filepath.Join(dir, planted)))

			require.NoError(t, Write(path, f))

			b, err := os.ReadFile(outside)
			require.NoError(t, err)
			assert.Zero(t, len(b), "the state went outside through the planted symlink")
			for _, p := range []string{path, path + ".backup"} {
				info, err := os.Lstat(p)
				require.NoError(t, err)
				assert.True(t, info.Mode().IsRegular(), p)
				assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), p)
			}
		})
	}
}

// A state path that is a symbolic link is refused with a clear error,
// before anything is planned: writing would replace the link and leave its
// target stale.
func TestReadRefusesASymlinkedState(t *testing.T) {
	dir := t.TempDir()
	path, target := filepath.Join(dir, DefaultPath), filepath.Join(dir, "real.tfstate")
	writeOne(t, target)
	require.NoError(t, os.Symlink(target, path))
	_, err := Read(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is a symbolic link")
	assert.Contains(t, err.Error(), "-state")
}

// Issue 20, finding 7: a write must never lose another writer's change or
// lower the serial. A state read before someone else wrote is refused.
func TestWriteRefusesAStateOlderThanTheDisk(t *testing.T) {
	path := filepath.Join(t.TempDir(), DefaultPath)
	writeOne(t, path)
	stale, err := Read(path)
	require.NoError(t, err)
	fresh, err := Read(path)
	require.NoError(t, err)
	require.NoError(t, Write(path, fresh))
	require.NoError(t, Write(path, fresh)) // serial 3 on disk

	err = Write(path, stale) // read at serial 1
	require.Error(t, err)
	assert.Contains(t, err.Error(), "has serial 3, newer than the 1")
	assert.Equal(t, uint64(1), stale.Serial, "a refused write leaves the state as it was")
	got, err := Read(path)
	require.NoError(t, err)
	assert.Equal(t, uint64(3), got.Serial)

	other := filepath.Join(t.TempDir(), DefaultPath)
	foreign := writeOne(t, other)
	foreign.Serial = 10
	err = Write(path, foreign)
	require.Error(t, err, "another lineage")
	assert.Contains(t, err.Error(), "was replaced since it was read")

	err = Write(path, New())
	require.Error(t, err, "a state read as missing does not replace one written since")
}

// The lock file is truncated and written: a symlink planted in its place
// is refused, not followed.
func TestAcquireRefusesAPlantedLockSymlink(t *testing.T) {
	dir, elsewhere := t.TempDir(), t.TempDir()
	path, outside := filepath.Join(dir, DefaultPath), filepath.Join(elsewhere, "victim")
	require.NoError(t, os.WriteFile(outside, []byte("keep me"), 0o644))
	require.NoError(t, os.Symlink(outside, lockFile(path)))
	_, err := Acquire(context.Background(), path, "OperationTypeApply", "test", 0)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is a symbolic link")
	b, err := os.ReadFile(outside)
	require.NoError(t, err)
	assert.Equal(t, "keep me", string(b))
}
