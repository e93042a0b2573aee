output "foo" {}
