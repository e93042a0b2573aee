// Package render prints plans the way Terraform does: + create, ~ update in
// place, - destroy, -/+ replace with "# forces replacement", <= read, a
// summary line, drift under "Objects have changed outside of spice", and
// "(sensitive value)" wherever a sensitive value would appear.
//
// It is the last phase, after package core has planned or applied:
// render.go is the human-readable plan, json.go the plan in the shape of
// Terraform's JSON plan, and state.go the state (spice show, state show).
// Nothing here evaluates configuration or calls the provider; a new output
// format is a new file reading core.Plan or state.File.
package render
