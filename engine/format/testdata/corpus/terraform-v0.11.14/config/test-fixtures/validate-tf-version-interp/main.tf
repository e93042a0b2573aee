terraform {
    required_version = "${var.foo}"
}
