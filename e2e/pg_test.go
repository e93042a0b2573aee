package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// gate is an HTTP endpoint that a data source reads during apply (its URL
// depends on a new file's id, unknown until the file is written). Armed,
// it holds the request until released: the apply then holds the state
// lock, its files written, for as long as the test needs.
type gate struct {
	srv     *httptest.Server
	mu      sync.Mutex
	release chan struct{} // nil: answer at once
	arrived chan struct{}
}

func newGate(t *testing.T) *gate {
	g := &gate{}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		release, arrived := g.release, g.arrived
		g.mu.Unlock()
		if release != nil {
			close(arrived)
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
	}))
	t.Cleanup(g.srv.Close)
	return g
}

// arm makes the next request wait; it returns what closes when the
// request arrived and the function releasing it.
func (g *gate) arm() (arrived <-chan struct{}, release func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	r, a := make(chan struct{}), make(chan struct{})
	g.release, g.arrived = r, a
	var once sync.Once
	return a, func() {
		once.Do(func() {
			g.mu.Lock()
			g.release = nil
			g.mu.Unlock()
			close(r)
		})
	}
}

// pgWork writes a configuration with backend "pg" managing files under
// /srv/WORKSPACE in an image root, then reading the gate.
func pgWork(t *testing.T, g *gate) (work, root string) {
	t.Helper()
	root, work = t.TempDir(), t.TempDir()
	cfg := fmt.Sprintf(`
terraform {
  backend "pg" {}
  required_providers {
    spice = {
      source = "spice-harvester/spice"
    }
  }
}
variable "round" {
  type    = number
  default = 0
}
provider "spice" {
  root = %q
}
provider "spice" {
  alias = "live" # this machine: only probed, never written
}
resource "spice_file" "f" {
  count   = 2
  path    = "/srv/${terraform.workspace}/${count.index}.txt"
  content = "${terraform.workspace} ${count.index} round ${var.round}\n"
}
# A new marker each round: its id is unknown until it is created, so the
# gate is read during apply, after the marker and the files.
resource "spice_file" "marker" {
  path    = "/srv/${terraform.workspace}/marker-${var.round}"
  content = "round ${var.round}\n"
}
data "spice_http_check" "gate" {
  provider = spice.live
  url      = "%s/gate?${spice_file.marker.id}&${join(",", spice_file.f[*].id)}"
  timeout  = "600s"
}
resource "spice_file" "after" {
  path    = "/srv/${terraform.workspace}/after.txt"
  content = "${data.spice_http_check.gate.status}\n"
}
`, root, g.srv.URL)
	require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(cfg), 0o644))
	return work, root
}

type pgState struct {
	Serial    uint64 `json:"serial"`
	Lineage   string `json:"lineage"`
	Resources []struct {
		Instances []json.RawMessage `json:"instances"`
	} `json:"resources"`
}

func pull(t *testing.T, spice *testsupport.Runner) pgState {
	t.Helper()
	var st pgState
	require.NoError(t, json.Unmarshal([]byte(spice.Stdout("state", "pull")), &st))
	return st
}

