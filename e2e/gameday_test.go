package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/backup"
	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/sshd"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// gamedayConfig is the whole system of the game day, small: the
// application (a health-checked service that systemd restarts, and its
// configuration, converged from HCL), its data (only in backups), an
// hourly policy pushed off site, and three rows of the manual's table as
// objectives: service crash (RTO 5m, RPO 0), database corruption (30m,
// 1h) and data-center failure (4h, 4h). The connection comes from the
// host's tfvars, so the same HCL converges any host.
const gamedayConfig = `
variable "host" {
  type = string
}
variable "port" {
  type = number
}
variable "ssh_user" {
  type = string
}
variable "private_key_file" {
  type = string
}
variable "known_hosts_file" {
  type = string
}
variable "offsite_key_file" {
  type = string
}
variable "offsite_host_key" {
  type = string
}
variable "offsite_path" {
  type = string
}

provider "spice" {
  host             = var.host
  port             = var.port
  user             = var.ssh_user
  private_key_file = var.private_key_file
  known_hosts_file = var.known_hosts_file
}

resource "spice_file" "config" {
  path    = "/srv/app/config/app.yml"
  content = "port: 8000\n"
}

resource "spice_file" "app" {
  path    = "/srv/app/bin/app.py"
  content = <<EOT
import http.server
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/health" else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", 8000), Handler).serve_forever()
EOT
}

resource "spice_service" "app" {
  name       = "gameday-app"
  exec_start = "/usr/bin/python3 /srv/app/bin/app.py"
  restart    = "always"
  restart_triggers = {
    app    = spice_file.app.sha256
    config = spice_file.config.sha256
  }
  health_check {
    url          = "http://127.0.0.1:8000/health"
    interval     = "200ms"
    start_period = "2s"
  }
}

resource "spice_backup_policy" "app" {
  name        = "app"
  schedule    = "hourly"
  destination = "/var/backups/spice/app"
  source {
    name     = "data"
    base_dir = "/srv/app"
    paths    = ["data"]
  }
  offsite {
    name        = "dc2"
    host        = "127.0.0.1"
    port        = 2222
    user        = "root"
    private_key = file(var.offsite_key_file)
    host_key    = var.offsite_host_key
    path        = var.offsite_path
  }
}

resource "spice_recovery_objective" "crash" {
  scenario = "service-crash"
  rto      = "5m"
  rpo      = "0s"
  services = [spice_service.app.name]
}

resource "spice_recovery_objective" "corruption" {
  scenario        = "database-corruption"
  rto             = "30m"
  rpo             = "1h"
  backup_policies = [spice_backup_policy.app.name]
}

resource "spice_recovery_objective" "dc" {
  scenario        = "data-center-failure"
  rto             = "4h"
  rpo             = "4h"
  offsite         = true
  backup_policies = [spice_backup_policy.app.name]
}

output "service-crash" {
  value = {
    status         = spice_recovery_objective.crash.status
    achievable_rto = spice_recovery_objective.crash.achievable_rto
    findings       = spice_recovery_objective.crash.findings
  }
}
output "database-corruption" {
  value = {
    status         = spice_recovery_objective.corruption.status
    achievable_rto = spice_recovery_objective.corruption.achievable_rto
    achievable_rpo = spice_recovery_objective.corruption.achievable_rpo
    observed_rpo   = spice_recovery_objective.corruption.observed_rpo
    findings       = spice_recovery_objective.corruption.findings
  }
}
output "data-center-failure" {
  value = {
    status         = spice_recovery_objective.dc.status
    achievable_rto = spice_recovery_objective.dc.achievable_rto
    achievable_rpo = spice_recovery_objective.dc.achievable_rpo
    observed_rpo   = spice_recovery_objective.dc.observed_rpo
    findings       = spice_recovery_objective.dc.findings
  }
}
`

// gameDay is what every game-day test shares: the spice binary, the
// configuration's directory, and the off-site host (a real sshd on this
// machine's loopback, reached from each container through a forwarded
// port, so that every host's backups push as they would in production).
type gameDay struct {
	t       *testing.T
	spice   *testsupport.Runner
	work    string
	far     *sshd.Server
	farPath string
	sock    string
}

// newGameDay is a game day of gamedayConfig.
func newGameDay(t *testing.T) *gameDay {
	t.Helper()
	g := startGameDay(t)
	require.NoError(t, os.WriteFile(filepath.Join(g.work, "main.tf"), []byte(gamedayConfig), 0o644))
	return g
}

