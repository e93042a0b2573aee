package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

const allResources = `
terraform {
  required_providers {
    spice = { source = "spice-harvester/spice" }
  }
}

provider "spice" {
  root = %q
}

resource "spice_directory" "app" {
  path = "/opt/spice-harvester"
  mode = "0750"
}

resource "spice_directory" "config" {
  path = "${spice_directory.app.path}/config"
  mode = "0750"
}

resource "spice_secret" "secret_key" {}

resource "spice_file" "config" {
  path    = "${spice_directory.config.path}/oms.yml"
  mode    = "0640"
  content = yamlencode({ server = { host = "0.0.0.0", port = 8000, workers = 4 } })
}

resource "spice_env_file" "env" {
  path = "${spice_directory.app.path}/.env"
  variables = {
    APP_NAME      = "spice-harvester"
    ALLOWED_HOSTS = "api.example.com,localhost"
    TRICKY        = "it's a \"quoted\" $VALUE # with = and \\ inside"
  }
  sensitive_variables = {
    SECRET_KEY = spice_secret.secret_key.result
  }
}
`

// TestTerraformWithDevOverrides is the foundation's acceptance path: the
// built binary, Terraform with dev_overrides, all four resources.
func TestTerraformWithDevOverrides(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	root, work := t.TempDir(), t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(fmt.Sprintf(allResources, root)), 0o644))
	tf := testsupport.NewTerraform(t, work, bin)
	onHost := func(p string) string { return filepath.Join(root, p) }

	tf.MustRun(2, "plan", "-detailed-exitcode")
	tf.MustRun(0, "apply", "-auto-approve")
	tf.MustRun(0, "plan", "-detailed-exitcode")

	for p, mode := range map[string]os.FileMode{
		"/opt/spice-harvester":                0o750,
		"/opt/spice-harvester/config/oms.yml": 0o640,
		"/opt/spice-harvester/.env":           0o600,
	} {
		info, err := os.Stat(onHost(p))
		require.NoError(t, err)
		assert.Equal(t, mode, info.Mode().Perm(), p)
	}

	env := testsupport.PythonDotenv(t, onHost("/opt/spice-harvester/.env"))
	assert.Equal(t, "spice-harvester", env["APP_NAME"])
	assert.Equal(t, "api.example.com,localhost", env["ALLOWED_HOSTS"])
	assert.Equal(t, `it's a "quoted" $VALUE # with = and \ inside`, env["TRICKY"])
	secret := env["SECRET_KEY"]
	assert.Regexp(t, regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`), secret, "secrets.token_urlsafe(32) form")

	// Out-of-band edit: an in-place update, which apply repairs.
	require.NoError(t, os.WriteFile(onHost("/opt/spice-harvester/config/oms.yml"), []byte("edited: true\n"), 0o640))
	out := tf.MustRun(2, "plan", "-detailed-exitcode")
	assert.Contains(t, out, "spice_file.config will be updated in-place")
	assert.Contains(t, out, "Plan: 0 to add, 1 to change, 0 to destroy.")
	tf.MustRun(0, "apply", "-auto-approve")

	// Import an existing file: the next plan is clean.
	tf.MustRun(0, "state", "rm", "spice_file.config")
	tf.MustRun(0, "import", "spice_file.config", "/opt/spice-harvester/config/oms.yml")
	tf.MustRun(0, "plan", "-detailed-exitcode")

	// Import an env file: values land in sensitive_variables, so the
	// secret stays hidden; the next apply sorts them without a rewrite.
	envPath := onHost("/opt/spice-harvester/.env")
	before := inode(t, envPath)
	tf.MustRun(0, "state", "rm", "spice_env_file.env")
	tf.MustRun(0, "import", "spice_env_file.env", "/opt/spice-harvester/.env")
	out = tf.MustRun(2, "plan", "-detailed-exitcode")
	assert.Contains(t, out, "spice_env_file.env will be updated in-place")
	tf.MustRun(0, "apply", "-auto-approve")
	tf.MustRun(0, "plan", "-detailed-exitcode")
	assert.Equal(t, before, inode(t, envPath), "moving values between the maps rewrote the file")

	tf.MustRun(0, "show")
	tf.MustRun(0, "state", "show", "spice_env_file.env")
	tf.MustRun(0, "state", "show", "spice_secret.secret_key")

	// A directory holding data spice did not create survives destroy.
	stray := onHost("/opt/spice-harvester/data-from-elsewhere")
	require.NoError(t, os.WriteFile(stray, []byte("keep"), 0o600))
	out, code := tf.Run("destroy", "-auto-approve")
	assert.NotEqual(t, 0, code)
	assert.Regexp(t, `still\s+holds\s+1\s+entry`, out)
	assert.Regexp(t, `nothing\s+was\s+deleted`, out)
	b, err := os.ReadFile(stray)
	require.NoError(t, err, "destroy deleted data it did not create")
	assert.Equal(t, "keep", string(b))

	require.NoError(t, os.Remove(stray))
	tf.MustRun(0, "destroy", "-auto-approve")
	_, err = os.Stat(onHost("/opt/spice-harvester"))
	assert.True(t, os.IsNotExist(err), "destroy removes what apply created")
	assert.NoFileExists(t, onHost("/opt/spice-harvester/.env"))

	// Last: the secret never appeared in anything Terraform printed.
	if where, found := testsupport.Contains(secret, tf.Printed); found {
		t.Errorf("the secret appeared in the output of %s", where)
	}
	assert.GreaterOrEqual(t, len(tf.Printed), 12, "every command's output was scanned")
}

// TestQuickstart plans and applies examples/quickstart the way make
// quickstart does, below a temporary root.
func TestQuickstart(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	root, work := t.TempDir(), t.TempDir()
	testsupport.CopyExample(t, filepath.Join(testsupport.RepoDir(t), "examples/quickstart"), work)
	tf := testsupport.NewTerraform(t, work, bin)
	rootVar := "-var=root=" + root

	tf.MustRun(2, "plan", "-detailed-exitcode", rootVar)
	tf.MustRun(0, "apply", "-auto-approve", rootVar)
	tf.MustRun(0, "plan", "-detailed-exitcode", rootVar)

	app := filepath.Join(root, "opt/spice-harvester")
	for dir, mode := range map[string]os.FileMode{"logs": 0o755, "data/backups": 0o700, "data/uploads": 0o755} {
		info, err := os.Stat(filepath.Join(app, dir))
		require.NoError(t, err)
		assert.Equal(t, mode, info.Mode().Perm(), dir)
	}
	env := testsupport.PythonDotenv(t, filepath.Join(app, ".env"))
	for _, name := range []string{"APP_NAME", "APP_ENV", "DEBUG", "LOG_LEVEL", "SECRET_KEY", "ALLOWED_HOSTS", "CORS_ORIGINS",
		"TERMINUS_SERVER_URL", "TERMINUS_USER", "TERMINUS_ACCOUNT", "TERMINUS_KEY",
		"OMS_BASE_URL", "BFF_BASE_URL", "FUNNEL_BASE_URL", "WORKER_PROCESSES", "WORKER_CONNECTIONS", "REQUEST_TIMEOUT"} {
		assert.NotEmpty(t, env[name], "the manual's common variable %s", name)
	}
	oms, err := os.ReadFile(filepath.Join(app, "config/oms.yml"))
	require.NoError(t, err)
	assert.Contains(t, string(oms), `"port": 8000`)
	for _, key := range []string{"SECRET_KEY", "TERMINUS_KEY"} {
		if where, found := testsupport.Contains(env[key], tf.Printed); found {
			t.Errorf("%s appeared in the output of %s", key, where)
		}
	}
	assert.False(t, strings.Contains(string(oms), env["SECRET_KEY"]))
}

func inode(t *testing.T, p string) uint64 {
	t.Helper()
	info, err := os.Stat(p)
	require.NoError(t, err)
	st, ok := info.Sys().(*syscall.Stat_t)
	require.True(t, ok, "no inode for %s", p)
	return st.Ino
}
