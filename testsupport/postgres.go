package testsupport

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
)

// PostgresCluster is a throwaway PostgreSQL cluster of Debian's binaries:
// initdb into a temporary directory, listening only on a unix socket in
// it, run as nobody when the tests run as root (PostgreSQL refuses root).
// Nothing depends on the machine's own PostgreSQL service.
type PostgresCluster struct {
	dir, data, bin, log string
	opts                string // the server's options, for pg_ctl start
	cred                *syscall.Credential
	dbs                 atomic.Int64
}

const postgresPort = 5432 // names the socket file only: no TCP listener

var (
	sharedPG     *PostgresCluster
	sharedPGErr  error
	sharedPGOnce sync.Once
)

// SharedPostgres starts one cluster per test process on first use; the
// package's TestMain calls StopSharedPostgres. Tests take a database each
// (NewDatabase), so they never see each other's tables or locks.
func SharedPostgres(t testing.TB) *PostgresCluster {
	t.Helper()
	sharedPGOnce.Do(func() { sharedPG, sharedPGErr = startPostgres() })
	if sharedPGErr != nil {
		t.Fatal(sharedPGErr)
	}
	return sharedPG
}

// StopSharedPostgres stops and removes the shared cluster, if one started.
func StopSharedPostgres() {
	if sharedPG != nil {
		_ = sharedPG.ctl("stop", "-m", "immediate")
		_ = os.RemoveAll(sharedPG.dir)
	}
}

func postgresBin() (string, error) {
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	if len(found) == 0 {
		return "", fmt.Errorf("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin: run scripts/install-test-deps.sh (package postgresql)")
	}
	sort.Slice(found, func(i, j int) bool { return versionOf(found[i]) > versionOf(found[j]) })
	return filepath.Dir(found[0]), nil
}

func versionOf(path string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
	return n
}

func startPostgres() (*PostgresCluster, error) {
	bin, err := postgresBin()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "spice-pg-")
	if err != nil {
		return nil, err
	}
	c := &PostgresCluster{dir: dir, data: filepath.Join(dir, "data"), bin: bin, log: filepath.Join(dir, "postgres.log")}
	if err := os.Mkdir(c.data, 0o700); err != nil {
		return nil, err
	}
	if os.Geteuid() == 0 {
		nobody, err := user.Lookup("nobody")
		if err != nil {
			return nil, fmt.Errorf("postgres as nobody: %w", err)
		}
		uid, _ := strconv.Atoi(nobody.Uid)
		gid, _ := strconv.Atoi(nobody.Gid)
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		// The server writes its socket, log and data here.
		if err := os.Chmod(dir, 0o755); err != nil {
			return nil, err
		}
		for _, p := range []string{dir, c.data} {
			if err := os.Chown(p, uid, gid); err != nil {
				return nil, err
			}
		}
	}
	if out, err := c.run("initdb", "-D", c.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	c.opts = fmt.Sprintf("-k %s -p %d -c listen_addresses='' -c fsync=off -c max_connections=50", dir, postgresPort)
	if err := c.ctl("start", "-o", c.opts, "-l", c.log); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

func (c *PostgresCluster) run(name string, args ...string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	cmd.Dir = c.dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LANG=C.UTF-8"}
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	return cmd.CombinedOutput()
}

// ctl runs pg_ctl on the cluster and waits for it to finish (-w).
func (c *PostgresCluster) ctl(action string, args ...string) error {
	out, err := c.run("pg_ctl", append([]string{action, "-D", c.data, "-w", "-t", "60"}, args...)...)
	if err != nil {
		log, _ := os.ReadFile(c.log)
		return fmt.Errorf("pg_ctl %s: %w\n%s\n%s", action, err, out, log)
	}
	return nil
}

// Restart restarts the server (pg_ctl restart -m fast): every session
// ends, advisory locks with them.
func (c *PostgresCluster) Restart(t testing.TB) {
	t.Helper()
	// -l again: without it the server writes to pg_ctl's output, whose
	// pipe would then never close.
	if err := c.ctl("restart", "-m", "fast", "-l", c.log); err != nil {
		t.Fatal(err)
	}
}

// Stop stops the server (pg_ctl stop -m fast) until Start; the test
// starts it again when it ends, whatever happened, for the tests after.
func (c *PostgresCluster) Stop(t testing.TB) {
	t.Helper()
	if err := c.ctl("stop", "-m", "fast"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.start() })
}

// Start starts a server stopped by Stop.
func (c *PostgresCluster) Start(t testing.TB) {
	t.Helper()
	if err := c.start(); err != nil {
		t.Fatal(err)
	}
}

// start starts the server unless it runs.
func (c *PostgresCluster) start() error {
	if _, err := c.run("pg_ctl", "status", "-D", c.data); err == nil {
		return nil
	}
	return c.ctl("start", "-o", c.opts, "-l", c.log)
}

// ConnStr is a libpq keyword/value connection string to database db,
// which both pgx and Terraform's lib/pq read.
func (c *PostgresCluster) ConnStr(db string) string {
	return fmt.Sprintf("host=%s port=%d user=postgres dbname=%s sslmode=disable", c.dir, postgresPort, db)
}

var notIdent = regexp.MustCompile(`[^a-z0-9_]+`)

// NewDatabase creates an empty database for the test and returns its
// connection string.
func (c *PostgresCluster) NewDatabase(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("t%d_%s", c.dbs.Add(1), notIdent.ReplaceAllString(strings.ToLower(t.Name()), "_"))
	name = name[:min(len(name), 63)]
	c.Exec(t, "postgres", "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	return c.ConnStr(name)
}

// Exec runs one statement in database db.
func (c *PostgresCluster) Exec(t testing.TB, db, sql string, args ...any) {
	t.Helper()
	conn := c.Connect(t, c.ConnStr(db))
	if _, err := conn.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// Connect opens a connection closed when the test ends.
func (c *PostgresCluster) Connect(t testing.TB, connStr string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), connStr)
	if err != nil {
		t.Fatalf("connect to the test cluster: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}
