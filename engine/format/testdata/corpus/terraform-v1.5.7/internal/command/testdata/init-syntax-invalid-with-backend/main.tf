terraform {
  backend "local" {}
}

bad_block {
}

