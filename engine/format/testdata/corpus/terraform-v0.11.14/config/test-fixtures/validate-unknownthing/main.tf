what "is this" {}
