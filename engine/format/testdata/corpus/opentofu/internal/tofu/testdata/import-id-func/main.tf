import {
  to = aws_instance.foo
  id = substr("hmm123", "2", "3")
}

resource "aws_instance" "foo" {

}
