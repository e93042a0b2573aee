run "test" {}
