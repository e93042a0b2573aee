run "invalid_object" {
    variables {
        variable1 = "lalalala"
        variable2 = "lalalala"
    }

    expect_failures = [
    ]
}
