resource "a" "b" {
	tabbed = 1
   odd_indent   =    2 # comment
  long_name_here = 3    # another
  x = 4 // slashes
  y = [1,2,3]
  z = {a=1,
  bb=2}
  f = func( 1 ,2 )
  neg = - 1
  not = ! true
  splat = var.a[*].b
  cond = var.a?1:2
  for = [for x in var.l: x if x!=""]
  obj = {for k,v in var.m: k=>v...}

  

  after_blank = 5
  block {
  inner = true
  }
}    
# no trailing newline
