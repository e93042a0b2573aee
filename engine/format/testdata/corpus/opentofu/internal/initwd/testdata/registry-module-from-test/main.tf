# Deliberately empty, we just want to make sure the module is loaded from the
# tests.