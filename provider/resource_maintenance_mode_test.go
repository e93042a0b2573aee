package provider_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

const (
	siteLink        = "/etc/nginx/sites-enabled/default"
	productionSite  = "/etc/nginx/sites-available/production"
	maintenanceSite = "/etc/nginx/sites-available/maintenance"
	statusFile      = "/var/www/maintenance.json"
)

// The two sites of the manual's layout: each serves its own page; the
// maintenance site also serves the status file.
var nginxSites = map[string]string{
	productionSite:                         "server {\n  listen 80 default_server;\n  root /var/www/production;\n}\n",
	maintenanceSite:                        "server {\n  listen 80 default_server;\n  root /var/www/maintenance-page;\n  location = /maintenance.json { root /var/www; }\n}\n",
	"/var/www/production/index.html":       "production\n",
	"/var/www/maintenance-page/index.html": "maintenance\n",
}

func maintenanceConfig(provider string, enabled bool, message string) string {
	return provider + fmt.Sprintf("resource \"spice_maintenance_mode\" \"site\" {\n  enabled = %t\n  message = %q\n}\n", enabled, message)
}

// checkMode checks the link and the status file inside the container.
func checkMode(t *testing.T, h *testhosts.Host, enabled bool, message string) func(*terraform.State) error {
	return func(*terraform.State) error {
		target, status := strings.TrimSpace(h.Exec(t, "readlink", siteLink)), h.Exec(t, "sh", "-c", "cat "+statusFile+" 2>/dev/null || echo absent")
		want, wantStatus := productionSite, "absent\n"
		if enabled {
			want, wantStatus = maintenanceSite, fmt.Sprintf(`{"maintenance": true, "message": %q}`+"\n", message)
		}
		if target != want || status != wantStatus {
			return fmt.Errorf("%s -> %s and %s holds %q; want -> %s and %q", siteLink, target, statusFile, status, want, wantStatus)
		}
		return nil
	}
}

