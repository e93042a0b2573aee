package funcs

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/hashicorp/go-cty-funcs/filesystem"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// fsFunctions are the functions that read files; templatestring refuses
// them, as Terraform does.
var fsFunctions = map[string]bool{
	"file": true, "fileexists": true, "fileset": true, "filebase64": true, "filebase64sha256": true,
	"filebase64sha512": true, "filemd5": true, "filesha1": true, "filesha256": true, "filesha512": true,
	"templatefile": true,
}

// readFile reads path (~ expanded, relative to baseDir) as bytes.
func readFile(baseDir, path string) ([]byte, error) {
	expanded, err := filesystem.PathExpandFunc.Call([]cty.Value{cty.StringVal(path)})
	if err != nil {
		return nil, err
	}
	p := expanded.AsString()
	if !filepath.IsAbs(p) {
		p = filepath.Join(baseDir, p)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("no file exists at %s; this function works only with files that are distributed as part of the configuration source code", path)
		}
		return nil, fmt.Errorf("failed to read file: %w", err)
	}
	return b, nil
}

// fileHashFunc hashes a file's bytes, text or not.
func fileHashFunc(baseDir string, d digest) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			b, err := readFile(baseDir, args[0].AsString())
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(d(b)), nil
		},
	})
}
