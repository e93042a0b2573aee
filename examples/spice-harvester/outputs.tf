output "commit" {
  description = "The commit the services run."
  value       = spice_git_checkout.app.commit
}

output "services" {
  description = "Each service's systemd state and health as last read."
  value = {
    for s in concat(values(spice_service.app), [spice_service.terminusdb, spice_service.watch]) : s.name => {
      active_state = s.active_state
      healthy      = s.healthy
    }
  }
}

output "host_violations" {
  description = "The hardware and software requirements the host does not meet (with requirements_enforce = \"warn\")."
  value       = spice_host.this.violations
}

output "objectives" {
  description = "Status of every recovery objective: met, breached or unknown."
  value       = { for k, o in spice_recovery_objective.manual : k => o.status }
}
