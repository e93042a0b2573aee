package engine

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/state"
	"github.com/spice-harvester/terraform-provider-spice/internal/atomicfile"
)

// pgEnv are Terraform's environment fallbacks of the pg backend's
// attributes; the libpq PG* variables apply below conn_str (pgx reads them).
var pgEnv = map[string]string{
	"conn_str": "PG_CONN_STR", "schema_name": "PG_SCHEMA_NAME",
	"skip_schema_creation": "PG_SKIP_SCHEMA_CREATION", "skip_table_creation": "PG_SKIP_TABLE_CREATION",
	"skip_index_creation": "PG_SKIP_INDEX_CREATION",
}

// reconnectEnv sets how long the pg backend waits for a database that
// went away mid-operation (default state.DefaultPGReconnectWindow).
const reconnectEnv = "SPICE_PG_RECONNECT_TIMEOUT"

// pgConfig merges, as Terraform does: -backend-config over the block,
// then the PG_* variables for what neither sets.
func (m *meta) pgConfig(block *config.PGBackend) (state.PGConfig, error) {
	attrs := map[string]cty.Value{}
	for k, v := range block.Attrs {
		attrs[k] = v
	}
	for _, arg := range m.backendConfig {
		if err := backendConfigArg(arg, attrs); err != nil {
			return state.PGConfig{}, err
		}
	}
	for name, env := range pgEnv {
		if _, set := attrs[name]; set {
			continue
		}
		if v, ok := os.LookupEnv(env); ok {
			val, err := attributeValue(name, v)
			if err != nil {
				return state.PGConfig{}, fmt.Errorf("%s: %w", env, err)
			}
			attrs[name] = val
		}
	}
	str := func(n string) string {
		if v, ok := attrs[n]; ok {
			return v.AsString()
		}
		return ""
	}
	flag := func(n string) bool { v, ok := attrs[n]; return ok && v.True() }
	cfg := state.PGConfig{ConnStr: str("conn_str"), SchemaName: str("schema_name"),
		SkipSchemaCreation: flag("skip_schema_creation"), SkipTableCreation: flag("skip_table_creation"),
		SkipIndexCreation: flag("skip_index_creation")}
	if cfg.SchemaName == "" {
		cfg.SchemaName = state.DefaultPGSchema
	}
	if err := state.ValidatePGSchemaName(cfg.SchemaName); err != nil {
		return cfg, fmt.Errorf("backend pg: %w", err)
	}
	if v := os.Getenv(reconnectEnv); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return cfg, fmt.Errorf("%s=%q: want a positive duration such as 30s", reconnectEnv, v)
		}
		cfg.ReconnectWindow = d
	}
	return cfg, nil
}

// backendConfigArg applies one -backend-config: KEY=VALUE, or a file of
// attributes as Terraform reads it.
func backendConfigArg(arg string, attrs map[string]cty.Value) error {
	if key, value, ok := strings.Cut(arg, "="); ok && hclsyntaxIdent(key) {
		v, err := attributeValue(key, value)
		if err != nil {
			return fmt.Errorf("-backend-config %s: %w", key, err)
		}
		attrs[key] = v
		return nil
	}
	f, diags := hclparse.NewParser().ParseHCLFile(arg)
	if diags.HasErrors() {
		return fmt.Errorf("-backend-config file %s: %s", arg, diags.Error())
	}
	fileAttrs, diags := f.Body.JustAttributes()
	if diags.HasErrors() {
		return fmt.Errorf("-backend-config file %s: %s", arg, diags.Error())
	}
	for name, attr := range fileAttrs {
		want, ok := config.PGBackendAttributeType(name)
		if !ok {
			return fmt.Errorf("-backend-config file %s: the pg backend has no attribute %q", arg, name)
		}
		v, d := attr.Expr.Value(nil)
		cv, err := convert.Convert(v, want)
		if d.HasErrors() || err != nil || cv.IsNull() {
			return fmt.Errorf("-backend-config file %s: %s must be a %s", arg, name, want.FriendlyName())
		}
		attrs[name] = cv
	}
	return nil
}

func hclsyntaxIdent(s string) bool {
	identRune := func(r rune) bool {
		return r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
	}
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return !identRune(r) }) < 0
}

func attributeValue(name, raw string) (cty.Value, error) {
	want, ok := config.PGBackendAttributeType(name)
	if !ok {
		return cty.NilVal, fmt.Errorf("the pg backend has no attribute %q", name)
	}
	if want == cty.Bool {
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return cty.NilVal, fmt.Errorf("%s must be true or false", name)
		}
		return cty.BoolVal(b), nil
	}
	return cty.StringVal(raw), nil
}

// openBackend is the configuration's backend: pg when the root module has
// a backend "pg" block, else the local backend at -state.
func (m *meta) openBackend(ctx context.Context, block *config.PGBackend) (state.Backend, error) {
	if block == nil {
		if len(m.backendConfig) > 0 {
			return nil, errors.New("-backend-config applies to a backend \"pg\" block; this configuration uses the local backend")
		}
		return state.LocalBackend{StatePath: m.statePath}, nil
	}
	cfg, err := m.pgConfig(block)
	if err != nil {
		return nil, err
	}
	return state.OpenPG(ctx, cfg)
}

