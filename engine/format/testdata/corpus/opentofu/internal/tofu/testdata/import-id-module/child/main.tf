output "lb_id" {
  value = 1
}
