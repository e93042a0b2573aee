package engine

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/state"
)

// Terraform's precedence: -backend-config over the block, the PG_*
// variables only for what neither sets; bad values name the attribute.
func TestPGConfigPrecedence(t *testing.T) {
	file := filepath.Join(t.TempDir(), "backend.hcl")
	require.NoError(t, os.WriteFile(file, []byte("schema_name = \"from_file\"\nskip_index_creation = true\n"), 0o600))
	block := &config.PGBackend{Attrs: map[string]cty.Value{"conn_str": cty.StringVal("host=/block"), "schema_name": cty.StringVal("from_block")}}
	for name, tc := range map[string]struct {
		args []string
		env  map[string]string
		want state.PGConfig
		err  string
	}{
		"block":            {want: state.PGConfig{ConnStr: "host=/block", SchemaName: "from_block"}},
		"flag over block":  {args: []string{"conn_str=host=/flag"}, want: state.PGConfig{ConnStr: "host=/flag", SchemaName: "from_block"}},
		"file over block":  {args: []string{file}, want: state.PGConfig{ConnStr: "host=/block", SchemaName: "from_file", SkipIndexCreation: true}},
		"env fills unset":  {env: map[string]string{"PG_CONN_STR": "host=/env", "PG_SKIP_TABLE_CREATION": "true"}, want: state.PGConfig{ConnStr: "host=/block", SchemaName: "from_block", SkipTableCreation: true}},
		"unknown key":      {args: []string{"password=x"}, err: `no attribute "password"`},
		"bad bool":         {args: []string{"skip_schema_creation=maybe"}, err: "skip_schema_creation must be true or false"},
		"bad env bool":     {env: map[string]string{"PG_SKIP_INDEX_CREATION": "yes please"}, err: "PG_SKIP_INDEX_CREATION"},
		"empty schema set": {args: []string{"schema_name="}, want: state.PGConfig{ConnStr: "host=/block", SchemaName: state.DefaultPGSchema}},
	} {
		t.Run(name, func(t *testing.T) {
			for k := range pgEnv {
				t.Setenv(pgEnv[k], "")
				_ = os.Unsetenv(pgEnv[k])
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			m := &meta{backendConfig: tc.args}
			got, err := m.pgConfig(block)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

// Local workspaces: terraform.tfstate.d/NAME/terraform.tfstate, selected
// in .terraform/environment, terraform.workspace in expressions.
func TestLocalWorkspaces(t *testing.T) {
	root := motdConfig(t, `"workspace ${terraform.workspace}"`)
	mustRun(t, "apply", "-auto-approve")
	assert.Equal(t, "workspace default", readHostFile(t, root, "etc/motd"))
	mustRun(t, "workspace", "new", "blue")
	assert.Equal(t, "blue", readFile(t, ".terraform/environment"))
	mustRun(t, "apply", "-auto-approve")
	assert.Equal(t, "workspace blue", readHostFile(t, root, "etc/motd"))
	st, err := state.Read("terraform.tfstate.d/blue/terraform.tfstate")
	require.NoError(t, err)
	assert.Equal(t, []string{"spice_directory.etc", "spice_file.motd"}, st.Addresses())
	assert.Equal(t, "  default\n* blue\n", mustRun(t, "workspace", "list"))

	code, _, errOut := spiceRun(t, "workspace", "delete", "blue")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "is the selected one")
	mustRun(t, "workspace", "select", "default")
	code, _, errOut = spiceRun(t, "workspace", "new", "no/slash")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "valid URL path segment")
	mustRun(t, "workspace", "delete", "-force", "blue")
	assert.NoDirExists(t, "terraform.tfstate.d/blue")

	t.Setenv("TF_WORKSPACE", "gone")
	code, _, errOut = spiceRun(t, "plan")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, `the selected workspace "gone" does not exist`)
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return string(b)
}
