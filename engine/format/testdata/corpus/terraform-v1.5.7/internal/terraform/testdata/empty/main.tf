# Empty, use this for any test that requires a module but no config.