// start runs a front end in the background; wait returns its exit code
// and output.
func start(t *testing.T, r *testsupport.Runner, args ...string) (cmd *exec.Cmd, wait func() (int, string)) {
	t.Helper()
	cmd = r.Command(args...)
	var out strings.Builder
	var mu sync.Mutex
	w := writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return out.Write(p) })
	cmd.Stdout, cmd.Stderr = w, w
	require.NoError(t, cmd.Start())
	done := make(chan struct{})
	var code int
	go func() {
		_ = cmd.Wait()
		code = cmd.ProcessState.ExitCode()
		close(done)
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-done })
	return cmd, func() (int, string) {
		<-done
		mu.Lock()
		defer mu.Unlock()
		return code, out.String()
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// waitArrived waits for the gate's request, failing if the apply exited
// first.
func waitArrived(t *testing.T, arrived <-chan struct{}, wait func() (int, string)) {
	t.Helper()
	exited := make(chan struct{})
	go func() { wait(); close(exited) }()
	select {
	case <-arrived:
	case <-exited:
		code, out := wait()
		t.Fatalf("the apply exited (%d) before reaching the gate:\n%s", code, out)
	}
}

// Spice applies into PostgreSQL, Terraform (through the pg backend, the
// provider from a filesystem mirror) plans no change, and the reverse;
// workspaces spice creates are Terraform's, and terraform.workspace
// selects each one's own tree.
func TestPGRoundTripAndWorkspacesWithTerraform(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	pg := testsupport.SharedPostgres(t)
	env := "PG_CONN_STR=" + pg.NewDatabase(t)
	g := newGate(t)
	work, root := pgWork(t, g)
	spice := testsupport.NewSpiceEnv(t, work, bin, env)
	tf := testsupport.NewTerraformMirrored(t, work, bin, env)

	spice.MustRun(0, "apply", "-auto-approve")
	tf.MustRun(0, "init", "-input=false")
	tf.MustRun(0, "plan", "-detailed-exitcode")
	tf.MustRun(0, "apply", "-auto-approve", "-var=round=1")
	spice.MustRun(0, "plan", "-detailed-exitcode", "-var=round=1")
	b, err := os.ReadFile(filepath.Join(root, "srv/default/1.txt"))
	require.NoError(t, err)
	assert.Equal(t, "default 1 round 1\n", string(b))

	// Workspaces: spice creates, Terraform lists and uses them.
	spice.MustRun(0, "workspace", "new", "blue")
	assert.Equal(t, "blue\n", spice.Stdout("workspace", "show"))
	spice.MustRun(0, "apply", "-auto-approve")
	assert.FileExists(t, filepath.Join(root, "srv/blue/0.txt"))
	assert.Contains(t, strings.Split(tf.Stdout("workspace", "list"), "\n"), "* blue")
	tf.MustRun(0, "plan", "-detailed-exitcode")
	tf.MustRun(0, "workspace", "new", "green")
	spice.MustRun(0, "workspace", "select", "default")
	assert.Equal(t, "* default\n  blue\n  green\n", spice.Stdout("workspace", "list"))
	spice.MustRun(0, "plan", "-detailed-exitcode", "-var=round=1")
	spice.MustRun(1, "workspace", "delete", "blue") // still manages objects
	spice.MustRun(0, "workspace", "delete", "-force", "blue")
	assert.NotContains(t, tf.Stdout("workspace", "list"), "blue")
}

// Terraform applying holds the lock: spice fails naming the holder, or
// waits with -lock-timeout; and the reverse.
func TestPGLockExclusionWithTerraform(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	pg := testsupport.SharedPostgres(t)
	env := "PG_CONN_STR=" + pg.NewDatabase(t)
	g := newGate(t)
	work, _ := pgWork(t, g)
	spice := testsupport.NewSpiceEnv(t, work, bin, env)
	tf := testsupport.NewTerraformMirrored(t, work, bin, env)
	spice.MustRun(0, "apply", "-auto-approve")
	tf.MustRun(0, "init", "-input=false")

	arrived, release := g.arm()
	_, tfWait := start(t, tf, "apply", "-auto-approve", "-var=round=1")
	waitArrived(t, arrived, tfWait)
	out := testsupport.Flat(spice.MustRun(1, "apply", "-auto-approve", "-var=round=1"))
	assert.Contains(t, out, "Error acquiring the state lock")
	assert.Regexp(t, `locked by PostgreSQL session pid \d+`, out)
	_, spiceWait := start(t, spice, "apply", "-auto-approve", "-var=round=1", "-lock-timeout=10m")
	release()
	code, tfOut := tfWait()
	require.Equal(t, 0, code, tfOut)
	code, out = spiceWait()
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "Apply complete! Resources: 0 added, 0 changed, 0 destroyed.", "spice ran after Terraform's apply, from its state")

	arrived, release = g.arm()
	_, spiceWait = start(t, spice, "apply", "-auto-approve", "-var=round=2")
	waitArrived(t, arrived, spiceWait)
	before := pull(t, spice)
	tf.MustRun(1, "apply", "-auto-approve", "-var=round=2")
	assert.Equal(t, before.Serial, pull(t, spice).Serial, "Terraform wrote nothing while spice held the lock")
	release()
	code, out = spiceWait()
	require.Equal(t, 0, code, out)
	tf.MustRun(0, "plan", "-detailed-exitcode", "-var=round=2")
}