// startGameDay is a game day whose configuration directory is still
// empty.
func startGameDay(t *testing.T) *gameDay {
	t.Helper()
	if os.Getenv("SPICE_GAMEDAY") == "" {
		t.Skip("the game day boots test containers: set SPICE_GAMEDAY=1")
	}
	bin := testsupport.BuildBinary(t)
	t.Setenv("SPICE_AGENT_BINARY", filepath.Join(bin, "spice"))
	far := sshd.Start(t)
	work := t.TempDir()
	return &gameDay{t: t, spice: testsupport.NewSpice(t, work, bin), work: work, far: far,
		farPath: filepath.Join(t.TempDir(), "dc2"), sock: forwardToUnix(t, far.Addr)}
}

// host boots a fresh test container that reaches the off-site host.
func (g *gameDay) host() *testhosts.Host {
	g.t.Helper()
	h := testhosts.Start(g.t, 1)[0]
	forwardInto(g.t, h, g.sock)
	return h
}

// apply converges h from the configuration.
func (g *gameDay) apply(h *testhosts.Host) {
	g.t.Helper()
	vars := []string{"-var", "host=" + h.Address, "-var", fmt.Sprintf("port=%d", h.Port), "-var", "ssh_user=root",
		"-var", "private_key_file=" + h.PrivateKeyFile, "-var", "known_hosts_file=" + h.KnownHostsFile,
		"-var", "offsite_key_file=" + g.far.PrivateKeyFile, "-var", "offsite_host_key=" + g.far.HostKey, "-var", "offsite_path=" + g.farPath}
	g.spice.MustRun(0, append([]string{"apply", "-auto-approve"}, vars...)...)
}

// objective is a scenario's computed attributes, as the last apply
// recorded them (its output named after the scenario).
func (g *gameDay) objective(scenario string) map[string]any {
	g.t.Helper()
	var raw map[string]struct{ Value map[string]any }
	require.NoError(g.t, json.Unmarshal([]byte(g.spice.Stdout("output", "-json")), &raw))
	o, ok := raw[scenario]
	require.True(g.t, ok, "no output %s", scenario)
	return o.Value
}

// record appends record n to the application's data.
func record(t *testing.T, h *testhosts.Host, n int) {
	t.Helper()
	h.Exec(t, "sh", "-c", fmt.Sprintf("mkdir -p /srv/app/data && echo 'record %d' >> /srv/app/data/records.log", n))
}

// logRow logs one line of the game day's table: scenario | manual RTO/RPO
// | measured.
func logRow(t *testing.T, scenario, manual, measured string) {
	t.Helper()
	t.Logf("game day, measured under CI contention:\n| scenario | manual RTO/RPO | measured |\n|---|---|---|\n| %s | %s | %s |",
		scenario, manual, measured)
}

// crashProbe kills the main process of the unit $1 with SIGKILL and
// waits, on the host itself (no round trip to this machine in the
// measured time), until systemd has started a new main process whose
// health check at $2 answers; it gives up after the 5-minute RTO. It
// prints the nanoseconds from the kill to the first 200, and NRestarts
// before and after.
const crashProbe = `unit=$1 url=$2
old=$(systemctl show -p MainPID --value $unit)
before=$(systemctl show -p NRestarts --value $unit)
[ "$old" -gt 0 ] || { echo "$unit is not running" >&2; exit 1; }
start=$(date +%s%N)
kill -9 "$old"
for i in $(seq 6000); do
  pid=$(systemctl show -p MainPID --value $unit)
  if [ "$pid" -gt 0 ] && [ "$pid" != "$old" ] && curl -fs -o /dev/null "$url"; then
    echo $(( $(date +%s%N) - start )) "$before" $(systemctl show -p NRestarts --value $unit)
    exit 0
  fi
  sleep 0.05
done
echo "$unit not healthy again within 5 minutes" >&2
exit 1
`

// killAndTimeRecovery runs crashProbe on h for unit and its health url:
// the time from the kill -9 to the first healthy answer, and it asserts
// that systemd restarted the unit exactly once.
func killAndTimeRecovery(t *testing.T, h *testhosts.Host, unit, url string) time.Duration {
	t.Helper()
	var ns int64
	var before, after int
	out := h.Exec(t, "sh", "-c", crashProbe, "crash-probe", unit, url)
	_, err := fmt.Sscan(out, &ns, &before, &after)
	require.NoError(t, err, "probe output %q", out)
	assert.Equal(t, before+1, after, "systemd restarted %s once (NRestarts)", unit)
	return time.Duration(ns)
}

