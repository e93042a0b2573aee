This is not valid HCL
run "test" {}
