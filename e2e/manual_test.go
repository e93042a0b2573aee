package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/sysprep"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// manualExample is the example that declares the whole manual; the
// examples' common test leaves it to TestManualBareHost.
const manualExample = "spice-harvester"

// manualTerminusDBPassword is the admin password the test gives the
// example; nothing may print it.
const manualTerminusDBPassword = "e2e-manual-tdb-5c1e"

// manualVars is what the example's README asks of a host without network
// access, beyond the connection variables: the stand-ins prepareManualHost
// puts in place, the contract fake for TerminusDB, and a container's
// limits (its hardware is below the manual's tables; vm.* belong to the
// machine it runs on).
const manualVars = `profile              = "production"
requirements_enforce = "warn"
packages             = ["python3-venv", "git", "nginx", "logrotate", "spice-test-tool"]
create_docker_group  = true
repository           = "/srv/git/spice-harvester.git"
ref                  = "v1"
requirements         = "spicetestpkg==1.0\n"
pip_args             = ["--no-index", "--find-links", "` + sysprep.WheelDir + `"]
terminusdb_exec_start     = "/usr/local/bin/terminusdb-fake"
terminusdb_admin_password = "` + manualTerminusDBPassword + `"
vm_runtime           = false
watch_interval       = "5s"
`

// manualEndpoints are every health endpoint of the running system, as
// the host itself asks them.
var manualEndpoints = map[string]string{
	"OMS":                  "http://127.0.0.1:8000/health",
	"BFF":                  "http://127.0.0.1:8002/health",
	"Funnel":               "http://127.0.0.1:8003/health",
	"TerminusDB":           "http://127.0.0.1:6363/api/ok",
	"the BFF behind nginx": "http://127.0.0.1:80/health",
	"spice watch":          "http://127.0.0.1:9464/healthz",
}

// A bare host to the manual's running system in one apply, with either
// front end on a fresh container of its own (Terraform's with
// SPICE_TEST_MANUAL_TERRAFORM=1, to keep CI short): every health endpoint then
// answers 200, the next plan is empty, and `spice drift` exits 0 (nothing
// drifted, nothing pending, no objective breached). The network the
// installation reaches is stood in for inside the host (a local apt
// repository, a Git repository with a fake of the application, a
// wheelhouse), TerminusDB by its contract fake, and the package's
// nginx.service (masked in test hosts) by nginx started as a unit of its
// own.
func TestManualBareHost(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	fake := buildTerminusDBFake(t)
	for _, frontEnd := range []string{"spice", "terraform"} {
		t.Run(frontEnd, func(t *testing.T) {
			if frontEnd == "terraform" && os.Getenv("SPICE_TEST_MANUAL_TERRAFORM") != "1" {
				t.Skip("the Terraform half costs a second bare host (about as long as the spice half): SPICE_TEST_MANUAL_TERRAFORM=1 runs it; " +
					"the spice half checks that Terraform plans no change on what spice applied")
			}
			t.Parallel()
			h := testhosts.Start(t, 1)[0]
			work := t.TempDir()
			prepareManualExample(t, h, fake, work, "")
			spice := testsupport.NewSpice(t, work, bin)
			fe := spice
			if frontEnd == "terraform" {
				fe = testsupport.NewTerraform(t, work, bin)
			}

			fe.MustRun(0, "apply", "-auto-approve", "-input=false")
			for name, url := range manualEndpoints {
				assert.Equal(t, "200", httpStatusOnHost(t, h, url), "%s at %s", name, url)
			}
			// spice watch, a service of the example, applied the kernel
			// tuning before its /healthz answered.
			assert.Equal(t, "65535\n", h.Exec(t, "sysctl", "-n", "net.core.somaxconn"), "net.core.somaxconn, set by spice watch")
			assert.Equal(t, "600 spice\n", h.Exec(t, "stat", "-c", "%a %U", "/opt/spice-harvester/.env"), ".env: mode and owner")
			fe.MustRun(0, "plan", "-detailed-exitcode", "-input=false")
			spice.MustRun(0, "drift", "-input=false")
			if frontEnd == "spice" {
				// Terraform reads everything spice applied the same way.
				testsupport.NewTerraform(t, work, bin).MustRun(0, "plan", "-detailed-exitcode", "-input=false")
				importManualEnv(t, h, spice)
			}

			for cmd, printed := range fe.Printed {
				assert.NotContains(t, printed, manualTerminusDBPassword, "%s printed the TerminusDB password", cmd)
			}
			for cmd, printed := range spice.Printed {
				assert.NotContains(t, printed, manualTerminusDBPassword, "%s printed the TerminusDB password", cmd)
			}
		})
	}
}

