terraform {
  experiments = [unknown]
}
