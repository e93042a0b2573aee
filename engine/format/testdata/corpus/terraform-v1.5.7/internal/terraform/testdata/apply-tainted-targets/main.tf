resource "aws_instance" "ifailedprovisioners" { }

resource "aws_instance" "iambeingadded" { }
