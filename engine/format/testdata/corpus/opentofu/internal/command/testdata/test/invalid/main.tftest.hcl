
run "invalid" {

    expect_failures = [
        local.my_value,
    ]

}
