package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/sysprep"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// rolloutApp is the application of the rolling update test: it serves its
// checkout's VERSION at /version and answers /health with 200, or 503 for
// a release named *-broken. Each start appends to /srv/starts.log the time
// (ns), the release and whether maintenance mode was on.
const rolloutApp = `import http.server, os, time
version = open("/opt/app/VERSION").read().strip()
mode = "maintenance" if os.path.exists("/srv/maintenance.json") else "live"
with open("/srv/starts.log", "a") as log:
    log.write("%d %s %s\n" % (time.time_ns(), version, mode))
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        status = {"/version": 200, "/health": 503 if version.endswith("-broken") else 200}.get(self.path, 404)
        body = version.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", 8080), Handler).serve_forever()
`

// rolloutConfig declares, for each host, the checkout of the application
// at var.ref, its service (rolloutApp, put in place by the test) restarted
// on a new commit and gated by its health check, and the maintenance mode
// the rollout switches around it.
func rolloutConfig(hosts []*testhosts.Host) string {
	var cfg strings.Builder
	cfg.WriteString(`variable "ref" {
  type = string
}
`)
	for i, h := range hosts {
		fmt.Fprintf(&cfg, `
provider "spice" {
  alias            = "h%[1]d"
  host             = %[2]q
  port             = %[3]d
  private_key_file = %[4]q
  known_hosts_file = %[5]q
}
resource "spice_git_checkout" "app_%[1]d" {
  provider   = spice.h%[1]d
  repository = "/srv/git/app.git"
  ref        = var.ref
  path       = "/opt/app"
}
resource "spice_maintenance_mode" "site_%[1]d" {
  provider         = spice.h%[1]d
  enabled          = false
  status_file      = "/srv/maintenance.json"
  site_link        = "/srv/www/site"
  production_site  = "/srv/www/production"
  maintenance_site = "/srv/www/maintenance"
  reload           = false
}
resource "spice_service" "app_%[1]d" {
  provider   = spice.h%[1]d
  name       = "rollout-app"
  exec_start = "/usr/bin/python3 /srv/app.py"
  restart    = "always"
  restart_triggers = {
    commit = spice_git_checkout.app_%[1]d.commit
  }
  health_check {
    url          = "http://127.0.0.1:8080/health"
    interval     = "200ms"
    start_period = "2s"
  }
}
`, i, h.Address, h.Port, h.PrivateKeyFile, h.KnownHostsFile)
	}
	return cfg.String()
}

// appStart is one line of a host's /srv/starts.log.
type appStart struct {
	at      int64
	version string
	mode    string
}

func appStarts(t *testing.T, h *testhosts.Host) []appStart {
	t.Helper()
	var out []appStart
	for _, line := range strings.Split(strings.TrimSpace(h.Exec(t, "cat", "/srv/starts.log")), "\n") {
		f := strings.Fields(line)
		require.Len(t, f, 3, "starts.log line %q", line)
		at, err := strconv.ParseInt(f[0], 10, 64)
		require.NoError(t, err)
		out = append(out, appStart{at: at, version: f[1], mode: f[2]})
	}
	return out
}

// served is what a host's application answers at /version, asked from
// the host itself.
func served(t *testing.T, h *testhosts.Host) string {
	t.Helper()
	return h.Exec(t, "python3", "-c", `import urllib.request; print(urllib.request.urlopen("http://127.0.0.1:8080/version").read().decode(), end="")`)
}

// stateInstances is a state file's instances by address, as JSON.
func stateInstances(t *testing.T, work string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(work, "terraform.tfstate"))
	require.NoError(t, err)
	var st struct {
		Resources []struct {
			Type      string            `json:"type"`
			Name      string            `json:"name"`
			Instances []json.RawMessage `json:"instances"`
		} `json:"resources"`
	}
	require.NoError(t, json.Unmarshal(b, &st))
	out := map[string]string{}
	for _, r := range st.Resources {
		for _, inst := range r.Instances {
			out[r.Type+"."+r.Name] = string(inst)
		}
	}
	return out
}

