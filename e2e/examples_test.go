package e2e

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/sysprep"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// Every example directory is valid configuration for the engine: the
// examples are what operators copy, and the docs embed them.
func TestExamplesValidate(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	examples := filepath.Join(testsupport.RepoDir(t), "examples")
	dirs := map[string]bool{}
	err := filepath.WalkDir(examples, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(path) == ".tf" {
			dirs[filepath.Dir(path)] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 10 {
		t.Fatalf("found %d example directories below %s", len(dirs), examples)
	}
	for dir := range dirs {
		if dirs[filepath.Dir(dir)] {
			continue // a module, validated through the example that calls it
		}
		rel, _ := filepath.Rel(examples, dir)
		t.Run(rel, func(t *testing.T) {
			testsupport.NewSpice(t, dir, bin).MustRun(0, "validate") // validate writes nothing
		})
	}
}

// The examples are root modules, which cannot share variables: each has
// the same connection.tf, and this keeps the copies the same.
func TestExamplesShareOneConnectionFile(t *testing.T) {
	examples := filepath.Join(testsupport.RepoDir(t), "examples")
	files, err := filepath.Glob(filepath.Join(examples, "*", "connection.tf"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 4, "examples with a connection.tf")
	want, err := os.ReadFile(files[0])
	require.NoError(t, err)
	for _, f := range files[1:] {
		got, err := os.ReadFile(f)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), "%s differs from %s", f, files[0])
	}
}

// exampleSteps are what each example's README asks of the host before the
// first apply, beyond the connection variables of testhost.auto.tfvars.
var exampleSteps = map[string]struct {
	vars    string                                // appended to testhost.auto.tfvars
	prepare func(t *testing.T, h *testhosts.Host) // run on the host first
}{
	"quickstart": {},
	"services":   {prepare: runOnHost("services/fake-app/install.sh")},
	// The network the installation reaches, stood in for inside the host:
	// an apt repository, a Git repository and a wheelhouse.
	"installation": {
		prepare: func(t *testing.T, h *testhosts.Host) {
			sysprep.LocalAptRepo(t, h, sysprep.Deb{Name: "spice-test-tool", Version: "1.0"}, sysprep.Deb{Name: "spice-test-lib", Version: "1.0"})
			sysprep.GitRepo(t, h, "/srv/git/app.git")
			sysprep.Wheelhouse(t, h, "1.0")
		},
		vars: `packages            = ["spice-test-tool", "spice-test-lib"]
create_docker_group = true
docker_operators    = ["www-data"]
repository          = "/srv/git/app.git"
ref                 = "v1"
requirements        = "spicetestpkg==1.0\n"
pip_args            = ["--no-index", "--find-links", "` + sysprep.WheelDir + `"]
`,
	},
	"tuning": {vars: "vm_runtime = false\n"},
	"watch":  {},
}

// Every example applies to a fresh test host as its README says, both
// front ends then plan no changes, and the other front end destroys it.
// The front ends take turns (the examples in order: spice applies the
// first, Terraform the second, ...), so each front end applies and
// destroys half of them: a whole cycle with each for every example cost
// CI minutes that the parity tests already spend.
func TestExamplesConvergeOnATestHost(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	examples := filepath.Join(testsupport.RepoDir(t), "examples")
	entries, err := os.ReadDir(examples)
	require.NoError(t, err)
	turn := 0
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(examples, e.Name(), "connection.tf")); err != nil {
			continue // resource and data source snippets, provider blocks: no host of their own
		}
		if e.Name() == manualExample {
			continue // TestManualBareHost brings a bare host to it, with each front end
		}
		spiceApplies := turn%2 == 0
		turn++
		t.Run(e.Name(), func(t *testing.T) {
			steps, ok := exampleSteps[e.Name()]
			require.True(t, ok, "example %s has no entry in exampleSteps: say what its README asks of the host", e.Name())
			t.Parallel()
			h := testhosts.Start(t, 1)[0]
			work := t.TempDir()
			testsupport.CopyExample(t, filepath.Join(examples, e.Name()), work)
			writeTestHostVars(t, h, work, steps.vars)
			if steps.prepare != nil {
				steps.prepare(t, h)
			}
			spice, terraform := testsupport.NewSpice(t, work, bin), testsupport.NewTerraform(t, work, bin)
			terraform.MustRun(0, "get") // local modules; a no-op without them

			applier, other := spice, terraform
			if !spiceApplies {
				applier, other = terraform, spice
			}
			applier.MustRun(0, "apply", "-auto-approve", "-input=false")
			applier.MustRun(0, "plan", "-detailed-exitcode", "-input=false")
			other.MustRun(0, "plan", "-detailed-exitcode", "-input=false")
			other.MustRun(0, "destroy", "-auto-approve", "-input=false")
			applier.MustRun(2, "plan", "-detailed-exitcode", "-input=false") // all gone: everything to create again
		})
	}
}

// writeTestHostVars copies the testhost.auto.tfvars that testhosts.sh up
// wrote for h into the example, as its README says, with vars appended.
func writeTestHostVars(t *testing.T, h *testhosts.Host, dir, vars string) {
	t.Helper()
	b, err := os.ReadFile(h.TFVarsFile)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "testhost.auto.tfvars"), append(b, vars...), 0o600))
}

// runOnHost returns a step that runs a script of the example on the host
// as root, as `ssh ... sh -s < SCRIPT` does.
func runOnHost(script string) func(t *testing.T, h *testhosts.Host) {
	return func(t *testing.T, h *testhosts.Host) {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(testsupport.RepoDir(t), "examples", script))
		require.NoError(t, err)
		cmd := h.Command("sh", "-s")
		cmd.Stdin = bytes.NewReader(b)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s on %s: %s", script, h.Name, out)
	}
}