// dataDir is Terraform's .terraform directory (TF_DATA_DIR), where the
// selected workspace is recorded: spice and Terraform share the choice.
func (m *meta) dataDir() string {
	if d := os.Getenv("TF_DATA_DIR"); d != "" {
		return d
	}
	return filepath.Join(m.dir, ".terraform")
}

// workspace is the selected workspace: TF_WORKSPACE, else the one
// "workspace select" recorded, else default.
func (m *meta) workspace() string {
	if w := os.Getenv("TF_WORKSPACE"); w != "" {
		return w
	}
	if b, err := os.ReadFile(filepath.Join(m.dataDir(), "environment")); err == nil {
		if w := strings.TrimSpace(string(b)); w != "" {
			return w
		}
	}
	return state.DefaultWorkspace
}

func (m *meta) selectWorkspace(name string) error {
	if err := os.MkdirAll(m.dataDir(), 0o755); err != nil {
		return fmt.Errorf("select workspace: %w", err)
	}
	return atomicfile.Write(filepath.Join(m.dataDir(), "environment"), []byte(name), 0o644)
}

// validWorkspaceName is Terraform's rule: the name is its own URL path
// segment.
func validWorkspaceName(name string) error {
	if name == "" || url.PathEscape(name) != name {
		return fmt.Errorf("workspace name %q is not allowed: it must be a valid URL path segment (no slashes, spaces or escapes)", name)
	}
	return nil
}

// stateAccess is the selected workspace's state in its backend, locked
// when an operation asked for the lock.
type stateAccess struct {
	backend   state.Backend
	store     state.Store
	lock      *state.Lock
	workspace string
}

func (a *stateAccess) close() {
	if a.lock != nil {
		_ = a.lock.Release()
	}
	a.backend.Close()
}

// access opens the selected workspace of the backend block configures and
// takes its lock for operation (none when operation is "" or -lock=false).
func (m *meta) access(ctx context.Context, block *config.PGBackend, operation string) (*stateAccess, error) {
	b, err := m.openBackend(ctx, block)
	if err != nil {
		return nil, err
	}
	a := &stateAccess{backend: b, workspace: m.workspace()}
	if a.workspace != state.DefaultWorkspace {
		names, err := b.Workspaces(ctx)
		if err != nil {
			b.Close()
			return nil, err
		}
		if !slices.Contains(names, a.workspace) {
			b.Close()
			return nil, fmt.Errorf("the selected workspace %q does not exist; create it with \"spice workspace new %s\" or choose one with \"spice workspace select\"", a.workspace, a.workspace)
		}
	}
	if a.store, err = b.Store(ctx, a.workspace); err != nil {
		b.Close()
		return nil, err
	}
	if m.lock && operation != "" {
		if a.lock, err = state.AcquireStore(ctx, a.store, operation, m.Version, m.lockTimeout); err != nil {
			b.Close()
			return nil, lockError{err}
		}
	}
	// An operation that takes the lock finishes what a crash interrupted
	// first: the journal folded into the state, temporary files removed.
	if operation != "" {
		did, err := state.Recover(ctx, a.store)
		if removed, rerr := atomicfile.RemoveStale(filepath.Join(m.dir, erroredStatePath)); rerr == nil && len(removed) > 0 {
			did = append(did, fmt.Sprintf("Removed %d temporary file(s) of %s left by an interrupted write.", len(removed), erroredStatePath))
		}
		for _, line := range did {
			fmt.Fprintln(m.Stderr, line)
		}
		if err != nil {
			a.close()
			return nil, err
		}
	}
	return a, nil
}

// lockError is a failure to take the state lock, headed as Terraform's.
type lockError struct{ err error }

func (e lockError) Error() string { return "Error acquiring the state lock\n\n" + e.err.Error() }
func (e lockError) Unwrap() error { return e.err }

// accessDir is access for the commands that need the backend but not a
// valid configuration (state, output, workspace).
func (m *meta) accessDir(ctx context.Context, operation string) (*stateAccess, bool) {
	block, diags := config.LoadBackend(m.dir)
	if diags.HasErrors() {
		m.diagnostics(nil, diags)
		return nil, false
	}
	a, err := m.access(ctx, block, operation)
	if err != nil {
		m.Errorf("%s", err)
		return nil, false
	}
	return a, true
}

// erroredStatePath is where an apply that could not save its state
// leaves it, as Terraform does.
const erroredStatePath = "errored.tfstate"

// saveErrored writes the state an apply could not save to errored.tfstate
// (private, atomically) and says how to push it.
func (m *meta) saveErrored(f *state.File, cause error) {
	b, err := f.Encode()
	if err == nil {
		err = atomicfile.Write(filepath.Join(m.dir, erroredStatePath), b, atomicfile.Private)
	}
	if err != nil {
		m.Errorf("Failed to save state: %s\n\nWriting %s failed too (%s): the state of this apply is lost; run \"spice apply\" again to record what exists.", cause, erroredStatePath, err)
		return
	}
	m.Errorf("Failed to save state: %s\n\nThe state of this apply is in %s in the current directory. Running \"spice apply\" now would not know what this apply did. Once the backend is reachable, run:\n  spice state push %s", cause, erroredStatePath, erroredStatePath)
}
