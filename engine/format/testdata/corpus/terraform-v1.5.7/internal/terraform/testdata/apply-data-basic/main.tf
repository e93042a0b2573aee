data "null_data_source" "testing" {}
