# Chapter 2, "Installation and Setup": system preparation, the application
# and its directories, and the initial configuration (.env with generated
# secrets). Each resource names the command it replaces.

# sudo apt update && sudo apt install -y python3-pip python3-venv git docker.io docker-compose
# (one apt transaction, after an apt update when the lists are older than
# var.apt_update_max_age), plus nginx and logrotate of chapters 5 and 11.
resource "spice_package" "this" {
  for_each             = toset(var.packages)
  name                 = each.key
  update_cache_max_age = var.apt_update_max_age
}

# docker.io's package makes the docker group; where Docker comes from
# elsewhere (or not at all: a test host) spice makes it.
resource "spice_group" "docker" {
  count  = var.create_docker_group ? 1 : 0
  name   = "docker"
  system = true
}

resource "spice_group" "app" {
  name   = "spice"
  system = true
}

# The account the services run as; sudo usermod -aG docker $USER.
resource "spice_user" "app" {
  name   = "spice"
  system = true
  group  = spice_group.app.name
  home   = local.app_dir
  shell  = "/usr/sbin/nologin"
  groups = ["docker"]

  depends_on = [spice_package.this, spice_group.docker, spice_directory.app]
}

resource "spice_group_membership" "operator_docker" {
  for_each = toset(var.docker_operators)
  user     = each.key
  group    = "docker"

  depends_on = [spice_package.this, spice_group.docker]
}

# echo "* soft nofile 65536" | sudo tee -a /etc/security/limits.conf (and
# hard), for login sessions; the services get LimitNOFILE= (services.tf).
resource "spice_limits" "nofile" {
  for_each = toset(["soft", "hard"])
  domain   = "*"
  type     = each.key
  item     = "nofile"
  value    = "65536"
}

resource "spice_directory" "app" {
  path = local.app_dir
  mode = "0755"
}

# git clone https://github.com/your-org/spice-harvester.git: the worktree
# of var.ref, swapped atomically; its commit restarts the services. It
# belongs to root: the services (user spice) may read their code, not
# change it.
resource "spice_git_checkout" "app" {
  repository = var.repository
  ref        = var.ref
  path       = "${spice_directory.app.path}/src"
  depth      = 1

  depends_on = [spice_package.this]
}

# python3 -m venv venv; source venv/bin/activate; pip install -r requirements.txt
resource "spice_python_venv" "app" {
  path         = "${spice_directory.app.path}/venv"
  python       = ">=3.9"
  requirements = var.requirements != null ? var.requirements : file("${path.module}/requirements.txt")
  pip_args     = var.pip_args

  depends_on = [spice_package.this, spice_user.app]
}

# mkdir -p logs data/backups data/uploads; chmod 700 data/backups
resource "spice_directory" "logs" {
  path  = "${spice_directory.app.path}/logs"
  mode  = "0750"
  owner = spice_user.app.name
  group = spice_group.app.name
}

resource "spice_directory" "data" {
  path = "${spice_directory.app.path}/data"
  mode = "0755"
}

resource "spice_directory" "backups" {
  path = "${spice_directory.data.path}/backups"
  mode = "0700"
}

resource "spice_directory" "uploads" {
  path  = "${spice_directory.data.path}/uploads"
  mode  = "0750"
  owner = spice_user.app.name
  group = spice_group.app.name
}

resource "spice_directory" "config" {
  path  = "${spice_directory.app.path}/config"
  mode  = "0750"
  owner = "root"
  group = spice_group.app.name
}

# python -c "import secrets; print(f'SECRET_KEY={secrets.token_urlsafe(32)}')" >> .env
resource "spice_secret" "secret_key" {}

# cp .env.example .env; chmod 600 .env: the manual's common variables.
# Secrets only here, never in a unit's Environment= (unit files are
# world-readable). TERMINUS_USER/TERMINUS_KEY are the OMS's own TerminusDB
# account (database.tf), not admin.
resource "spice_env_file" "app" {
  path  = "${spice_directory.app.path}/.env"
  mode  = "0600"
  owner = spice_user.app.name
  group = spice_group.app.name
  variables = {
    APP_NAME  = "spice-harvester"
    APP_ENV   = local.settings.app_env
    DEBUG     = local.settings.debug
    LOG_LEVEL = local.settings.log_level

    ALLOWED_HOSTS = join(",", var.allowed_hosts)
    CORS_ORIGINS  = join(",", var.cors_origins)

    TERMINUS_SERVER_URL = "http://localhost:6363"
    TERMINUS_USER       = spice_terminusdb_user.oms.name
    TERMINUS_ACCOUNT    = "admin"

    OMS_BASE_URL    = "http://localhost:8000"
    BFF_BASE_URL    = "http://localhost:8002"
    FUNNEL_BASE_URL = "http://localhost:8003"

    WORKER_PROCESSES   = tostring(local.settings.workers)
    WORKER_CONNECTIONS = "1000"
    REQUEST_TIMEOUT    = "30"
  }
  sensitive_variables = {
    SECRET_KEY   = spice_secret.secret_key.result
    TERMINUS_KEY = spice_secret.terminusdb_oms.result
  }
}
