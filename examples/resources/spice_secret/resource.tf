# 32 random bytes as 43 base64url characters, like Python's
# secrets.token_urlsafe(32).
resource "spice_secret" "secret_key" {}

# Rotated whenever the keeper changes.
resource "spice_secret" "terminus_key" {
  length   = 24
  encoding = "hex"
  keepers = {
    rotation = "2026-Q4"
  }
}
