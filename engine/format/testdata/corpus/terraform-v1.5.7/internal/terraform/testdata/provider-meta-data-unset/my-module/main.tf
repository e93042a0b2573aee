data "test_file" "foo" {
  id = "bar"
}
