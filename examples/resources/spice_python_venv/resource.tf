resource "spice_python_venv" "app" {
  path         = "/opt/spice-harvester/venv"
  python       = ">=3.9"
  requirements = file("${path.module}/requirements.txt")
}

# Offline, from a wheelhouse on the host.
resource "spice_python_venv" "tools" {
  path         = "/opt/tools/venv"
  requirements = "httpx==0.27.0\n"
  pip_args     = ["--no-index", "--find-links", "/srv/wheels"]
}
