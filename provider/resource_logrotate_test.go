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
	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// The manual's two policies: service logs daily for 7 days, access and
// error logs daily for 30.
const logrotateManual = `
resource "spice_logrotate" "services" {
  name   = "spice-harvester-services"
  paths  = ["/opt/spice-harvester/logs/oms.log", "/opt/spice-harvester/logs/bff.log", "/opt/spice-harvester/logs/funnel.log"]
  rotate = 7
}
resource "spice_logrotate" "web" {
  name          = "spice-harvester-web"
  paths         = ["/opt/spice-harvester/logs/access.log", "/opt/spice-harvester/logs/error.log"]
  rotate        = 30
  delaycompress = true
  create        = "0640 root adm"
  postrotate    = <<-EOT
    touch /opt/spice-harvester/logs/.reopened
  EOT
}
`

const (
	logrotateServicesFile = "# Managed by spice (spice_logrotate): edits are reverted on the next apply.\n" +
		"/opt/spice-harvester/logs/oms.log /opt/spice-harvester/logs/bff.log /opt/spice-harvester/logs/funnel.log {\n" +
		"\tdaily\n\trotate 7\n\tcompress\n\tmissingok\n\tnotifempty\n}\n"
	logrotateWebFile = "# Managed by spice (spice_logrotate): edits are reverted on the next apply.\n" +
		"/opt/spice-harvester/logs/access.log /opt/spice-harvester/logs/error.log {\n" +
		"\tdaily\n\trotate 30\n\tcompress\n\tdelaycompress\n\tmissingok\n\tnotifempty\n\tcreate 0640 root adm\n" +
		"\tsharedscripts\n\tpostrotate\ntouch /opt/spice-harvester/logs/.reopened\n\tendscript\n}\n"
)

// checkInside compares a policy file inside the container, with the mode
// logrotate requires.
func checkInside(t *testing.T, h *testhosts.Host, file, content string) func(*terraform.State) error {
	return func(*terraform.State) error {
		if got := strings.TrimSpace(h.Exec(t, "stat", "-c", "%a", file)); got != "644" {
			return fmt.Errorf("%s has mode %s, want 0644", file, got)
		}
		if got := h.Exec(t, "cat", file); got != content {
			return fmt.Errorf("%s holds\n%s\nwant\n%s", file, got, content)
		}
		return nil
	}
}

// noLogrotateLeftovers fails when spice left a file in /etc/logrotate.d: a
// check candidate or a temporary file.
func noLogrotateLeftovers(t *testing.T, h *testhosts.Host, allowed ...string) error {
	for _, name := range strings.Fields(h.Exec(t, "ls", "-A", "/etc/logrotate.d")) {
		if strings.Contains(name, "spice") && !strings.Contains(strings.Join(allowed, " "), name) {
			return fmt.Errorf("left in /etc/logrotate.d: %s", name)
		}
	}
	return nil
}

