package terminusdbfake_test

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/terminusdbfake"
)

// The fake is checked by TerminusDB's own JavaScript client: every call
// must succeed, or fail, as it does against a real server, and read back
// what the fake holds. A mismatch is a bug in the fake.
func TestFakeAgainstOfficialJSClient(t *testing.T) {
	modules := filepath.Join(testsupport.RepoDir(t), ".cache", "terminusdb-js", "node_modules")
	_, err := os.Stat(filepath.Join(modules, "@terminusdb", "terminusdb-client", "package.json"))
	testsupport.Require(t, err == nil, "TerminusDB's JavaScript client in %s (run scripts/install-test-deps.sh)", modules)
	node, err := exec.LookPath("node")
	testsupport.Require(t, err == nil, "node (run scripts/install-test-deps.sh)")

	fake, url := terminusdbfake.Start(t, "js-secret")
	cmd := exec.Command(node, filepath.Join("testdata", "jsclient.js"), url+"/", "js-secret")
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	out, err := cmd.Output()
	var stderr []byte
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		stderr = ee.Stderr
	}
	require.NoError(t, err, "the JS client failed against the fake: %s", stderr)

	var got struct {
		Info        map[string]any   `json:"info"`
		Create      map[string]any   `json:"create"`
		CreateAgain map[string]any   `json:"createAgain"`
		Exists      bool             `json:"exists"`
		Added       []string         `json:"added"`
		AddedAgain  map[string]any   `json:"addedAgain"`
		Replaced    []string         `json:"replaced"`
		Schema      []map[string]any `json:"schema"`
		Person      map[string]any   `json:"person"`
		Deleted     map[string]any   `json:"deleted"`
		ExistsAfter bool             `json:"existsAfter"`
		DeleteAgain map[string]any   `json:"deleteAgain"`
		Wrong       map[string]any   `json:"wrongPassword"`
	}
	require.NoError(t, json.Unmarshal(out, &got), "%s", out)
	assert.Equal(t, "api:success", got.Info["api:status"])
	assert.Equal(t, "api:success", got.Create["api:status"])
	assert.Equal(t, map[string]any{"status": 400.0, "type": "api:DatabaseAlreadyExists"}, got.CreateAgain)
	assert.True(t, got.Exists)
	assert.Equal(t, []string{"Person"}, got.Added)
	assert.Equal(t, map[string]any{"status": 400.0, "type": "api:DocumentIdAlreadyExists"}, got.AddedAgain)
	assert.Equal(t, []string{"Person", "Role"}, got.Replaced)
	assert.Equal(t, []map[string]any{
		{"@type": "@context", "@base": "terminusdb:///data/", "@schema": "terminusdb:///schema#"},
		{"@type": "Class", "@id": "Person", "name": "xsd:string", "age": "xsd:integer"},
		{"@type": "Enum", "@id": "Role", "@value": []any{"admin", "user"}},
	}, got.Schema)
	assert.Equal(t, map[string]any{"@type": "Class", "@id": "Person", "name": "xsd:string", "age": "xsd:integer"}, got.Person)
	assert.Equal(t, "api:success", got.Deleted["api:status"])
	assert.False(t, got.ExistsAfter)
	assert.Equal(t, map[string]any{"status": 404.0, "type": "api:UnknownDatabase"}, got.DeleteAgain)
	assert.Equal(t, map[string]any{"status": 401.0, "type": "api:IncorrectAuthenticationError"}, got.Wrong)
	assert.False(t, fake.Exists("admin", "jsdb"))
}
