package provider_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// parseLimits reads a limits.conf file back into "DOMAIN TYPE ITEM" ->
// VALUE, failing on a duplicate entry; comments and blank lines are skipped.
func parseLimits(content string) (map[string]string, error) {
	entries := map[string]string{}
	for _, l := range strings.Split(content, "\n") {
		if i := strings.IndexByte(l, '#'); i >= 0 {
			l = l[:i]
		}
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		if len(f) != 4 {
			return nil, fmt.Errorf("malformed line %q", l)
		}
		key := strings.Join(f[:3], " ")
		if _, dup := entries[key]; dup {
			return nil, fmt.Errorf("duplicate entry %q", key)
		}
		entries[key] = f[3]
	}
	return entries, nil
}

func checkLimitsFile(root, p string, want map[string]string) func(*terraform.State) error {
	return func(*terraform.State) error {
		b, err := os.ReadFile(filepath.Join(root, p))
		if err != nil {
			return err
		}
		got, err := parseLimits(string(b))
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			return fmt.Errorf("%s holds %v, want %v:\n%s", p, got, want, b)
		}
		return nil
	}
}

const limitsPair = `
resource "spice_limits" "soft" {
  domain = "*"
  type   = "soft"
  item   = "nofile"
  value  = "65536"
}
resource "spice_limits" "hard" {
  domain = "*"
  type   = "hard"
  item   = "nofile"
  value  = "65536"
}
`

// Two limits in the default file next to a line written by hand: each owns
// its line; destroying one leaves the other and the foreign line.
func TestAccLimits_sharedFile(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	file := "/etc/security/limits.d/60-spice.conf"
	real := filepath.Join(root, file)
	if err := os.MkdirAll(filepath.Dir(real), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(real, []byte("# by hand\n@staff - nproc 4096\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := providerBlock(t, root) + limitsPair
	_, hard, _ := strings.Cut(limitsPair, `resource "spice_limits" "soft"`)
	_, hard, _ = strings.Cut(hard, "}\n")
	onlyHard := providerBlock(t, root) + hard
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		CheckDestroy:             checkLimitsFile(root, file, map[string]string{"@staff - nproc": "4096"}),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: resource.ComposeAggregateTestCheckFunc(
					checkLimitsFile(root, file, map[string]string{"@staff - nproc": "4096", "* soft nofile": "65536", "* hard nofile": "65536"}),
					resource.TestCheckResourceAttr("spice_limits.soft", "id", "*:soft:nofile"),
					resource.TestCheckResourceAttr("spice_limits.soft", "file", file),
				),
			},
			{
				// A value edited by hand plans an update of that line only.
				PreConfig: func() {
					b, _ := os.ReadFile(real)
					if err := os.WriteFile(real, []byte(strings.Replace(string(b), "hard\tnofile\t65536", "hard nofile 1024", 1)), 0o644); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_limits.hard", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("spice_limits.soft", plancheck.ResourceActionNoop),
				}},
				Check: checkLimitsFile(root, file, map[string]string{"@staff - nproc": "4096", "* soft nofile": "65536", "* hard nofile": "65536"}),
			},
			{
				Config: onlyHard,
				Check:  checkLimitsFile(root, file, map[string]string{"@staff - nproc": "4096", "* hard nofile": "65536"}),
			},
			{
				Config:            onlyHard,
				ResourceName:      "spice_limits.hard",
				ImportState:       true,
				ImportStateId:     "*:hard:nofile",
				ImportStateVerify: true,
			},
		},
	})
}

// A file of spice's own goes away with its last line.
func TestAccLimits_ownFileRemoved(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		CheckDestroy:             testsupport.CheckAbsent(root, "/etc/security"),
		Steps: []resource.TestStep{{
			Config: providerBlock(t, root) + `
resource "spice_limits" "oms" {
  domain = "1000:2000"
  type   = "-"
  item   = "nproc"
  value  = "unlimited"
  file   = "/etc/security/limits.d/70-oms.conf"
}
`,
			Check: checkLimitsFile(root, "/etc/security/limits.d/70-oms.conf", map[string]string{"1000:2000 - nproc": "unlimited"}),
		}, {
			Config: providerBlock(t, root) + `
resource "spice_limits" "oms" {
  domain = "1000:2000"
  type   = "-"
  item   = "nproc"
  value  = "unlimited"
  file   = "/etc/security/limits.d/70-oms.conf"
}
`,
			ResourceName:      "spice_limits.oms",
			ImportState:       true,
			ImportStateId:     "1000:2000:-:nproc:/etc/security/limits.d/70-oms.conf",
			ImportStateVerify: true,
		}},
	})
}

