package state

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// The pg backend keeps state exactly as Terraform's pg backend does
// (internal/backend/remote-state/pg): one row per workspace in
// SCHEMA.states (id from public.global_states_id_seq, unique name, data
// text), a session advisory lock on the row's id while a workspace is
// locked, and the advisory lock -1 while a workspace is created. So
// Terraform and spice pointed at one database read each other's state and
// exclude each other.
const (
	pgTable         = "states"
	pgIndex         = "states_by_name"
	pgSequence      = "public.global_states_id_seq"
	pgCreateLockKey = int64(-1)
	// DefaultPGSchema is schema_name when neither the configuration nor
	// PG_SCHEMA_NAME sets it.
	DefaultPGSchema = "terraform_remote_state"
)

// DefaultPGReconnectWindow is PGConfig.ReconnectWindow when unset.
const DefaultPGReconnectWindow = time.Minute

// PGConfig is the pg backend's configuration, Terraform's attributes.
type PGConfig struct {
	ConnStr            string
	SchemaName         string
	SkipSchemaCreation bool
	SkipTableCreation  bool
	SkipIndexCreation  bool
	// ReconnectWindow is how long a state read or write keeps trying to
	// reconnect to a database that went away (a restart, a failover)
	// before it fails; the lock is taken again on the new connection.
	ReconnectWindow time.Duration
}

// PG is a pg backend: one connection, which holds the advisory lock too
// (a session lock lives and dies with its connection, so a killed spice
// releases it at once).
type PG struct {
	cfg     PGConfig
	connCfg *pgx.ConnConfig
	table   string // SCHEMA.states, quoted

	mu   sync.Mutex
	conn *pgx.Conn
	// held is the advisory lock key this session holds, to take again on
	// a new connection; nil when none.
	held *int64
}

// ValidatePGSchemaName refuses a schema name PostgreSQL cannot hold: it
// is quoted as an identifier, never concatenated raw.
func ValidatePGSchemaName(name string) error {
	switch {
	case name == "":
		return errors.New("schema_name is empty")
	case len(name) > 63:
		return fmt.Errorf("schema_name %q is longer than PostgreSQL's 63 bytes", name)
	case strings.ContainsRune(name, 0):
		return errors.New("schema_name contains a NUL character")
	}
	return nil
}

// OpenPG connects (an empty conn_str uses the libpq PG* variables) and
// creates the schema, table and index unless told not to, with
// Terraform's statements.
func OpenPG(ctx context.Context, cfg PGConfig) (*PG, error) {
	if cfg.SchemaName == "" {
		cfg.SchemaName = DefaultPGSchema
	}
	if cfg.ReconnectWindow <= 0 {
		cfg.ReconnectWindow = DefaultPGReconnectWindow
	}
	if err := ValidatePGSchemaName(cfg.SchemaName); err != nil {
		return nil, fmt.Errorf("backend pg: %w", err)
	}
	connCfg, err := pgx.ParseConfig(cfg.ConnStr)
	if err != nil {
		// pgx's message may quote the connection string, password included.
		return nil, errors.New("backend pg: conn_str is not a valid PostgreSQL connection string (a postgres:// URL or key=value pairs)")
	}
	if _, ok := connCfg.RuntimeParams["application_name"]; !ok {
		connCfg.RuntimeParams["application_name"] = "spice"
	}
	schema := pgx.Identifier{cfg.SchemaName}.Sanitize()
	p := &PG{cfg: cfg, connCfg: connCfg, table: schema + "." + pgTable}
	if p.conn, err = p.connect(ctx); err != nil {
		return nil, err
	}
	if err := p.prepare(ctx, schema); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

func (p *PG) connect(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, p.connCfg)
	if err != nil {
		return nil, fmt.Errorf("backend pg: connect to %s: %w", p.where(), err)
	}
	return conn, nil
}

// where names the database without credentials.
func (p *PG) where() string {
	return fmt.Sprintf("database %q on %s:%d", p.connCfg.Database, p.connCfg.Host, p.connCfg.Port)
}

