provider "test" {

}

# No resource block present, so import fails
