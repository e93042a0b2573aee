
resource "test_resource" "setup" {
    value = var.not_real // Oh no!
}
