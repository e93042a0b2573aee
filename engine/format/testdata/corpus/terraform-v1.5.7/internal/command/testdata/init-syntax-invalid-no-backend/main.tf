bad_block {
}

