variable 1x1 {}
