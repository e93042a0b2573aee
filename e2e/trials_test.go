package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/sshd"
)

// Crash trials: an apply of 300 objects (secrets, directories, env files,
// files) interrupted at a moment drawn from a seeded RNG, by kill -9 or by
// cutting its SSH link. For every moment: the state file, when there is
// one, is valid JSON; the state spice reads (with the journal folded in)
// records every object whose completion was reported; no managed file is
// torn; the next apply converges, leaving no temporary file of any kind,
// and a plan after it is empty.
//
// CI runs a few trials; `make trials` runs the full counts
// (SPICE_TRIALS_KILL=100 SPICE_TRIALS_CUT=50). SPICE_TRIALS_SEED repeats
// a run's moments: each test logs its seed.

const (
	trialDirs    = 50  // spice_directory, each with an env file and a secret
	trialFiles   = 150 // spice_file, three per directory
	trialObjects = 3*trialDirs + trialFiles
)

// trialPad makes each managed file big enough that a torn write would show.
var trialPad = strings.Repeat("spice harvester\n", 256)

// trialConfig declares the 300 objects below base on the host provider
// configures.
func trialConfig(provider, base string) string {
	pad := strings.ReplaceAll(trialPad, "\n", `\n`)
	return provider + fmt.Sprintf(`
resource "spice_secret" "s" {
  count = %[2]d
}
resource "spice_directory" "d" {
  count = %[2]d
  path  = "%[1]s/dirs/${count.index}"
  mode  = "0750"
}
resource "spice_env_file" "e" {
  count     = %[2]d
  path      = "${spice_directory.d[count.index].path}/app.env"
  variables = { INDEX = count.index, PAD = "padding" }
  sensitive_variables = {
    SECRET = spice_secret.s[count.index].result
  }
}
resource "spice_file" "f" {
  count   = %[3]d
  path    = "${spice_directory.d[count.index %% %[2]d].path}/f${count.index}.dat"
  content = "${count.index}\n%[4]s"
}
`, base, trialDirs, trialFiles, pad)
}

// trialCount is the number of trials: the environment variable's, else
// the small count CI runs.
func trialCount(t *testing.T, env string, ci int) int {
	t.Helper()
	v := os.Getenv(env)
	if v == "" {
		return ci
	}
	n, err := strconv.Atoi(v)
	require.NoError(t, err, "%s=%q", env, v)
	return n
}

// trialRNG is seeded from SPICE_TRIALS_SEED, else from the clock; the
// seed is logged so that a failure can be repeated.
func trialRNG(t *testing.T) *rand.Rand {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("SPICE_TRIALS_SEED"); v != "" {
		var err error
		seed, err = strconv.ParseUint(v, 10, 64)
		require.NoError(t, err, "SPICE_TRIALS_SEED=%q", v)
	}
	t.Logf("moments drawn with SPICE_TRIALS_SEED=%d", seed)
	return rand.New(rand.NewPCG(seed, seed))
}

// progressLine is a line the apply prints as an object starts or
// completes; the moments of the trials are counted in them.
var progressLine = regexp.MustCompile(`^(\S+): (Creating\.\.\.|Creation complete)`)

// interruptedApply starts spice apply in work and calls interrupt once it
// has printed moment progress lines (1 to 2*trialObjects). It returns the
// addresses reported complete before the interruption and the apply's
// exit code.
func interruptedApply(t *testing.T, bin, work string, moment int, interrupt func(*exec.Cmd)) (completed []string, code int) {
	t.Helper()
	cmd := exec.Command(filepath.Join(bin, "spice"), "apply", "-auto-approve", "-no-color")
	cmd.Dir = work
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	lines := bufio.NewScanner(stdout)
	lines.Buffer(make([]byte, 64<<10), 1<<20)
	seen := 0
	for lines.Scan() {
		m := progressLine.FindStringSubmatch(lines.Text())
		if m == nil {
			continue
		}
		if m[2] == "Creation complete" {
			completed = append(completed, m[1])
		}
		if seen++; seen == moment {
			interrupt(cmd)
			break
		}
	}
	_, _ = bufio.NewReader(stdout).WriteTo(devNull{})
	_ = cmd.Wait()
	return completed, cmd.ProcessState.ExitCode()
}

type devNull struct{}

func (devNull) Write(b []byte) (int, error) { return len(b), nil }

// checkInterrupted holds right after an interrupted apply.
func checkInterrupted(t *testing.T, spice *testsupport.Runner, work, base string, completed []string) {
	t.Helper()
	if b, err := os.ReadFile(filepath.Join(work, "terraform.tfstate")); err == nil {
		require.True(t, json.Valid(b), "terraform.tfstate is not valid JSON")
	}
	checkTrialFiles(t, base)
	if len(completed) == 0 {
		return
	}
	// state list reads without the lock: the journal is folded in memory.
	listed := strings.Fields(spice.MustRun(0, "state", "list"))
	for _, addr := range completed {
		assert.Contains(t, listed, addr, "reported complete, but not in the state")
	}
}

