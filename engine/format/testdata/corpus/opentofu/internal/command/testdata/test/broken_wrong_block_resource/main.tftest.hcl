resource "test_resource" "i_cant_write_that_here" {
}

run "test" {}
