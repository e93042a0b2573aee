package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/sshd"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/terminusdbfake"
)

// terminusdbPassword must show in no output of either front end and in
// the state only where the configuration put it: nowhere here, since the
// provider block holds it.
const terminusdbPassword = "e2e-tdb-pass-93ab07"

func terminusdbConfig(connection, url, label, schema string, forceDestroy bool) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    spice = { source = "spice-harvester/spice" }
  }
}
variable "tdb_password" {
  type      = string
  sensitive = true
}
provider "spice" {
%s  terminusdb {
    url      = %q
    password = var.tdb_password
  }
}
resource "spice_terminusdb_database" "ontology" {
  name          = "ontology"
  label         = %q
  schema        = %s
  force_destroy = %t
}
output "id" {
  value = spice_terminusdb_database.ontology.id
}
`, connection, url, label, schema, forceDestroy)
}

// Both front ends manage a TerminusDB database (the contract fake) from
// one configuration, and the spice CLI once more over SSH (a real sshd on
// loopback: the requests travel through the SSH connection): create, no
// diff, label and schema changes in place, an out-of-band deletion planned
// as a create, import, destroy refused without force_destroy, destroy
// (Terraform up to the refused destroy). Nothing prints the password, nor
// does the state hold it.
func TestTerminusDBBothFrontEnds(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	t.Setenv("TF_VAR_tdb_password", terminusdbPassword)
	schemaV1 := `jsonencode([{ "@type" = "Class", "@id" = "Person", name = "xsd:string" }])`
	schemaV1Respelled := "<<-EOT\n    [ { \"name\": \"xsd:string\", \"@id\": \"Person\", \"@type\": \"Class\" } ]\n  EOT"
	schemaV2 := `jsonencode([{ "@type" = "Class", "@id" = "Person", name = "xsd:string", email = "xsd:string" }])`
	for _, name := range []string{"spice", "terraform", "spice over ssh"} {
		t.Run(name, func(t *testing.T) {
			fake, url := terminusdbfake.Start(t, terminusdbPassword)
			work := t.TempDir()
			connection := ""
			if name == "spice over ssh" {
				srv := sshd.Start(t)
				connection = fmt.Sprintf("  host = %q\n  port = %d\n  private_key_file = %q\n  known_hosts_file = %q\n",
					srv.Host, srv.Port, srv.PrivateKeyFile, srv.KnownHostsFile)
			}
			write := func(label, schema string, force bool) {
				cfg := terminusdbConfig(connection, url, label, schema, force)
				require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(cfg), 0o644))
			}
			fe := testsupport.NewSpice(t, work, bin)
			if name == "terraform" {
				fe = testsupport.NewTerraform(t, work, bin)
			}

			write("Ontology", schemaV1, false)
			fe.MustRun(0, "apply", "-auto-approve")
			require.True(t, fake.Exists("admin", "ontology"))
			noPasswordInState(t, work)
			write("Ontology", schemaV1Respelled, false)
			fe.MustRun(0, "plan", "-detailed-exitcode")

			write("Ontology v2", schemaV2, false)
			out := fe.MustRun(0, "apply", "-auto-approve")
			assert.Contains(t, testsupport.Flat(out), "0 added, 1 changed, 0 destroyed")
			assert.Equal(t, "Ontology v2", fake.Label("admin", "ontology"))
			assert.Len(t, fake.Commits("admin", "ontology"), 2, "one commit per schema change")

			fake.DeleteOutOfBand("admin", "ontology")
			out = fe.MustRun(2, "plan", "-detailed-exitcode")
			assert.Contains(t, testsupport.Flat(out), "1 to add, 0 to change, 0 to destroy")
			fe.MustRun(0, "apply", "-auto-approve")
			require.True(t, fake.Exists("admin", "ontology"))

			// Terraform's import and final destroy are the provider
			// acceptance tests' (TestAccTerminusDBDatabase_lifecycle).
			terraform := name == "terraform"
			if !terraform {
				fe.MustRun(0, "state", "rm", "spice_terminusdb_database.ontology")
				fe.MustRun(0, "import", "spice_terminusdb_database.ontology", "admin/ontology")
				fe.MustRun(0, "plan", "-detailed-exitcode")
			}

			out = fe.MustRun(1, "destroy", "-auto-approve")
			assert.Contains(t, testsupport.Flat(out), "admin/ontology at "+url+" on ")
			assert.Contains(t, testsupport.Flat(out), " holds 0 documents; deleting the database deletes them. Nothing was deleted.")
			require.True(t, fake.Exists("admin", "ontology"), "a refused destroy deletes nothing")
			if !terraform {
				write("Ontology v2", schemaV2, true)
				fe.MustRun(0, "apply", "-auto-approve")
				fe.MustRun(0, "destroy", "-auto-approve")
				assert.False(t, fake.Exists("admin", "ontology"))
			}

			for cmd, printed := range fe.Printed {
				assert.NotContains(t, printed, terminusdbPassword, "%s printed the password", cmd)
			}
			noPasswordInState(t, work)
		})
	}
}

func noPasswordInState(t *testing.T, work string) {
	t.Helper()
	state, err := os.ReadFile(filepath.Join(work, "terraform.tfstate"))
	require.NoError(t, err)
	assert.False(t, strings.Contains(string(state), terminusdbPassword), "the state holds the password")
}

// An https URL works: TLS runs end to end over the connection the host
// makes, and the server's certificate is verified (here against the fake's
// own, given as SSL_CERT_FILE; without it the apply fails).
func TestTerminusDBOverTLS(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	t.Setenv("TF_VAR_tdb_password", terminusdbPassword)
	fake, url, certFile := terminusdbfake.StartTLS(t, terminusdbPassword)
	require.True(t, strings.HasPrefix(url, "https://"))
	schema := `jsonencode([{ "@type" = "Class", "@id" = "Person", name = "xsd:string" }])`
	work := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(work, "main.tf"), []byte(terminusdbConfig("", url, "Ontology", schema, true)), 0o644))

	untrusting := testsupport.NewSpice(t, work, bin)
	out := untrusting.MustRun(1, "apply", "-auto-approve")
	assert.Contains(t, testsupport.Flat(out), "TerminusDB at "+url+" on local")
	assert.Contains(t, out, "certificate")

	t.Setenv("SSL_CERT_FILE", certFile)
	spice := testsupport.NewSpice(t, work, bin)
	spice.MustRun(0, "apply", "-auto-approve")
	require.True(t, fake.Exists("admin", "ontology"))
	spice.MustRun(0, "plan", "-detailed-exitcode")
	spice.MustRun(0, "destroy", "-auto-approve")
	assert.False(t, fake.Exists("admin", "ontology"))
}
