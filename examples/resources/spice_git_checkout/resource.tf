resource "spice_git_checkout" "app" {
  repository = "https://github.com/your-org/spice-harvester.git"
  ref        = "v1.4.0"
  path       = "/opt/spice-harvester/src"
  depth      = 1
  owner      = "spice:spice"
}

# A new commit restarts the service in the same apply.
resource "spice_service" "bff" {
  name              = "spice-bff"
  exec_start        = "/opt/spice-harvester/venv/bin/python -m bff.main"
  working_directory = "${spice_git_checkout.app.path}/backend"
  user              = "spice"
  restart_triggers  = { code = spice_git_checkout.app.commit }
}
