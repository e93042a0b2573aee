output "example" {
  value = "example"
  deprecated = "for reasons"
}
