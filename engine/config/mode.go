package config

// Mode says whether a resource block manages an object (resource) or reads
// one (data).
type Mode int

const (
	Managed Mode = iota
	Data
)

// String is the name state files and JSON plans use: "managed" or "data".
func (m Mode) String() string {
	if m == Data {
		return "data"
	}
	return "managed"
}

// StateMode reads the mode a state file records; anything but "data" is a
// managed resource.
func StateMode(s string) Mode {
	if s == Data.String() {
		return Data
	}
	return Managed
}

// LocalAddress is a resource's address inside its module: TYPE.NAME, or
// data.TYPE.NAME for a data source.
func (m Mode) LocalAddress(typ, name string) string {
	if m == Data {
		return "data." + typ + "." + name
	}
	return typ + "." + name
}

// Noun names the kind of type a block declares, for diagnostics.
func (m Mode) Noun() string {
	if m == Data {
		return "data source"
	}
	return "resource type"
}
