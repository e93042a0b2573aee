# Nothing
