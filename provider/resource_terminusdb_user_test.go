package provider_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/terminusdbfake"
)

func tdbUserConfig(provider, password, roles string) string {
	return provider + fmt.Sprintf(`
resource "spice_terminusdb_user" "oms" {
  name               = "oms"
  password           = %q
  organization_roles = %s
}
`, password, roles)
}

// signsIn checks that user signs in to the fake with password, as the
// service using it would.
func signsIn(url, user, password string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		req, err := http.NewRequest(http.MethodGet, url+"/api/info", nil)
		if err != nil {
			return err
		}
		req.SetBasicAuth(user, password)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s cannot sign in: status %d", user, resp.StatusCode)
		}
		return nil
	}
}

func TestAccTerminusDBUser_lifecycle(t *testing.T) {
	fake, url := terminusdbfake.Start(t, tdbPassword)
	provider := withTerminusDB(providerBlock(t, "/"), url, tdbPassword)
	addr := "spice_terminusdb_user.oms"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		CheckDestroy: func(*terraform.State) error {
			if _, ok := fake.Password("oms"); ok {
				return fmt.Errorf("user oms still exists after destroy")
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: tdbUserConfig(provider, "oms-pass-1", `{ admin = ["Consumer Role"] }`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "id", "oms"),
					resource.TestCheckResourceAttr(addr, "organization_roles.admin.#", "1"),
					signsIn(url, "oms", "oms-pass-1"),
				),
			},
			{
				Config: tdbUserConfig(provider, "oms-pass-2", `{ admin = ["Admin Role"] }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckTypeSetElemAttr(addr, "organization_roles.admin.*", "Admin Role"),
					resource.TestCheckResourceAttr(addr, "organization_roles.admin.#", "1"),
					signsIn(url, "oms", "oms-pass-2"),
				),
			},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateId:           "oms",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"password"}, // the server keeps only a hash
			},
			{
				Config:      tdbUserConfig(provider, "oms-pass-2", `{ admin = ["Reader Role"] }`),
				ExpectError: testsupport.ErrorMatching("No id associated with role name Reader Role"),
			},
		},
	})
}
