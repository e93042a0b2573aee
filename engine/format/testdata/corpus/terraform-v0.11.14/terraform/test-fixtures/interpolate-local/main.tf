locals {
  foo = "..."
}