// TestGameDayServiceCrash is the game day's part (a), measured: kill -9
// of the service's main process, systemd's Restart=always brings it
// back, and the time from the kill to the first healthy answer is
// compared with the manual's service-crash row (RTO 5m, RPO 0).
func TestGameDayServiceCrash(t *testing.T) {
	g := newGameDay(t)
	h := g.host()
	g.apply(h)
	for n := 1; n <= 3; n++ {
		record(t, h, n)
	}

	recovered := killAndTimeRecovery(t, h, "gameday-app.service", "http://127.0.0.1:8000/health")
	assert.Equal(t, "record 1\nrecord 2\nrecord 3\n", h.Exec(t, "cat", "/srv/app/data/records.log"), "a crash loses no data")

	// The service is healthy, so the apply leaves it alone; the objective
	// judges the restart-to-healthy time spice_service measured.
	g.apply(h)
	o := g.objective("service-crash")
	assert.Equal(t, "met", o["status"], "findings: %v", o["findings"])
	logRow(t, "service crash (kill -9)", "RTO 5m, RPO 0",
		fmt.Sprintf("kill to healthy %s (systemd restart + app start), 0 records lost; objective %v, achievable_rto %v",
			recovered.Round(time.Millisecond), o["status"], o["achievable_rto"]))
	assert.LessOrEqual(t, recovered, 5*time.Minute)
}

// dataSums is the sha256 of every file of the application's data, by
// path.
func dataSums(t *testing.T, h *testhosts.Host) string {
	t.Helper()
	return h.Exec(t, "sh", "-c", "cd /srv/app && find data -type f | sort | xargs sha256sum")
}

// TestGameDayDataCorruption is the game day's part (b), measured: the
// database file is damaged, its integrity check notices, and the newest
// local backup is restored in place; the time from detection to the data
// verified back and the data lost are compared with the manual's
// database-corruption row (RTO 30m, RPO 1h).
func TestGameDayDataCorruption(t *testing.T) {
	g := newGameDay(t)
	h := g.host()
	g.apply(h)
	h.Exec(t, "sh", "-c", "mkdir -p /srv/app/data && head -c 1048576 /dev/urandom > /srv/app/data/db.bin && "+
		"sha256sum /srv/app/data/db.bin > /srv/app/db.sha256")
	for n := 1; n <= 3; n++ {
		record(t, h, n)
	}
	h.Exec(t, "systemctl", "start", "spice-backup-app.service")
	backedUp := backupTime(t, h.Exec(t, "spice", "backup", "list", "-json", "-policy", "app"))
	want := dataSums(t, h)
	record(t, h, 4)
	record(t, h, 5)

	// 4 KiB of zeros in the middle of the database file.
	corrupted := time.Now()
	h.Exec(t, "dd", "if=/dev/zero", "of=/srv/app/data/db.bin", "bs=4096", "seek=64", "count=1", "conv=notrunc,fsync")
	require.Error(t, h.Command("sha256sum", "--quiet", "-c", "/srv/app/db.sha256").Run(), "the integrity check notices the damage")
	detected := time.Now()

	id := newestID(t, h.Exec(t, "spice", "backup", "list", "-json", "-policy", "app"))
	h.Exec(t, "spice", "backup", "restore", "-policy", "app", id)
	got := dataSums(t, h)
	h.Exec(t, "sha256sum", "--quiet", "-c", "/srv/app/db.sha256")
	verified := time.Now()

	assert.Equal(t, want, got, "the data is byte-identical to the backup")
	records := h.Exec(t, "cat", "/srv/app/data/records.log")
	assert.Equal(t, "record 1\nrecord 2\nrecord 3\n", records, "records written after the backup are lost")
	rto, dataLost := verified.Sub(detected), corrupted.Sub(backedUp)

	// The drill times the same restore, verified, aside from the live
	// data; the objective judges it and the newest backup's age.
	h.Exec(t, "spice", "drill", "database-corruption")
	g.apply(h)
	o := g.objective("database-corruption")
	assert.Equal(t, "met", o["status"], "findings: %v", o["findings"])
	logRow(t, "database corruption (data directory damaged)", "RTO 30m, RPO 1h",
		fmt.Sprintf("detection to data verified back %s; data lost %s (%d of 5 records); objective %v, achievable_rto %v (drill), achievable_rpo %v, observed_rpo %v",
			rto.Round(time.Millisecond), dataLost.Round(time.Second), 5-strings.Count(records, "record "),
			o["status"], o["achievable_rto"], o["achievable_rpo"], o["observed_rpo"]))
	assert.LessOrEqual(t, rto, 30*time.Minute)
	assert.LessOrEqual(t, dataLost, time.Hour)
}

