terraform {
  experiments = [current]
}
