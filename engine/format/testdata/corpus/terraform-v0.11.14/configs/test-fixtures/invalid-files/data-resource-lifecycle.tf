data "example" "example" {
  lifecycle {
    # This block intentionally left blank
  }
}
