output "cwd" {
  value = path.cwd
}

output "root" {
  value = abspath(path.root)
}
