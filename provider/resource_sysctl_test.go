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
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// The manual's net.* tuning: the keys a container's own network namespace
// lets it write.
var manualNet = [][2]string{
	{"net.core.somaxconn", "65535"},
	{"net.ipv4.tcp_max_syn_backlog", "65535"},
	{"net.ipv4.tcp_syncookies", "1"},
	{"net.ipv4.tcp_tw_reuse", "1"},
	{"net.ipv4.tcp_fin_timeout", "30"},
}

// sysctlAddr is the resource address sysctlBlocks gives key.
func sysctlAddr(key string) string {
	return "spice_sysctl.k_" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
			return r
		}
		return '_'
	}, key)
}

func sysctlBlocks(keys [][2]string) string {
	var b strings.Builder
	for _, kv := range keys {
		fmt.Fprintf(&b, "resource \"spice_sysctl\" %q {\n  name  = %q\n  value = %q\n}\n", strings.TrimPrefix(sysctlAddr(kv[0]), "spice_sysctl."), kv[0], kv[1])
	}
	return b.String()
}

// checkLive compares live values inside the container (through nsenter,
// never through its /proc/PID/root: net sysctls there are this machine's).
func checkLive(t *testing.T, h *testhosts.Host, keys [][2]string) func(*terraform.State) error {
	return func(*terraform.State) error {
		for _, kv := range keys {
			got := strings.Join(strings.Fields(h.Exec(t, "sysctl", "-n", kv[0])), " ")
			if got != kv[1] {
				return fmt.Errorf("live %s = %q, want %q", kv[0], got, kv[1])
			}
		}
		return nil
	}
}

func checkPersisted(t *testing.T, h *testhosts.Host, keys [][2]string) func(*terraform.State) error {
	return func(*terraform.State) error {
		for _, kv := range keys {
			file := "/etc/sysctl.d/60-spice-" + kv[0] + ".conf"
			if got, want := h.Exec(t, "cat", file), kv[0]+" = "+kv[1]+"\n"; got != want {
				return fmt.Errorf("%s holds %q, want %q", file, got, want)
			}
		}
		return nil
	}
}

// A real kernel in a systemd container over SSH: the manual's net.* set
// applies live and persisted, drift is planned, systemd-sysctl re-applies
// the persisted values, destroy restores the originals and removes the
// files; vm.swappiness (read-only in a container) and an unknown key fail
// naming the key.
func TestAccSysctl_container(t *testing.T) {
	t.Parallel()
	h := sharedContainer(t)
	provider := sshProvider(h.Address, h.Port, h.PrivateKeyFile, h.KnownHostsFile, "")
	portRange := [][2]string{{"net.ipv4.ip_local_port_range", "32768 60999"}}
	all := append(append([][2]string{}, manualNet...), portRange...)
	var originals [][2]string
	for _, kv := range all {
		originals = append(originals, [2]string{kv[0], strings.Join(strings.Fields(h.Exec(t, "sysctl", "-n", kv[0])), " ")})
	}
	if originals[0][1] == "65535" {
		t.Fatalf("the container's net.core.somaxconn is already 65535: the test would prove nothing")
	}
	var creates []plancheck.PlanCheck
	for _, kv := range manualNet {
		creates = append(creates, plancheck.ExpectResourceAction(sysctlAddr(kv[0]), plancheck.ResourceActionCreate))
	}
	somaxconn := sysctlAddr("net.core.somaxconn")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		CheckDestroy: func(s *terraform.State) error {
			if err := checkLive(t, h, originals)(s); err != nil {
				return fmt.Errorf("after destroy: %w", err)
			}
			if out := h.Exec(t, "sh", "-c", "ls /etc/sysctl.d/ | grep spice || true"); out != "" {
				return fmt.Errorf("files left in /etc/sysctl.d: %s", out)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:           provider + sysctlBlocks(manualNet),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: creates},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkLive(t, h, manualNet),
					checkPersisted(t, h, manualNet),
					resource.TestCheckResourceAttr(somaxconn, "original_value", originals[0][1]),
					resource.TestCheckResourceAttr(somaxconn, "id", "net.core.somaxconn"),
					resource.TestCheckResourceAttr(somaxconn, "file", "/etc/sysctl.d/60-spice-net.core.somaxconn.conf"),
				),
			},
			{
				// A multi-value key the kernel prints with a tab converges.
				Config: provider + sysctlBlocks(all),
				Check:  resource.ComposeAggregateTestCheckFunc(checkLive(t, h, all), checkPersisted(t, h, all)),
			},
			{
				// Changed live out of band.
				PreConfig: func() { h.Exec(t, "sysctl", "-w", "net.core.somaxconn=1024") },
				Config:    provider + sysctlBlocks(all),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(somaxconn, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(sysctlAddr("net.ipv4.tcp_fin_timeout"), plancheck.ResourceActionNoop),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkLive(t, h, all),
					// The original stays the one before spice.
					resource.TestCheckResourceAttr(somaxconn, "original_value", originals[0][1]),
				),
			},
			{
				// Persisted file edited out of band.
				PreConfig: func() {
					h.Exec(t, "sh", "-c", "echo 'net.ipv4.tcp_fin_timeout = 31' > /etc/sysctl.d/60-spice-net.ipv4.tcp_fin_timeout.conf")
				},
				Config: provider + sysctlBlocks(all),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(sysctlAddr("net.ipv4.tcp_fin_timeout"), plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkPersisted(t, h, all),
					// Boot-time application: systemd-sysctl restores the
					// persisted values over an out-of-band change.
					func(s *terraform.State) error {
						h.Exec(t, "sysctl", "-w", "net.core.somaxconn=1024")
						h.Exec(t, "systemctl", "restart", "systemd-sysctl")
						return checkLive(t, h, all)(s)
					},
				),
			},
			{
				Config:            provider + sysctlBlocks(all),
				ResourceName:      somaxconn,
				ImportState:       true,
				ImportStateId:     "net.core.somaxconn",
				ImportStateVerify: true,
				// Import reads nothing from before spice.
				ImportStateVerifyIgnore: []string{"original_value"},
			},
		},
	})

	// Kernel refusals and unknown keys name the key.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config:      provider + sysctlBlocks([][2]string{{"vm.swappiness", "10"}}),
				ExpectError: testsupport.ErrorMatching(`vm.swappiness = "10" on root@` + h.Addr() + `: the kernel refused it`),
			},
			{
				Config:      provider + sysctlBlocks([][2]string{{"net.core.somaxconn", "not-a-number"}}),
				ExpectError: testsupport.ErrorMatching(`net.core.somaxconn = "not-a-number" on root@` + h.Addr() + `: the kernel refused it: run tee on root@` + h.Addr() + `: exit status 1: tee: /proc/sys/net/core/somaxconn: Invalid argument`),
			},
			{
				Config:      provider + sysctlBlocks([][2]string{{"net.core.nosuchkey", "1"}}),
				PlanOnly:    true,
				ExpectError: testsupport.ErrorMatching("unknown sysctl key net.core.nosuchkey on root@" + h.Addr()),
			},
		},
	})
	if out := h.Exec(t, "sh", "-c", "ls /etc/sysctl.d/ | grep spice || true"); out != "" {
		t.Errorf("refused sysctls left files: %s", out)
	}
	if got := strings.TrimSpace(h.Exec(t, "sysctl", "-n", "vm.swappiness")); got == "10" {
		t.Errorf("vm.swappiness changed to 10")
	}
}

