package atomicfile

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What was planted at the destination is replaced, never written through,
// and the new file is private whatever the old one's mode was.
func TestWriteReplacesWhatWasPlanted(t *testing.T) {
	for name, plant := range map[string]func(t *testing.T, path, outside string){
		"nothing": func(*testing.T, string, string) {},
		"world-readable file": func(t *testing.T, path, _ string) {
			require.NoError(t, os.WriteFile(path, []byte("old"), 0o644))
		},
		"symlink to a file outside": func(t *testing.T, path, outside string) {
			require.NoError(t, os.Symlink(outside, path))
		},
		"dangling symlink": func(t *testing.T, path, outside string) {
			require.NoError(t, os.Symlink(outside+".missing", path))
		},
		"hard link to a file outside": func(t *testing.T, path, outside string) {
			require.NoError(t, os.Link(outside, path))
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir, elsewhere := t.TempDir(), t.TempDir()
			path, outside := filepath.Join(dir, "terraform.tfstate"), filepath.Join(elsewhere, "victim")
			require.NoError(t, os.WriteFile(outside, []byte("victim"), 0o644))
			plant(t, path, outside)

			require.NoError(t, Write(path, []byte("secret"), Private))

			info, err := os.Lstat(path)
			require.NoError(t, err)
			assert.True(t, info.Mode().IsRegular(), "a regular file replaced what was there")
			assert.Equal(t, Private, info.Mode().Perm())
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, "secret", string(b))
			b, err = os.ReadFile(outside)
			require.NoError(t, err)
			assert.Equal(t, "victim", string(b), "nothing was written outside")
			assert.NoFileExists(t, outside+".missing")
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			assert.Len(t, entries, 1, "no temporary file is left behind")
		})
	}
}

// Symlinks planted under the names temporary files used to have (the
// backup's fixed PATH.tmp) are never opened.
func TestWriteIgnoresPlantedTemporaryNames(t *testing.T) {
	dir, elsewhere := t.TempDir(), t.TempDir()
	path, outside := filepath.Join(dir, "terraform.tfstate.backup"), filepath.Join(elsewhere, "victim")
	require.NoError(t, os.WriteFile(outside, nil, 0o644))
	for _, planted := range []string{path + ".tmp", filepath.Join(dir, ".terraform.tfstate.backup.tmp-")} {
		require.NoError(t, os.Symlink(outside, planted))
	}
	require.NoError(t, Write(path, []byte("secret"), Private))
	b, err := os.ReadFile(outside)
	require.NoError(t, err)
	assert.Empty(t, b)
}

func TestWriteKeepsAGivenMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "main.tf")
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	require.NoError(t, Write(path, []byte("x"), 0o644))
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o644), info.Mode().Perm())
}

func TestWriteRefusesADirectory(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "p.plan")
	require.NoError(t, os.Mkdir(path, 0o700))
	err := Write(path, []byte("x"), Private)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is a directory")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file is left behind")
}

// RemoveStale removes only what a killed Write of that path leaves: a
// regular file named .NAME.tmp- and 16 hex digits; everything else stays.
func TestRemoveStaleRemovesOnlyOurTemporaryFiles(t *testing.T) {
	dir, elsewhere := t.TempDir(), t.TempDir()
	path := filepath.Join(dir, "terraform.tfstate")
	stale := []string{".terraform.tfstate.tmp-0123456789abcdef", ".terraform.tfstate.tmp-fedcba9876543210"}
	kept := []string{
		"terraform.tfstate",
		".terraform.tfstate.tmp-0123456789abcde",         // 15 digits
		".terraform.tfstate.tmp-0123456789abcdefa",       // 17 digits
		".terraform.tfstate.tmp-0123456789abcdeg",        // not hex
		".terraform.tfstate.backup.tmp-0123456789abcdef", // another path's
		".other.tmp-0123456789abcdef",
	}
	for _, name := range append(slices.Clone(stale), kept...) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o600))
	}
	outside := filepath.Join(elsewhere, "victim")
	require.NoError(t, os.WriteFile(outside, []byte("victim"), 0o600))
	link := ".terraform.tfstate.tmp-aaaaaaaaaaaaaaaa"
	require.NoError(t, os.Symlink(outside, filepath.Join(dir, link)))
	require.NoError(t, os.Mkdir(filepath.Join(dir, ".terraform.tfstate.tmp-bbbbbbbbbbbbbbbb"), 0o700))

	removed, err := RemoveStale(path)
	require.NoError(t, err)
	assert.Len(t, removed, len(stale))
	for _, name := range stale {
		assert.NoFileExists(t, filepath.Join(dir, name))
	}
	for _, name := range append(kept, link, ".terraform.tfstate.tmp-bbbbbbbbbbbbbbbb") {
		_, err := os.Lstat(filepath.Join(dir, name))
		assert.NoError(t, err, "%s must stay", name)
	}
	assert.FileExists(t, outside)
}
