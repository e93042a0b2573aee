provider "foo" {

}
