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

// dpkgStatus is "VERSION WANT" of a package in the container, "" when it
// is not installed.
func dpkgStatus(h *testhosts.Host, name string) string {
	out, err := h.Command("dpkg-query", "-W", "-f", "${Version} ${db:Status-Want} ${db:Status-Status}", name).Output()
	if err != nil || !strings.HasSuffix(string(out), " installed") {
		return ""
	}
	return strings.TrimSuffix(string(out), " installed")
}

// checkPackages compares the container's package database with want
// (name: "VERSION WANT", "" for not installed) and checks that exactly one
// apt-get install transaction ran since the last check: every apply of
// this test changes several packages.
func checkPackages(t *testing.T, h *testhosts.Host, want map[string]string) resource.TestCheckFunc {
	const transactions = 1
	return func(*terraform.State) error {
		for name, w := range want {
			if got := dpkgStatus(h, name); got != w {
				return fmt.Errorf("package %s: %q, want %q", name, got, w)
			}
		}
		var installs []string
		for _, call := range sysprep.AptGetCalls(t, h) {
			if strings.Contains(" "+call+" ", " install ") {
				installs = append(installs, call)
			}
		}
		if len(installs) != transactions {
			return fmt.Errorf("%d apt-get install calls, want %d:\n%s", len(installs), transactions, strings.Join(installs, "\n"))
		}
		return nil
	}
}

func packageConfig(provider string, packages ...string) string {
	cfg := provider
	for _, p := range packages {
		cfg += p + "\n"
	}
	return cfg
}

// Packages from a local apt repository in a container: two install in
// one transaction, one upgrades and is held, a package no repository has
// fails naming it while the removal planned beside it happens, holds
// released and packages installed out of band are repaired, import by
// name, and destroy removes what spice installed.
func TestAccPackage_container(t *testing.T) {
	t.Parallel()
	h := startContainers(t, 1)[0]
	sysprep.LocalAptRepo(t, h, sysprep.Deb{Name: "spice-test-tool", Version: "1.0"},
		sysprep.Deb{Name: "spice-test-tool", Version: "2.0"}, sysprep.Deb{Name: "spice-test-lib", Version: "1.5"})
	provider := sshProvider(h.Address, h.Port, h.PrivateKeyFile, h.KnownHostsFile, "")
	tool := func(version, extra string) string {
		return fmt.Sprintf("resource \"spice_package\" \"tool\" {\n  name = \"spice-test-tool\"\n  version = %q\n  update_cache_max_age = \"1h\"\n%s}", version, extra)
	}
	lib := func(state string) string {
		return fmt.Sprintf("resource \"spice_package\" \"lib\" {\n  name = \"spice-test-lib\"\n  state = %q\n}", state)
	}
	const missing = "resource \"spice_package\" \"missing\" {\n  name = \"spice-test-missing\"\n}"
	upgraded := tool("2.*", "  hold = true\n")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		CheckDestroy: func(*terraform.State) error {
			if got := dpkgStatus(h, "spice-test-tool"); got != "" {
				return fmt.Errorf("spice-test-tool left installed after destroy: %s", got)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: packageConfig(provider, tool("1.0", ""), lib("present")),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkPackages(t, h, map[string]string{"spice-test-tool": "1.0 install", "spice-test-lib": "1.5 install"}),
					resource.TestCheckResourceAttr("spice_package.tool", "installed_version", "1.0"),
					resource.TestCheckResourceAttr("spice_package.tool", "installed_before", "false"),
					resource.TestCheckResourceAttr("spice_package.lib", "installed_version", "1.5"),
				),
			},
			{
				// Upgrade by prefix, and hold.
				Config: packageConfig(provider, upgraded, lib("present")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_package.tool", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("spice_package.lib", plancheck.ResourceActionNoop),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkPackages(t, h, map[string]string{"spice-test-tool": "2.0 hold", "spice-test-lib": "1.5 install"}),
					resource.TestCheckResourceAttr("spice_package.tool", "installed_version", "2.0"),
				),
			},
			{
				// A package no repository has fails the apply naming it;
				// the removal in the same apply happens.
				Config:      packageConfig(provider, upgraded, lib("absent"), missing),
				ExpectError: regexp.MustCompile(`spice-test-missing:\s+no\s+configured\s+repository`),
				Check:       checkPackages(t, h, map[string]string{"spice-test-lib": ""}),
			},
			{
				// Out of band: the hold released, the absent package
				// installed. Both are drift, repaired in one apply.
				PreConfig: func() {
					// The failed step's checks did not run: its one
					// transaction removed spice-test-lib.
					if err := checkPackages(t, h, map[string]string{"spice-test-lib": "", "spice-test-tool": "2.0 hold"})(nil); err != nil {
						t.Fatalf("after the failed apply: %s", err)
					}
					h.Exec(t, "apt-mark", "unhold", "spice-test-tool")
					h.Exec(t, "dpkg", "-i", sysprep.AptRepoDir+"/spice-test-lib_1.5_all.deb")
				},
				Config: packageConfig(provider, upgraded, lib("absent")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_package.tool", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("spice_package.lib", plancheck.ResourceActionUpdate),
				}},
				Check: checkPackages(t, h, map[string]string{"spice-test-lib": "", "spice-test-tool": "2.0 hold"}),
			},
			{
				ResourceName: "spice_package.tool", ImportState: true, ImportStateId: "spice-test-tool", ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"version", "update_cache_max_age", "installed_before"},
			},
		},
	})
}
