// Package e2e drives the built spice binary the way a user does: real
// Terraform, dev_overrides pointing at the binary, configurations on disk.
// It holds tests only.
package e2e
