output "data" {
    value = "foo"
}

aws_instance "foo" {}
