// Package schema is the attribute vocabulary shared by spice resources:
// custom value types (octal file modes) and validators (paths, durations).
// Resources import it as spiceschema next to the framework's schema package.
package schema
