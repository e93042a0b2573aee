output "commit" {
  description = "The commit checked out: a restart trigger for the services."
  value       = spice_git_checkout.app.commit
}

output "backend_dir" {
  description = "The services example's backend_dir."
  value       = "${spice_git_checkout.app.path}/backend"
}

output "venv_python" {
  description = "The venv's interpreter, which the services run."
  value       = "${spice_python_venv.app.path}/bin/python"
}
