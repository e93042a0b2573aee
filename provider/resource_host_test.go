package provider_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/spice-harvester/terraform-provider-spice/facts"
	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// Every spice_host test runs against this machine: the resource only reads
// facts, so the plain local provider is safe.
const localProvider = "provider \"spice\" {}\n"

func hostConfig(body string) string {
	return localProvider + "resource \"spice_host\" \"x\" {\n" + body + "\n}\n"
}

// phrases matches each phrase in order, anywhere in Terraform's wrapped
// output.
func phrases(ps ...string) *regexp.Regexp {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = testsupport.ErrorMatching(p).String()
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `.*`))
}

func TestAccHost_impossibleRequirementFailsThePlan(t *testing.T) {
	t.Parallel()
	sameOnEveryTransport(t)
	m := thisMachine(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		Steps: []resource.TestStep{{
			Config:   hostConfig("min_cpu_cores = 4096"),
			PlanOnly: true,
			ExpectError: phrases("Host does not meet its requirements",
				fmt.Sprintf("cpu_cores: %d < 4096 (min_cpu_cores)", m.cpuCores),
				`Set enforce = "warn" to plan anyway`),
		}},
	})
}

// The acceptance case: the manual's production/recommended table
// on this small machine fails naming cpu_cores and memory (and whatever
// else it lacks) in one diagnostic.
func TestAccHost_productionRecommendedOnThisMachine(t *testing.T) {
	t.Parallel()
	sameOnEveryTransport(t)
	m := thisMachine(t)
	if m.cpuCores >= 16 || float64(m.memoryMB) >= 64*1024*0.9 {
		t.Skipf("this machine (%d cores, %d MB) meets production/recommended for CPU or memory", m.cpuCores, m.memoryMB)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: hostConfig(`profile = "production"
tier = "recommended"`),
			PlanOnly: true,
			ExpectError: phrases("Host does not meet its requirements",
				fmt.Sprintf("cpu_cores: %d < 16 (production/recommended)", m.cpuCores),
				fmt.Sprintf("memory: %.1f GB < 64 GB (production/recommended)", float64(m.memoryMB)/1024)),
		}},
	})
}

// enforce = "warn" plans and applies; the violations are recorded; a new
// requirement is an update; import reads the facts.
func TestAccHost_warnLifecycle(t *testing.T) {
	t.Parallel()
	sameOnEveryTransport(t)
	m := thisMachine(t)
	violation := fmt.Sprintf("cpu_cores: %d < 4096 (min_cpu_cores)", m.cpuCores)
	met := fmt.Sprintf(`min_cpu_cores    = 1
min_memory_gb    = 1
min_storage_gb   = 1
min_network_mbps = 0
os               = [%q]
enforce          = "warn"`, m.osID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: hostConfig(`min_cpu_cores = 4096
enforce = "warn"`),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkFacts("spice_host.x", m),
					resource.TestCheckResourceAttr("spice_host.x", "violations.#", "1"),
					resource.TestCheckResourceAttr("spice_host.x", "violations.0", violation),
					resource.TestCheckResourceAttr("spice_host.x", "tier", "minimum"),
					resource.TestCheckResourceAttr("spice_host.x", "enforce", "warn"),
				),
			},
			{
				Config: hostConfig(met),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_host.x", plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkFacts("spice_host.x", m),
					resource.TestCheckResourceAttr("spice_host.x", "violations.#", "0"),
				),
			},
			{
				// Unchanged requirements on an unchanged host: nothing to do,
				// even though free space changed since the last refresh.
				Config: hostConfig(met),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_host.x", plancheck.ResourceActionNoop),
				}},
			},
			{
				ResourceName:      "spice_host.x",
				ImportState:       true,
				ImportStateId:     m.hostname,
				ImportStateVerify: true,
				// Requirements live in configuration only; free space moves.
				ImportStateVerifyIgnore: []string{
					"min_cpu_cores", "min_memory_gb", "min_storage_gb", "min_network_mbps", "os.#", "os.0",
					"enforce", "facts.storage_free_gb",
				},
			},
			{
				// Any import ID will do: the host is the provider's; the
				// ID becomes its hostname once the facts are read.
				ResourceName:  "spice_host.x",
				ImportState:   true,
				ImportStateId: "oms1",
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("imported %d resources, want 1", len(states))
					}
					got := states[0].Attributes
					if got["id"] != m.hostname || got["facts.cpu_cores"] != strconv.Itoa(m.cpuCores) || got["tier"] != "minimum" || got["enforce"] != "error" {
						return fmt.Errorf("imported %v", got)
					}
					return nil
				},
			},
		},
	})
}

// Requirements that are unknown at plan time (they depend on another
// resource) are checked at apply: the resource is not created.
func TestAccHost_requirementKnownOnlyAtApply(t *testing.T) {
	t.Parallel()
	sameOnEveryTransport(t)
	m := thisMachine(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: localProvider + `
resource "spice_secret" "s" {}
resource "spice_host" "x" {
  min_cpu_cores = length(spice_secret.s.result) > 0 ? 4096 : 0
}
`,
			ExpectError: phrases("Host does not meet its requirements", fmt.Sprintf("cpu_cores: %d < 4096 (min_cpu_cores)", m.cpuCores)),
		}},
	})
}

