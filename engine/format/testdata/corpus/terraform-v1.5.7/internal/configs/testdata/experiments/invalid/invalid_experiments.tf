terraform {
  experiments = invalid
}
