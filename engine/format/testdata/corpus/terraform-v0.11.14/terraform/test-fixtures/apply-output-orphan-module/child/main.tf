output "foo" { value = "bar" }
