package testsupport

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// CrossBuildProgram builds a minimal Go program for goos/goarch into dir
// and returns its path: a real executable of that platform (an ELF for
// Linux), for tests that choose among builds by their architecture. It
// uses the flags of make crossbuild and goreleaser (CGO_ENABLED=0,
// -trimpath), so the standard library's build cache is shared with them.
func CrossBuildProgram(t testing.TB, goos, goarch, dir string) string {
	t.Helper()
	src := filepath.Join(t.TempDir(), "main.go")
	if err := os.WriteFile(src, []byte("package main\n\nfunc main() { println(\"spice agent stand-in\") }\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "spice")
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, src)
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0", "GOFLAGS=-buildvcs=false")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatal(fmt.Errorf("go build for %s/%s: %w\n%s", goos, goarch, err, b))
	}
	return out
}
