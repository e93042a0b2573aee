package watch

import (
	"strings"
)

// typeOf is the resource type of an instance address
// ([module.NAME.]TYPE.NAME[KEY]).
func typeOf(addr string) string {
	for strings.HasPrefix(addr, "module.") {
		parts := strings.SplitN(addr, ".", 3)
		if len(parts) < 3 {
			return ""
		}
		addr = parts[2]
	}
	typ, _, _ := strings.Cut(addr, ".")
	return typ
}
