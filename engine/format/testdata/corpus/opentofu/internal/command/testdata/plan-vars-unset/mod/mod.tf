output "stuff" {
  value = "things"
}