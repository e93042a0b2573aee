package format

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// The recorded expectations are what the real terraform fmt writes
// today: one terraform fmt -recursive over a copy of the inputs it
// formats must succeed and leave each file equal to its .golden, and one
// over a copy of the refused inputs must fail (exit code 2) and change
// none of them.
func TestTerraformFormatsTheCorpusAsRecorded(t *testing.T) {
	testsupport.TerraformBinary(t)
	formatted, refused := t.TempDir(), t.TempDir()
	inputs := readCorpus(t)
	for _, in := range inputs {
		dir := formatted
		if in.want == nil {
			dir = refused
		}
		src, err := os.ReadFile(filepath.Join(corpusDir, in.path))
		require.NoError(t, err)
		dst := filepath.Join(dir, in.path)
		require.NoError(t, os.MkdirAll(filepath.Dir(dst), 0o755))
		require.NoError(t, os.WriteFile(dst, src, 0o644))
	}

	_, code := testsupport.NewTerraformOffline(t, formatted).Output("fmt", "-recursive", "-list=false")
	require.Equal(t, 0, code, "terraform fmt formats every input not in refused.txt")
	_, code = testsupport.NewTerraformOffline(t, refused).Output("fmt", "-recursive", "-list=false")
	require.Equal(t, 2, code, "terraform fmt refuses the inputs in refused.txt")

	for _, in := range inputs {
		got, err := os.ReadFile(filepath.Join(formatted, in.path))
		want := in.want
		if in.want == nil {
			got, err = os.ReadFile(filepath.Join(refused, in.path))
			require.NoError(t, err)
			want, err = os.ReadFile(filepath.Join(corpusDir, in.path))
		}
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), "%s: terraform fmt's output is the one recorded (run generate.sh)", in.path)
	}
}
