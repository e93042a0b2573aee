package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/sshd"
)

// sshProvider is a provider block reaching a host over SSH.
func sshProvider(addr string, port int, keyFile, knownHosts, root string) string {
	cfg := fmt.Sprintf("provider \"spice\" {\n  host = %q\n  port = %d\n  private_key_file = %q\n  known_hosts_file = %q\n", addr, port, keyFile, knownHosts)
	if root != "" {
		cfg += fmt.Sprintf("  root = %q\n", root)
	}
	return cfg + "}\n"
}

const sshResources = `
resource "spice_directory" "app" {
  path = "/opt/spice-harvester"
  mode = "0750"
}
resource "spice_secret" "key" {}
resource "spice_file" "config" {
  path    = "${spice_directory.app.path}/config/oms.yml"
  mode    = "0640"
  content = yamlencode({ server = { port = 8000 } })
}
resource "spice_env_file" "env" {
  path                = "${spice_directory.app.path}/.env"
  variables           = { APP_ENV = "production", TRICKY = "a 'b' \"c\" $d # e" }
  sensitive_variables = { SECRET_KEY = spice_secret.key.result }
}
`

// The foundation's resources over SSH, against a real sshd on loopback
// managing a temporary root: create, drift, import, destroy.
func TestAccSSH_resourcesOverSSH(t *testing.T) {
	t.Parallel()
	reachedOverSSH(t)
	srv := sshd.Start(t)
	root := t.TempDir()
	cfg := sshProvider(srv.Host, srv.Port, srv.PrivateKeyFile, srv.KnownHostsFile, root) + sshResources
	config := filepath.Join(root, "opt/spice-harvester/config/oms.yml")
	want := "\"server\":\n  \"port\": 8000\n"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		CheckDestroy:             testsupport.CheckAbsent(root, "/opt/spice-harvester"),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: resource.ComposeAggregateTestCheckFunc(
					testsupport.CheckFile(root, "/opt/spice-harvester", "0750", nil),
					testsupport.CheckFile(root, "/opt/spice-harvester/config/oms.yml", "0640", &want),
					testsupport.CheckFile(root, "/opt/spice-harvester/.env", "0600", nil),
					func(*terraform.State) error {
						env := testsupport.PythonDotenv(t, filepath.Join(root, "opt/spice-harvester/.env"))
						if env["TRICKY"] != `a 'b' "c" $d # e` || len(env["SECRET_KEY"]) != 43 {
							return fmt.Errorf("env file read back as %d variables, TRICKY=%q", len(env), env["TRICKY"])
						}
						return nil
					},
				),
			},
			{
				PreConfig: func() {
					if err := os.WriteFile(config, []byte("edited\n"), 0o600); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_file.config", plancheck.ResourceActionUpdate),
				}},
				Check: testsupport.CheckFile(root, "/opt/spice-harvester/config/oms.yml", "0640", &want),
			},
			{
				Config:            cfg,
				ResourceName:      "spice_file.config",
				ImportState:       true,
				ImportStateId:     "/opt/spice-harvester/config/oms.yml",
				ImportStateVerify: true,
			},
		},
	})
}

// A real systemd container: files land inside it byte for byte with their
// modes, and the second plan is empty (the test framework checks that after
// every apply).
func TestAccSSH_container(t *testing.T) {
	t.Parallel()
	h := sharedContainer(t)
	cfg := sshProvider(h.Address, h.Port, h.PrivateKeyFile, h.KnownHostsFile, "") + sshResources
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		CheckDestroy: func(*terraform.State) error {
			if out, err := h.Command("test", "-e", "/opt/spice-harvester").CombinedOutput(); err == nil {
				return fmt.Errorf("/opt/spice-harvester still exists in the container %s", out)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: cfg,
			Check: func(*terraform.State) error {
				got := h.Exec(t, "stat", "-c", "%a %n", "/opt/spice-harvester", "/opt/spice-harvester/config/oms.yml", "/opt/spice-harvester/.env")
				want := "750 /opt/spice-harvester\n640 /opt/spice-harvester/config/oms.yml\n600 /opt/spice-harvester/.env\n"
				if got != want {
					return fmt.Errorf("modes in the container:\n%s\nwant:\n%s", got, want)
				}
				if content := h.Exec(t, "cat", "/opt/spice-harvester/config/oms.yml"); content != "\"server\":\n  \"port\": 8000\n" {
					return fmt.Errorf("content in the container: %q", content)
				}
				if env := h.Exec(t, "cat", "/opt/spice-harvester/.env"); !strings.Contains(env, `TRICKY="a 'b' \"c\" $d # e"`) {
					return fmt.Errorf(".env in the container: %s", env)
				}
				return nil
			},
		}},
	})
}

func TestAccSSH_connectionErrors(t *testing.T) {
	t.Parallel()
	reachedOverSSH(t)
	srv := sshd.Start(t)
	empty := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, otherPEM := sshd.NewKey(t)
	otherKey := filepath.Join(t.TempDir(), "other_key")
	if err := os.WriteFile(otherKey, otherPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := map[string]resource.TestStep{}
	for name, tc := range map[string]struct{ provider, want string }{
		"unknown host key": {sshProvider(srv.Host, srv.Port, srv.PrivateKeyFile, empty, t.TempDir()), "is unknown: ssh-ed25519 SHA256:"},
		"wrong client key": {sshProvider(srv.Host, srv.Port, otherKey, srv.KnownHostsFile, t.TempDir()), "authenticate as root on 127.0.0.1"},
		"refused port":     {sshProvider("127.0.0.1", testsupport.ClosedPort(t), srv.PrivateKeyFile, srv.KnownHostsFile, t.TempDir()), "connection refused"},
	} {
		cases[name] = resource.TestStep{
			Config:      tc.provider + `resource "spice_secret" "x" {}`,
			PlanOnly:    true,
			ExpectError: testsupport.ErrorMatching(tc.want),
		}
	}
	refusalCases(t, cases)
}
