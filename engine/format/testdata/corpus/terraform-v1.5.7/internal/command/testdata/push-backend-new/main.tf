terraform {
  backend "inmem" {}
}

atlas { name = "hello" }
