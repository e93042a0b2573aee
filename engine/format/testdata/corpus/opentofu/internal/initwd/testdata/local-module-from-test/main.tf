# Keep this empty, we just want to make sure the test file loads the setup
# module.