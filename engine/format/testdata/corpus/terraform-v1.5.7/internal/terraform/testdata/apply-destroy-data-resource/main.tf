data "null_data_source" "testing" {
  foo = "yes"
}
