package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/backup"
	"github.com/spice-harvester/terraform-provider-spice/recovery"
	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// bundleLike writes what `terminusdb bundle DB -o FILE` writes: the
// repository head's layer id (40 hex digits), then the layer pack, a gzip
// stream.
const bundleLike = `printf %s 0123456789abcdef0123456789abcdef01234567; printf layers | gzip -c`

// The spice-harvester example's restore drill checks the TerminusDB bundle
// it restored with the example's own script: a bundle passes; an empty
// one, one truncated after its layer id, and one that the bundle
// command's own messages got into (what the example's first command,
// bundle -o /dev/stdout, saved) each fail the drill.
func TestTerminusDBBundleDrill(t *testing.T) {
	check := filepath.Join(testsupport.RepoDir(t), "examples/spice-harvester/check-terminusdb-bundle.sh")
	for _, tc := range []struct {
		name, command, wantErr string
	}{
		{"a bundle", bundleLike, ""},
		{"empty", `true`, "is missing or empty"},
		{"truncated", `printf %s 0123456789abcdef0123456789abcdef01234567`, "has no layer pack (gzip) after its layer id"},
		{"messages on stdout", `echo "Writing to '/dev/stdout'"; ` + bundleLike + `; echo "Bundle successful"`, "does not start with a layer id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := &backup.Policy{Name: "daily", Schedule: "daily", Destination: filepath.Join(dir, "backups"),
				Sources: []backup.Source{{Name: "terminusdb", Command: []string{"sh", "-c", tc.command}}}}
			b, err := json.Marshal(p)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "daily.json"), b, 0o644))
			t.Setenv("SPICE_BACKUP_POLICY_DIR", dir)
			_, err = backup.Run(context.Background(), p, backup.Options{})
			require.NoError(t, err)

			o := &recovery.Installed{Scenario: "database-corruption", BackupPolicies: []string{"daily"},
				VerifyCommand: []string{"sh", check, "daily/terminusdb.out"}}
			j, err := recovery.Drill(context.Background(), o, recovery.DrillOptions{ScratchBase: dir, JournalDir: filepath.Join(dir, "drills")})
			if tc.wantErr == "" {
				require.NoError(t, err)
				assert.True(t, j.Success)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)
			assert.False(t, j.Success)
		})
	}
}
