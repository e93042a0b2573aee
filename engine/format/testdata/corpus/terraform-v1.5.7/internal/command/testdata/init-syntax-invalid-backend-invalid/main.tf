terraform {
  backend "nonexistent" {}
}

bad_block {
}

