package systemd

import (
	"fmt"
	"strings"
)

// maxUnitName is systemd's UNIT_NAME_MAX: the whole name, suffix included.
const maxUnitName = 255

// unitTypes are the suffixes systemd knows.
var unitTypes = []string{
	".service", ".socket", ".target", ".device", ".mount", ".automount",
	".swap", ".timer", ".path", ".slice", ".scope",
}

// CheckUnitName checks a full unit name ("network-online.target",
// "spice-harvester-bff.service") by systemd's rules: a known type suffix,
// at most 255 characters, only [A-Za-z0-9:_.\-@] before it, and for a
// template instance ("name@instance") a non-empty name and instance.
func CheckUnitName(name string) error {
	suffix := ""
	for _, s := range unitTypes {
		if strings.HasSuffix(name, s) {
			suffix = s
		}
	}
	if suffix == "" {
		return fmt.Errorf("unit name %q has no unit type suffix such as .service or .target", name)
	}
	return checkPrefix(name, strings.TrimSuffix(name, suffix))
}

// CheckServiceName checks a service's bare name, as spice_service's name
// takes it: "spice-harvester-bff" for spice-harvester-bff.service.
func CheckServiceName(name string) error {
	if strings.HasSuffix(name, ".service") {
		return fmt.Errorf("%q: give the name without the .service suffix (%q); spice adds it", name, strings.TrimSuffix(name, ".service"))
	}
	return checkPrefix(ServiceUnit(name), name)
}

// ServiceUnit is the unit name of a service's bare name.
func ServiceUnit(name string) string { return name + ".service" }

func checkPrefix(full, prefix string) error {
	if prefix == "" {
		return fmt.Errorf("unit name %q is empty before its suffix", full)
	}
	if len(full) > maxUnitName {
		return fmt.Errorf("unit name %q is %d characters long; systemd allows %d", full, len(full), maxUnitName)
	}
	for _, r := range prefix {
		if !unitNameChar(r) {
			return fmt.Errorf("unit name %q holds %q: systemd allows only letters, digits and \":_.-@\"", full, r)
		}
	}
	if at := strings.IndexByte(prefix, '@'); at >= 0 {
		if at == 0 || strings.Count(prefix, "@") > 1 {
			return fmt.Errorf("unit name %q: a template instance is NAME@INSTANCE with one @", full)
		}
		if at == len(prefix)-1 {
			return fmt.Errorf("unit name %q is a template (nothing after @): name an instance", full)
		}
	}
	return nil
}

func unitNameChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(":_.-@", r)
}
