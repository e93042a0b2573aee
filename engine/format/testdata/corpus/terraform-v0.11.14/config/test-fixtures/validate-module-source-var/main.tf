module "foo" {
    source = "${path.cwd}/foo"
}
