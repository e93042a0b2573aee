module "" {
  source = "./child"
}
