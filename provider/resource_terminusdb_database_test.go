package provider_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/terminusdbfake"
)

// tdbPassword is the TerminusDB admin password of these tests: it must
// show nowhere but in the sensitive attributes that hold it.
const tdbPassword = "tdb-pass-5e2f81"

// withTerminusDB adds a terminusdb block to a provider block.
func withTerminusDB(provider, url, password string) string {
	block := fmt.Sprintf("  terminusdb {\n    url      = %q\n    password = %q\n  }\n", url, password)
	return strings.TrimSuffix(provider, "}\n") + block + "}\n"
}

// The schema of the tests, as jsonencode writes it, and the same schema
// spelled otherwise: documents, keys and white space in another order.
const (
	tdbSchemaV1 = `jsonencode([
    { "@type" = "Class", "@id" = "Person", name = "xsd:string" },
    { "@type" = "Enum", "@id" = "Role", "@value" = ["admin", "user"] },
  ])`
	tdbSchemaV1Respelled = `<<-EOT
    [ {"@value": ["admin","user"], "@id": "Role", "@type": "Enum"},
      {"name": "xsd:string",   "@id": "Person", "@type": "Class"} ]
  EOT`
	tdbSchemaV2 = `jsonencode([
    { "@type" = "Class", "@id" = "Person", name = "xsd:string", age = "xsd:integer" },
    { "@type" = "Enum", "@id" = "Role", "@value" = ["admin", "user"] },
  ])`
)

func tdbConfig(provider, label, schema string, forceDestroy bool) string {
	return provider + fmt.Sprintf(`
resource "spice_terminusdb_database" "ontology" {
  name          = "ontology"
  label         = %q
  comment       = "SPICE HARVESTER ontology"
  schema        = %s
  force_destroy = %t
}
`, label, schema, forceDestroy)
}

// checkNoPassword fails when the state holds the password anywhere.
func checkNoPassword(s *terraform.State) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	if bytes.Contains(b, []byte(tdbPassword)) {
		return fmt.Errorf("the state holds the TerminusDB password")
	}
	return nil
}

// addInstanceDocuments writes people into the database, as an
// application would.
func addInstanceDocuments(t *testing.T, url string, names ...string) {
	t.Helper()
	var docs []map[string]string
	for _, n := range names {
		docs = append(docs, map[string]string{"@type": "Person", "@id": "Person/" + n, "name": n})
	}
	body, _ := json.Marshal(docs)
	req, err := http.NewRequest(http.MethodPost, url+"/api/document/admin/ontology?graph_type=instance&author=app&message=people", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("admin", tdbPassword)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("add documents: status %d", resp.StatusCode)
	}
}

func TestAccTerminusDBDatabase_lifecycle(t *testing.T) {
	fake, url := terminusdbfake.Start(t, tdbPassword)
	provider := withTerminusDB(providerBlock(t, "/"), url, tdbPassword)
	addr := "spice_terminusdb_database.ontology"
	commits := func(n int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			c := fake.Commits("admin", "ontology")
			if len(c) != n {
				return fmt.Errorf("%d schema commits, want %d: %v", len(c), n, c)
			}
			if last := c[n-1]; last.Author != "spice" || !strings.HasPrefix(last.Message, "spice: ") || last.Graph != "schema" {
				return fmt.Errorf("last commit %+v: not spice's schema commit", last)
			}
			return nil
		}
	}
	label := func(want string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if got := fake.Label("admin", "ontology"); got != want {
				return fmt.Errorf("label on the server %q, want %q", got, want)
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		CheckDestroy: func(*terraform.State) error {
			if fake.Exists("admin", "ontology") {
				return fmt.Errorf("admin/ontology still exists after destroy")
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: tdbConfig(provider, "Ontology", tdbSchemaV1, false),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "id", "admin/ontology"),
					resource.TestCheckResourceAttr(addr, "organization", "admin"),
					resource.TestCheckResourceAttr(addr, "schema_enabled", "true"),
					label("Ontology"), commits(1), checkNoPassword,
				),
			},
			{
				// Another spelling of the same schema is no change.
				Config:           tdbConfig(provider, "Ontology", tdbSchemaV1Respelled, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            commits(1),
			},
			{
				Config: tdbConfig(provider, "Ontology v2", tdbSchemaV1, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(label("Ontology v2"), commits(1)),
			},
			{
				Config: tdbConfig(provider, "Ontology v2", tdbSchemaV2, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: commits(2),
			},
			{
				// Deleted behind spice's back: drift, created again.
				PreConfig: func() { fake.DeleteOutOfBand("admin", "ontology") },
				Config:    tdbConfig(provider, "Ontology v2", tdbSchemaV2, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(label("Ontology v2"), commits(1)),
			},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateId:           "admin/ontology",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"schema"}, // read back in its canonical spelling
			},
			{
				// Destroy would lose data: refused, with the count, the URL
				// and the host; nothing deleted.
				PreConfig:   func() { addInstanceDocuments(t, url, "ada", "grace") },
				Config:      provider,
				ExpectError: regexp.MustCompile(`admin/ontology\s+at\s+` + regexp.QuoteMeta(url) + `\s+on\s+\S+\s+holds\s+2\s+documents;\s+deleting\s+the\s+database\s+deletes\s+them.\s+Nothing\s+was\s+deleted.`),
				Check: func(*terraform.State) error {
					if !fake.Exists("admin", "ontology") {
						return fmt.Errorf("the refused destroy deleted the database")
					}
					return nil
				},
			},
			{
				Config:           tdbConfig(provider, "Ontology v2", tdbSchemaV2, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)}},
			},
		},
	})
}

