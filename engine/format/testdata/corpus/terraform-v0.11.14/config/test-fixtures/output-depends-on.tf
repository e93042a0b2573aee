output "value" {
    value = "foo"
    depends_on = ["foo"]
}
