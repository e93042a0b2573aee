provider "aws" {
	version = "0.0.1"
	a = "a"
	b = "b"
}

