package testsupport

import (
	"os"
	"os/exec"
	"testing"
)

// Chromium is the path of Debian's headless-capable chromium, which
// scripts/install-test-deps.sh installs; tests that render pages in it
// skip (or fail with SPICE_TEST_STRICT) without it.
func Chromium(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("chromium")
	Require(t, err == nil, "chromium (scripts/install-test-deps.sh installs it): %v", err)
	return path
}

// ArtifactDir is where a test leaves files for people to look at after
// the run (screenshots, rendered reports): $SPICE_TEST_ARTIFACTS when set,
// which CI keeps, else a directory removed with the test.
func ArtifactDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("SPICE_TEST_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("artifacts: %v", err)
	}
	return dir
}
