package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/sysprep"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// sysprepConfig declares one of each system preparation resource, the
// network they reach stood in for inside the host (sysprep helpers).
const sysprepConfig = `
resource "spice_package" "tool" {
  name                 = "spice-test-tool"
  update_cache_max_age = "1h"
}
resource "spice_group" "docker" {
  name = "spicetest-docker"
  gid  = 1500
}
resource "spice_user" "app" {
  name   = "spiceapp"
  system = true
  home   = "/opt/spiceapp"
  shell  = "/usr/sbin/nologin"
  groups = [spice_group.docker.name]
}
resource "spice_group_membership" "www" {
  user  = "www-data"
  group = spice_group.docker.name
}
resource "spice_git_checkout" "app" {
  repository = "/srv/git/app.git"
  ref        = "v1"
  path       = "/opt/app/current"
  owner      = "nobody:nogroup"
}
resource "spice_python_venv" "app" {
  path         = "/opt/app/venv"
  python       = ">=3.9"
  requirements = "spicetestpkg==1.0\n"
  pip_args     = ["--no-index", "--find-links", "` + sysprep.WheelDir + `"]
}
`

// sysprepImportIDs are the documented import IDs
// (examples/resources/*/import.sh) of sysprepConfig's resources.
var sysprepImportIDs = []struct{ address, id string }{
	{"spice_package.tool", "spice-test-tool"},
	{"spice_group.docker", "spicetest-docker"},
	{"spice_user.app", "spiceapp"},
	{"spice_group_membership.www", "www-data:spicetest-docker"},
	{"spice_git_checkout.app", "/opt/app/current"},
	{"spice_python_venv.app", "/opt/app/venv"},
}

// checkSysprepHost reads the host with its own tools: the package
// installed, the gid, both memberships, a clean checkout of v1, the venv
// importing the package.
func checkSysprepHost(t *testing.T, h *testhosts.Host) {
	t.Helper()
	assert.Equal(t, "install ok installed", h.Exec(t, "dpkg-query", "-W", "-f", "${Status}", "spice-test-tool"))
	entry := strings.Split(strings.TrimSpace(h.Exec(t, "getent", "group", "spicetest-docker")), ":")
	require.Len(t, entry, 4)
	assert.Equal(t, "1500", entry[2], "gid of spicetest-docker")
	assert.ElementsMatch(t, []string{"spiceapp", "www-data"}, strings.Split(entry[3], ","), "members of spicetest-docker")
	assert.Equal(t, "", h.Exec(t, "git", "-c", "safe.directory=*", "-C", "/opt/app/current", "status", "--porcelain"))
	assert.Equal(t, "v1\n", h.Exec(t, "cat", "/opt/app/current/VERSION"))
	assert.Equal(t, "1.0\n", h.Exec(t, "/opt/app/venv/bin/python", "-c", "import spicetestpkg; print(spicetestpkg.VERSION)"))
}

// The standalone engine alone on one fresh host, one of each system
// preparation resource: applied; each out-of-band change the issue lists
// (package removed with dpkg, gpasswd -d of a member, a local edit in the
// checkout, the venv deleted, plus the group's gid changed) is drift that
// the plan names and the apply repairs; then each is removed from state
// and imported by its documented ID, and the plan is empty but for the
// package's update_cache_max_age, which no import can know.
func TestEngineSysprepDriftAndImport(t *testing.T) {
	t.Parallel()
	bin := testsupport.BuildBinary(t)
	h := testhosts.Start(t, 1)[0]
	sysprep.LocalAptRepo(t, h, sysprep.Deb{Name: "spice-test-tool", Version: "1.0"})
	sysprep.GitRepo(t, h, "/srv/git/app.git")
	sysprep.Wheelhouse(t, h, "1.0")
	work := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(h.SpiceProvider()+sysprepConfig), 0o644))
	spice := testsupport.NewSpice(t, work, bin)

	spice.MustRun(0, "apply", "-auto-approve", "-input=false")
	checkSysprepHost(t, h)
	spice.MustRun(0, "plan", "-detailed-exitcode", "-input=false")

	h.Exec(t, "dpkg", "--remove", "spice-test-tool")
	h.Exec(t, "groupmod", "--gid", "1501", "spicetest-docker")
	h.Exec(t, "gpasswd", "-d", "spiceapp", "spicetest-docker")
	h.Exec(t, "gpasswd", "-d", "www-data", "spicetest-docker")
	h.Exec(t, "sh", "-c", "echo edited > /opt/app/current/VERSION")
	h.Exec(t, "rm", "-rf", "/opt/app/venv.envs")
	out := testsupport.Flat(spice.MustRun(2, "plan", "-detailed-exitcode", "-input=false"))
	for _, r := range sysprepImportIDs {
		assert.Contains(t, out, "# "+r.address+" ", "the plan after the out-of-band changes names %s", r.address)
	}
	spice.MustRun(0, "apply", "-auto-approve", "-input=false")
	checkSysprepHost(t, h)
	spice.MustRun(0, "plan", "-detailed-exitcode", "-input=false")

	for _, r := range sysprepImportIDs {
		spice.MustRun(0, "state", "rm", r.address)
		spice.MustRun(0, "import", "-input=false", r.address, r.id)
	}
	out = spice.MustRun(0, "state", "list")
	for _, r := range sysprepImportIDs {
		assert.Contains(t, out, r.address)
	}
	// update_cache_max_age says how the package is installed, not what the
	// host has: no import can know it, so the one change planned after the
	// imports is that attribute, and applying it runs no apt-get install.
	out = testsupport.Flat(spice.MustRun(2, "plan", "-detailed-exitcode", "-input=false"))
	assert.Contains(t, out, `# spice_package.tool will be updated in-place`)
	assert.Contains(t, out, `+ update_cache_max_age = "1h"`)
	assert.Contains(t, out, "Plan: 0 to add, 1 to change, 0 to destroy.")
	sysprep.AptGetCalls(t, h)
	spice.MustRun(0, "apply", "-auto-approve", "-input=false")
	for _, call := range sysprep.AptGetCalls(t, h) {
		assert.NotContains(t, " "+call+" ", " install ", "apt-get run by applying update_cache_max_age alone")
	}
	checkSysprepHost(t, h)
	spice.MustRun(0, "plan", "-detailed-exitcode", "-input=false")
}
