package state

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteReadAtomicWithBackup(t *testing.T) {
	path := filepath.Join(t.TempDir(), DefaultPath)
	f, err := Read(path)
	require.NoError(t, err)
	assert.Empty(t, f.Lineage, "no state yet: lineage comes with the first write")

	f.Resources = append(f.Resources, Resource{Mode: "managed", Type: "spice_file", Name: "x", Provider: "p",
		Instances: []Instance{{Attributes: json.RawMessage(`{"path":"/a"}`), SensitiveAttributes: json.RawMessage(`[]`)}}})
	require.NoError(t, Write(path, f))
	lineage := f.Lineage
	assert.NotEmpty(t, lineage)
	require.NoError(t, Write(path, f))

	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	back, err := Read(path + ".backup")
	require.NoError(t, err)
	assert.Equal(t, uint64(1), back.Serial, "the backup is the previous snapshot")

	got, err := Read(path)
	require.NoError(t, err)
	assert.Equal(t, uint64(2), got.Serial)
	assert.Equal(t, lineage, got.Lineage)
	assert.Equal(t, []string{"spice_file.x"}, got.Addresses())
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		assert.NotContains(t, e.Name(), ".tmp-", "temporary state file left behind")
	}
}

func TestReadRefusesOtherVersions(t *testing.T) {
	path := filepath.Join(t.TempDir(), DefaultPath)
	require.NoError(t, os.WriteFile(path, []byte(`{"version": 3}`), 0o600))
	_, err := Read(path)
	assert.ErrorContains(t, err, "format version 3")
	require.NoError(t, os.WriteFile(path, []byte(`{"version": 4,`), 0o600))
	_, err = Read(path)
	assert.Error(t, err)
}

func TestLockExcludesAndTimesOut(t *testing.T) {
	path := filepath.Join(t.TempDir(), DefaultPath)
	first, err := Acquire(context.Background(), path, "OperationTypeApply", "test", 0)
	require.NoError(t, err)
	start := time.Now()
	_, err = Acquire(context.Background(), path, "OperationTypePlan", "test", 500*time.Millisecond)
	var locked *ErrLocked
	require.ErrorAs(t, err, &locked)
	assert.GreaterOrEqual(t, time.Since(start), 400*time.Millisecond, "-lock-timeout retries")
	assert.Equal(t, "OperationTypeApply", locked.Info.Operation, "the error names the holder's operation")
	assert.Contains(t, err.Error(), "pid")

	go func() {
		time.Sleep(300 * time.Millisecond)
		_ = first.Release()
	}()
	second, err := Acquire(context.Background(), path, "OperationTypePlan", "test", 5*time.Second)
	require.NoError(t, err, "a lock released while waiting is taken")
	require.NoError(t, second.Release())
}

func TestRemoveAddress(t *testing.T) {
	f := New()
	f.Resources = []Resource{
		{Mode: "managed", Type: "spice_file", Name: "x", Instances: []Instance{{IndexKey: float64(0)}, {IndexKey: float64(1)}}},
		{Module: "module.app", Mode: "managed", Type: "spice_file", Name: "y", Instances: []Instance{{}}},
	}
	assert.Equal(t, []string{"module.app.spice_file.y", "spice_file.x[0]", "spice_file.x[1]"}, f.Addresses())
	assert.True(t, f.RemoveAddress("spice_file.x[1]"))
	assert.True(t, f.RemoveAddress("module.app.spice_file.y"))
	assert.False(t, f.RemoveAddress("spice_file.nope"))
	assert.Equal(t, []string{"spice_file.x[0]"}, f.Addresses())
}

// A tainted instance, as Terraform 1.11 writes it (terraform taint), reads
// as tainted and is written back with its status; an untainted one gets
// no status field at all, as in Terraform's state.
func TestTaintedStatusRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), DefaultPath)
	require.NoError(t, os.WriteFile(path, []byte(`{
  "version": 4,
  "terraform_version": "1.11.4",
  "serial": 4,
  "lineage": "546c7773-3204-46b6-9bd5-0fd60a939828",
  "outputs": {},
  "resources": [
    {
      "mode": "managed",
      "type": "terraform_data",
      "name": "a",
      "provider": "provider[\"terraform.io/builtin/terraform\"]",
      "instances": [
        {
          "status": "tainted",
          "schema_version": 0,
          "attributes": {"id": "c4c00f0a-0e46-e4ea-05d0-5a6457169c74"},
          "sensitive_attributes": []
        }
      ]
    },
    {
      "mode": "managed",
      "type": "terraform_data",
      "name": "b",
      "provider": "provider[\"terraform.io/builtin/terraform\"]",
      "instances": [
        {
          "schema_version": 0,
          "attributes": {"id": "b6f3d9e0-18d8-056b-1b2a-40fec602941d"},
          "sensitive_attributes": []
        }
      ]
    }
  ],
  "check_results": null
}
`), 0o600))
	f, err := Read(path)
	require.NoError(t, err)
	require.Len(t, f.Resources, 2)
	assert.True(t, f.Resources[0].Instances[0].Tainted())
	assert.False(t, f.Resources[1].Instances[0].Tainted())

	require.NoError(t, Write(path, f))
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var written struct {
		Resources []struct {
			Instances []map[string]json.RawMessage `json:"instances"`
		} `json:"resources"`
	}
	require.NoError(t, json.Unmarshal(raw, &written))
	assert.JSONEq(t, `"tainted"`, string(written.Resources[0].Instances[0]["status"]))
	assert.NotContains(t, written.Resources[1].Instances[0], "status")
	assert.Contains(t, string(raw), "\"status\": \"tainted\",\n          \"schema_version\": 0,", "status comes first, as Terraform writes it")
}