// The manual's update procedure, declared: a new application ref rolls out
// one host at a time, each restarted inside its maintenance mode and
// health-gated; a broken release stops at the first host, the other two
// still serving the old one with their state unchanged; the next release
// continues over all three.
func TestRollingUpdate(t *testing.T) {
	t.Parallel()
	t0 := time.Now()
	bin := testsupport.BuildBinary(t)
	t.Logf("binary built in %s", time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	hosts := testhosts.Start(t, 3)
	t.Logf("hosts up in %s", time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	var wg sync.WaitGroup
	for _, h := range hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sysprep.GitReleases(t, h, "/srv/git/app.git", "v1", "v2", "v3-broken", "v4")
			sysprep.RunScript(t, h, "mkdir -p /srv/www && echo production > /srv/www/production && echo maintenance > /srv/www/maintenance\n"+
				"cat > /srv/app.py <<'PY'\n"+rolloutApp+"PY\n")
		}()
	}
	wg.Wait()
	work := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(rolloutConfig(hosts)), 0o644))
	spice := testsupport.NewSpice(t, work, bin)

	t.Logf("hosts prepared in %s", time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	spice.MustRun(0, "apply", "-auto-approve", "-no-color", "-var", "ref=v1")
	t.Logf("v1 applied in %s", time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	for _, h := range hosts {
		require.Equal(t, "v1", served(t, h))
	}

	// v2, one host at a time, in the order of the provider blocks.
	out := spice.MustRun(0, "apply", "-auto-approve", "-no-color", "-rollout=1", "-var", "ref=v2")
	assert.Contains(t, out, "Rollout, 1 host at a time:\n  1. spice.h0 (2 changes)\n  2. spice.h1 (2 changes)\n  3. spice.h2 (2 changes)\n")
	var previous int64
	for i, h := range hosts {
		assert.Equal(t, "v2", served(t, h))
		starts := appStarts(t, h)
		last := starts[len(starts)-1]
		assert.Equal(t, appStart{at: last.at, version: "v2", mode: "maintenance"}, last, "h%d restarted into v2 inside maintenance mode", i)
		assert.Greater(t, last.at, previous, "h%d restarted after h%d", i, i-1)
		previous = last.at
		_, err := h.Command("test", "-e", "/srv/maintenance.json").Output()
		assert.Error(t, err, "h%d is out of maintenance mode", i)
		step := strings.Index(out, fmt.Sprintf("Rollout %d/3: spice.h%d (2 changes)", i+1, i))
		done := strings.Index(out, fmt.Sprintf("Rollout %d/3: done", i+1))
		restart := strings.Index(out, fmt.Sprintf("spice_service.app_%d: Modifying...", i))
		gate := strings.Index(out, fmt.Sprintf("spice.h%d: health gate passed (1 services healthy)", i))
		assert.True(t, step >= 0 && step < restart && restart < gate && gate < done, "h%d's step:\n%s", i, out)
	}
	t.Logf("v2 rolled out in %s", time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()

	// A broken release stops at h0: its health check fails.
	before := stateInstances(t, work)
	out, code := spice.Run("apply", "-auto-approve", "-no-color", "-rollout=1", "-var", "ref=v3-broken")
	require.Equal(t, 1, code, out)
	t.Logf("v3-broken stopped in %s", time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	assert.Contains(t, out, "Rollout stopped at spice.h0")
	assert.Contains(t, out, "Not applied, left as they are: spice.h1 (2 changes), spice.h2 (2 changes).")
	assert.NotContains(t, out, "Rollout 2/3")
	_, err := hosts[0].Command("test", "-e", "/srv/maintenance.json").Output()
	assert.NoError(t, err, "the failed host stays in maintenance mode")
	after := stateInstances(t, work)
	for i, h := range hosts[1:] {
		assert.Equal(t, "v2", served(t, h), "h%d still serves v2", i+1)
		starts := appStarts(t, h)
		assert.Equal(t, "v2", starts[len(starts)-1].version, "h%d was not restarted", i+1)
		for _, addr := range []string{"spice_git_checkout.app_%d", "spice_service.app_%d", "spice_maintenance_mode.site_%d"} {
			a := fmt.Sprintf(addr, i+1)
			assert.Equal(t, before[a], after[a], "%s unchanged in state", a)
		}
	}
	assert.NotEqual(t, before["spice_git_checkout.app_0"], after["spice_git_checkout.app_0"], "state records h0's new checkout")

	// The fixed release continues: h0 first, out of maintenance, then the others.
	spice.MustRun(0, "apply", "-auto-approve", "-no-color", "-rollout=1", "-var", "ref=v4")
	t.Logf("v4 rolled out in %s", time.Since(t0).Round(time.Millisecond))
	for i, h := range hosts {
		assert.Equal(t, "v4", served(t, h), "h%d", i)
		_, err := h.Command("test", "-e", "/srv/maintenance.json").Output()
		assert.Error(t, err, "h%d is out of maintenance mode", i)
	}
	spice.MustRun(0, "plan", "-detailed-exitcode", "-no-color", "-var", "ref=v4")
}
