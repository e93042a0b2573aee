# These resources were previously "created" and the fixture represents
# them being destroyed subsequently

#resource "aws_instance" "orphan" {
#  foo = "bar"
#}

#resource "aws_instance" "nottargeted" {
#  foo = "bar"
#}
