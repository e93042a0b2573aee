package testsupport

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// CrossBuildProgram builds a minimal Go program for goos/goarch into dir
// and returns its path: a real executable of that platform (an ELF for
// Linux), for tests that choose among builds by their architecture. It
// uses goreleaser's flags (CGO_ENABLED=0, -trimpath), so the standard
// library's build cache is shared with make release-snapshot.
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

var (
	snapshotOnce    sync.Once
	snapshotVersion string
	snapshotErr     error
)

// ReleaseSnapshot runs make release-snapshot once per test process (the
// goreleaser snapshot: archives, checksums, packages in dist/) and returns
// dist/ and the snapshot's version. Tests that use it are gated by
// SPICE_TEST_RELEASE=1 (make release-test): a snapshot builds every target.
func ReleaseSnapshot(t testing.TB) (dist, version string) {
	t.Helper()
	if os.Getenv("SPICE_TEST_RELEASE") == "" {
		t.Skip("release packaging tests run with SPICE_TEST_RELEASE=1 (make release-test)")
	}
	repo := RepoDir(t)
	snapshotOnce.Do(func() {
		cmd := exec.Command("make", "release-snapshot")
		cmd.Dir = repo
		if out, err := cmd.CombinedOutput(); err != nil {
			snapshotErr = fmt.Errorf("make release-snapshot: %w\n%s", err, out)
			return
		}
		var meta struct {
			Version string `json:"version"`
		}
		b, err := os.ReadFile(filepath.Join(repo, "dist", "metadata.json"))
		if err == nil {
			err = json.Unmarshal(b, &meta)
		}
		if err == nil && meta.Version == "" {
			err = errors.New("no version in dist/metadata.json")
		}
		snapshotVersion, snapshotErr = meta.Version, err
	})
	if snapshotErr != nil {
		t.Fatal(snapshotErr)
	}
	return filepath.Join(repo, "dist"), snapshotVersion
}

// PackedProviderMirror lays the release archive of version for target
// (such as "linux_amd64") out as a packed filesystem mirror, the layout
// HOST/NAMESPACE/TYPE/terraform-provider-TYPE_VERSION_TARGET.zip, and
// returns a CLI configuration file that installs spice from it and
// nothing from the network. host is the engine's registry host
// (TerraformRegistryHost or OpenTofuRegistryHost).
func PackedProviderMirror(t testing.TB, dist, version, target, host string) string {
	t.Helper()
	zip := fmt.Sprintf("terraform-provider-spice_%s_%s.zip", version, target)
	content, err := os.ReadFile(filepath.Join(dist, zip))
	if err != nil {
		t.Fatal(err)
	}
	mirror := t.TempDir()
	source := host + "/spice-harvester/spice"
	dir := filepath.Join(mirror, source)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, zip), content, 0o644); err != nil {
		t.Fatal(err)
	}
	return mirrorConfig(t, mirror, source)
}

// OpenTofuBinary is the tofu on PATH or, failing that, the one
// scripts/ensure-tofu.sh built into .cache/tools/bin; "" when there is
// neither. Tests that run OpenTofu beside Terraform use it; make
// testacc-tofu runs every Terraform test with tofu instead.
func OpenTofuBinary(t testing.TB) string {
	t.Helper()
	// LookPath checks a path with a slash in place: there, whether it is
	// an executable file.
	for _, tofu := range []string{"tofu", filepath.Join(RepoDir(t), ".cache", "tools", "bin", "tofu")} {
		if found, err := exec.LookPath(tofu); err == nil {
			return found
		}
	}
	return ""
}
