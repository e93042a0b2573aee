# Chapter 1: which of the manual's columns and tables.

variable "profile" {
  description = "\"development\" or \"production\": the column of the manual's hardware tables, and its settings (APP_ENV, DEBUG, LOG_LEVEL, workers, kernel tuning)."
  type        = string
  default     = "production"
  validation {
    condition     = contains(["development", "production"], var.profile)
    error_message = "profile is \"development\" or \"production\"."
  }
}

variable "tier" {
  description = "\"minimum\" or \"recommended\": which of the manual's two hardware tables the host must meet."
  type        = string
  default     = "minimum"
  validation {
    condition     = contains(["minimum", "recommended"], var.tier)
    error_message = "tier is \"minimum\" or \"recommended\"."
  }
}

variable "requirements_enforce" {
  description = "\"error\": a host below the requirements fails the plan. \"warn\": it is reported and the apply goes on."
  type        = string
  default     = "error"
  validation {
    condition     = contains(["error", "warn"], var.requirements_enforce)
    error_message = "requirements_enforce is \"error\" or \"warn\"."
  }
}

# Chapter 2: where the packages and the application come from.

variable "packages" {
  description = "The packages installed (apt names): the manual's, plus nginx and logrotate."
  type        = list(string)
  default     = ["python3-pip", "python3-venv", "git", "docker.io", "docker-compose", "nginx", "logrotate"]
}

variable "apt_update_max_age" {
  description = "apt-get update before installing when the package lists are older than this (\"0s\": always, as the manual's apt update)."
  type        = string
  default     = "1h"
}

variable "create_docker_group" {
  description = "Make the docker group (docker.io's package makes it; true where Docker is not installed from it)."
  type        = bool
  default     = false
}

variable "docker_operators" {
  description = "Existing accounts to add to the docker group (the manual's usermod -aG docker $USER)."
  type        = list(string)
  default     = []
}

variable "repository" {
  description = "The application's Git repository: a URL or a path on the host."
  type        = string
  default     = "https://github.com/your-org/spice-harvester.git"
}

variable "ref" {
  description = "The branch, tag or full commit id to run. Changing it is the manual's application update."
  type        = string
  default     = "production"
}

variable "requirements" {
  description = "requirements.txt content for the venv; null: this directory's requirements.txt."
  type        = string
  default     = null
}

variable "pip_args" {
  description = "More pip install arguments: an index URL, or [\"--no-index\", \"--find-links\", \"/srv/wheels\"] offline."
  type        = list(string)
  default     = []
}

# Chapter 3: .env.

variable "allowed_hosts" {
  description = "ALLOWED_HOSTS in .env."
  type        = list(string)
  default     = ["api.example.com", "localhost"]
}

variable "cors_origins" {
  description = "CORS_ORIGINS in .env."
  type        = list(string)
  default     = ["https://app.example.com"]
}

# Chapter 4: TerminusDB.

variable "terminusdb_admin_password" {
  description = "TerminusDB's admin password: set on its first start, and how spice signs in. Pass it as TF_VAR_terminusdb_admin_password or in a tfvars file kept out of Git."
  type        = string
  sensitive   = true
}

variable "terminusdb_database" {
  description = "The database the application uses (the manual's admin/production)."
  type        = string
  default     = "production"
}

variable "terminusdb_exec_start" {
  description = "The command the terminusdb service runs in the foreground, listening on 127.0.0.1:6363 and reading TERMINUSDB_ADMIN_PASS from its environment: the manual's container."
  type        = string
  default     = "/usr/bin/docker run --rm --name terminusdb -p 127.0.0.1:6363:6363 -v terminusdb-storage:/app/terminusdb/storage -e TERMINUSDB_ADMIN_PASS terminusdb/terminusdb-server:v11"
}

variable "terminusdb_bundle_command" {
  description = "Argv whose stdout is a bundle of the database (the backups' terminusdb source). The TerminusDB CLI runs in its container and prints \"Writing to ...\" on stdout besides the bundle, so the bundle goes to a file that is then the only thing on stdout."
  type        = list(string)
  default = ["docker", "exec", "terminusdb", "sh", "-c",
  "terminusdb bundle admin/production -o /tmp/spice-backup.bundle >&2 && cat /tmp/spice-backup.bundle && rm -f /tmp/spice-backup.bundle"]
}

# Chapter 5: spice watch.

variable "watch_dir" {
  description = "Where the configuration spice watch applies on the host lives, with its state."
  type        = string
  default     = "/etc/spice/watch"
}

variable "watch_interval" {
  description = "How often spice watch checks what fsnotify cannot see (sysctls)."
  type        = string
  default     = "60s"
}

variable "watch_metrics_addr" {
  description = "Where spice watch serves /metrics and /healthz on the host: keep it on loopback."
  type        = string
  default     = "127.0.0.1:9464"
}

# Chapter 7: tuning.

variable "vm_runtime" {
  description = "Apply vm.swappiness live (true: a VM or bare metal) or only persist it for the next boot (false: a container, which shares vm.* with the machine it runs on and may not write them)."
  type        = bool
  default     = true
}

# Chapter 10: off-site copies and objectives.

variable "offsite" {
  description = "Another host, in another data center, that receives a verified copy of every hourly backup over SFTP (its own key, a pinned host key); null: none, and the data-center-failure row is not declared."
  type = object({
    host             = string
    port             = optional(number, 22)
    user             = string
    private_key_file = string # the client key, on the machine running spice; installed 0600 on the host
    host_key         = string # "ssh-ed25519 AAAA..." of the far side, pinned
    path             = string
    days             = optional(number, 30)
    min_keep         = optional(number, 7)
  })
  default = null
}

variable "enforcement" {
  description = "\"error\" fails the plan on a breached objective; \"warn\" reports it."
  type        = string
  default     = "warn"
  validation {
    condition     = contains(["error", "warn"], var.enforcement)
    error_message = "enforcement is \"error\" or \"warn\"."
  }
}

# Chapter 11: maintenance.

variable "maintenance" {
  description = "true: nginx serves the maintenance page (the manual's maintenance_mode.sh enable); false: the BFF."
  type        = bool
  default     = false
}

variable "http_port" {
  description = "The port nginx listens on."
  type        = number
  default     = 80
}
