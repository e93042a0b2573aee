module "../invalid" {
  source  = "./child"
}
