run "test" {

}