terraform { required_version = ">= 0.5.0" }
