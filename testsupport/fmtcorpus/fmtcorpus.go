// Package fmtcorpus reads the fmt corpus (engine/format/testdata/corpus):
// real configurations with the output terraform fmt gives for each. It
// imports nothing heavy, so that fuzzing engine/format stays quick to
// build.
package fmtcorpus

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Extensions are the file name endings terraform fmt formats (as
// engine/format.Extensions, which cannot be imported here: its tests use
// this package).
var Extensions = []string{".tf", ".tfvars", ".tftest.hcl", ".tfmock.hcl"}

// Input is one corpus input: its path below Dir, and terraform fmt's
// output for it (nil when Terraform refuses it).
type Input struct {
	Path string
	Want []byte
}

// Dir is the corpus directory.
func Dir(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	require.True(t, ok, "locate fmtcorpus source")
	return filepath.Join(filepath.Dir(file), "..", "..", "engine", "format", "testdata", "corpus")
}

// Read lists the corpus inputs with their expected output, from the
// files generate.sh wrote with the real terraform fmt.
func Read(t testing.TB) []Input {
	t.Helper()
	dir := Dir(t)
	listed, err := os.ReadFile(filepath.Join(dir, "refused.txt"))
	require.NoError(t, err)
	refused := map[string]bool{}
	for _, p := range strings.Fields(string(listed)) {
		refused[p] = true
	}
	var inputs []Input
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !Formattable(p) {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		in := Input{Path: rel}
		if !refused[rel] {
			if in.Want, err = os.ReadFile(p + ".golden"); err != nil {
				return err
			}
		}
		delete(refused, rel)
		inputs = append(inputs, in)
		return nil
	})
	require.NoError(t, err)
	require.Empty(t, refused, "refused.txt names inputs that are not in the corpus")
	require.Greater(t, len(inputs), 1000, "the corpus is there")
	return inputs
}

// Formattable says whether terraform fmt formats a file of this name.
func Formattable(name string) bool {
	for _, ext := range Extensions {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}
