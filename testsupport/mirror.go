package testsupport

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// MirrorProviderVersion is the version the unpacked mirror offers.
const MirrorProviderVersion = "1.0.0"

// UnpackedProviderMirror lays the built provider out as an unpacked
// filesystem mirror (HOST/spice-harvester/spice/VERSION/OS_ARCH/
// terraform-provider-spice_vVERSION, HOST being ProviderHost) and returns
// a CLI configuration that installs from it alone: init works with no
// network, as it must for a backend, which dev_overrides cannot skip.
func UnpackedProviderMirror(t testing.TB, bin string) string {
	t.Helper()
	mirror := t.TempDir()
	source := ProviderHost() + "/spice-harvester/spice"
	dir := filepath.Join(mirror, source, MirrorProviderVersion, runtime.GOOS+"_"+runtime.GOARCH)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "terraform-provider-spice_v"+MirrorProviderVersion)
	if err := linkOrCopy(filepath.Join(bin, "terraform-provider-spice"), dst); err != nil {
		t.Fatal(err)
	}
	return mirrorConfig(t, mirror, source)
}

// mirrorConfig writes a CLI configuration that installs source from the
// filesystem mirror and nothing else, and returns its path.
func mirrorConfig(t testing.TB, mirror, source string) string {
	t.Helper()
	rc := filepath.Join(t.TempDir(), "mirror.tfrc")
	config := fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path    = %q\n    include = [%q]\n  }\n}\n", mirror, source)
	if err := os.WriteFile(rc, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return rc
}

func linkOrCopy(src, dst string) error {
	if os.Link(src, dst) == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer func() { _ = in.Close() }()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

// NewTerraformMirrored prepares dir for Terraform runs that install spice
// from UnpackedProviderMirror (run "init" first), with extra environment.
func NewTerraformMirrored(t testing.TB, dir, bin string, env ...string) *Runner {
	t.Helper()
	return newTerraformRunner(t, dir, UnpackedProviderMirror(t, bin), env...)
}

// NewSpiceEnv is NewSpice with extra environment (PG_CONN_STR...).
func NewSpiceEnv(t testing.TB, dir, bin string, env ...string) *Runner {
	t.Helper()
	r := NewSpice(t, dir, bin)
	r.env = append(r.env, env...)
	return r
}

// Command is the exec.Cmd form of a run, for tests that start, signal or
// wait on it themselves (kill -9 mid-apply).
func (tf *Runner) Command(args ...string) *exec.Cmd {
	cmd := exec.Command(tf.binary, append(args, "-no-color")...)
	cmd.Dir, cmd.Env = tf.Dir, tf.env
	return cmd
}
