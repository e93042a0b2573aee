output "app_dir" {
  value       = spice_directory.app.path
  description = "The application directory."
}

output "env_file_sha256" {
  value       = spice_env_file.app.sha256
  description = "Digest of .env; a restart trigger for the services."
}

output "config_sha256" {
  value = {
    oms = spice_file.oms_config.sha256
    bff = spice_file.bff_config.sha256
  }
  description = "Digests of the service configuration files."
}