// Facts are values for expressions: the manual's gunicorn rule
// (workers = cpu_count * 2 + 1), through the resource and the data source.
func TestAccHost_factsInExpressions(t *testing.T) {
	t.Parallel()
	m := thisMachine(t)
	root := t.TempDir()
	workers := strconv.Itoa(m.cpuCores*2 + 1)
	gunicorn := "workers = " + workers + "\n"
	oms := "\"server\":\n  \"port\": 8000\n  \"workers\": " + workers + "\n"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: providerBlock(t, root) + `
data "spice_host" "this" {}

resource "spice_host" "this" {
  enforce = "warn"
}

locals {
  workers = data.spice_host.this.facts.cpu_cores * 2 + 1
}

resource "spice_file" "gunicorn" {
  path    = "/opt/spice-harvester/gunicorn_config.py"
  content = "workers = ${spice_host.this.facts.cpu_cores * 2 + 1}\n"
}

resource "spice_file" "oms" {
  path    = "/opt/spice-harvester/config/oms.yml"
  content = yamlencode({ server = { port = 8000, workers = local.workers } })
}
`,
			// The facts are known at plan time, so is the content.
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue("spice_file.gunicorn", tfjsonpath.New("content"), knownvalue.StringExact(gunicorn)),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				testsupport.CheckFile(root, "/opt/spice-harvester/gunicorn_config.py", "0644", &gunicorn),
				testsupport.CheckFile(root, "/opt/spice-harvester/config/oms.yml", "0644", &oms),
			),
		}},
	})
}

func TestAccHost_validation(t *testing.T) {
	t.Parallel()
	sameOnEveryTransport(t)
	cases := map[string]resource.TestStep{}
	for name, tc := range map[string]struct{ body, want string }{
		"unknown runtime":      {`runtimes = { ruby = ">= 3" }`, `value must be one of`},
		"bad constraint":       {`runtimes = { python = ">> 3.9" }`, `version constraint ">> 3.9"`},
		"bad os ID":            {`os = ["Ubuntu>=20.04"]`, `"Ubuntu" is not an os-release ID`},
		"os without ID":        {`os = [">=20.04"]`, `want an os-release ID`},
		"bad os version":       {`os = ["ubuntu>=twenty"]`, `version constraint`},
		"tier without profile": {`tier = "recommended"`, `Attribute "profile" must be specified when "tier" is specified`},
		"unknown profile":      {`profile = "staging"`, `value must be one of`},
		"unknown tier":         {"profile = \"production\"\ntier = \"maximum\"", `value must be one of`},
		"storage type":         {`storage_type = "hdd"`, `value must be one of`},
		"enforce":              {`enforce = "fail"`, `value must be one of`},
		"negative minimum":     {`min_cpu_cores = -1`, `must be at least 0`},
		"computed only":        {`violations = []`, `Invalid Configuration for Read-Only Attribute`},
	} {
		cases[name] = resource.TestStep{
			Config:      hostConfig(tc.body),
			PlanOnly:    true,
			ExpectError: testsupport.ErrorMatching(tc.want),
		}
	}
	refusalCases(t, cases)
}

