# Nothing here!
