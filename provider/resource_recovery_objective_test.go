package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// writeBelow puts a file below an image root, as a host would hold it.
func writeBelow(t *testing.T, root, path, content string) {
	t.Helper()
	full := filepath.Join(root, path)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

const objectiveConfig = `
resource "spice_recovery_objective" "db" {
  scenario        = "database-corruption"
  rto             = "30m"
  rpo             = "1h"
  priority        = "high"
  backup_policies = ["daily"]
  enforcement     = %q
}

resource "spice_recovery_objective" "crash" {
  scenario = "service-crash"
  rto      = "5m"
  rpo      = "0s"
  services = ["spice-harvester-bff"]
}
`

// The manual's daily policy cannot meet a 1h RPO: the plan says so, and
// fails with enforcement = "error". Facts come from the host's files (an
// image here: its policies and service timings, no running agent).
func TestAccRecoveryObjective_judgedFromHostFiles(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeBelow(t, root, "/etc/spice/backup/daily.json", `{"name": "daily", "schedule": "*-*-* 02:00:00", "destination": "/var/backups/daily", "sources": []}`)
	provider := providerBlock(t, root)
	db, crash := "spice_recovery_objective.db", "spice_recovery_objective.crash"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		CheckDestroy:             testsupport.CheckAbsent(root, "/etc/spice/objectives/database-corruption.json"),
		Steps: []resource.TestStep{
			{
				Config: provider + fmt.Sprintf(objectiveConfig, "error"),
				ExpectError: regexp.MustCompile(`(?s)Recovery objective database-corruption breached.*` +
					testsupport.ErrorMatching(`policy daily: schedule "*-*-* 02:00:00" leaves gaps of 24h0m0s; rpo is 1h0m0s`).String()),
			},
			{
				Config: provider + fmt.Sprintf(objectiveConfig, "warn"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(db, "status", "breached"),
					resource.TestCheckResourceAttr(db, "achievable_rpo", "24h0m0s"),
					resource.TestCheckNoResourceAttr(db, "observed_rpo"),
					resource.TestCheckResourceAttr(db, "findings.#", "3"),
					resource.TestCheckResourceAttr(crash, "status", "unknown"),
					resource.TestMatchResourceAttr(crash, "findings.0", regexp.MustCompile(`service spice-harvester-bff has no measured restart-to-healthy time`)),
					testsupport.CheckFile(root, "/etc/spice/objectives/service-crash.json", "0644", nil),
				),
			},
			{
				// Measurements arrive: the refresh judges again, without a
				// planned change.
				PreConfig: func() {
					writeBelow(t, root, "/var/lib/spice/services/spice-harvester-bff.json", `{"service": "spice-harvester-bff", "restart_to_healthy_seconds": 2.5}`)
				},
				Config: provider + fmt.Sprintf(objectiveConfig, "warn"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(crash, "status", "met"),
					resource.TestCheckResourceAttr(crash, "achievable_rto", "3s"),
					resource.TestCheckResourceAttr(crash, "findings.#", "0"),
				),
			},
			{
				Config:           provider + fmt.Sprintf(objectiveConfig, "warn"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:      crash,
				ImportState:       true,
				ImportStateId:     "service-crash",
				ImportStateVerify: true,
			},
		},
	})
}

func TestAccRecoveryObjective_validation(t *testing.T) {
	t.Parallel()
	provider := providerBlock(t, t.TempDir())
	cases := map[string]resource.TestStep{}
	for _, tc := range []struct{ body, want string }{
		{`scenario = "Database corruption"` + "\n  rto = \"30m\"\n  rpo = \"1h\"", "lowercase letters"},
		{`scenario = "db"` + "\n  rto = \"0s\"\n  rpo = \"1h\"", "must be greater than zero"},
		{`scenario = "db"` + "\n  rto = \"30m\"\n  rpo = \"-1h\"", "must not be negative"},
		{`scenario = "db"` + "\n  rto = \"30m\"\n  rpo = \"1h\"\n  enforcement = \"fail\"", `value must be one of`},
	} {
		cases[tc.body] = resource.TestStep{
			Config:      provider + "resource \"spice_recovery_objective\" \"x\" {\n  " + tc.body + "\n}\n",
			ExpectError: testsupport.ErrorMatching(tc.want),
		}
	}
	refusalCases(t, cases)
}

// An empty list in the configuration stays an empty list in state, and an
// omitted one null: the manual's table writes `services = []` for
// scenarios without services, and the plan after apply must be empty.
func TestAccRecoveryObjective_emptyListsConverge(t *testing.T) {
	t.Parallel()
	provider := providerBlock(t, t.TempDir())
	// One objective with empty lists, one with a list and two omitted: one
	// apply, then the framework plans again and fails on any diff.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: provider + `
resource "spice_recovery_objective" "empty" {
  scenario        = "service-crash"
  rto             = "5m"
  rpo             = "0s"
  backup_policies = []
  services        = []
  verify_command  = []
}

resource "spice_recovery_objective" "omitted" {
  scenario = "service-crash-bff"
  rto      = "5m"
  rpo      = "0s"
  services = ["spice-harvester-bff"]
}
`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("spice_recovery_objective.empty", "scenario", "service-crash"),
				resource.TestCheckResourceAttr("spice_recovery_objective.omitted", "scenario", "service-crash-bff"),
			),
		}},
	})
}
