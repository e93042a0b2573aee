resource "aws_instance" "server" {}

output "security_group" { value = "" }
