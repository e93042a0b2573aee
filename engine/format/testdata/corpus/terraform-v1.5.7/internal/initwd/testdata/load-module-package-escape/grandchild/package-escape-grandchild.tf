# This is intentionally empty, just here to be referred to by the "child"
# module in ../child .
