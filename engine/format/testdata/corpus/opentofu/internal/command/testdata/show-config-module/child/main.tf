resource "test_instance" "bar" {
  foo = "baz"
} 