variable "packages" {
  description = "The packages the manual installs (apt names)."
  type        = list(string)
  default     = ["python3-pip", "python3-venv", "git", "docker.io", "docker-compose"]
}

variable "apt_update_max_age" {
  description = "apt-get update before installing when the package lists are older than this (\"0s\": always, as the manual's apt update)."
  type        = string
  default     = "0s"
}

variable "create_docker_group" {
  description = "Make the docker group (docker.io's package makes it; set true where Docker is not installed from it)."
  type        = bool
  default     = false
}

variable "docker_operators" {
  description = "Existing accounts to add to the docker group (the manual's usermod -aG docker $USER)."
  type        = list(string)
  default     = []
}

variable "repository" {
  description = "The application's Git repository."
  type        = string
  default     = "https://github.com/your-org/spice-harvester.git"
}

variable "ref" {
  description = "The branch, tag or full commit id to check out."
  type        = string
  default     = "main"
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