// TestGameDayHostLoss is the game day's part (c), measured: backups pushed
// off site, the host lost, a new host converged from the same HCL and
// restored from the off-site copy. It logs the measured RTO and data lost
// against the manual's table. About two minutes on an idle machine.
func TestGameDayHostLoss(t *testing.T) {
	g := newGameDay(t)

	// The host as it runs: converged, data written, a backup pushed off
	// site, then more data written before disaster strikes.
	old := g.host()
	g.apply(old)
	for n := 1; n <= 3; n++ {
		record(t, old, n)
	}
	old.Exec(t, "systemctl", "start", "spice-backup-app.service")
	pushed := backupTime(t, old.Exec(t, "spice", "backup", "list", "-json", "-policy", "app", "-offsite", "dc2"))
	record(t, old, 4)
	record(t, old, 5)

	// The host is lost: powered off, its disk never read again.
	lost := time.Now()
	_ = old.Command("systemctl", "poweroff").Run()

	// A new host: booted, converged from the same HCL, data restored from
	// the newest off-site copy.
	fresh := g.host()
	booted := time.Now()
	require.NoError(t, os.Remove(filepath.Join(g.work, "terraform.tfstate")), "the state of the lost host")
	g.apply(fresh)
	converged := time.Now()
	copies := fresh.Exec(t, "spice", "backup", "list", "-json", "-policy", "app", "-offsite", "dc2")
	id := newestID(t, copies)
	fresh.Exec(t, "spice", "backup", "restore", "-policy", "app", "-offsite", "dc2", id)
	recovered := time.Now()

	got := fresh.Exec(t, "cat", "/srv/app/data/records.log")
	assert.Equal(t, "record 1\nrecord 2\nrecord 3\n", got, "the data restored from the off-site copy")
	lostRecords := 5 - strings.Count(got, "record ")
	rto, dataLost := recovered.Sub(lost), lost.Sub(pushed)

	// The new host backs up and pushes on its own; a drill from the
	// off-site copy measures the RTO the objective judges.
	fresh.Exec(t, "systemctl", "start", "spice-backup-app.service")
	fresh.Exec(t, "spice", "drill", "data-center-failure")
	g.apply(fresh)
	after := g.objective("data-center-failure")
	assert.Equal(t, "met", after["status"], "findings: %v", after["findings"])

	logRow(t, "data-center failure (host lost)", "RTO 4h, RPO 4h",
		fmt.Sprintf("loss to data restored on a new host %s (boot %s, converge %s, fetch+verify+restore %s); data lost %s, %d of 5 records; objective %v, achievable_rto %v (drill from the off-site copy), achievable_rpo %v, observed_rpo %v",
			rto.Round(time.Second), booted.Sub(lost).Round(time.Second), converged.Sub(booted).Round(time.Second), recovered.Sub(converged).Round(time.Second),
			dataLost.Round(time.Second), lostRecords, after["status"], after["achievable_rto"], after["achievable_rpo"], after["observed_rpo"]))
	assert.Less(t, rto, 4*time.Hour)
	assert.Less(t, dataLost, 4*time.Hour)
	assert.Equal(t, 2, lostRecords, "records written after the pushed backup are lost")
}

// backupTime is the time of the single copy a list -json printed.
func backupTime(t *testing.T, listed string) time.Time {
	t.Helper()
	var backups []backup.Backup
	require.NoError(t, json.Unmarshal([]byte(listed), &backups))
	require.Len(t, backups, 1, listed)
	require.True(t, backups[0].Complete(), listed)
	return backups[0].Time
}

func newestID(t *testing.T, listed string) string {
	t.Helper()
	var backups []backup.Backup
	require.NoError(t, json.Unmarshal([]byte(listed), &backups))
	for i := len(backups) - 1; i >= 0; i-- {
		if backups[i].Complete() {
			return backups[i].ID
		}
	}
	t.Fatalf("no complete off-site copy: %s", listed)
	return ""
}

// forwardToUnix serves a unix socket on this machine that forwards to
// addr (the far side's sshd on loopback), and returns its path.
func forwardToUnix(t *testing.T, addr string) string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "dc2.sock")
	startHelper(t, exec.Command("socat", "UNIX-LISTEN:"+sock+",fork", "TCP:"+addr))
	waitFor(t, func() bool { _, err := os.Stat(sock); return err == nil })
	return sock
}

// forwardInto makes 127.0.0.1:2222 inside h's private network reach the
// unix socket sock: socat runs in h's network namespace only, so it sees
// this machine's files.
func forwardInto(t *testing.T, h *testhosts.Host, sock string) {
	t.Helper()
	startHelper(t, exec.Command("nsenter", "-t", strconv.Itoa(h.PID1), "-n", "--",
		"socat", "TCP-LISTEN:2222,bind=127.0.0.1,reuseaddr,fork", "UNIX-CONNECT:"+sock))
	waitFor(t, func() bool { return h.Command("bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/2222").Run() == nil })
}

// startHelper starts a forwarder and stops it, by its PID, when the test
// ends.
func startHelper(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = syscall.Kill(cmd.Process.Pid, syscall.SIGTERM)
		_ = cmd.Wait()
	})
}

func waitFor(t *testing.T, ready func() bool) {
	t.Helper()
	for range 100 {
		if ready() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the forwarder did not come up within 10s")
}
