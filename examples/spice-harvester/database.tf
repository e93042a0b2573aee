# Chapter 4, "Database Administration": TerminusDB itself, the production
# database and the OMS's account, over TerminusDB's HTTP API instead of
# `curl -u admin:password -X POST .../api/db/admin/...`.
#
# The manual's `docker-compose up -d terminusdb; sleep 30` becomes a
# systemd service running the container, whose apply waits for /api/ok
# instead of sleeping. The admin password is var.terminusdb_admin_password
# (the provider's terminusdb block signs in with it, and a provider cannot
# take a value from a resource it manages itself); TerminusDB reads it from
# TERMINUSDB_ADMIN_PASS in a 0600 env file, when it initializes its storage
# on the first start. The OMS's password is generated.

# The OMS signs in as its own user (TERMINUS_USER/TERMINUS_KEY in .env).
resource "spice_secret" "terminusdb_oms" {}

resource "spice_env_file" "terminusdb" {
  path = "${spice_directory.config.path}/terminusdb.env"
  mode = "0600"
  sensitive_variables = {
    TERMINUSDB_ADMIN_PASS = var.terminusdb_admin_password
  }
}

# docker-compose up -d terminusdb
resource "spice_service" "terminusdb" {
  name             = "terminusdb"
  description      = "TerminusDB (SPICE HARVESTER's database) on 127.0.0.1:6363"
  exec_start       = var.terminusdb_exec_start
  environment_file = spice_env_file.terminusdb.path
  restart          = "always"
  restart_sec      = "2s"
  after            = ["network-online.target", "docker.service"]
  wants            = ["network-online.target"]

  restart_triggers = {
    env = spice_env_file.terminusdb.sha256
  }

  # TerminusDB's unauthenticated probe (chapter 5's /api/status needs a
  # password).
  health_check {
    url          = "http://127.0.0.1:6363/api/ok"
    interval     = "1s"
    start_period = "120s"
  }

  depends_on = [spice_package.this]
}

# curl -u admin:password -X POST http://localhost:6363/api/db/admin/production
resource "spice_terminusdb_database" "production" {
  organization = "admin"
  name         = var.terminusdb_database
  label        = "SPICE HARVESTER"
  comment      = "Production database"
  # Destroy deletes every document: keep false unless that is intended.
  force_destroy = false

  depends_on = [spice_service.terminusdb]
}

# docker exec -it terminusdb terminusdb user create ... for the OMS, with
# the Admin Role on the organization (the OMS writes the ontology), not
# super-user rights.
resource "spice_terminusdb_user" "oms" {
  name     = "oms"
  password = spice_secret.terminusdb_oms.result
  organization_roles = {
    admin = ["Admin Role"]
  }

  depends_on = [spice_service.terminusdb]
}