func (p *PG) prepare(ctx context.Context, schema string) error {
	c := p.conn
	if !p.cfg.SkipSchemaCreation {
		// Terraform looks first: CREATE SCHEMA IF NOT EXISTS needs the
		// CREATE privilege even when the schema exists.
		var count int
		if err := c.QueryRow(ctx, `select count(1) from information_schema.schemata where schema_name = $1`, p.cfg.SchemaName).Scan(&count); err != nil {
			return fmt.Errorf("backend pg: look up schema %s: %w", schema, err)
		}
		if count < 1 {
			if _, err := c.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+schema); err != nil {
				return fmt.Errorf("backend pg: create schema %s: %w", schema, err)
			}
		}
	}
	if !p.cfg.SkipTableCreation {
		if _, err := c.Exec(ctx, `CREATE SEQUENCE IF NOT EXISTS `+pgSequence+` AS bigint`); err != nil {
			return fmt.Errorf("backend pg: create sequence %s: %w", pgSequence, err)
		}
		if _, err := c.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+p.table+` (
			id bigint NOT NULL DEFAULT nextval('`+pgSequence+`') PRIMARY KEY,
			name text UNIQUE,
			data text
			)`); err != nil {
			return fmt.Errorf("backend pg: create table %s: %w", p.table, err)
		}
	}
	if !p.cfg.SkipIndexCreation {
		if _, err := c.Exec(ctx, `CREATE UNIQUE INDEX IF NOT EXISTS `+pgIndex+` ON `+p.table+` (name)`); err != nil {
			return fmt.Errorf("backend pg: create index %s: %w", pgIndex, err)
		}
	}
	return nil
}

// do runs f on the connection. When the connection is gone (the database
// restarted), it reconnects for up to ReconnectWindow, takes the lock
// it held again, and runs f once more: a write after a restart lands, or
// fails with an error (never silently).
func (p *PG) do(ctx context.Context, f func(*pgx.Conn) error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	err := f(p.conn)
	if err == nil || !p.conn.IsClosed() {
		return err
	}
	deadline := time.Now().Add(p.cfg.ReconnectWindow)
	for {
		conn, cerr := p.connect(ctx)
		if cerr == nil {
			p.conn = conn
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%w; reconnecting for %s failed: %w", err, p.cfg.ReconnectWindow, cerr)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w; reconnecting: %w", err, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
	if p.held != nil {
		var ok bool
		if lerr := p.conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, *p.held).Scan(&ok); lerr != nil {
			return fmt.Errorf("%w; taking the state lock again after reconnecting: %w", err, lerr)
		}
		if !ok {
			holder := p.holder(ctx, *p.held)
			p.held = nil
			return fmt.Errorf("%w; the state lock went with the connection and %s took it since", err, holder.Who)
		}
	}
	return f(p.conn)
}

// holder describes the session holding advisory lock key in this
// database (advisory locks are per database), from pg_locks:
// Terraform records no lock information in the database, so the session
// (its pid, user, application name, client) is what names the holder.
func (p *PG) holder(ctx context.Context, key int64) LockInfo {
	info := LockInfo{Who: "another PostgreSQL session"}
	var pid int
	var user, app, client string
	var since time.Time
	err := p.conn.QueryRow(ctx, `SELECT a.pid, coalesce(a.usename, ''), coalesce(a.application_name, ''),
			coalesce(host(a.client_addr), 'the local socket'), a.backend_start
		FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
			AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
			AND l.classid::bigint = $1 AND l.objid::bigint = $2`,
		int64(uint32(uint64(key)>>32)), int64(uint32(uint64(key)))).Scan(&pid, &user, &app, &client, &since)
	if err != nil {
		return info
	}
	info.Who = fmt.Sprintf("PostgreSQL session pid %d (user %s, application %q, from %s)", pid, user, app, client)
	info.Created = since.UTC()
	return info
}

// Workspaces lists default and the other rows' names, as Terraform does.
func (p *PG) Workspaces(ctx context.Context) ([]string, error) {
	names := []string{DefaultWorkspace}
	err := p.do(ctx, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, `SELECT name FROM `+p.table+` WHERE name != 'default' ORDER BY name`)
		if err != nil {
			return err
		}
		more, err := pgx.CollectRows(rows, pgx.RowTo[string])
		names = append(names, more...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("backend pg: list workspaces: %w", err)
	}
	return names, nil
}

// Store is a workspace's row. A missing row is created holding the
// workspace creation lock (-1) with an empty state, as Terraform's
// StateMgr does, so that Workspaces lists it.
func (p *PG) Store(ctx context.Context, workspace string) (Store, error) {
	s := &pgStore{pg: p, name: workspace}
	b, err := s.Get(ctx)
	if err != nil || b != nil {
		return s, err
	}
	lock, err := AcquireStore(ctx, s, "init", "", 0)
	if err != nil {
		return nil, fmt.Errorf("backend pg: create workspace %s: %w", workspace, err)
	}
	defer func() { _ = lock.Release() }()
	if b, err := s.Get(ctx); err != nil || b != nil {
		return s, err
	}
	if err := WriteTo(ctx, s, New()); err != nil {
		return nil, fmt.Errorf("backend pg: create workspace %s: %w", workspace, err)
	}
	return s, nil
}

// DeleteWorkspace deletes the workspace's row.
func (p *PG) DeleteWorkspace(ctx context.Context, workspace string) error {
	if workspace == DefaultWorkspace || workspace == "" {
		return errors.New("cannot delete the default workspace")
	}
	return p.do(ctx, func(c *pgx.Conn) error {
		_, err := c.Exec(ctx, `DELETE FROM `+p.table+` WHERE name = $1`, workspace)
		return err
	})
}

// Close ends the session, releasing any lock it still holds.
func (p *PG) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	_ = p.conn.Close(context.Background())
}