// Both front ends show the warning, count the error once with every
// violation in it, and expose the facts in `show -json`; the spice CLI
// decodes the facts attribute from the same schema.
func TestHost_frontEnds(t *testing.T) {
	t.Parallel()
	m := thisMachine(t)
	if m.cpuCores >= 16 || float64(m.memoryMB) >= 64*1024*0.9 {
		t.Skipf("this machine (%d cores, %d MB) meets production/recommended for CPU or memory", m.cpuCores, m.memoryMB)
	}
	testsupport.TerraformBinary(t) // an acceptance test: skipped without TF_ACC
	bin := testsupport.BuildBinary(t)
	cpu := fmt.Sprintf("cpu_cores: %d < 16 (production/recommended)", m.cpuCores)
	memory := fmt.Sprintf("memory: %.1f GB < 64 GB (production/recommended)", float64(m.memoryMB)/1024)
	config := func(dir, enforce string) {
		t.Helper()
		tf := fmt.Sprintf(`terraform {
  required_providers {
    spice = { source = "spice-harvester/spice" }
  }
}
provider "spice" {
  root = %q
}
data "spice_host" "this" {}
resource "spice_host" "oms" {
  profile = "production"
  tier    = "recommended"
  enforce = %q
}
resource "spice_file" "gunicorn" {
  path    = "/opt/spice-harvester/gunicorn_config.py"
  content = "workers = ${data.spice_host.this.facts.cpu_cores * 2 + 1}\n"
}
output "cpu_cores" {
  value = spice_host.oms.facts.cpu_cores
}
`, filepath.Join(dir, "root"), enforce)
		if err := os.MkdirAll(filepath.Join(dir, "root"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(tf), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, runner := range map[string]func(dir string) *testsupport.Runner{
		"spice":     func(dir string) *testsupport.Runner { return testsupport.NewSpice(t, dir, bin) },
		"terraform": func(dir string) *testsupport.Runner { return testsupport.NewTerraform(t, dir, bin) },
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			cli := runner(dir)

			config(dir, "error")
			out, code := cli.Run("plan")
			if code != 1 {
				t.Fatalf("plan with unmet requirements: exit %d, want 1\n%s", code, out)
			}
			if n := strings.Count(out, "Error: Host does not meet its requirements"); n != 1 {
				t.Errorf("%d errors, want one listing every violation:\n%s", n, out)
			}
			if !phrases(cpu, memory).MatchString(out) {
				t.Errorf("the error does not name %q and %q:\n%s", cpu, memory, out)
			}

			config(dir, "warn")
			out = cli.MustRun(0, "apply", "-auto-approve")
			if !phrases("Warning: Host does not meet its requirements", cpu, memory, `enforce = "warn": planning anyway`).MatchString(out) {
				t.Errorf("apply does not warn naming %q and %q:\n%s", cpu, memory, out)
			}
			if b, err := os.ReadFile(filepath.Join(dir, "root/opt/spice-harvester/gunicorn_config.py")); err != nil || string(b) != fmt.Sprintf("workers = %d\n", m.cpuCores*2+1) {
				t.Errorf("gunicorn_config.py: %q, %v", b, err)
			}
			cli.MustRun(0, "plan", "-detailed-exitcode")

			var shown struct {
				Values struct {
					RootModule struct {
						Resources []struct {
							Address string         `json:"address"`
							Values  map[string]any `json:"values"`
						} `json:"resources"`
					} `json:"root_module"`
				} `json:"values"`
			}
			if err := json.Unmarshal([]byte(cli.MustRun(0, "show", "-json")), &shown); err != nil {
				t.Fatalf("show -json: %v", err)
			}
			seen := map[string]bool{}
			for _, r := range shown.Values.RootModule.Resources {
				f, _ := r.Values["facts"].(map[string]any)
				if f == nil {
					continue
				}
				seen[r.Address] = true
				if f["cpu_cores"] != float64(m.cpuCores) || f["hostname"] != m.hostname {
					t.Errorf("%s facts in show -json: %v", r.Address, f)
				}
				if r.Address == "spice_host.oms" {
					v, _ := r.Values["violations"].([]any)
					if len(v) < 2 || v[0] != cpu || v[1] != memory {
						t.Errorf("violations in show -json: %v", v)
					}
				}
			}
			if !seen["spice_host.oms"] || !seen["data.spice_host.this"] {
				t.Errorf("show -json lacks facts of spice_host.oms or data.spice_host.this: %v", seen)
			}
			cli.MustRun(0, "destroy", "-auto-approve")
		})
	}
}

// Over SSH the facts are the remote host's: a real systemd container with
// its own hostname, an overlayfs root (storage type unknown) and a veth link
// (speed unknown), gathered in one command through the SSH connection.
func TestAccHost_overSSH(t *testing.T) {
	t.Parallel()
	h := sharedContainer(t)
	hostname := strings.TrimSpace(h.Exec(t, "hostname"))
	cores, err := strconv.Atoi(strings.TrimSpace(h.Exec(t, "nproc")))
	if err != nil {
		t.Fatal(err)
	}
	if cores >= 16 {
		t.Skipf("the container has %d cores, production/recommended asks for 16", cores)
	}
	python := ""
	if out, err := h.Command("python3", "--version").Output(); err == nil {
		python = facts.NormalizeVersion(string(out))
	}
	provider := sshProvider(h.Address, h.Port, h.PrivateKeyFile, h.KnownHostsFile, "")
	checkPython := resource.TestCheckNoResourceAttr("data.spice_host.this", "facts.python_version")
	if python != "" {
		checkPython = resource.TestCheckResourceAttr("data.spice_host.this", "facts.python_version", python)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: provider + `
data "spice_host" "this" {}
resource "spice_host" "x" {
  min_cpu_cores = 4096
  enforce       = "warn"
}
`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.spice_host.this", "id", hostname),
					resource.TestCheckResourceAttr("data.spice_host.this", "facts.cpu_cores", strconv.Itoa(cores)),
					resource.TestCheckResourceAttr("data.spice_host.this", "facts.storage_type", "unknown"),
					resource.TestCheckNoResourceAttr("data.spice_host.this", "facts.network_mbps"),
					checkPython,
					resource.TestCheckResourceAttr("spice_host.x", "id", hostname),
					resource.TestCheckResourceAttr("spice_host.x", "facts.hostname", hostname),
					resource.TestCheckResourceAttr("spice_host.x", "violations.0", fmt.Sprintf("cpu_cores: %d < 4096 (min_cpu_cores)", cores)),
				),
			},
			{
				Config: provider + `
resource "spice_host" "x" {
  profile = "production"
  tier    = "recommended"
}
`,
				PlanOnly:    true,
				ExpectError: phrases("Host does not meet its requirements", fmt.Sprintf("cpu_cores: %d < 16 (production/recommended)", cores)),
			},
		},
	})
}