// Each failure to reach TerminusDB is an error naming the URL and the
// host: a refused connection, a wrong password (never printed), a 5xx. A
// database that exists already is not adopted by a create.
func TestAccTerminusDBDatabase_errors(t *testing.T) {
	_, url := terminusdbfake.Start(t, tdbPassword)
	existing, existingURL := terminusdbfake.Start(t, tdbPassword)
	existing.CreateOutOfBand("admin", "ontology", "made by hand")
	broken := httptestServer(t, http.StatusBadGateway, "upstream gone")
	closed := fmt.Sprintf("http://127.0.0.1:%d", testsupport.ClosedPort(t))
	for _, tc := range []struct{ url, password, want string }{
		{closed, tdbPassword, "TerminusDB at " + closed + " on "},
		{url, "wrong-password", `refused the credentials of user "admin" (authentication failed)`},
		{broken, tdbPassword, "server error on POST /api/db/admin/ontology: status 502"},
		{existingURL, tdbPassword, "database admin/ontology already exists at " + existingURL + " on "},
	} {
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testsupport.ProviderFactories(),
			Steps: []resource.TestStep{{
				Config:      tdbConfig(withTerminusDB(providerBlock(t, "/"), tc.url, tc.password), "Ontology", tdbSchemaV1, false),
				ExpectError: testsupport.ErrorMatching(tc.want),
			}},
		})
	}
}

func httptestServer(t *testing.T, status int, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { http.Error(w, body, status) }))
	t.Cleanup(srv.Close)
	return srv.URL
}

// A schema that is no list of schema documents fails the plan, naming the
// attribute (the cases are terminusdb.ParseSchema's tests).
func TestAccTerminusDBDatabase_validation(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		Steps: []resource.TestStep{{
			Config:      tdbConfig(providerBlock(t, "/"), "Ontology", `jsonencode([{ "@type" = "@context" }])`, false),
			ExpectError: testsupport.ErrorMatching(`document 1 is the @context document: set its prefixes with the prefixes attribute`),
		}},
	})
}

// A real TerminusDB v11, when one is reachable from this machine at
// SPICE_TEST_TERMINUSDB_URL (admin password in
// SPICE_TEST_TERMINUSDB_PASSWORD): create, no diff, label and schema
// changes, import, destroy.
func TestAccTerminusDBDatabase_realServer(t *testing.T) {
	url := os.Getenv("SPICE_TEST_TERMINUSDB_URL")
	if url == "" {
		t.Skip("no real TerminusDB: set SPICE_TEST_TERMINUSDB_URL (and SPICE_TEST_TERMINUSDB_PASSWORD) to run these tests against one")
	}
	provider := withTerminusDB(providerBlock(t, "/"), url, os.Getenv("SPICE_TEST_TERMINUSDB_PASSWORD"))
	addr := "spice_terminusdb_database.ontology"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		Steps: []resource.TestStep{
			{Config: tdbConfig(provider, "Ontology", tdbSchemaV1, true)},
			{
				Config:           tdbConfig(provider, "Ontology", tdbSchemaV1Respelled, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{Config: tdbConfig(provider, "Ontology v2", tdbSchemaV2, true)},
			{ResourceName: addr, ImportState: true, ImportStateId: "admin/ontology", ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"schema", "force_destroy"}},
		},
	})
}

// The fake runs inside a test container, listening on the container's
// loopback only: spice reaches it through the SSH connection.
func TestAccTerminusDBDatabase_containerLoopback(t *testing.T) {
	h := sharedContainer(t)
	bin := filepath.Join(t.TempDir(), "terminusdb-fake")
	build := exec.Command("go", "build", "-o", bin, "./testsupport/terminusdbfake/cmd/terminusdb-fake")
	build.Dir = testsupport.RepoDir(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the fake: %v\n%s", err, out)
	}
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(h.Root(), "usr/local/bin/terminusdb-fake"), b, 0o755); err != nil {
		t.Fatal(err)
	}
	h.Exec(t, "systemd-run", "--unit=terminusdb-fake", "--setenv=TERMINUSDB_ADMIN_PASS="+tdbPassword, "/usr/local/bin/terminusdb-fake")
	// The host is shared: the next test there finds the unit name free.
	t.Cleanup(func() { h.Exec(t, "systemctl", "stop", "terminusdb-fake") })
	deadline := time.Now().Add(30 * time.Second) // a bound on a busy machine, not a measurement
	for h.Command("python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:6363/api/ok')").Run() != nil {
		if time.Now().After(deadline) {
			t.Fatal("the fake in the container did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	provider := withTerminusDB(sshProvider(h.Address, h.Port, h.PrivateKeyFile, h.KnownHostsFile, ""), "http://127.0.0.1:6363", tdbPassword)
	addr := "spice_terminusdb_database.ontology"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: tdbConfig(provider, "Ontology", tdbSchemaV1, true),
				Check:  resource.TestCheckResourceAttr(addr, "label", "Ontology"),
			},
			{
				Config:           tdbConfig(provider, "Ontology", tdbSchemaV1Respelled, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
