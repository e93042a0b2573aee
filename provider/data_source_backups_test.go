package provider_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// Three runs of a policy: the data source lists the newest two, newest
// first, as the agent on the host lists them; a policy the host does not
// have is an error naming it.
func TestAccBackupsDataSource_container(t *testing.T) {
	h := startContainers(t, 1)[0]
	t.Setenv("SPICE_AGENT_BINARY", filepath.Join(testsupport.BuildBinary(t), "terraform-provider-spice"))
	h.Exec(t, "mkdir", "-p", "/srv/app")
	h.Exec(t, "sh", "-c", "echo 'port: 8000' > /srv/app/app.yml")
	policy := sshProvider(h.Address, h.Port, h.PrivateKeyFile, h.KnownHostsFile, "") + `
resource "spice_backup_policy" "hourly" {
  name        = "hourly"
  schedule    = "hourly"
  destination = "/var/backups/spice/hourly"
  source {
    name     = "app"
    base_dir = "/srv/app"
    paths    = ["app.yml"]
  }
}
`
	var newest, second string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: policy},
			{
				PreConfig: func() {
					for range 3 {
						h.Exec(t, "spice", "backup", "run", "-policy", "hourly")
					}
					ids := strings.Fields(h.Exec(t, "sh", "-c", "ls /var/backups/spice/hourly | sort -r"))
					if len(ids) != 3 {
						t.Fatalf("backups after three runs: %v", ids)
					}
					newest, second = ids[0], ids[1]
				},
				Config: policy + `
data "spice_backups" "hourly" {
  policy = spice_backup_policy.hourly.name
  limit  = 2
}
`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.spice_backups.hourly", "backups.#", "2"),
					resource.TestCheckResourceAttrPtr("data.spice_backups.hourly", "backups.0.id", &newest),
					resource.TestCheckResourceAttrPtr("data.spice_backups.hourly", "backups.1.id", &second),
					resource.TestCheckResourceAttr("data.spice_backups.hourly", "backups.0.complete", "true"),
					resource.TestMatchResourceAttr("data.spice_backups.hourly", "backups.0.time", regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)),
					resource.TestMatchResourceAttr("data.spice_backups.hourly", "backups.0.bytes", regexp.MustCompile(`^[1-9]\d*$`)),
				),
			},
			{
				Config: policy + `
data "spice_backups" "none" {
  policy = "no-such-policy"
}
`,
				ExpectError: regexp.MustCompile(`Cannot list the backups of no-such-policy`),
			},
		},
	})
}
