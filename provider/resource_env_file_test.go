package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/stretchr/testify/assert"

	"github.com/spice-harvester/terraform-provider-spice/provider"
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
	provider := providerBlock(t, t.TempDir())
	cases := map[string]resource.TestStep{}
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
		cases[name] = resource.TestStep{
			Config: provider + `
resource "spice_env_file" "app" {
  path                = "/opt/app/.env"
  variables           = ` + tc.vars + `
  sensitive_variables = ` + tc.secrets + `
}
`,
			PlanOnly:    true,
			ExpectError: testsupport.ErrorMatching(tc.want),
		}
	}
	refusalCases(t, cases)
}

func TestAccEnvFile_generatedSecretsValidation(t *testing.T) {
	t.Parallel()
	sameOnEveryTransport(t)
	root := t.TempDir()
	cases := map[string]resource.TestStep{}
	for name, tc := range map[string]struct{ vars, gen, want string }{
		"length not a number": {`{}`, `{ K = { length = "long" } }`, `generated_secrets["K"]: length must be a whole number`},
		"too short":           {`{}`, `{ K = { length = 8 } }`, `length 8 is out of range: use 16 to 4096`},
		"unknown charset":     {`{}`, `{ K = { charset = "base64" } }`, `charset "base64" is not one of alphanumeric, hex, urlsafe`},
		"unknown setting":     {`{}`, `{ K = { special = true } }`, `unknown setting "special"`},
		"bad name":            {`{}`, `{ "1K" = {} }`, `generated_secrets: "1K" is not a valid variable name`},
		"declared twice":      {`{ K = "x" }`, `{ K = {} }`, `"K" is in both variables and generated_secrets`},
	} {
		// Validation never reaches the host: local, in the local phase.
		cases[name] = resource.TestStep{
			Config: testsupport.ProviderBlock(root) + `
resource "spice_env_file" "app" {
  path              = "/opt/app/.env"
  variables         = ` + tc.vars + `
  generated_secrets = ` + tc.gen + `
}
`,
			PlanOnly:    true,
			ExpectError: testsupport.ErrorMatching(tc.want),
		}
	}
	refusalCases(t, cases)
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

// generatedConfig declares two generated secrets beside a plain variable
// whose value the test changes.
const generatedConfig = `
terraform {
  required_providers {
    spice = { source = "spice-harvester/spice" }
  }
}
resource "spice_env_file" "app" {
  path      = "/opt/app/.env"
  variables = { WORKERS = "%s" }
  generated_secrets = {
    SECRET_KEY = { length = 50 }
    API_TOKEN  = { length = 20, charset = "hex" }
  }
}
output "hashes" {
  value = spice_env_file.app.generated_secret_hashes
}
`

// Generated secrets are made on the host, kept across applies that change
// other variables, made anew after an edit or a deletion on the host,
// adopted by import, and never show in the state, a plan, an output or
// Terraform's trace log: with either front end, on a local host or (SSH
// phase) through the agent over SSH.
func TestEnvFile_generatedSecretsStayOnTheHost(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	if os.Getenv("SPICE_TEST_TRANSPORT") == "ssh" {
		// The agent that makes and reads the values on the host.
		t.Setenv(provider.AgentBinaryEnv, filepath.Join(bin, "terraform-provider-spice"))
	}
	frontEnds := []string{"terraform", "spice"}
	if os.Getenv("SPICE_TEST_TRANSPORT") == "ssh" {
		// Both front ends run the same provider code, which the local
		// phase shows; over SSH, Terraform's trace log (the plugin
		// protocol) is the witness that no value came back.
		frontEnds = []string{"terraform"}
	}
	for _, frontEnd := range frontEnds {
		t.Run(frontEnd, func(t *testing.T) {
			root, work := t.TempDir(), t.TempDir()
			trace := filepath.Join(work, "trace.log")
			t.Setenv("TF_LOG", "trace")
			t.Setenv("TF_LOG_PATH", trace)
			providerCfg := providerBlock(t, root)
			configure := func(workers string) {
				t.Helper()
				cfg := providerCfg + fmt.Sprintf(generatedConfig, workers)
				if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(cfg), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			cli := testsupport.NewTerraform(t, work, bin)
			if frontEnd == "spice" {
				cli = testsupport.NewSpice(t, work, bin)
			}
			envPath := filepath.Join(root, "/opt/app/.env")
			var seen []string // every generated or hand-written value the host held
			read := func() map[string]string {
				t.Helper()
				vars := testsupport.PythonDotenv(t, envPath)
				if !regexp.MustCompile(`^[A-Za-z0-9]{50}$`).MatchString(vars["SECRET_KEY"]) {
					t.Errorf("SECRET_KEY has %d characters, not 50 alphanumeric ones", len(vars["SECRET_KEY"]))
				}
				if !regexp.MustCompile(`^[0-9a-f]{20}$`).MatchString(vars["API_TOKEN"]) {
					t.Errorf("API_TOKEN has %d characters, not 20 hex digits", len(vars["API_TOKEN"]))
				}
				seen = append(seen, vars["SECRET_KEY"], vars["API_TOKEN"])
				return vars
			}
			edit := func(from, to string) {
				t.Helper()
				b, err := os.ReadFile(envPath)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(envPath, []byte(strings.Replace(string(b), from, to, 1)), 0o600); err != nil {
					t.Fatal(err)
				}
			}

			configure("2")
			cli.MustRun(0, "apply", "-auto-approve")
			first := read()
			if err := testsupport.CheckFile(root, "/opt/app/.env", "0600", nil)(nil); err != nil {
				t.Error(err)
			}
			cli.MustRun(0, "plan", "-detailed-exitcode")

			// Changing another variable keeps both values.
			configure("3")
			cli.MustRun(0, "apply", "-auto-approve")
			second := read()
			assert.Equal(t, "3", second["WORKERS"])
			assert.True(t, second["SECRET_KEY"] == first["SECRET_KEY"] && second["API_TOKEN"] == first["API_TOKEN"], "an apply changing WORKERS changed a generated value")

			// A value edited on the host is drift: the plan makes a new one.
			handWritten := "edited-by-hand-" + strings.Repeat("h", 35)
			seen = append(seen, handWritten)
			edit(`SECRET_KEY="`+second["SECRET_KEY"]+`"`, `SECRET_KEY="`+handWritten+`"`)
			out := cli.MustRun(2, "plan", "-detailed-exitcode")
			assert.Contains(t, out, "generated_secret_hashes")
			cli.MustRun(0, "apply", "-auto-approve")
			third := read()
			assert.True(t, third["SECRET_KEY"] != handWritten && third["SECRET_KEY"] != second["SECRET_KEY"], "the edited SECRET_KEY was not generated anew")
			assert.True(t, third["API_TOKEN"] == second["API_TOKEN"], "API_TOKEN changed with SECRET_KEY")

			// A deleted line is generated again.
			edit(`API_TOKEN="`+third["API_TOKEN"]+`"`+"\n", "")
			cli.MustRun(2, "plan", "-detailed-exitcode")
			cli.MustRun(0, "apply", "-auto-approve")
			fourth := read()
			assert.True(t, fourth["API_TOKEN"] != third["API_TOKEN"], "the deleted API_TOKEN came back with its old value")
			assert.True(t, fourth["SECRET_KEY"] == third["SECRET_KEY"], "SECRET_KEY changed with API_TOKEN")
			cli.MustRun(0, "plan", "-detailed-exitcode")

			// Import adopts the values on the host, reading only their hashes.
			cli.MustRun(0, "state", "rm", "spice_env_file.app")
			cli.MustRun(0, "import", "spice_env_file.app", "/opt/app/.env#SECRET_KEY,API_TOKEN")
			cli.MustRun(0, "apply", "-auto-approve")
			fifth := read()
			assert.True(t, fifth["SECRET_KEY"] == fourth["SECRET_KEY"] && fifth["API_TOKEN"] == fourth["API_TOKEN"], "import did not adopt the values on the host")
			cli.MustRun(0, "plan", "-detailed-exitcode")
			cli.MustRun(0, "show", "-json")

			places := map[string]string{}
			for cmd, printed := range cli.Printed {
				places["output of "+cmd] = printed
			}
			for _, f := range []string{"terraform.tfstate", "terraform.tfstate.backup", "trace.log"} {
				if b, err := os.ReadFile(filepath.Join(work, f)); err == nil {
					places[f] = string(b)
				}
			}
			if _, ok := places["terraform.tfstate"]; !ok {
				t.Fatal("no state file to search")
			}
			for where, text := range places {
				for _, secret := range seen {
					if strings.Contains(text, secret) {
						t.Errorf("%s holds a value of the env file", where)
					}
				}
			}
			cli.MustRun(0, "destroy", "-auto-approve")
		})
	}
}
