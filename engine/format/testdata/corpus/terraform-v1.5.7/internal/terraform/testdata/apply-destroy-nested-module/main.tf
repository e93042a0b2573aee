/*
module "child" {
    source = "./child"
}
*/
