package engine

import (
	"os"

	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/internal/atomicfile"
)

// unknownOf stands in for a variable's value during validate, which needs
// no values.
func unknownOf(v *config.Variable) cty.Value { return cty.UnknownVal(v.Type) }

// writeFileKeepMode replaces a file atomically, keeping its mode.
func writeFileKeepMode(p string, b []byte) error {
	info, err := os.Stat(p)
	if err != nil {
		return err
	}
	return atomicfile.Write(p, b, info.Mode().Perm())
}
