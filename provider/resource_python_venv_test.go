package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/sysprep"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

func venvConfig(provider, requirement string) string {
	return provider + fmt.Sprintf(`
resource "spice_python_venv" "app" {
  path         = "/opt/app/venv"
  python       = ">=3.9"
  requirements = "%s\n"
  pip_args     = ["--no-index", "--find-links", %q]
}
`, requirement, sysprep.WheelDir)
}

// checkVenv imports the package with the venv's own python, through the
// link, and counts the venvs kept.
func checkVenv(t *testing.T, h *testhosts.Host, version string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := strings.TrimSpace(h.Exec(t, "/opt/app/venv/bin/python", "-c", "import spicetestpkg; print(spicetestpkg.VERSION)")); got != version {
			return fmt.Errorf("spicetestpkg.VERSION in the venv: %q, want %q", got, version)
		}
		if got := strings.Fields(h.Exec(t, "ls", "/opt/app/venv.envs")); len(got) != 1 {
			return fmt.Errorf("venvs kept: %v, want the one in use", got)
		}
		return nil
	}
}

// A venv from an offline wheelhouse in a container: built, rebuilt and
// swapped when the requirements change, a broken requirement fails and
// leaves the old venv in use, import by path.
func TestAccPythonVenv_container(t *testing.T) {
	t.Parallel()
	h := startContainers(t, 1)[0]
	sysprep.Wheelhouse(t, h, "1.0", "2.0")
	provider := sshProvider(h.Address, h.Port, h.PrivateKeyFile, h.KnownHostsFile, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		CheckDestroy: func(*terraform.State) error {
			if out := h.Exec(t, "sh", "-c", "ls -d /opt/app/venv* 2>/dev/null || true"); out != "" {
				return fmt.Errorf("left after destroy: %s", out)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: venvConfig(provider, "spicetestpkg==1.0"),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkVenv(t, h, "1.0"),
					resource.TestCheckTypeSetElemAttr("spice_python_venv.app", "frozen.*", "spicetestpkg==1.0"),
					resource.TestMatchResourceAttr("spice_python_venv.app", "python_version", regexp.MustCompile(`^3\.`)),
				),
			},
			{
				Config: venvConfig(provider, "spicetestpkg==2.0"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_python_venv.app", plancheck.ResourceActionUpdate),
				}},
				Check: checkVenv(t, h, "2.0"),
			},
			{
				Config:      venvConfig(provider, "spicetestpkg==9.9"),
				ExpectError: regexp.MustCompile(`spicetestpkg==9\.9`),
			},
			{
				PreConfig: func() {
					// The failed build left the 2.0 venv in use, and
					// nothing else.
					if err := checkVenv(t, h, "2.0")(nil); err != nil {
						t.Fatalf("after the failed build: %s", err)
					}
				},
				ResourceName: "spice_python_venv.app", ImportState: true, ImportStateId: "/opt/app/venv",
				ImportStateVerify: true, ImportStateVerifyIgnore: []string{"python", "pip_args"},
			},
		},
	})
}
