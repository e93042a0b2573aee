# Empty, unset!
