run "sample run" {
  module {
    source = "./.."
  }
}