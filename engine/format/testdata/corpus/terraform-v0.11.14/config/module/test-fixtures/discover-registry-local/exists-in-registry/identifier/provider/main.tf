output "local" {
	value = "test"
}
