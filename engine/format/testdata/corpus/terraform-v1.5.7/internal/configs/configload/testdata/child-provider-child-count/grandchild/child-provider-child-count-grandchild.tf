# Intentionally blank
