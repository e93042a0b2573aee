package provider_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

func fileConfig(t *testing.T, root, body string) string {
	return providerBlock(t, root) + fileResource(body)
}

func fileResource(body string) string {
	return fmt.Sprintf("resource \"spice_file\" \"x\" {\n%s\n}\n", body)
}

func TestAccFile_lifecycle(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	first, second := "server:\n  port: 8000\n", "server:\n  port: 8002\n"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		CheckDestroy:             testsupport.CheckAbsent(root, "/opt/app/config/oms.yml"),
		Steps: []resource.TestStep{
			{
				Config: fileConfig(t, root, `path = "/opt/app/config/oms.yml"
content = "server:\n  port: 8000\n"`),
				Check: resource.ComposeAggregateTestCheckFunc(
					testsupport.CheckFile(root, "/opt/app/config/oms.yml", "0644", &first),
					resource.TestCheckResourceAttr("spice_file.x", "id", "/opt/app/config/oms.yml"),
					resource.TestCheckResourceAttr("spice_file.x", "mode", "0644"),
					resource.TestCheckResourceAttr("spice_file.x", "sha256", testsupport.SHA256(first)),
					resource.TestCheckResourceAttrSet("spice_file.x", "owner"),
				),
			},
			{
				// New content and mode: updated in place.
				Config: fileConfig(t, root, `path = "/opt/app/config/oms.yml"
mode = "0640"
content = "server:\n  port: 8002\n"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_file.x", plancheck.ResourceActionUpdate),
				}},
				Check: testsupport.CheckFile(root, "/opt/app/config/oms.yml", "0640", &second),
			},
			{
				// Edited out of band: refresh sees it, apply restores it.
				PreConfig: func() {
					if err := os.WriteFile(filepath.Join(root, "/opt/app/config/oms.yml"), []byte("tampered\n"), 0o640); err != nil {
						t.Fatal(err)
					}
				},
				Config: fileConfig(t, root, `path = "/opt/app/config/oms.yml"
mode = "0640"
content = "server:\n  port: 8002\n"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_file.x", plancheck.ResourceActionUpdate),
				}},
				Check: testsupport.CheckFile(root, "/opt/app/config/oms.yml", "0640", &second),
			},
			{
				// Mode changed out of band.
				PreConfig: func() {
					if err := os.Chmod(filepath.Join(root, "/opt/app/config/oms.yml"), 0o666); err != nil {
						t.Fatal(err)
					}
				},
				Config: fileConfig(t, root, `path = "/opt/app/config/oms.yml"
mode = "0640"
content = "server:\n  port: 8002\n"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_file.x", plancheck.ResourceActionUpdate),
				}},
				Check: testsupport.CheckFile(root, "/opt/app/config/oms.yml", "0640", &second),
			},
			{
				ResourceName:      "spice_file.x",
				ImportState:       true,
				ImportStateId:     "/opt/app/config/oms.yml",
				ImportStateVerify: true,
			},
			{
				// Deleted out of band: planned as a create.
				PreConfig: func() {
					if err := os.Remove(filepath.Join(root, "/opt/app/config/oms.yml")); err != nil {
						t.Fatal(err)
					}
				},
				Config: fileConfig(t, root, `path = "/opt/app/config/oms.yml"
mode = "0640"
content = "server:\n  port: 8002\n"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_file.x", plancheck.ResourceActionCreate),
				}},
				Check: testsupport.CheckFile(root, "/opt/app/config/oms.yml", "0640", &second),
			},
		},
	})
}

