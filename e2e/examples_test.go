package e2e

import (
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// Every example directory is valid configuration for the engine: the
// examples are what operators copy, and the docs embed them.
func TestExamplesValidate(t *testing.T) {
	bin := testsupport.BuildBinary(t)
	examples := filepath.Join(testsupport.RepoDir(t), "examples")
	dirs := map[string]bool{}
	err := filepath.WalkDir(examples, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(path) == ".tf" {
			dirs[filepath.Dir(path)] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 10 {
		t.Fatalf("found %d example directories below %s", len(dirs), examples)
	}
	for dir := range dirs {
		if dirs[filepath.Dir(dir)] {
			continue // a module, validated through the example that calls it
		}
		rel, _ := filepath.Rel(examples, dir)
		t.Run(rel, func(t *testing.T) {
			testsupport.NewSpice(t, dir, bin).MustRun(0, "validate") // validate writes nothing
		})
	}
}
