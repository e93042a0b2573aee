// Package config loads the .tf files of a directory into the blocks the
// engine understands: the first, static decoding phase. Expressions stay
// unevaluated here; package core evaluates them once schemas and values are
// known. Anything outside the supported subset of the Terraform language is
// an error naming the construct, never silently ignored.
//
// load.go reads a directory and hands each top-level block to its decoder,
// one file per block kind: terraform.go, provider.go, variable.go,
// locals.go, output.go, resource.go (resource and data blocks, lifecycle),
// check.go, import.go and module.go (module calls, loaded recursively).
// A new block kind gets its own file and a case in Module.decodeFile.
// values.go is the second phase, run once the module is loaded: input
// variable values from the environment, tfvars files and -var flags.
package config