// An invalid name fails at plan time, before any host is touched.
func TestAccSysctl_invalidName(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		Steps: []resource.TestStep{{
			Config:      providerBlock(t, root) + sysctlBlocks([][2]string{{"net/../../etc", "1"}}),
			PlanOnly:    true,
			ExpectError: testsupport.ErrorMatching(`Invalid sysctl name`),
		}},
	})
}

// Image mode (a root other than /) writes only the files, locally and over
// SSH: the keys here exist in no kernel, so a live read or write would
// fail rather than reach this machine's kernel. Two keys share a file that
// also holds a line of someone else's.
func TestAccSysctl_imageModeSharedFile(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	shared := filepath.Join(root, "etc/sysctl.d/90-shared.conf")
	if err := os.MkdirAll(filepath.Dir(shared), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(shared, []byte("# by hand\nkernel.foreign = 7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	both := providerBlock(t, root) + `
resource "spice_sysctl" "alpha" {
  name  = "spice.test.alpha"
  value = "1"
}
resource "spice_sysctl" "a" {
  name  = "spice.test.shared_a"
  value = "32768   60999"
  file  = "/etc/sysctl.d/90-shared.conf"
}
resource "spice_sysctl" "b" {
  name  = "spice.test.shared_b"
  value = "2"
  file  = "/etc/sysctl.d/90-shared.conf"
}
`
	onlyA := strings.Split(both, `resource "spice_sysctl" "b"`)[0]
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			testsupport.CheckAbsent(root, "/etc/sysctl.d/60-spice-spice.test.alpha.conf"),
			testsupport.CheckFile(root, "/etc/sysctl.d/90-shared.conf", "0644", ptr("# by hand\nkernel.foreign = 7\n")),
		),
		Steps: []resource.TestStep{
			{
				Config: both,
				Check: resource.ComposeAggregateTestCheckFunc(
					testsupport.CheckFile(root, "/etc/sysctl.d/60-spice-spice.test.alpha.conf", "0644", ptr("spice.test.alpha = 1\n")),
					resource.TestCheckNoResourceAttr("spice_sysctl.alpha", "original_value"),
					func(*terraform.State) error {
						b, err := os.ReadFile(shared)
						if err != nil {
							return err
						}
						lines := strings.Split(strings.TrimSpace(string(b)), "\n")
						if len(lines) != 4 || lines[1] != "kernel.foreign = 7" {
							return fmt.Errorf("shared file: %q", b)
						}
						if !strings.Contains(string(b), "spice.test.shared_a = 32768 60999\n") || !strings.Contains(string(b), "spice.test.shared_b = 2\n") {
							return fmt.Errorf("shared file lacks a line: %q", b)
						}
						return nil
					},
				),
			},
			{
				// An edited persisted line plans an update of that key only.
				PreConfig: func() {
					b, _ := os.ReadFile(shared)
					if err := os.WriteFile(shared, []byte(strings.Replace(string(b), "shared_b = 2", "shared_b = 3", 1)), 0o644); err != nil {
						t.Fatal(err)
					}
				},
				Config: both,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_sysctl.b", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("spice_sysctl.a", plancheck.ResourceActionNoop),
				}},
			},
			{
				// Destroying one resource leaves the other's line and the
				// foreign one.
				Config: onlyA,
				Check: testsupport.CheckFile(root, "/etc/sysctl.d/90-shared.conf", "0644",
					ptr("# by hand\nkernel.foreign = 7\nspice.test.shared_a = 32768 60999\n")),
			},
			{
				Config:            onlyA,
				ResourceName:      "spice_sysctl.alpha",
				ImportState:       true,
				ImportStateId:     "spice.test.alpha",
				ImportStateVerify: true,
			},
		},
	})
}
