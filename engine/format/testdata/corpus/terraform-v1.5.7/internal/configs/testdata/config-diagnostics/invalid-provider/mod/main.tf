provider "crash_es" {
}
