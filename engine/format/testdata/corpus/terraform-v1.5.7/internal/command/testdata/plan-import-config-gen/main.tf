import {
  id = "bar"
  to = test_instance.foo
}
