package e2e

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// The manual's table against the manual's daily policy, on a fresh host:
// both front ends plan the database and system objectives as breached,
// saying why, and fail the plan with enforcement = "error".
func TestRecoveryExamplePlansTheManualsTable(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	h := testhosts.Start(t, 1)[0]
	work := t.TempDir()
	testsupport.CopyExample(t, filepath.Join(testsupport.RepoDir(t), "examples/spice-harvester"), work)
	vars := []string{"-var", "host=" + h.Address, "-var", fmt.Sprintf("port=%d", h.Port), "-var", "ssh_user=root",
		"-var", "private_key_file=" + h.PrivateKeyFile, "-var", "known_hosts_file=" + h.KnownHostsFile,
		"-var", "terminusdb_admin_password=" + manualTerminusDBPassword, "-var", "requirements_enforce=warn"}
	gap := testsupport.ErrorMatching(`policy daily: schedule "*-*-* 02:00:00" leaves gaps of 24h0m0s; rpo is 1h0m0s`)
	for _, front := range []*testsupport.Runner{testsupport.NewSpice(t, work, bin), testsupport.NewTerraform(t, work, bin)} {
		out := front.MustRun(2, append([]string{"plan", "-detailed-exitcode"}, vars...)...)
		for _, breached := range []string{"database-corruption", "complete-system-failure", "data-center-failure"} {
			assert.Regexp(t, `Warning: Recovery objective `+breached+` breached`, out)
		}
		assert.NotContains(t, testsupport.Flat(out), "Recovery objective service-crash breached")
		assert.NotContains(t, testsupport.Flat(out), "Recovery objective database-corruption-hourly breached")
		assert.Regexp(t, gap, out)

		out, _ = front.Run(append([]string{"plan", "-var", "enforcement=error"}, vars...)...)
		assert.Regexp(t, `Error: Recovery objective database-corruption breached`, out)
		assert.Regexp(t, gap, out)
		front.MustRun(1, append([]string{"plan", "-var", "enforcement=error"}, vars...)...)
	}
}
