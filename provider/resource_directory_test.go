package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

func directoryConfig(t *testing.T, root, mode string, forceDestroy bool) string {
	return providerBlock(t, root) + fmt.Sprintf(`
resource "spice_directory" "backups" {
  path          = "/opt/app/data/backups"
  mode          = %q
  force_destroy = %t
}
`, mode, forceDestroy)
}

func TestAccDirectory_lifecycle(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	backups := filepath.Join(root, "/opt/app/data/backups")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		CheckDestroy:             testsupport.CheckAbsent(root, "/opt/app/data/backups"),
		Steps: []resource.TestStep{
			{
				// Three-digit modes are the same mode: no diff after apply.
				Config: directoryConfig(t, root, "700", false),
				Check: resource.ComposeAggregateTestCheckFunc(
					testsupport.CheckFile(root, "/opt/app/data/backups", "0700", nil),
					testsupport.CheckFile(root, "/opt/app/data", "0755", nil),
					resource.TestCheckResourceAttr("spice_directory.backups", "mode", "700"),
				),
			},
			{
				PreConfig: func() {
					if err := os.Chmod(backups, 0o777); err != nil {
						t.Fatal(err)
					}
				},
				Config: directoryConfig(t, root, "700", false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_directory.backups", plancheck.ResourceActionUpdate),
				}},
				Check: testsupport.CheckFile(root, "/opt/app/data/backups", "0700", nil),
			},
			{
				Config: directoryConfig(t, root, "2750", false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_directory.backups", plancheck.ResourceActionUpdate),
				}},
				Check: testsupport.CheckFile(root, "/opt/app/data/backups", "2750", nil),
			},
			{
				ResourceName:      "spice_directory.backups",
				ImportState:       true,
				ImportStateId:     "/opt/app/data/backups",
				ImportStateVerify: true,
			},
			{
				// A directory holding data it did not create is not deleted.
				PreConfig: func() {
					if err := os.WriteFile(filepath.Join(backups, "20261129T020000Z.tar.gz"), []byte("backup"), 0o600); err != nil {
						t.Fatal(err)
					}
				},
				Config:      providerBlock(t, root),
				ExpectError: testsupport.ErrorMatching(`still holds 1 entry (first: "20261129T020000Z.tar.gz"); nothing was deleted`),
				Check:       testsupport.CheckFile(root, "/opt/app/data/backups/20261129T020000Z.tar.gz", "0600", ptr("backup")),
			},
			{
				Config: directoryConfig(t, root, "2750", false),
				Check:  testsupport.CheckFile(root, "/opt/app/data/backups/20261129T020000Z.tar.gz", "0600", ptr("backup")),
			},
			{
				// force_destroy takes the contents along on the final destroy.
				Config: directoryConfig(t, root, "2750", true),
			},
		},
	})
}

func TestAccDirectory_notADirectory(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "/opt/app/data"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "/opt/app/data/backups"), []byte("a file"), 0o644); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		Steps: []resource.TestStep{{
			Config:      directoryConfig(t, root, "0700", false),
			ExpectError: testsupport.ErrorMatching("exists and is not a directory"),
		}},
	})
}
