// Package version is the build's version, set by the linker
// (-X github.com/spice-harvester/terraform-provider-spice/version.Version=...).
package version

// Version is "dev" in builds without linker flags.
var Version = "dev"
