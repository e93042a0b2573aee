import {
  to = test_instance.web
  id = "test2"
}
