package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/engine/state"
	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// SIGTERM while spice watch repairs: the repair under way is finished,
// the state saved, every file whole, and watch exits 0.
func TestWatchSIGTERMFinishesTheRepair(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	root, work := t.TempDir(), t.TempDir()
	const n = 30
	content := strings.Repeat("spice harvester\n", 512) // 8 KiB per file
	require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(fmt.Sprintf(`
provider "spice" {
  root = %q
}
resource "spice_file" "f" {
  count   = %d
  path    = "/srv/data/${count.index}.dat"
  content = "${count.index}\n%s"
}
`, root, n, strings.ReplaceAll(content, "\n", `\n`))), 0o644))
	spice := testsupport.NewSpice(t, work, bin)
	spice.MustRun(0, "apply", "-auto-approve")

	logs, stop := startWatchProcess(t, bin, work, "-interval=1h")
	logs.Wait(t, 0, "watching", testsupport.Msg("watching"))

	for i := range n {
		require.NoError(t, os.WriteFile(filepath.Join(root, "srv", "data", fmt.Sprintf("%d.dat", i)), []byte("torn"), 0o644))
	}
	logs.Wait(t, 0, "repairing", testsupport.Msg("repairing"))
	stop()
	logs.Wait(t, 0, "stopped", testsupport.Msg("stopped"))
	assert.Equal(t, logs.Count(testsupport.Msg("repairing")), logs.Count(testsupport.Msg("repaired")), "every repair begun was finished")

	_, err := state.Read(filepath.Join(work, state.DefaultPath))
	require.NoError(t, err, "the state is valid")
	repaired := 0
	for i := range n {
		got, err := os.ReadFile(filepath.Join(root, "srv", "data", fmt.Sprintf("%d.dat", i)))
		require.NoError(t, err)
		if string(got) != "torn" {
			assert.Equal(t, fmt.Sprintf("%d\n%s", i, content), string(got), "file %d is whole", i)
			repaired++
		}
	}
	assert.Equal(t, logs.Count(testsupport.Msg("repaired")), repaired, "the log says which files were repaired")
}
