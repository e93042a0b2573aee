resource "spice_directory" "backups" {
  path  = "/opt/spice-harvester/data/backups"
  mode  = "0700"
  owner = "root"
  group = "root"
}
