provider "exact" {
	version = "1.2.3"
}

provider "greater_than" {
	version = ">= 2.3.3"
}

provider "between" {
	version = "> 1.0.0 , < 3.0.0"
}
