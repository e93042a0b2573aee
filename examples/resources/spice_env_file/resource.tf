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
