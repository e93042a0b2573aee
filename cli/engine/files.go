package engine

import (
	"os"
	"path/filepath"

	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/internal/atomicfile"
)

// unknownOf stands in for a variable's value during validate, which needs
// no values.
func unknownOf(v *config.Variable) cty.Value { return cty.UnknownVal(v.Type) }

// writeFileKeepMode replaces a file atomically, keeping its mode. A
// symbolic link is written through, as terraform fmt does: modules share
// files by links, which must stay links.
func writeFileKeepMode(p string, b []byte) error {
	target, err := filepath.EvalSymlinks(p)
	if err != nil {
		return err
	}
	info, err := os.Stat(target)
	if err != nil {
		return err
	}
	return atomicfile.Write(target, b, info.Mode().Perm())
}
