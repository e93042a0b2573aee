variable "terminusdb_admin_password" {
  type      = string
  sensitive = true
}

# Where the host's TerminusDB listens: the host makes the requests itself,
# so 127.0.0.1 is its own loopback and port 6363 need not be open.
provider "spice" {
  host = "10.0.0.5"
  terminusdb {
    url      = "http://127.0.0.1:6363"
    username = "admin"
    password = var.terminusdb_admin_password
  }
}

# The manual's `curl -X POST /api/db/admin/spice_harvester` and schema
# import, as code.
resource "spice_terminusdb_database" "ontology" {
  organization = "admin"
  name         = "spice_harvester"
  label        = "SPICE HARVESTER ontology"
  comment      = "Ontology of the OMS"
  prefixes = {
    "@base"   = "https://spice-harvester.example/data/"
    "@schema" = "https://spice-harvester.example/schema#"
  }
  schema = jsonencode([
    { "@type" = "Class", "@id" = "Person", "@key" = { "@type" = "Lexical", "@fields" = ["name"] }, name = "xsd:string" },
    { "@type" = "Enum", "@id" = "Role", "@value" = ["admin", "analyst"] },
  ])
  # Destroy deletes every document: leave false unless that is intended.
  force_destroy = false
}

# TerminusDB's unauthenticated probe, asked by the host itself.
data "spice_http_check" "terminusdb" {
  url = "http://127.0.0.1:6363/api/ok"
}