// A real logrotate in a systemd container over SSH: the manual's policies
// are written, checked, and really rotate; edits are planned and repaired;
// import; destroy leaves nothing. A policy logrotate rejects fails with
// logrotate's reason and changes nothing.
func TestAccLogrotate_container(t *testing.T) {
	t.Parallel()
	h := startContainers(t, 1)[0]
	provider := sshProvider(h.Address, h.Port, h.PrivateKeyFile, h.KnownHostsFile, "")
	cfg := provider + logrotateManual
	services := "/etc/logrotate.d/spice-harvester-services"
	web := "/etc/logrotate.d/spice-harvester-web"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		CheckDestroy: func(*terraform.State) error {
			if out := h.Exec(t, "sh", "-c", "ls -A /etc/logrotate.d | grep spice || true"); out != "" {
				return fmt.Errorf("left in /etc/logrotate.d after destroy: %s", out)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: resource.ComposeAggregateTestCheckFunc(
					checkInside(t, h, services, logrotateServicesFile),
					checkInside(t, h, web, logrotateWebFile),
					resource.TestCheckResourceAttr("spice_logrotate.services", "id", "spice-harvester-services"),
					resource.TestCheckResourceAttr("spice_logrotate.services", "content", logrotateServicesFile),
					func(*terraform.State) error { return noLogrotateLeftovers(t, h, services, web) },
					// logrotate really rotates by these files: a forced run
					// with a fresh state compresses the service log and runs
					// the web policy's script once for both logs.
					func(*terraform.State) error {
						h.Exec(t, "sh", "-c", "mkdir -p /opt/spice-harvester/logs && cd /opt/spice-harvester/logs && "+
							"echo oms > oms.log && echo access > access.log && echo error > error.log")
						h.Exec(t, "logrotate", "-f", "-s", "/tmp/logrotate.state", services, web)
						got := h.Exec(t, "sh", "-c", "cd /opt/spice-harvester/logs && ls -A | sort | tr '\\n' ' '")
						want := ".reopened access.log access.log.1 error.log error.log.1 oms.log.1.gz "
						if got != want {
							return fmt.Errorf("after logrotate -f the logs are %q, want %q", got, want)
						}
						return nil
					},
				),
			},
			{
				// An option edited by hand: planned as that attribute.
				PreConfig: func() { h.Exec(t, "sed", "-i", "s/rotate 7/rotate 3/", services) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_logrotate.services", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("spice_logrotate.services", tfjsonpath.New("rotate"), knownvalue.Int64Exact(7)),
					plancheck.ExpectResourceAction("spice_logrotate.web", plancheck.ResourceActionNoop),
				}},
				Check: checkInside(t, h, services, logrotateServicesFile),
			},
			{
				// A file no longer in spice's form: planned through content.
				PreConfig: func() {
					h.Exec(t, "sh", "-c", "echo '/var/log/other.log { weekly }' >> "+web)
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_logrotate.web", plancheck.ResourceActionUpdate),
				}},
				Check: checkInside(t, h, web, logrotateWebFile),
			},
			{
				// Removed by hand: created again.
				PreConfig: func() { h.Exec(t, "rm", services) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_logrotate.services", plancheck.ResourceActionCreate),
				}},
				Check: checkInside(t, h, services, logrotateServicesFile),
			},
			{
				// A policy logrotate rejects leaves the one in place as it was.
				Config:      provider + strings.Replace(logrotateManual, `"0640 root adm"`, `"0640 nosuchuser adm"`, 1),
				ExpectError: testsupport.ErrorMatching("logrotate on root@" + h.Addr() + " rejects " + web + ":\nerror: " + web + ":9 unknown user 'nosuchuser'"),
			},
			{
				PreConfig: func() {
					if err := checkInside(t, h, web, logrotateWebFile)(nil); err != nil {
						t.Fatalf("after the rejected update: %v", err)
					}
				},
				Config:            cfg,
				ResourceName:      "spice_logrotate.web",
				ImportState:       true,
				ImportStateId:     "spice-harvester-web",
				ImportStateVerify: true,
			},
		},
	})
	if err := noLogrotateLeftovers(t, h); err != nil {
		t.Error(err)
	}

	// A new policy logrotate rejects is not created at all.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: provider + `
