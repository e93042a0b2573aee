resource "test_instance" "test" {
}
output "myoutput" {
  value = "bar"
}
