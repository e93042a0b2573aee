terraform {
    required_version = "> 0.7.0"
}