func TestAccLimits_invalid(t *testing.T) {
	t.Parallel()
	provider := providerBlock(t, t.TempDir())
	cases := map[string]resource.TestStep{}
	for name, tc := range map[string]struct{ body, want string }{
		"item":  {`domain = "*"` + "\n" + `type = "soft"` + "\n" + `item = "files"` + "\n" + `value = "1"`, `"files" is not a PAM limits item`},
		"type":  {`domain = "*"` + "\n" + `type = "both"` + "\n" + `item = "nofile"` + "\n" + `value = "1"`, `value must be one of`},
		"value": {`domain = "*"` + "\n" + `type = "soft"` + "\n" + `item = "nofile"` + "\n" + `value = "lots"`, `"lots" is not a limit`},
		// Issue 20, finding 9: pam_limits splits fields at a vertical tab too.
		"domain": {`domain = "oms\u000bhard\tnofile\t1\n*"` + "\n" + `type = "soft"` + "\n" + `item = "nofile"` + "\n" + `value = "1"`, `domain: "oms\vhard\tnofile\t1\n*" is not a limits domain`},
		"file":   {`domain = "*"` + "\n" + `type = "soft"` + "\n" + `item = "nofile"` + "\n" + `value = "1"` + "\n" + `file = "/etc/security/limits.conf"`, `must be a .conf file directly in /etc/security/limits.d`},
	} {
		cases[name] = resource.TestStep{
			Config:      provider + "resource \"spice_limits\" \"x\" {\n" + tc.body + "\n}\n",
			PlanOnly:    true,
			ExpectError: testsupport.ErrorMatching(tc.want),
		}
	}
	refusalCases(t, cases)
}

// In a container, a new SSH session (sshd runs PAM with pam_limits) starts
// with the declared soft nofile limit. The test logs in as root, and "*"
// does not apply to root (limits.conf(5)), so the domain is "root".
// Values stay within this VM's hard nofile cap of 20000, which the
// container inherits.
func TestAccLimits_container(t *testing.T) {
	t.Parallel()
	h := startContainers(t, 1)[0]
	cfg := sshProvider(h.Address, h.Port, h.PrivateKeyFile, h.KnownHostsFile, "") + `
resource "spice_limits" "soft" {
  domain = "root"
  type   = "soft"
  item   = "nofile"
  value  = "12345"
}
resource "spice_limits" "hard" {
  domain = "root"
  type   = "hard"
  item   = "nofile"
  value  = "20000"
}
`
	ulimits := func() (string, error) {
		out, err := exec.Command("ssh",
			"-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
			"-o", "UserKnownHostsFile="+h.KnownHostsFile, "-o", "GlobalKnownHostsFile=/dev/null",
			"-o", "ConnectTimeout=10", "-i", h.PrivateKeyFile, "-p", fmt.Sprint(h.Port),
			h.User+"@"+h.Address, "ulimit -Sn; ulimit -Hn").CombinedOutput()
		return strings.Join(strings.Fields(string(out)), " "), err
	}
	before, err := ulimits()
	if err != nil {
		t.Fatalf("ssh: %v: %s", err, before)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		CheckDestroy: func(*terraform.State) error {
			if out := h.Exec(t, "ls", "/etc/security/limits.d/"); out != "" {
				return fmt.Errorf("left in limits.d: %s", out)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: cfg,
			Check: func(*terraform.State) error {
				got, err := parseLimits(h.Exec(t, "cat", "/etc/security/limits.d/60-spice.conf"))
				if err != nil {
					return err
				}
				if len(got) != 2 || got["root soft nofile"] != "12345" {
					return fmt.Errorf("limits file parsed as %v", got)
				}
				limits, err := ulimits()
				if err != nil {
					return fmt.Errorf("ssh: %w: %s", err, limits)
				}
				if limits != "12345 20000" {
					return fmt.Errorf("a new SSH session has nofile limits %q (before: %q), want \"12345 20000\"", limits, before)
				}
				return nil
			},
		}},
	})
}
