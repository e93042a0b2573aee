# The OMS signs in to TerminusDB as its own user, with a generated
# password, instead of as admin.
resource "spice_secret" "oms_terminusdb" {}

resource "spice_terminusdb_user" "oms" {
  name     = "oms"
  password = spice_secret.oms_terminusdb.result
  organization_roles = {
    admin = ["Consumer Role"]
  }
}
