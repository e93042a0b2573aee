import {
  id = "bar"
  to = terraform_data.foo
}
