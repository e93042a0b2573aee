output "output" {
    value = "${terraform.workspace}"
}
