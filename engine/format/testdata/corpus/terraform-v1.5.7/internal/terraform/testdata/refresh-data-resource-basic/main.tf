data "null_data_source" "testing" {
  inputs = {
    test = "yes"
  }
}
