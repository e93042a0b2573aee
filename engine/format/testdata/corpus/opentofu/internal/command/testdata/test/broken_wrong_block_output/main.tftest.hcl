output "abc" {
  value = "1"
}

run "test" {}
