package testsupport

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// BuildBinary builds the spice binary once per test process, the way
// make build does, and returns the directory holding
// terraform-provider-spice and its spice link.
func BuildBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "spice-bin-")
		if err != nil {
			buildErr = err
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-spice"), ".")
		cmd.Dir = RepoDir(t)
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
			return
		}
		buildErr = os.Symlink("terraform-provider-spice", filepath.Join(dir, "spice"))
		buildDir = dir
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildDir
}

// Runner runs a command-line front end in a working directory, as a user
// would, and keeps everything it printed: Terraform against the built spice
// binary through dev_overrides, or the spice CLI itself.
type Runner struct {
	t      testing.TB
	Dir    string
	binary string
	env    []string
	name   string
	// peakRSS is the largest maximum resident set size of any run, bytes.
	peakRSS int64
	// cpu is the user and system CPU time of all runs (with the children
	// each waited for: Terraform's provider plugin).
	cpu time.Duration
	// Printed collects the stdout and stderr of every run, keyed by command.
	Printed map[string]string
}

// NewTerraform prepares dir for Terraform runs with spice from bin.
func NewTerraform(t testing.TB, dir, bin string) *Runner {
	t.Helper()
	rc := filepath.Join(t.TempDir(), "terraform.rc")
	config := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n",
		"spice-harvester/spice", bin)
	if err := os.WriteFile(rc, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return newTerraformRunner(t, dir, rc)
}

// NewTerraformOffline prepares dir for Terraform commands that load no
// provider, such as fmt: an empty CLI configuration.
func NewTerraformOffline(t testing.TB, dir string) *Runner {
	t.Helper()
	rc := filepath.Join(t.TempDir(), "terraform.rc")
	if err := os.WriteFile(rc, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return newTerraformRunner(t, dir, rc)
}

// newTerraformRunner runs Terraform in dir with the CLI configuration rc,
// non-interactive, plus extra environment.
func newTerraformRunner(t testing.TB, dir, rc string, env ...string) *Runner {
	full := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	return &Runner{t: t, Dir: dir, binary: TerraformBinary(t), name: "terraform", env: append(full, env...), Printed: map[string]string{}}
}

// NewSpice prepares dir for runs of the spice CLI from bin.
func NewSpice(t testing.TB, dir, bin string) *Runner {
	t.Helper()
	return &Runner{t: t, Dir: dir, binary: filepath.Join(bin, "spice"), name: "spice", env: os.Environ(), Printed: map[string]string{}}
}

// Run executes the command with args (and -no-color) and returns its
// combined output and exit code. A failure to start is fatal.
func (tf *Runner) Run(args ...string) (string, int) {
	tf.t.Helper()
	var out bytes.Buffer
	code := tf.exec(args, &out, &out, "")
	return out.String(), code
}

// Stdout executes the command with args (and -no-color), requires exit
// code 0 and returns what it printed on stdout alone: JSON that warnings
// on stderr must not interleave with.
func (tf *Runner) Stdout(args ...string) string {
	tf.t.Helper()
	var stdout, stderr bytes.Buffer
	if code := tf.exec(args, &stdout, &stderr, " (stderr)"); code != 0 {
		tf.t.Fatalf("%s %s: exit %d\n%s%s", tf.name, strings.Join(args, " "), code, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// Output executes the command with args (and -no-color) and returns what
// it printed on stdout alone, with its exit code: a report on stdout that
// warnings on stderr must not interleave with, from a command whose exit
// code means something. Stderr goes into Printed.
func (tf *Runner) Output(args ...string) (string, int) {
	tf.t.Helper()
	var stdout, stderr bytes.Buffer
	code := tf.exec(args, &stdout, &stderr, " (stderr)")
	return stdout.String(), code
}

// exec runs the command with args (and -no-color), keeps what stderr got
// in Printed (under the command, plus note) and the child's peak memory,
// and returns the exit code. A failure to start is fatal.
func (tf *Runner) exec(args []string, stdout, stderr *bytes.Buffer, note string) int {
	tf.t.Helper()
	cmd := tf.Command(args...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err := cmd.Run()
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss*1024 > tf.peakRSS {
			tf.peakRSS = ru.Maxrss * 1024
		}
		tf.cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	tf.Printed[fmt.Sprintf("#%d %s %s%s", len(tf.Printed)+1, tf.name, strings.Join(args, " "), note)] = stderr.String()
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		return exitErr.ExitCode()
	case err != nil:
		tf.t.Fatalf("%s %v: %v", tf.name, args, err)
	}
	return 0
}

// PeakRSS is the largest peak resident memory of the runs so far, in
// bytes (getrusage of the child; for Terraform, its own process, not the
// provider plugin it starts).
func (tf *Runner) PeakRSS() int64 { return tf.peakRSS }

// CPUTime is the user and system CPU time of the runs so far: unlike
// their wall time, it hardly moves with the load of a shared machine.
func (tf *Runner) CPUTime() time.Duration { return tf.cpu }

// MustRun is Run that requires the exit code want.
func (tf *Runner) MustRun(want int, args ...string) string {
	tf.t.Helper()
	out, code := tf.Run(args...)
	if code != want {
		tf.t.Fatalf("%s %s: exit %d, want %d\n%s", tf.name, strings.Join(args, " "), code, want, out)
	}
	return out
}

// CopyExample copies the files of a directory of the repository that Git
// tracks, subdirectories included, as a fresh clone has them: never the
// state, lock files, plans or *.auto.tfvars a local run left beside them.
func CopyExample(t testing.TB, from, to string) {
	t.Helper()
	cmd := exec.Command("git", "ls-files", "-z", "--", ".")
	cmd.Dir = from
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git ls-files in %s: %v", from, err)
	}
	for _, rel := range strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00") {
		if rel == "" {
			continue
		}
		src, dst := filepath.Join(from, rel), filepath.Join(to, rel)
		info, err := os.Stat(src)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
}

// RemoveBuiltBinary deletes what BuildBinary built; a package's TestMain
// calls it once every test is done.
func RemoveBuiltBinary() {
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
}

// Flat is out with every run of white space made one space: Terraform
// wraps diagnostics at its own width, so tests match words, never where
// another tool broke a line.
func Flat(out string) string { return strings.Join(strings.Fields(out), " ") }
