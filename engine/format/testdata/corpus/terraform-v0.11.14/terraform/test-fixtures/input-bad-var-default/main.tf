variable "test" {
    default {
        l = [1, 2, 3]
    }
}
