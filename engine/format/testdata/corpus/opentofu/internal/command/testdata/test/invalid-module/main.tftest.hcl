
run "invalid" {
    module {
        source = "./setup"
    }
}

run "test" {}
