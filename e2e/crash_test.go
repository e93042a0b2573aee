package e2e

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// kill -9 at several points of an apply of 300 files: the state is valid
// JSON every time, no managed file is ever half written, and the next
// apply converges.
func TestCrashSafetyKill9(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	root, work := t.TempDir(), t.TempDir()
	const n = 300
	content := strings.Repeat("spice harvester\n", 512) // 8 KiB per file
	cfg := fmt.Sprintf(`
provider "spice" {
  root = %q
}
resource "spice_file" "f" {
  count   = %d
  path    = "/srv/data/${count.index}.dat"
  content = "${count.index}\n%s"
}
`, root, n, strings.ReplaceAll(content, "\n", `\n`))
	require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(cfg), 0o644))
	statePath := filepath.Join(work, "terraform.tfstate")
	partial := false // a kill landed mid-apply at least once

	// Kill when a third, then two thirds of the files exist (and once right
	// at the first): the kills land mid-apply however fast this machine is.
	for _, written := range []int{1, n / 3, 2 * n / 3} {
		cmd := exec.Command(filepath.Join(bin, "spice"), "apply", "-auto-approve", "-no-color")
		cmd.Dir = work
		require.NoError(t, cmd.Start())
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		waitForFiles(t, root, written, exited)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-exited

		if b, err := os.ReadFile(statePath); err == nil {
			var st struct {
				Resources []struct {
					Instances []json.RawMessage `json:"instances"`
				} `json:"resources"`
			}
			require.NoError(t, json.Unmarshal(b, &st), "state after kill -9 with %d files written is not valid JSON", written)
			if len(st.Resources) == 1 && len(st.Resources[0].Instances) < n {
				partial = true
			}
		}
		checkNoTornFiles(t, root, content)
	}

	assert.True(t, partial, "no kill interrupted the apply midway; the test proved nothing")
	spice := testsupport.NewSpice(t, work, bin)
	spice.MustRun(0, "apply", "-auto-approve")
	spice.MustRun(0, "plan", "-detailed-exitcode")
	out := spice.MustRun(0, "state", "list")
	assert.Equal(t, n, strings.Count(out, "spice_file.f["))
	checkNoTornFiles(t, root, content)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".spice-tmp") {
			t.Errorf("temporary file left after convergence: %s", p)
		}
		return err
	})
	require.NoError(t, err)
}

// waitForFiles returns once at least want managed files exist, or once the
// apply has exited.
func waitForFiles(t *testing.T, root string, want int, exited <-chan struct{}) {
	t.Helper()
	for {
		files, _ := filepath.Glob(filepath.Join(root, "srv/data/*.dat"))
		if len(files) >= want {
			return
		}
		select {
		case <-exited:
			return
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// checkNoTornFiles: every managed file that exists holds its whole content.
func checkNoTornFiles(t *testing.T, root, content string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(root, "srv/data/*.dat"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		index := strings.TrimSuffix(filepath.Base(f), ".dat")
		if string(b) != index+"\n"+content {
			t.Errorf("%s is half written (%d bytes)", f, len(b))
		}
	}
}
