# Purposefully empty
