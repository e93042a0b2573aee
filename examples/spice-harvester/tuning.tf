# Chapter 7, "Performance Tuning". The gunicorn rule (workers =
# cpu_count() * 2 + 1) is the production profile's worker count
# (requirements.tf), used in .env and the service configuration files.
#
# The kernel settings ("System Tuning": /etc/sysctl.conf additions, then
# `sysctl -p`) are kept by spice watch on the host itself (monitoring.tf):
# watch/tuning.tf is copied to var.watch_dir with the profile's choice in
# terraform.tfvars, and watch applies it, restores a hand edit within its
# interval and exports what it repaired. The login sessions' nofile limits
# are chapter 2's (installation.tf).
#
# The manual's terminusdb_config.yml is not declared: TerminusDB v11 reads
# its settings from TERMINUSDB_* environment variables; put any in
# terminusdb.env (database.tf).

resource "spice_file" "watched" {
  for_each = fileset("${path.module}/watch", "*.tf")
  path     = "${var.watch_dir}/${each.value}"
  content  = file("${path.module}/watch/${each.value}")
  mode     = "0644"
}

resource "spice_file" "watched_vars" {
  path    = "${var.watch_dir}/terraform.tfvars"
  mode    = "0644"
  content = <<-EOT
    kernel_tuning = ${local.settings.kernel_tuning}
    vm_runtime    = ${var.vm_runtime}
  EOT
}
