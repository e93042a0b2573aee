# Once upon a time, there was a child module here
/*
module "child" {
  source = "./child"
}
*/
