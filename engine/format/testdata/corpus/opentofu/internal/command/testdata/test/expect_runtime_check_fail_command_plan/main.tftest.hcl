run "test" {
  command = plan
}
