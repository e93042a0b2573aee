# The manual's sudo usermod -aG docker $USER, for an account spice does not
# manage otherwise.
resource "spice_group_membership" "deploy_docker" {
  user  = "deploy"
  group = "docker"
}
