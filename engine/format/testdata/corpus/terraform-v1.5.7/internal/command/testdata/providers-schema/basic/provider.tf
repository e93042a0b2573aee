provider "test" {

}
