resource "test_resource" "bar" {
  value = "bar"
}