// importManualEnv takes over the host's .env and the secrets in it, as
// the guide "From the manual to spice" says for a host set up by hand: the
// secrets by PATH#NAME, the file by its path. The plan after the imports
// only moves the plain values out of sensitive_variables (no service
// restarts: the file's digest is the same), and no value of a secret
// shows in any output.
func importManualEnv(t *testing.T, h *testhosts.Host, spice *testsupport.Runner) {
	t.Helper()
	env := "/opt/spice-harvester/.env"
	imports := []struct{ address, id string }{
		{"spice_secret.secret_key", env + "#SECRET_KEY"},
		{"spice_secret.terminusdb_oms", env + "#TERMINUS_KEY"},
		{"spice_env_file.app", env},
	}
	for _, i := range imports {
		spice.MustRun(0, "state", "rm", i.address)
		spice.MustRun(0, "import", "-input=false", i.address, i.id)
	}
	out := testsupport.Flat(spice.MustRun(2, "plan", "-detailed-exitcode", "-input=false"))
	assert.Contains(t, out, "# spice_env_file.app will be updated in-place")
	assert.Contains(t, out, "Plan: 0 to add, 1 to change, 0 to destroy.")
	spice.MustRun(0, "apply", "-auto-approve", "-input=false")
	spice.MustRun(0, "plan", "-detailed-exitcode", "-input=false")

	secrets := h.Exec(t, "sh", "-c", ". "+env+" && printf '%s\\n%s\\n' \"$SECRET_KEY\" \"$TERMINUS_KEY\"")
	for _, secret := range strings.Fields(secrets) {
		require.Len(t, secret, 43, "a secret of .env")
		for cmd, printed := range spice.Printed {
			assert.NotContains(t, printed, secret, "%s printed a secret of .env", cmd)
		}
	}
}

// prepareManualExample readies the bare host h for the manual example,
// and the example in dir for h: manualVars and then vars.
func prepareManualExample(t *testing.T, h *testhosts.Host, terminusdbFake []byte, dir, vars string) {
	t.Helper()
	prepareManualHost(t, h, terminusdbFake)
	testsupport.CopyExample(t, filepath.Join(testsupport.RepoDir(t), "examples", manualExample), dir)
	writeTestHostVars(t, h, dir, manualVars+vars)
}

// prepareManualHost puts in place, inside h, what the example's README
// says stands in for the network and for Docker on a test host.
func prepareManualHost(t *testing.T, h *testhosts.Host, terminusdbFake []byte) {
	t.Helper()
	sysprep.LocalAptRepo(t, h, sysprep.Deb{Name: "spice-test-tool", Version: "1.0"})
	sysprep.AppRepo(t, h, "/srv/git/spice-harvester.git")
	sysprep.Wheelhouse(t, h, "1.0")
	require.NoError(t, os.WriteFile(filepath.Join(h.Root(), "usr/local/bin/terminusdb-fake"), terminusdbFake, 0o755))
	// nginx.service is masked in test hosts: nginx runs as a unit of its
	// own, as the package's service would.
	h.Exec(t, "systemd-run", "--unit=nginx-under-test", "-p", "Type=forking", "-p", "PIDFile=/run/nginx.pid", "/usr/sbin/nginx")
}

// buildTerminusDBFake builds the TerminusDB contract fake's server for
// the test containers and returns the binary.
func buildTerminusDBFake(t *testing.T) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "terminusdb-fake")
	build := exec.Command("go", "build", "-o", out, "./testsupport/terminusdbfake/cmd/terminusdb-fake")
	build.Dir = testsupport.RepoDir(t)
	b, err := build.CombinedOutput()
	require.NoError(t, err, "build the TerminusDB fake: %s", b)
	bin, err := os.ReadFile(out)
	require.NoError(t, err)
	return bin
}

// httpStatusOnHost is the HTTP status url answers inside h ("000" when it
// does not answer), asked with curl there.
func httpStatusOnHost(t *testing.T, h *testhosts.Host, url string) string {
	t.Helper()
	out, _ := h.Command("curl", "-s", "-o", "/dev/null", "-m", "5", "-w", "%{http_code}", url).Output()
	return string(out)
}
