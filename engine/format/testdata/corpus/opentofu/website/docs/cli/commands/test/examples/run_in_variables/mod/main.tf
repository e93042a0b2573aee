output "filename" {
  value = "some_file.txt"
}