type pgStore struct {
	pg   *PG
	name string
}

func (s *pgStore) String() string {
	return fmt.Sprintf("workspace %q in %s.%s", s.name, s.pg.cfg.SchemaName, pgTable)
}

func (s *pgStore) Get(ctx context.Context) ([]byte, error) {
	var data *string
	err := s.pg.do(ctx, func(c *pgx.Conn) error {
		err := c.QueryRow(ctx, `SELECT data FROM `+s.pg.table+` WHERE name = $1`, s.name).Scan(&data)
		if errors.Is(err, pgx.ErrNoRows) {
			data = nil
			return nil
		}
		return err
	})
	if err != nil || data == nil {
		return nil, err
	}
	return []byte(*data), nil
}

func (s *pgStore) Put(ctx context.Context, b, _ []byte) error {
	return s.pg.do(ctx, func(c *pgx.Conn) error {
		_, err := c.Exec(ctx, `INSERT INTO `+s.pg.table+` (name, data) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET data = $2 WHERE `+pgTable+`.name = $1`, s.name, string(b))
		return err
	})
}

// TryLock takes Terraform's locks: the row id's advisory lock (with -1
// taken and dropped in the same statement, so as not to touch a
// workspace being created), or -1 alone while the row does not exist.
func (s *pgStore) TryLock(ctx context.Context, info LockInfo) (func() error, error) {
	var key int64
	var busy *int64 // the key someone else holds
	err := s.pg.do(ctx, func(c *pgx.Conn) error {
		busy = nil
		var id int64
		var gotRow, gotCreate bool
		err := c.QueryRow(ctx, `SELECT `+pgTable+`.id, pg_try_advisory_lock(`+pgTable+`.id), pg_try_advisory_lock(-1) FROM `+
			s.pg.table+` WHERE `+pgTable+`.name = $1`, s.name).Scan(&id, &gotRow, &gotCreate)
		unlock := func(k int64) error { _, err := c.Exec(ctx, `SELECT pg_advisory_unlock($1)`, k); return err }
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			if err := c.QueryRow(ctx, `SELECT pg_try_advisory_lock(-1)`).Scan(&gotCreate); err != nil {
				return err
			}
			if !gotCreate {
				busy = &[]int64{pgCreateLockKey}[0]
				return nil
			}
			key = pgCreateLockKey
		case err != nil:
			return err
		case !gotRow:
			busy = &id
			if gotCreate {
				return unlock(pgCreateLockKey)
			}
		case !gotCreate:
			busy = &[]int64{pgCreateLockKey}[0]
			return unlock(id)
		default:
			key = id
			if err := unlock(pgCreateLockKey); err != nil {
				return err
			}
		}
		if busy == nil {
			// Name this session for whoever waits on it.
			_, err = c.Exec(ctx, `SELECT set_config('application_name', $1, false)`, truncate("spice "+strings.TrimPrefix(info.Operation, "OperationType")+" "+info.Who, 63))
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("lock state %s: %w", s, err)
	}
	if busy != nil {
		return nil, &ErrLocked{Path: s.String(), Info: s.pg.holder(ctx, *busy)}
	}
	s.pg.mu.Lock()
	s.pg.held = &key
	s.pg.mu.Unlock()
	return func() error {
		s.pg.mu.Lock()
		s.pg.held = nil
		s.pg.mu.Unlock()
		return s.pg.do(ctx, func(c *pgx.Conn) error {
			_, err := c.Exec(ctx, `SELECT pg_advisory_unlock($1), set_config('application_name', 'spice', false)`, key)
			return err
		})
	}, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
