run "apply" {
  plan_options {
    mode=refresh-only
    refresh=false
  }
}
