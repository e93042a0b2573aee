package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

func secretConfig(t *testing.T, root, rotation string) string {
	return providerBlock(t, root) + fmt.Sprintf(`
resource "spice_secret" "url" {}

resource "spice_secret" "hex" {
  length   = 24
  encoding = "hex"
  keepers  = { rotation = %q }
}

resource "spice_secret" "b64" {
  length   = 16
  encoding = "base64"
}
`, rotation)
}

func TestAccSecret_lifecycle(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	var firstHex string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: secretConfig(t, root, "q1"),
				Check: resource.ComposeAggregateTestCheckFunc(
					// secrets.token_urlsafe(32): 43 base64url characters.
					resource.TestMatchResourceAttr("spice_secret.url", "result", regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)),
					resource.TestCheckResourceAttr("spice_secret.url", "length", "32"),
					resource.TestCheckResourceAttr("spice_secret.url", "encoding", "urlsafe"),
					resource.TestMatchResourceAttr("spice_secret.hex", "result", regexp.MustCompile(`^[0-9a-f]{48}$`)),
					resource.TestMatchResourceAttr("spice_secret.b64", "result", regexp.MustCompile(`^[A-Za-z0-9+/]{22}==$`)),
					func(s *terraform.State) error {
						firstHex = s.RootModule().Resources["spice_secret.hex"].Primary.Attributes["result"]
						return nil
					},
				),
			},
			{
				// A new keeper rotates that secret and leaves the others.
				Config: secretConfig(t, root, "q2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_secret.hex", plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction("spice_secret.url", plancheck.ResourceActionNoop),
				}},
				Check: func(s *terraform.State) error {
					if got := s.RootModule().Resources["spice_secret.hex"].Primary.Attributes["result"]; got == firstHex {
						return fmt.Errorf("rotation kept the old value")
					}
					return nil
				},
			},
			{
				ResourceName: "spice_secret.hex",
				ImportState:  true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return s.RootModule().Resources["spice_secret.hex"].Primary.Attributes["result"], nil
				},
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"keepers"},
				// Every secret's id is "none"; the value tells them apart.
				ImportStateVerifyIdentifierAttribute: "result",
			},
		},
	})
}

// The manual generated SECRET_KEY into .env by hand; importing PATH#NAME
// adopts that value without putting it on a command line.
func TestAccSecret_importFromEnvFile(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	const existing = "mHzSGM9tAGxN0CBecHTlZcjzKYBV44NLlSXxllex9yA" // secrets.token_urlsafe(32)
	if err := os.MkdirAll(filepath.Join(root, "opt/app"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := "APP_NAME=spice-harvester\nSECRET_KEY=" + existing + "\n"
	if err := os.WriteFile(filepath.Join(root, "opt/app/.env"), []byte(env), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := providerBlock(t, root) + `
import {
  to = spice_secret.key
  id = "/opt/app/.env#SECRET_KEY"
}
resource "spice_secret" "key" {}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_secret.key", plancheck.ResourceActionNoop),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("spice_secret.key", "result", existing),
					resource.TestCheckResourceAttr("spice_secret.key", "length", "32"),
				),
			},
		},
	})
}

func TestAccSecret_importErrors(t *testing.T) {
	t.Parallel()
	provider := providerBlock(t, t.TempDir())
	cases := map[string]resource.TestStep{}
	for name, tc := range map[string]struct{ id, want string }{
		"missing env file":   {"/opt/app/.env#SECRET_KEY", "read /opt/app/.env on"},
		"not an encoding":    {"short!", "is not 16 to 1024 bytes"},
		"too short a secret": {"abcd", "(4 characters) is not 16 to 1024 bytes"},
	} {
		cases[name] = resource.TestStep{
			Config:        provider + `resource "spice_secret" "key" {}`,
			ResourceName:  "spice_secret.key",
			ImportState:   true,
			ImportStateId: tc.id,
			ExpectError:   testsupport.ErrorMatching(tc.want),
		}
	}
	refusalCases(t, cases)
}
