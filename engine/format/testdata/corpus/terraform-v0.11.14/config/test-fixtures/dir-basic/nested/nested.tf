output "i-am-nested" {
    value = "what"
}
