package engine

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/internal/atomicfile"
)

// unknownOf stands in for a variable's value during validate, which needs
// no values.
func unknownOf(v *config.Variable) cty.Value { return cty.UnknownVal(v.Type) }

func tfFiles(dir string, recursive bool) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && (!recursive || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(p, ".tf") || strings.HasSuffix(p, ".tfvars") {
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// writeFileKeepMode replaces a file atomically, keeping its mode.
func writeFileKeepMode(p string, b []byte) error {
	info, err := os.Stat(p)
	if err != nil {
		return err
	}
	return atomicfile.Write(p, b, info.Mode().Perm())
}