// checkTrialFiles: every managed file and env file that exists is whole.
func checkTrialFiles(t *testing.T, base string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(base, "dirs/*/f*.dat"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		index := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "f"), ".dat")
		assert.Equal(t, index+"\n"+trialPad, string(b), "%s is torn", f)
	}
	envs, _ := filepath.Glob(filepath.Join(base, "dirs/*/app.env"))
	for _, f := range envs {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		index := filepath.Base(filepath.Dir(f))
		assert.Regexp(t, `\A# Managed by spice\. .*\nINDEX="`+index+`"\nPAD="padding"\nSECRET="[A-Za-z0-9_-]{43}"\n\z`, string(b), "%s is torn", f)
	}
}

// checkConverged: after the next apply everything exists whole, a plan
// finds nothing to do and no temporary file is left, in the working
// directory or below base.
func checkConverged(t *testing.T, spice *testsupport.Runner, work, base string) {
	t.Helper()
	spice.MustRun(0, "plan", "-detailed-exitcode")
	b, err := os.ReadFile(filepath.Join(work, "terraform.tfstate"))
	require.NoError(t, err)
	require.True(t, json.Valid(b), "terraform.tfstate is not valid JSON")
	files, _ := filepath.Glob(filepath.Join(base, "dirs/*/f*.dat"))
	envs, _ := filepath.Glob(filepath.Join(base, "dirs/*/app.env"))
	assert.Len(t, files, trialFiles)
	assert.Len(t, envs, trialDirs)
	checkTrialFiles(t, base)

	entries, err := os.ReadDir(work)
	require.NoError(t, err)
	for _, e := range entries {
		assert.Contains(t, []string{"main.tf", "terraform.tfstate", "terraform.tfstate.backup", ".terraform.tfstate.spice-lock"},
			e.Name(), "left in the working directory")
	}
	err = filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if name := d.Name(); strings.HasSuffix(name, ".spice-tmp") || strings.HasSuffix(name, ".spice-mkdir") {
			t.Errorf("temporary file left on the host: %s", p)
		}
		return nil
	})
	require.NoError(t, err)
}

// TestTrialsKill9 kills spice apply with SIGKILL at random moments.
func TestTrialsKill9(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	rng := trialRNG(t)
	trials := trialCount(t, "SPICE_TRIALS_KILL", 3)
	midways := 0
	for i := range trials {
		moment := 1 + rng.IntN(2*trialObjects)
		root, work := t.TempDir(), t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"),
			[]byte(trialConfig(fmt.Sprintf("provider \"spice\" {\n  root = %q\n}\n", root), "/srv")), 0o644))
		base := filepath.Join(root, "srv")
		spice := testsupport.NewSpice(t, work, bin)

		completed, _ := interruptedApply(t, bin, work, moment, func(cmd *exec.Cmd) {
			_ = cmd.Process.Signal(syscall.SIGKILL)
		})
		// The journal lives from the first recorded object to the end.
		if _, err := os.Stat(filepath.Join(work, ".terraform.tfstate.journal")); err == nil {
			midways++
		}
		checkInterrupted(t, spice, work, base, completed)
		spice.MustRun(0, "apply", "-auto-approve")
		checkConverged(t, spice, work, base)
		t.Logf("trial %d: moment %d of %d progress lines, %d objects reported complete", i, moment, 2*trialObjects, len(completed))
		if t.Failed() {
			t.Fatalf("trial %d failed", i)
		}
	}
	t.Logf("%d kill -9 trials, %d of them mid-apply", trials, midways)
	assert.Positive(t, midways, "no kill landed mid-apply: the trials proved nothing")
}

// TestTrialsSSHCut cuts the SSH link of spice apply (through the counting
// proxy, to a real sshd) at random moments. The apply fails or reconnects;
// either way the guarantees hold.
func TestTrialsSSHCut(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	srv := sshd.Start(t)
	proxy := sshd.NewProxy(t, srv.Addr)
	rng := trialRNG(t)
	trials := trialCount(t, "SPICE_TRIALS_CUT", 2)
	provider := fmt.Sprintf("provider \"spice\" {\n  host             = %q\n  port             = %d\n  private_key_file = %q\n  known_hosts_file = %q\n}\n",
		srv.Host, proxy.Port, srv.PrivateKeyFile, srv.WriteKnownHosts(t, "proxy_known_hosts", proxy.Addr, srv.HostPublicKey, false))
	midways := 0
	for i := range trials {
		moment := 1 + rng.IntN(2*trialObjects)
		base, work := t.TempDir(), t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(trialConfig(provider, base)), 0o644))
		spice := testsupport.NewSpice(t, work, bin)

		accepted := 0
		completed, code := interruptedApply(t, bin, work, moment, func(*exec.Cmd) {
			accepted = proxy.Accepted()
			proxy.Cut()
		})
		// Mid-apply: the apply failed, or reconnected to go on.
		if code != 0 || proxy.Accepted() > accepted {
			midways++
		}
		checkInterrupted(t, spice, work, base, completed)
		spice.MustRun(0, "apply", "-auto-approve")
		checkConverged(t, spice, work, base)
		t.Logf("trial %d: moment %d of %d progress lines, %d objects reported complete", i, moment, 2*trialObjects, len(completed))
		if t.Failed() {
			t.Fatalf("trial %d failed", i)
		}
	}
	t.Logf("%d SSH cut trials, %d of them mid-apply", trials, midways)
	assert.Positive(t, midways, "no cut landed mid-apply: the trials proved nothing")
}
