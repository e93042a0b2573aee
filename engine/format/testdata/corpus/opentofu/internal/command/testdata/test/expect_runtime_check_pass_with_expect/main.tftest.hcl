run "test" {
  expect_failures = [
    check.check
  ]
}