func TestAccFile_parentsComeAndGo(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	keep := filepath.Join(root, "srv/keep")
	if err := os.MkdirAll(keep, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := providerBlock(t, root) + `
resource "spice_file" "a" {
  path    = "/srv/app/conf/a.conf"
  content = "a"
}
resource "spice_file" "b" {
  path       = "/srv/app/conf/b.conf"
  content    = "b"
  depends_on = [spice_file.a]
}
resource "spice_file" "c" {
  path    = "/srv/keep/new/c.conf"
  content = "c"
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			testsupport.CheckAbsent(root, "/srv/app"),
			testsupport.CheckAbsent(root, "/srv/keep/new"),
			testsupport.CheckFile(root, "/srv/keep", "0755", nil),
		),
		Steps: []resource.TestStep{{
			Config: cfg,
			Check:  testsupport.CheckFile(root, "/srv/app/conf", "0755", nil),
		}},
	})
}

func TestAccFile_sensitiveContentAndSource(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	source := filepath.Join(t.TempDir(), "logging.ini")
	writeSource := func(s string) {
		if err := os.WriteFile(source, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	writeSource("[loggers]\n")
	secret := "token=s3cr3t\n"
	cfg := providerBlock(t, root) + fmt.Sprintf(`
resource "spice_file" "secret" {
  path              = "/etc/app/token"
  mode              = "0600"
  sensitive_content = "token=s3cr3t\n"
}
resource "spice_file" "copied" {
  path   = "/etc/app/logging.ini"
  source = %q
}
resource "spice_file" "defaulted" {
  path              = "/etc/app/token2"
  sensitive_content = "token=s3cr3t\n"
}
`, source)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: resource.ComposeAggregateTestCheckFunc(
					testsupport.CheckFile(root, "/etc/app/token", "0600", &secret),
					testsupport.CheckFile(root, "/etc/app/logging.ini", "0644", ptr("[loggers]\n")),
					resource.TestCheckResourceAttr("spice_file.copied", "sha256", testsupport.SHA256("[loggers]\n")),
					// Issue 20: a secret file defaults to 0600, and its sha256
					// is salted with the path, never the plain hash of the secret.
					testsupport.CheckFile(root, "/etc/app/token2", "0600", &secret),
					resource.TestCheckResourceAttr("spice_file.defaulted", "sha256", hmacSHA256("spice_file:/etc/app/token2", secret)),
				),
			},
			{
				// A changed source file plans an update of the copy.
				PreConfig: func() { writeSource("[loggers]\nkeys=root\n") },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_file.copied", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("spice_file.secret", plancheck.ResourceActionNoop),
				}},
				Check: testsupport.CheckFile(root, "/etc/app/logging.ini", "0644", ptr("[loggers]\nkeys=root\n")),
			},
			{
				// Drift of a secret file is detected like any other.
				PreConfig: func() {
					if err := os.WriteFile(filepath.Join(root, "/etc/app/token"), []byte("token=changed\n"), 0o600); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_file.secret", plancheck.ResourceActionUpdate),
				}},
				Check: testsupport.CheckFile(root, "/etc/app/token", "0600", &secret),
			},
		},
	})
}

func TestAccFile_ownership(t *testing.T) {
	t.Parallel()
	testsupport.RequireRoot(t)
	root := t.TempDir()
	// The provider resolves names from the managed tree's /etc.
	testsupport.WriteAccounts(t, root)
	cfg := fileConfig(t, root, `path = "/srv/app.conf"
content = "x"
owner = "spice"
group = "4242"`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: resource.ComposeAggregateTestCheckFunc(
					testsupport.CheckOwner(root, "/srv/app.conf", testsupport.TestAccountID, testsupport.TestAccountID),
					resource.TestCheckResourceAttr("spice_file.x", "owner", "spice"),
					resource.TestCheckResourceAttr("spice_file.x", "group", "4242"),
				),
			},
			{
				PreConfig: func() {
					if err := os.Chown(filepath.Join(root, "/srv/app.conf"), 0, 0); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_file.x", plancheck.ResourceActionUpdate),
				}},
				Check: testsupport.CheckOwner(root, "/srv/app.conf", testsupport.TestAccountID, testsupport.TestAccountID),
			},
			{
				// The same ids in the other form: the recorded form changes,
				// the file keeps its owner.
				Config: fileConfig(t, root, `path = "/srv/app.conf"
content = "x"
owner = "4242"
group = "spice"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("spice_file.x", plancheck.ResourceActionUpdate),
				}},
				Check: testsupport.CheckOwner(root, "/srv/app.conf", testsupport.TestAccountID, testsupport.TestAccountID),
			},
			{
				Config: fileConfig(t, root, `path = "/srv/app.conf"
content = "x"
owner = "nosuchuser"`),
				ExpectError: testsupport.ErrorMatching(`user "nosuchuser" does not exist`),
			},
		},
	})
}

func TestAccFile_validation(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	provider := providerBlock(t, root)
	cases := map[string]resource.TestStep{}
	for name, tc := range map[string]struct {
		body string
		want string
	}{
		"relative path":   {`path = "etc/app.conf"` + "\n" + `content = ""`, "path must be absolute"},
		"unclean path":    {`path = "/etc/../app.conf"` + "\n" + `content = ""`, "clean form"},
		"trailing slash":  {`path = "/etc/app/"` + "\n" + `content = ""`, "clean form"},
		"non-octal mode":  {`path = "/a"` + "\n" + `content = ""` + "\n" + `mode = "0999"`, "not an octal file mode"},
		"symbolic mode":   {`path = "/a"` + "\n" + `content = ""` + "\n" + `mode = "rw-r--r--"`, "not an octal file mode"},
		"too many digits": {`path = "/a"` + "\n" + `content = ""` + "\n" + `mode = "00644"`, "not an octal file mode"},
		"two contents":    {`path = "/a"` + "\n" + `content = "a"` + "\n" + `source = "/etc/hostname"`, "Exactly one of these attributes must be configured"},
		"no content":      {`path = "/a"`, "Exactly one of these attributes must be configured"},
		"missing source":  {`path = "/a"` + "\n" + `source = "/nonexistent/spice-test"`, "Cannot read source"},
	} {
		cases[name] = resource.TestStep{
			Config:      provider + fileResource(tc.body),
			PlanOnly:    true,
			ExpectError: testsupport.ErrorMatching(tc.want),
		}
	}
	refusalCases(t, cases)
	entries, err := os.ReadDir(root)
	if err != nil || len(entries) != 0 {
		t.Fatalf("a refused plan wrote below root: %v %v", entries, err)
	}
}

func ptr(s string) *string { return &s }

func hmacSHA256(key, content string) string {
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(content))
	return hex.EncodeToString(mac.Sum(nil))
}
