variables {
  input = "some value"
}

run "test" {}
