package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// hostileValues are values that break naive dotenv writers.
var hostileValues = map[string]string{
	"SPACES":       "  spice harvester  ",
	"DOUBLE_QUOTE": `say "hi"`,
	"SINGLE_QUOTE": "it's",
	"DOLLAR":       "$HOME and $(id) and `id`",
	"HASH":         "a # not a comment",
	"EQUALS":       "a=b=c",
	"BACKSLASH":    `C:\new\table \\ \" \$`,
	"TAB":          "a\tb",
	"EMPTY":        "",
	"UNICODE":      "Grüße ✓",
	"URL":          "postgres://u:p@h:5432/db?sslmode=require#frag",
}

const envConfig = `
resource "spice_env_file" "app" {
  path                = "/opt/app/.env"
  variables           = var.vars
  sensitive_variables = { SECRET_KEY = "do-not-print-me" }
}
variable "vars" {
  type = map(string)
}
`

func TestAccEnvFile_readBackByPythonDotenv(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	envPath := filepath.Join(root, "/opt/app/.env")
	want := map[string]string{"SECRET_KEY": "do-not-print-me"}
	for k, v := range hostileValues {
		want[k] = v
	}
	vars := map[string]any{}
	for k, v := range hostileValues {
		vars[k] = v
	}
	checkReadBack := func(*terraform.State) error {
		got := testsupport.PythonDotenv(t, envPath)
		for k, v := range want {
			if got[k] != v {
				t.Errorf("python-dotenv read %s = %q, want %q", k, got[k], v)
			}
		}
		if len(got) != len(want) {
			t.Errorf("python-dotenv read %d variables, want %d", len(got), len(want))
		}
		return nil
	}
	cfg := providerBlock(t, root) + envConfig
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		CheckDestroy:             testsupport.CheckAbsent(root, "/opt/app/.env"),
		Steps: []resource.TestStep{
			{
				Config:          cfg,
				ConfigVariables: testsupport.StringMapVariable(vars),
				Check: resource.ComposeAggregateTestCheckFunc(
					testsupport.CheckFile(root, "/opt/app/.env", "0600", nil),
					checkReadBack,
				),
			},
			{
				// A changed declaration updates the file in place.
				Config:          cfg,
				ConfigVariables: testsupport.StringMapVariable(withVar(vars, "WORKER_PROCESSES", "8")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_env_file.app", plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					if got := testsupport.PythonDotenv(t, envPath)["WORKER_PROCESSES"]; got != "8" {
						return fmt.Errorf("WORKER_PROCESSES = %q after update", got)
					}
					return nil
				},
			},
			{
				// An edited value and an added line are drift.
				PreConfig: func() {
					b, err := os.ReadFile(envPath)
					if err != nil {
						t.Fatal(err)
					}
					edited := strings.Replace(string(b), `EQUALS="a=b=c"`, `EQUALS="changed"`, 1) + "EXTRA=1\n"
					if err := os.WriteFile(envPath, []byte(edited), 0o600); err != nil {
						t.Fatal(err)
					}
				},
				Config:          cfg,
				ConfigVariables: testsupport.StringMapVariable(vars),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_env_file.app", plancheck.ResourceActionUpdate),
				}},
				Check: checkReadBack,
			},
			{
				// Import lands every value in sensitive_variables; the
				// merged content is what was declared.
				Config:                               cfg,
				ConfigVariables:                      testsupport.StringMapVariable(vars),
				ResourceName:                         "spice_env_file.app",
				ImportState:                          true,
				ImportStateId:                        "/opt/app/.env",
				ImportStateVerify:                    true,
				ImportStateVerifyIgnore:              []string{"variables", "sensitive_variables"},
				ImportStateVerifyIdentifierAttribute: "id",
				ImportStateCheck:                     testsupport.CheckImportedMap("sensitive_variables", want),
			},
		},
	})
}

func withVar(vars map[string]any, k, v string) map[string]any {
	out := map[string]any{k: v}
	for key, val := range vars {
		out[key] = val
	}
	return out
}

func TestAccEnvFile_validation(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for name, tc := range map[string]struct {
		vars, secrets string
		want          string
	}{
		"newline in value":    {`{ A = "one\ntwo" }`, `{}`, `variables["A"]: value contains a line break`},
		"carriage return":     {`{ A = "one\rtwo" }`, `{}`, `line break`},
		"control character":   {`{ A = "bell\u0007" }`, `{}`, `control character`},
		"interpolation":       {`{ A = "$${HOME}" }`, `{}`, `python-dotenv would expand`},
		"bad name":            {`{ "1ABC" = "x" }`, `{}`, `not a valid variable name`},
		"name with dash":      {`{ "A-B" = "x" }`, `{}`, `not a valid variable name`},
		"trailing backslash":  {`{ A = "C:\\" }`, `{}`, `ends with a backslash`},
		"declared twice":      {`{ A = "x" }`, `{ A = "y" }`, `in both variables and sensitive_variables`},
		"secret with newline": {`{}`, `{ S = "never\nshown" }`, `sensitive_variables["S"]: value contains a line break`},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := providerBlock(t, root) + `
resource "spice_env_file" "app" {
  path                = "/opt/app/.env"
  variables           = ` + tc.vars + `
  sensitive_variables = ` + tc.secrets + `
}
`
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testsupport.ProviderFactories(),
				Steps: []resource.TestStep{{
					Config:      cfg,
					PlanOnly:    true,
					ExpectError: testsupport.ErrorMatching(tc.want),
				}},
			})
		})
	}
}

func TestEnvFile_secretNeverInDiagnostics(t *testing.T) {
	const secret = "hunter2-secret"
	diags := testsupport.ValidateResource(t, "spice_env_file", map[string]tftypes.Value{
		"path": tftypes.NewValue(tftypes.String, "/opt/app/.env"),
		"sensitive_variables": tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{
			"S": tftypes.NewValue(tftypes.String, secret+"\nsecond line"),
		}),
	})
	if len(diags) == 0 {
		t.Fatal("a value with a line break was accepted")
	}
	for _, d := range diags {
		if strings.Contains(d.Summary+d.Detail, secret) {
			t.Errorf("diagnostic reveals the secret: %s: %s", d.Summary, d.Detail)
		}
	}
}
