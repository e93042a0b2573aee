run "validate_test_resource" {
  assert {
    condition = output.value == "bar"
    error_message = "invalid value"
  }
}