resource "spice_logrotate" "bad" {
  name   = "bad"
  paths  = ["/var/log/bad.log"]
  rotate = 1
  su     = "nosuchuser nosuchgroup"
}`,
			ExpectError: testsupport.ErrorMatching("rejects /etc/logrotate.d/bad:\nerror: /etc/logrotate.d/bad:8 unknown user 'nosuchuser'"),
		}},
	})
	if err := noLogrotateLeftovers(t, h); err != nil {
		t.Error(err)
	}
	if out := h.Exec(t, "sh", "-c", "ls -A /etc/logrotate.d | grep bad || true"); out != "" {
		t.Errorf("a rejected policy left %s", out)
	}
}

// Image mode writes only the file (no logrotate runs, so an unknown user
// passes), locally or over SSH; bad input fails at plan time naming the
// attribute and the reason.
func TestAccLogrotate_imageModeAndValidation(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	provider := providerBlock(t, root)
	policy := func(attrs string) string {
		return provider + "resource \"spice_logrotate\" \"p\" {\n" + attrs + "\n}\n"
	}
	good := policy(`
  name   = "spice-harvester-services"
  paths  = ["/opt/spice-harvester/logs/oms.log", "/opt/spice-harvester/logs/bff.log", "/opt/spice-harvester/logs/funnel.log"]
  rotate = 7`)
	var steps []resource.TestStep
	for _, bad := range []struct{ attrs, err string }{
		{`name = "../etc/passwd"` + "\npaths = [\"/var/log/x.log\"]\nrotate = 1", `name: "../etc/passwd" is not a file name for /etc/logrotate.d`},
		{`name = "app.disabled"` + "\npaths = [\"/var/log/x.log\"]\nrotate = 1", `name: "app.disabled" ends in .disabled: logrotate skips such files`},
		{`name = "app"` + "\npaths = [\"logs/oms.log\"]\nrotate = 1", `"logs/oms.log": path must be absolute`},
		{`name = "app"` + "\npaths = [\"/var/log/a b.log\"]\nrotate = 1", `a log path may not hold whitespace`},
		{`name = "app"` + "\npaths = []\nrotate = 1", `paths list must contain at least 1 elements`},
		{`name = "app"` + "\npaths = [\"/var/log/x.log\"]\nrotate = 1\nfrequency = \"hourly\"", `frequency value must be one of`},
		{`name = "app"` + "\npaths = [\"/var/log/x.log\"]\nrotate = -1", `rotate value must be between 0 and 100000`},
		{`name = "app"` + "\npaths = [\"/var/log/x.log\"]\nrotate = 1\ncreate = \"rw root\"", `create: "rw root" is not of the form "MODE [OWNER [GROUP]]"`},
		{`name = "app"` + "\npaths = [\"/var/log/x.log\"]\nrotate = 1\nsu = \"root\"", `su: "root" is not of the form "USER GROUP"`},
		{`name = "app"` + "\npaths = [\"/var/log/x.log\"]\nrotate = 1\ncopytruncate = true\ncreate = \"0640\"", `create: a log rotated with copytruncate is kept`},
		{`name = "app"` + "\npaths = [\"/var/log/x.log\"]\nrotate = 1\npostrotate = \"kill -HUP 1\\nendscript\\nrm -rf /\"", `postrotate: line 2 starts with "endscript"`},
		// Issue 20, finding 9: logrotate's lexer reads only the letters of the first word.
		{`name = "app"` + "\npaths = [\"/var/log/x.log\"]\nrotate = 1\npostrotate = \"kill -HUP 1\\nendscript;\\nfirstaction\\ntouch /tmp/pwned\"", `postrotate: line 2 starts with "endscript"`},
		{`name = "app"` + "\npaths = [\"/var/log/x.log\"]\nrotate = 1\npostrotate = \"kill -HUP 1\\n  endscript # x\\nfirstaction\\ntouch /tmp/pwned\"", `postrotate: line 2 starts with "endscript"`},
		{`name = "app"` + "\npaths = [\"/var/log/x.log\"]\nrotate = 1\npostrotate = \"kill -HUP \\\\\\n1\"", `postrotate: line 1 ends in a backslash`},
		{`name = "app"` + "\npaths = [\"/var/log/x.log\"]\nrotate = 1\npostrotate = \"kill -HUP 1\\r\\nendscript\"", `postrotate: line 1 holds control character U+000D`},
		{`name = "app"` + "\npaths = [\"/var/log/x\\u000b.log\"]\nrotate = 1", `a log path may not hold whitespace`},
	} {
		steps = append(steps, resource.TestStep{Config: policy(bad.attrs), PlanOnly: true, ExpectError: testsupport.ErrorMatching(bad.err)})
	}
	want := logrotateServicesFile
	steps = append(steps,
		resource.TestStep{
			Config: good,
			Check:  testsupport.CheckFile(root, "/etc/logrotate.d/spice-harvester-services", "0644", &want),
		},
		resource.TestStep{
			Config:            good,
			ResourceName:      "spice_logrotate.p",
			ImportState:       true,
			ImportStateId:     "spice-harvester-services",
			ImportStateVerify: true,
		},
	)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		CheckDestroy:             testsupport.CheckAbsent(root, "/etc/logrotate.d/spice-harvester-services"),
		Steps:                    steps,
	})
}
