terraform {
  experiments = [concluded]
}
