resource "spice_secret" "secret_key" {}

resource "spice_env_file" "app" {
  path = "/opt/spice-harvester/.env"
  variables = {
    APP_NAME  = "spice-harvester"
    APP_ENV   = "production"
    LOG_LEVEL = "INFO"
  }
  sensitive_variables = {
    SECRET_KEY = spice_secret.secret_key.result
  }
}

# Secrets only this host needs: generated on the host, never in the state.
resource "spice_env_file" "worker" {
  path      = "/opt/spice-harvester/worker.env"
  variables = { WORKERS = "4" }
  generated_secrets = {
    SESSION_KEY   = { length = 50 }
    WEBHOOK_TOKEN = { length = 40, charset = "hex" }
  }
}
