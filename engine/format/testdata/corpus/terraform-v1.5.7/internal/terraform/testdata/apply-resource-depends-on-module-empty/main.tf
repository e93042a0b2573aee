# Empty!
