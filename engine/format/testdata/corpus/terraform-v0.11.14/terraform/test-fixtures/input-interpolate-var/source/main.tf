output "list" { value = "foo,bar,baz" }
