output "output" { value = "${terraform.env}" }
