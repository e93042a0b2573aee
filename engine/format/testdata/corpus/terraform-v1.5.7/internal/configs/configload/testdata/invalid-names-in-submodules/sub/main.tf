resource "aws-_foo" "test" {

}

data "aws-_bar" "test" {

}