// served polls nginx inside the container until it answers path with
// want: a reload is asynchronous.
func served(h *testhosts.Host, path, want string) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		var out bytes.Buffer
		cmd := h.Command("curl", "-sS", "--max-time", "2", "http://127.0.0.1"+path)
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		if err == nil && out.String() == want {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("nginx serves %s as %q (curl: stdout and stderr), want %q", path, out.String(), want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Maintenance on and off against a real nginx in a systemd container over
// SSH: the reload really happens (the same master serves the other site),
// hand edits are repaired, a configuration nginx -t rejects is rolled
// back, nginx not running is no error, destroy leaves production.
func TestAccMaintenanceMode_realNginx(t *testing.T) {
	t.Parallel()
	h := startContainers(t, 1)[0]
	for file, content := range nginxSites {
		h.Exec(t, "sh", "-c", `mkdir -p "$(dirname "$1")" && printf %s "$2" > "$1"`, "-", file, content)
	}
	// nginx.service is masked in test hosts: run nginx as a unit of its own.
	h.Exec(t, "systemd-run", "--unit=nginx-under-test", "-p", "Type=forking", "-p", "PIDFile=/run/nginx.pid", "/usr/sbin/nginx")
	// Debian's own default site until spice swaps the link.
	if err := served(h, "/", h.Exec(t, "cat", "/var/www/html/index.nginx-debian.html")); err != nil {
		t.Fatal(err)
	}
	master := h.Exec(t, "cat", "/run/nginx.pid")
	sameMaster := func(*terraform.State) error {
		if got := h.Exec(t, "cat", "/run/nginx.pid"); got != master {
			return fmt.Errorf("nginx master %s became %s: restarted, not reloaded", strings.TrimSpace(master), strings.TrimSpace(got))
		}
		return nil
	}
	provider := sshProvider(h.Address, h.Port, h.PrivateKeyFile, h.KnownHostsFile, "")
	on := maintenanceConfig(provider, true, "Upgrading to 2.0 <b>soon</b>")
	off := maintenanceConfig(provider, false, "Upgrading to 2.0 <b>soon</b>")
	const addr = "spice_maintenance_mode.site"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			checkMode(t, h, false, ""),
			func(*terraform.State) error { return served(h, "/", "production\n") },
		),
		Steps: []resource.TestStep{
			{
				Config: on,
				Check: resource.ComposeAggregateTestCheckFunc(
					checkMode(t, h, true, "Upgrading to 2.0 <b>soon</b>"),
					func(*terraform.State) error { return served(h, "/", "maintenance\n") },
					func(*terraform.State) error {
						return served(h, "/maintenance.json", `{"maintenance": true, "message": "Upgrading to 2.0 <b>soon</b>"}`+"\n")
					},
					sameMaster,
					resource.TestCheckResourceAttr(addr, "id", siteLink),
				),
			},
			{
				// Switched back by hand, as the manual's disable does it.
				PreConfig: func() {
					h.Exec(t, "rm", "-f", statusFile)
					h.Exec(t, "ln", "-sf", productionSite, siteLink)
					h.Exec(t, "nginx", "-s", "reload")
				},
				Config: on,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkMode(t, h, true, "Upgrading to 2.0 <b>soon</b>"),
					func(*terraform.State) error { return served(h, "/", "maintenance\n") },
				),
			},
			{
				// Half-way: only the message edited.
				PreConfig: func() {
					h.Exec(t, "sh", "-c", `echo '{"maintenance": true, "message": "edited"}' > `+statusFile)
				},
				Config: on,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: checkMode(t, h, true, "Upgrading to 2.0 <b>soon</b>"),
			},
			{
				Config: off,
				Check: resource.ComposeAggregateTestCheckFunc(
					checkMode(t, h, false, ""),
					func(*terraform.State) error { return served(h, "/", "production\n") },
					sameMaster,
				),
			},
			{
				// A maintenance site nginx rejects: rolled back, still in
				// production, nginx still serving.
				PreConfig: func() {
					h.Exec(t, "sh", "-c", "echo 'server { bogus_directive; }' > "+maintenanceSite)
				},
				Config: on,
				ExpectError: regexp.MustCompile(
					testsupport.ErrorMatching(`nginx -t on root@`+h.Addr()+` rejects the configuration with `+siteLink+` pointing at `+maintenanceSite+`:`).String() +
						`(?s).*` + testsupport.ErrorMatching(`unknown directive "bogus_directive" in `+siteLink).String()),
			},
			{
				PreConfig: func() {
					if err := checkMode(t, h, false, "")(nil); err != nil {
						t.Fatalf("after nginx -t failed: %v", err)
					}
					h.Exec(t, "sh", "-c", `printf %s "$1" > `+maintenanceSite, "-", nginxSites[maintenanceSite])
				},
				Config:            off,
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     siteLink,
				ImportStateVerify: true,
				// A host in production holds no message.
				ImportStateVerifyIgnore: []string{"message"},
			},
			{
				// nginx not running: switched for its next start, a warning.
				PreConfig: func() { h.Exec(t, "systemctl", "stop", "nginx-under-test") },
				Config:    on,
				Check:     checkMode(t, h, true, "Upgrading to 2.0 <b>soon</b>"),
			},
			{
				// And started again: it serves what the link says.
				PreConfig: func() {
					h.Exec(t, "systemd-run", "--unit=nginx-under-test-2", "-p", "Type=forking", "-p", "PIDFile=/run/nginx.pid", "/usr/sbin/nginx")
				},
				Config: on,
				Check:  func(*terraform.State) error { return served(h, "/", "maintenance\n") },
			},
		},
	})
}

