output "good" {
    value = "great"
}
