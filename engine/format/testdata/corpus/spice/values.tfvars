region="eu-west-1"
list = [ "a","b" ]
interp = "${upper("x")}"
map = {
  a = 1
  bbb = 2
}