// Image mode: files and the link only, locally or over SSH, and never
// nginx (a tripwire named nginx first in PATH records any run). A missing
// site and a site_link that is a real file fail without changing
// anything; bad paths fail at plan time.
func TestAccMaintenanceMode_imageMode(t *testing.T) {
	root := t.TempDir()
	tripwire := t.TempDir()
	ran := filepath.Join(tripwire, "ran")
	if err := os.WriteFile(filepath.Join(tripwire, "nginx"), []byte("#!/bin/sh\necho \"$@\" >> "+ran+"\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", tripwire+":"+os.Getenv("PATH"))
	provider := providerBlock(t, root)
	write := func(p, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, p), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(productionSite, nginxSites[productionSite])
	checkLink := func(want string) func(*terraform.State) error {
		return func(*terraform.State) error {
			got, err := os.Readlink(filepath.Join(root, siteLink))
			if err != nil {
				return err
			}
			if got != want {
				return fmt.Errorf("%s -> %q, want %q", siteLink, got, want)
			}
			return nil
		}
	}
	status := `{"maintenance": true, "message": "System under maintenance"}` + "\n"
	on := provider + "resource \"spice_maintenance_mode\" \"site\" {\n  enabled = true\n}\n"
	off := provider + "resource \"spice_maintenance_mode\" \"site\" {\n  enabled = false\n}\n"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			checkLink(productionSite),
			testsupport.CheckAbsent(root, statusFile),
			testsupport.CheckAbsent(root, "/var/www"),
		),
		Steps: []resource.TestStep{
			{
				Config:      provider + "resource \"spice_maintenance_mode\" \"site\" {\n  enabled = true\n  site_link = \"etc/nginx/x\"\n}\n",
				PlanOnly:    true,
				ExpectError: testsupport.ErrorMatching("site_link: path must be absolute"),
			},
			{
				Config:      provider + "resource \"spice_maintenance_mode\" \"site\" {\n  enabled = true\n  maintenance_site = \"" + productionSite + "\"\n}\n",
				PlanOnly:    true,
				ExpectError: testsupport.ErrorMatching("maintenance_site: " + productionSite + " is also production_site"),
			},
			{
				Config:      on,
				ExpectError: testsupport.ErrorMatching("site " + maintenanceSite + " does not exist on"),
			},
			{
				PreConfig: func() {
					if _, err := os.Lstat(filepath.Join(root, siteLink)); err == nil {
						t.Fatal("a failed enable created the link")
					}
					if _, err := os.Lstat(filepath.Join(root, statusFile)); err == nil {
						t.Fatal("a failed enable wrote the status file")
					}
					write(maintenanceSite, nginxSites[maintenanceSite])
				},
				Config: on,
				Check: resource.ComposeAggregateTestCheckFunc(
					checkLink(maintenanceSite),
					testsupport.CheckFile(root, statusFile, "0644", &status),
				),
			},
			{
				// Link swapped by hand, status file left: half-way.
				PreConfig: func() {
					if err := os.Remove(filepath.Join(root, siteLink)); err != nil {
						t.Fatal(err)
					}
					if err := os.Symlink(productionSite, filepath.Join(root, siteLink)); err != nil {
						t.Fatal(err)
					}
				},
				Config: on,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_maintenance_mode.site", plancheck.ResourceActionUpdate),
				}},
				Check: checkLink(maintenanceSite),
			},
			{
				Config: off,
				Check: resource.ComposeAggregateTestCheckFunc(
					checkLink(productionSite),
					testsupport.CheckAbsent(root, statusFile),
				),
			},
			{
				// The status file written by hand while in production.
				PreConfig: func() { write(statusFile, status) },
				Config:    off,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_maintenance_mode.site", plancheck.ResourceActionUpdate),
				}},
				Check: testsupport.CheckAbsent(root, statusFile),
			},
			{
				Config:            off,
				ResourceName:      "spice_maintenance_mode.site",
				ImportState:       true,
				ImportStateId:     siteLink,
				ImportStateVerify: true,
			},
			{
				// A real file where the link belongs is refused, not replaced.
				PreConfig: func() {
					if err := os.Remove(filepath.Join(root, siteLink)); err != nil {
						t.Fatal(err)
					}
					write(siteLink, "server {}\n")
				},
				Config:      on,
				ExpectError: testsupport.ErrorMatching("is not a symbolic link: refusing to replace it"),
			},
			{
				PreConfig: func() {
					want := "server {}\n"
					if err := testsupport.CheckFile(root, siteLink, "0644", &want)(nil); err != nil {
						t.Fatalf("the refused site link: %v", err)
					}
					if err := os.Remove(filepath.Join(root, siteLink)); err != nil {
						t.Fatal(err)
					}
				},
				Config: off,
				Check:  checkLink(productionSite),
			},
		},
	})
	if b, err := os.ReadFile(ran); err == nil {
		t.Errorf("image mode ran nginx: %s", b)
	}
}