// Two spice applies at once: one runs, the other fails naming it (its
// application name says spice and the operation) or, with -lock-timeout,
// runs after it; kill -9 of the holder releases the lock with its session.
func TestPGConcurrentSpiceAppliesAndKill9(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	pg := testsupport.SharedPostgres(t)
	conn := pg.NewDatabase(t)
	g := newGate(t)
	work, _ := pgWork(t, g)
	spice := testsupport.NewSpiceEnv(t, work, bin, "PG_CONN_STR="+conn)
	spice.MustRun(0, "apply", "-auto-approve")

	arrived, release := g.arm()
	_, firstWait := start(t, spice, "apply", "-auto-approve", "-var=round=1")
	waitArrived(t, arrived, firstWait)
	held := pull(t, spice)
	out := testsupport.Flat(spice.MustRun(1, "apply", "-auto-approve", "-var=round=1"))
	assert.Regexp(t, `locked by PostgreSQL session pid \d+ \(user postgres, application "spice Apply `, out)
	assert.Equal(t, held.Serial, pull(t, spice).Serial, "the refused apply wrote nothing")
	_, secondWait := start(t, spice, "apply", "-auto-approve", "-var=round=1", "-lock-timeout=10m")
	release()
	code, out := firstWait()
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "Resources: 1 added, 3 changed, 1 destroyed.")
	code, out = secondWait()
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "Apply complete! Resources: 0 added, 0 changed, 0 destroyed.")

	// kill -9 while holding the lock: once PostgreSQL ended the session
	// (no advisory lock left), the next apply gets the lock at once.
	arrived, release = g.arm()
	killed, killedWait := start(t, spice, "apply", "-auto-approve", "-var=round=2")
	waitArrived(t, arrived, killedWait)
	require.NoError(t, killed.Process.Kill())
	killedWait()
	db := pg.Connect(t, conn)
	for {
		var n int
		require.NoError(t, db.QueryRow(context.Background(), `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&n))
		if n == 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	release() // the next apply reads the gate at once
	spice.MustRun(0, "apply", "-auto-approve", "-var=round=2", "-lock-timeout=0s")
	spice.MustRun(0, "plan", "-detailed-exitcode", "-var=round=2")
}

// The database restarts while an apply holds the lock with files written:
// the apply reconnects, takes the lock again and records everything; the
// next plan shows no change.
func TestPGRestartMidApply(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	pg := testsupport.SharedPostgres(t)
	g := newGate(t)
	work, _ := pgWork(t, g)
	spice := testsupport.NewSpiceEnv(t, work, bin, "PG_CONN_STR="+pg.NewDatabase(t))

	arrived, release := g.arm()
	_, wait := start(t, spice, "apply", "-auto-approve")
	waitArrived(t, arrived, wait)
	assert.Len(t, pull(t, spice).Resources, 2, "the files and the marker were saved before the gate")
	pg.Restart(t)
	release()
	code, out := wait()
	require.Equal(t, 0, code, out)
	st := pull(t, spice)
	assert.Len(t, st.Resources, 4, "the files, the marker, the gate and after.txt are recorded")
	spice.MustRun(0, "plan", "-detailed-exitcode")
	assert.NoFileExists(t, filepath.Join(work, "errored.tfstate"))
}

// A local state moves into pg with its lineage and serial; state mv and
// state push behave as Terraform's; Terraform lists local workspaces
// spice created.
func TestPGMigrateAndStateCommands(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	pg := testsupport.SharedPostgres(t)
	g := newGate(t)
	work, _ := pgWork(t, g)
	main := filepath.Join(work, "main.tf")
	cfg, err := os.ReadFile(main)
	require.NoError(t, err)
	local := strings.Replace(string(cfg), `backend "pg" {}`, "", 1)
	require.NoError(t, os.WriteFile(main, []byte(local), 0o644))
	spice := testsupport.NewSpiceEnv(t, work, bin, "PG_CONN_STR="+pg.NewDatabase(t))
	spice.MustRun(0, "apply", "-auto-approve")
	// Local workspaces are Terraform's too (terraform.tfstate.d/NAME).
	spice.MustRun(0, "workspace", "new", "red")
	assert.Contains(t, strings.Split(testsupport.NewTerraform(t, work, bin).Stdout("workspace", "list"), "\n"), "* red")
	spice.MustRun(0, "workspace", "select", "default")
	var localState pgState
	b, err := os.ReadFile(filepath.Join(work, "terraform.tfstate"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &localState))

	require.NoError(t, os.WriteFile(main, cfg, 0o644))
	spice.MustRun(0, "init", "-migrate-state")
	migrated := pull(t, spice)
	assert.Equal(t, localState.Lineage, migrated.Lineage)
	assert.Equal(t, localState.Serial, migrated.Serial)
	spice.MustRun(0, "plan", "-detailed-exitcode")

	spice.MustRun(0, "state", "mv", "spice_file.after", "spice_file.later")
	assert.Contains(t, spice.Stdout("state", "list"), "spice_file.later\n")
	old := filepath.Join(work, "old.tfstate")
	require.NoError(t, os.WriteFile(old, b, 0o600))
	spice.MustRun(1, "state", "push", old) // an older serial
	spice.MustRun(0, "state", "push", "-force", old)
	assert.Equal(t, localState.Serial, pull(t, spice).Serial)
	assert.Contains(t, spice.Stdout("state", "list"), "spice_file.after\n")
}

// The database goes away mid-apply and does not come back in time: the
// apply fails, leaving its whole state in errored.tfstate (nothing it
// completed is lost), and state push records it once the database is back.
func TestPGLostDatabaseWritesErroredState(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	pg := testsupport.SharedPostgres(t)
	g := newGate(t)
	work, _ := pgWork(t, g)
	spice := testsupport.NewSpiceEnv(t, work, bin, "PG_CONN_STR="+pg.NewDatabase(t), "SPICE_PG_RECONNECT_TIMEOUT=1s")

	arrived, release := g.arm()
	_, wait := start(t, spice, "apply", "-auto-approve")
	waitArrived(t, arrived, wait)
	pg.Stop(t)
	release()
	code, out := wait()
	require.Equal(t, 1, code, out)
	assert.Contains(t, testsupport.Flat(out), "spice state push errored.tfstate")
	b, err := os.ReadFile(filepath.Join(work, "errored.tfstate"))
	require.NoError(t, err)
	var errored pgState
	require.NoError(t, json.Unmarshal(b, &errored))
	assert.Len(t, errored.Resources, 4, "the files, the marker, the gate and after.txt")

	pg.Start(t)
	spice.MustRun(0, "state", "push", "errored.tfstate")
	spice.MustRun(0, "plan", "-detailed-exitcode")
}

// Terraform's layout, in a schema whose name needs quoting: table states
// (id bigint from public.global_states_id_seq, name text, data text), the
// unique index states_by_name, one row per workspace.
func TestPGLayoutInQuotedSchema(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	pg := testsupport.SharedPostgres(t)
	conn := pg.NewDatabase(t)
	work := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte("terraform {\n  backend \"pg\" {}\n}\n"), 0o644))
	const schema = `team "a"; drop table x`
	spice := testsupport.NewSpiceEnv(t, work, bin, "PG_CONN_STR="+conn, "PG_SCHEMA_NAME="+schema)
	spice.MustRun(0, "init")
	spice.MustRun(0, "workspace", "new", "blue")

	db := pg.Connect(t, conn)
	ctx := context.Background()
	rows, err := db.Query(ctx, `SELECT column_name || ' ' || data_type || ' ' || coalesce(column_default, '')
		FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'states' ORDER BY ordinal_position`, schema)
	require.NoError(t, err)
	var columns []string
	for rows.Next() {
		var c string
		require.NoError(t, rows.Scan(&c))
		columns = append(columns, c)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, []string{"id bigint nextval('global_states_id_seq'::regclass)", "name text ", "data text "}, columns)
	var unique bool
	require.NoError(t, db.QueryRow(ctx, `SELECT i.indisunique FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = 'states_by_name'`, schema).Scan(&unique))
	assert.True(t, unique)
	var names string
	require.NoError(t, db.QueryRow(ctx, `SELECT string_agg(name, ',' ORDER BY name) FROM `+`"team ""a""; drop table x".states`).Scan(&names))
	assert.Equal(t, "blue,default", names)
}
