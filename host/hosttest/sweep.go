package hosttest

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/host"
)

// SweepsStaleTemporaryEntries: before the first write into a directory,
// h removes there and in its ancestors the temporary entries an earlier
// run left: exact temporary names, owned by h's user, a regular file or an
// empty directory, whose creator has exited. What a live process is making
// stays (this test's process and init stand for other spice processes;
// own is a name h itself would make now), and so does anything else: links, other users'
// files, non-empty directories, a named pipe, names not quite of the form.
// The writes and the mkdir run in parallel, as an apply's do, while the
// sweep runs.
func SweepsStaleTemporaryEntries(t *testing.T, h host.Host, root, own string) {
	ctx := context.Background()
	// 7fffffff is above any pid_max (at most 2^22): no process has it.
	const exited, random = "7fffffff", "0a1b2c3d"
	alive := fmt.Sprintf("%08x", os.Getpid())
	bait := filepath.Join(t.TempDir(), "bait")
	require.NoError(t, os.WriteFile(bait, []byte("bait"), 0o644))
	plant := map[string]string{ // path below root: what is planted there
		".stale." + exited + random + ".spice-tmp":            "file",
		"config/.01.yml." + exited + random + ".spice-tmp":    "file",
		"config/.gone.yml." + exited + random + ".spice-tmp":  "file",
		"config/.sub." + exited + random + ".spice-mkdir":     "dir",
		"config/.full." + exited + random + ".spice-mkdir":    "dir",
		"config/.full." + exited + random + ".spice-mkdir/x":  "file",
		"config/.link." + exited + random + ".spice-tmp":      "link",
		"config/.linkdir." + exited + random + ".spice-mkdir": "link",
		"config/.live." + alive + random + ".spice-tmp":       "file",
		"config/.init.00000001" + random + ".spice-mkdir":     "dir",
		"config/" + own: "file",
		"config/.unknown.00000000" + random + ".spice-tmp":                "file",
		"config/.upper." + strings.ToUpper(exited) + "0A1B2C3D.spice-tmp": "file",
		"config/.short." + exited + random[1:] + ".spice-tmp":             "file",
		"config/.fifo." + exited + random + ".spice-tmp":                  "fifo",
		"config/" + exited + random + ".spice-tmp":                        "file",
	}
	if os.Geteuid() == 0 {
		plant["config/.nobody."+exited+random+".spice-tmp"] = "nobody"
	}
	removed := []string{
		".stale." + exited + random + ".spice-tmp",
		"config/.01.yml." + exited + random + ".spice-tmp",
		"config/.gone.yml." + exited + random + ".spice-tmp",
		"config/.sub." + exited + random + ".spice-mkdir",
	}
	require.NoError(t, os.Mkdir(filepath.Join(root, "config"), 0o755))
	for _, rel := range slices.Sorted(maps.Keys(plant)) {
		p := filepath.Join(root, rel)
		switch plant[rel] {
		case "file":
			require.NoError(t, os.WriteFile(p, []byte("x"), 0o600))
		case "nobody":
			require.NoError(t, os.WriteFile(p, []byte("x"), 0o600))
			require.NoError(t, os.Lchown(p, NobodyUID, NobodyGID))
		case "dir":
			require.NoError(t, os.Mkdir(p, 0o700))
		case "link":
			require.NoError(t, os.Symlink(bait, p))
		case "fifo":
			require.NoError(t, syscall.Mkfifo(p, 0o600))
		}
	}

	attrs := host.Attrs{Perm: 0o644, UID: host.KeepID, GID: host.KeepID}
	var wg sync.WaitGroup
	errs := make([]error, 17)
	for i := range 16 {
		wg.Go(func() {
			errs[i] = h.WriteFile(ctx, fmt.Sprintf("/config/%02d.yml", i), []byte("x\n"), attrs)
		})
	}
	wg.Go(func() { errs[16] = h.Mkdir(ctx, "/config/new", attrs) })
	wg.Wait()
	for i, err := range errs {
		assert.NoError(t, err, "operation %d", i)
	}
	for _, rel := range slices.Sorted(maps.Keys(plant)) {
		_, err := os.Lstat(filepath.Join(root, rel))
		if slices.Contains(removed, rel) {
			assert.ErrorIs(t, err, fs.ErrNotExist, "%s (%s) is removed", rel, plant[rel])
		} else {
			assert.NoError(t, err, "%s (%s) is kept", rel, plant[rel])
		}
	}
	b, err := os.ReadFile(bait)
	require.NoError(t, err)
	assert.Equal(t, "bait", string(b))
}
