/*
module "subsubchild" {
  source = "./subsubchild"
}
*/
