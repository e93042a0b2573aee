module "../invalid" {
  source  = "./child"
}