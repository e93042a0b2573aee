# The manual's "Installation and Setup" as code: what `apt update`,
# `apt install ...`, `usermod -aG docker $USER`, the limits.conf lines,
# `git clone` and `python3 -m venv venv; pip install -r requirements.txt`
# do by hand, declared:
#
# - the packages, in ONE apt transaction, after an `apt-get update` when
#   the package lists are older than var.apt_update_max_age;
# - the `spice` user and group the services run as (the services example's
#   var.service_user), home /opt/spice-harvester, in the docker group; an
#   operator account added to the docker group without being managed;
# - the nofile limits for login sessions (services get LimitNOFILE= on
#   their units instead);
# - the application checkout at a ref, swapped atomically, in
#   /opt/spice-harvester/src (a link to the commit's worktree);
# - the virtualenv /opt/spice-harvester/venv with the requirements
#   installed, rebuilt beside the old one and swapped when they change.
#
# The services example runs /opt/spice-harvester/venv/bin/python in
# backend_dir: give it backend_dir = "/opt/spice-harvester/src/backend"
# (this example's backend_dir output).

terraform {
  required_version = ">= 1.5"
  required_providers {
    spice = {
      source = "spice-harvester/spice"
    }
  }
}

provider "spice" {
  host             = var.host
  port             = var.port
  user             = var.ssh_user
  private_key_file = var.private_key_file
  known_hosts_file = var.known_hosts_file
  sudo             = var.ssh_user != "root"
}

locals {
  app_dir      = "/opt/spice-harvester"
  requirements = var.requirements != null ? var.requirements : file("${path.module}/requirements.txt")
}

# sudo apt update && sudo apt install -y python3-pip python3-venv git docker.io docker-compose
resource "spice_package" "this" {
  for_each             = toset(var.packages)
  name                 = each.key
  update_cache_max_age = var.apt_update_max_age
}

# docker.io's package makes the docker group; without it (a host where
# Docker comes from elsewhere, a test host) spice makes it.
resource "spice_group" "docker" {
  count  = var.create_docker_group ? 1 : 0
  name   = "docker"
  system = true
}

resource "spice_group" "app" {
  name   = "spice"
  system = true
}

resource "spice_user" "app" {
  name   = "spice"
  system = true
  group  = spice_group.app.name
  home   = local.app_dir
  shell  = "/usr/sbin/nologin"
  groups = ["docker"]

  depends_on = [spice_package.this, spice_group.docker]
}

# sudo usermod -aG docker $USER
resource "spice_group_membership" "operator_docker" {
  for_each = toset(var.docker_operators)
  user     = each.key
  group    = "docker"

  depends_on = [spice_package.this, spice_group.docker]
}

# echo "* soft nofile 65536" | sudo tee -a /etc/security/limits.conf (and hard)
resource "spice_limits" "nofile" {
  for_each = toset(["soft", "hard"])
  domain   = "*"
  type     = each.key
  item     = "nofile"
  value    = "65536"
}

# git clone https://github.com/your-org/spice-harvester.git
resource "spice_git_checkout" "app" {
  repository = var.repository
  ref        = var.ref
  path       = "${local.app_dir}/src"
  depth      = 1
  owner      = "${spice_user.app.name}:${spice_group.app.name}"

  depends_on = [spice_package.this]
}

# python3 -m venv venv; pip install -r requirements.txt
resource "spice_python_venv" "app" {
  path         = "${local.app_dir}/venv"
  python       = ">=3.9"
  requirements = local.requirements
  pip_args     = var.pip_args

  depends_on = [spice_package.this, spice_user.app]
}
