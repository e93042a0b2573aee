package engine

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/engine/state"
)

// Issue 20, finding 7: state rm read the state before taking the lock, so
// an apply finishing in between was lost and the serial went backwards.
// It now takes the lock first: it fails on a held lock, or waits for it
// with -lock-timeout and then reads what the holder wrote.
func TestStateRmTakesTheLockBeforeReading(t *testing.T) {
	root := motdConfig(t, `"hello"`)
	mustRun(t, "apply", "-auto-approve")
	path, err := filepath.Abs(state.DefaultPath)
	require.NoError(t, err)
	before, err := state.Read(path)
	require.NoError(t, err)

	held, err := state.Acquire(context.Background(), path, "OperationTypeApply", "test", 0)
	require.NoError(t, err)
	code, _, errOut := spiceRun(t, "state", "rm", "spice_file.motd")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "Error acquiring the state lock")
	after, err := state.Read(path)
	require.NoError(t, err)
	assert.Equal(t, before.Serial, after.Serial, "nothing was written")

	done := make(chan int)
	go func() {
		code, _, _ := spiceRun(t, "state", "rm", "-lock-timeout=1m", "spice_file.motd")
		done <- code
	}()
	// The holder writes (an apply completing) and releases the lock.
	require.NoError(t, state.Write(path, after))
	require.NoError(t, held.Release())
	require.Equal(t, 0, <-done)

	got, err := state.Read(path)
	require.NoError(t, err)
	assert.Equal(t, after.Serial+1, got.Serial, "state rm wrote after the holder's write, from it")
	assert.Equal(t, []string{"spice_directory.etc"}, got.Addresses())
	assert.FileExists(t, filepath.Join(root, "etc/motd"), "state rm touches no host")
}

// A planted symlink in place of the lock file fails the command with a
// clear error, and the file it points to is left alone.
func TestStateRmRefusesAPlantedLockSymlink(t *testing.T) {
	motdConfig(t, `"hello"`)
	mustRun(t, "apply", "-auto-approve")
	outside := filepath.Join(t.TempDir(), "victim")
	require.NoError(t, os.WriteFile(outside, []byte("keep me"), 0o644))
	lockFile := "." + state.DefaultPath + ".spice-lock"
	require.NoError(t, os.Remove(lockFile)) // spice leaves it: it is the lock
	require.NoError(t, os.Symlink(outside, lockFile))
	code, _, errOut := spiceRun(t, "state", "rm", "-lock-timeout=1s", "spice_file.motd")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "is a symbolic link, not spice's lock file")
	b, err := os.ReadFile(outside)
	require.NoError(t, err)
	assert.Equal(t, "keep me", string(b))
}
