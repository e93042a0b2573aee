package provider_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

const accountsConfig = `
resource "spice_group" "docker" {
  name   = "spicetest-docker"
  system = true
}
resource "spice_user" "app" {
  name   = "spiceapp"
  system = true
  home   = "/opt/spiceapp"
  shell  = "/usr/sbin/nologin"
  groups = [spice_group.docker.name]
}
resource "spice_group_membership" "www" {
  user  = "www-data"
  group = spice_group.docker.name
}
`

// checkAccounts reads the container's account database with its own
// tools: the user and its groups, the membership, the home.
func checkAccounts(t *testing.T, h *testhosts.Host) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := strings.Fields(h.Exec(t, "id", "-nG", "spiceapp")); strings.Join(got, " ") != "spiceapp spicetest-docker" {
			return fmt.Errorf("groups of spiceapp: %v", got)
		}
		entry := strings.Split(strings.TrimSpace(h.Exec(t, "getent", "group", "spicetest-docker")), ":")
		members := strings.Split(entry[len(entry)-1], ",")
		slices.Sort(members)
		if !slices.Equal(members, []string{"spiceapp", "www-data"}) {
			return fmt.Errorf("members of spicetest-docker: %v", members)
		}
		if got := strings.TrimSpace(h.Exec(t, "stat", "-c", "%U %F", "/opt/spiceapp")); got != "spiceapp directory" {
			return fmt.Errorf("home /opt/spiceapp: %s", got)
		}
		return nil
	}
}

// A system group and user with useradd/groupadd, the user in the group
// and a membership of an existing user: out-of-band gpasswd -d of both is
// drift and repaired; import of each; destroy keeps the home.
func TestAccUserGroup_container(t *testing.T) {
	t.Parallel()
	h := sharedContainer(t)
	cfg := sshProvider(h.Address, h.Port, h.PrivateKeyFile, h.KnownHostsFile, "") + accountsConfig
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		CheckDestroy: func(*terraform.State) error {
			for _, db := range []string{"passwd spiceapp", "group spicetest-docker"} {
				if err := h.Command(append([]string{"getent"}, strings.Fields(db)...)...).Run(); err == nil {
					return fmt.Errorf("%s left after destroy", db)
				}
			}
			if err := h.Command("test", "-d", "/opt/spiceapp").Run(); err != nil {
				return fmt.Errorf("destroy removed the home /opt/spiceapp: %w", err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: resource.ComposeAggregateTestCheckFunc(
					checkAccounts(t, h),
					resource.TestCheckResourceAttr("spice_user.app", "home", "/opt/spiceapp"),
					resource.TestCheckResourceAttrPair("spice_user.app", "groups.0", "spice_group.docker", "name"),
					resource.TestCheckResourceAttr("spice_group_membership.www", "id", "www-data:spicetest-docker"),
				),
			},
			{
				PreConfig: func() {
					h.Exec(t, "gpasswd", "-d", "spiceapp", "spicetest-docker")
					h.Exec(t, "gpasswd", "-d", "www-data", "spicetest-docker")
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_user.app", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("spice_group_membership.www", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("spice_group.docker", plancheck.ResourceActionNoop),
				}},
				Check: checkAccounts(t, h),
			},
			{ResourceName: "spice_user.app", ImportState: true, ImportStateId: "spiceapp", ImportStateVerify: true},
			{ResourceName: "spice_group.docker", ImportState: true, ImportStateId: "spicetest-docker", ImportStateVerify: true},
			{ResourceName: "spice_group_membership.www", ImportState: true, ImportStateId: "www-data:spicetest-docker", ImportStateVerify: true},
		},
	})
}
