package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/sysprep"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

func checkoutConfig(provider, ref string) string {
	return provider + fmt.Sprintf(`
resource "spice_git_checkout" "app" {
  repository = "/srv/git/app.git"
  ref        = %q
  path       = "/opt/app/current"
  depth      = 1
  owner      = "nobody:nogroup"
}
resource "spice_service" "app" {
  name             = "spice-test-app"
  exec_start       = "/usr/bin/python3 -m http.server 8010 --bind 127.0.0.1"
  working_directory = spice_git_checkout.app.path
  restart_triggers = { code = spice_git_checkout.app.commit }
}
`, ref)
}

// checkCheckout reads the checkout in the container: the link, the
// version file, the commit, the owner.
func checkCheckout(t *testing.T, h *testhosts.Host, version, commit string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if got := strings.TrimSpace(h.Exec(t, "readlink", "/opt/app/current")); got != "current.releases/"+commit {
			return fmt.Errorf("/opt/app/current -> %s, want current.releases/%s", got, commit)
		}
		if got := strings.TrimSpace(h.Exec(t, "cat", "/opt/app/current/VERSION")); got != version {
			return fmt.Errorf("VERSION %q, want %q", got, version)
		}
		if got := strings.TrimSpace(h.Exec(t, "stat", "-c", "%U", "/opt/app/current/VERSION")); got != "nobody" {
			return fmt.Errorf("VERSION owned by %s", got)
		}
		if got := h.Exec(t, "ls", "/opt/app/current.releases"); strings.TrimSpace(got) != commit {
			return fmt.Errorf("worktrees left: %s", got)
		}
		return resource.TestCheckResourceAttr("spice_git_checkout.app", "commit", commit)(s)
	}
}

// A checkout of a bare repository in a container: a tag, then a commit
// (known at plan time, restarting the service whose trigger it is), a
// local edit as drift, a branch moved by a push as drift, import by path,
// destroy.
func TestAccGitCheckout_container(t *testing.T) {
	t.Parallel()
	h := sharedContainer(t)
	v1, v2 := sysprep.GitRepo(t, h, "/srv/git/app.git")
	provider := sshProvider(h.Address, h.Port, h.PrivateKeyFile, h.KnownHostsFile, "")
	var pid int
	var v3 string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		CheckDestroy: func(*terraform.State) error {
			if out := h.Exec(t, "sh", "-c", "ls -d /opt/app/current* 2>/dev/null || true"); out != "" {
				return fmt.Errorf("left after destroy: %s", out)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: checkoutConfig(provider, "v1"),
				Check:  checkCheckout(t, h, "v1", v1),
			},
			{
				PreConfig: func() { pid = mainPID(t, h, "spice-test-app") },
				Config:    checkoutConfig(provider, v2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue("spice_git_checkout.app", tfjsonpath.New("commit"), knownvalue.StringExact(v2)),
					plancheck.ExpectResourceAction("spice_service.app", plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkCheckout(t, h, "v2", v2),
					func(*terraform.State) error {
						if now := mainPID(t, h, "spice-test-app"); now == pid || now == 0 {
							return fmt.Errorf("service not restarted by the new commit: MainPID %d, before %d", now, pid)
						}
						return nil
					},
				),
			},
			{
				PreConfig: func() { h.Exec(t, "sh", "-c", "echo edited > /opt/app/current/VERSION") },
				Config:    checkoutConfig(provider, v2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_git_checkout.app", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("spice_service.app", plancheck.ResourceActionNoop),
				}},
				Check: checkCheckout(t, h, "v2", v2),
			},
			{
				// The branch moved in the repository (a push): drift, planned
				// with the new commit known.
				PreConfig: func() { v3 = sysprep.GitCommit(t, h, "/srv/git/app.git", "v3") },
				Config:    checkoutConfig(provider, "main"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue("spice_git_checkout.app", tfjsonpath.New("commit"), knownvalue.StringFunc(func(c string) error {
						if c != v3 {
							return fmt.Errorf("planned commit %s, want the moved branch's %s", c, v3)
						}
						return nil
					})),
					plancheck.ExpectResourceAction("spice_service.app", plancheck.ResourceActionUpdate),
				}},
				Check: func(s *terraform.State) error { return checkCheckout(t, h, "v3", v3)(s) },
			},
			{
				ResourceName: "spice_git_checkout.app", ImportState: true, ImportStateId: "/opt/app/current",
				ImportStateVerify: true,
			},
		},
	})
}
