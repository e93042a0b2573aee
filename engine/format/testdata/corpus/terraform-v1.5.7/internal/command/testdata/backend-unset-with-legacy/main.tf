# Empty, we're unsetting
