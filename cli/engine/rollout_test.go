package engine

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// -rollout: plan shows the batches, apply (of a saved plan too) applies
// them, and the flag is refused where it means nothing.
func TestRolloutFlag(t *testing.T) {
	root, work := t.TempDir(), t.TempDir()
	t.Chdir(work)
	for _, h := range []string{"a", "b", "c"} {
		require.NoError(t, os.MkdirAll(filepath.Join(root, h), 0o755))
	}
	require.NoError(t, os.WriteFile("main.tf", []byte(`
provider "spice" {
  alias = "c"
  root  = "`+root+`/c"
}
provider "spice" {
  alias = "a"
  root  = "`+root+`/a"
}
provider "spice" {
  alias = "b"
  root  = "`+root+`/b"
}
resource "spice_file" "a" {
  provider = spice.a
  path     = "/srv/release"
  content  = "1\n"
}
resource "spice_file" "b" {
  provider = spice.b
  path     = "/srv/release"
  content  = "1\n"
}
resource "spice_file" "c" {
  provider = spice.c
  path     = "/srv/release"
  content  = "1\n"
}
`), 0o644))

	out := mustRun(t, "plan", "-no-color", "-rollout=2", "-out=release.plan")
	assert.Contains(t, out, "\nRollout, 2 hosts at a time:\n  1. spice.c (1 change), spice.a (1 change)\n  2. spice.b (1 change)\n")
	out = mustRun(t, "apply", "-no-color", "-rollout=2", "release.plan")
	assert.Contains(t, out, "Rollout 1/2: spice.c (1 change), spice.a (1 change)\n")
	assert.Contains(t, out, "Rollout 2/2: spice.b (1 change)\n")
	assert.Contains(t, out, "Apply complete! Resources: 3 added, 0 changed, 0 destroyed.")
	for _, h := range []string{"a", "b", "c"} {
		assert.Equal(t, "1\n", readHostFile(t, filepath.Join(root, h), "/srv/release"))
	}

	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"apply", "-auto-approve", "-rollout=0"}, ""},
		{[]string{"apply", "-auto-approve", "-rollout=-1"}, "-rollout=-1: the number of hosts at a time must be at least 1"},
		{[]string{"destroy", "-auto-approve", "-rollout=1"}, "it does not combine with -destroy or -refresh-only"},
		{[]string{"apply", "-auto-approve", "-refresh-only", "-rollout=1"}, "it does not combine with -destroy or -refresh-only"},
		{[]string{"plan", "-destroy", "-rollout=1"}, "it does not combine with -destroy or -refresh-only"},
	} {
		code, _, errOut := spiceRun(t, tc.args...)
		if tc.err == "" {
			assert.Equal(t, 0, code, "%q: %s", tc.args, errOut)
			continue
		}
		assert.Equal(t, 1, code, "%q", tc.args)
		assert.Contains(t, errOut, tc.err, "%q", tc.args)
	}
	assert.FileExists(t, filepath.Join(root, "a", "srv", "release"), "the refused destroy destroyed nothing")
}
