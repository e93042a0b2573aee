package format

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const corpusDir = "testdata/corpus"

// corpusInput is one input of the corpus: its path, and terraform fmt's
// output for it (nil when Terraform refuses it).
type corpusInput struct {
	path string
	want []byte
}

// readCorpus lists the corpus inputs with their expected output, from
// the files generate.sh wrote with the real terraform fmt.
func readCorpus(t testing.TB) []corpusInput {
	t.Helper()
	listed, err := os.ReadFile(filepath.Join(corpusDir, "refused.txt"))
	require.NoError(t, err)
	refused := map[string]bool{}
	for _, p := range strings.Fields(string(listed)) {
		refused[p] = true
	}
	var inputs []corpusInput
	err = filepath.WalkDir(corpusDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !hasFormattedExtension(p) {
			return err
		}
		rel, err := filepath.Rel(corpusDir, p)
		if err != nil {
			return err
		}
		in := corpusInput{path: rel}
		if !refused[filepath.ToSlash(rel)] {
			if in.want, err = os.ReadFile(p + ".golden"); err != nil {
				return err
			}
		}
		delete(refused, filepath.ToSlash(rel))
		inputs = append(inputs, in)
		return nil
	})
	require.NoError(t, err)
	require.Empty(t, refused, "refused.txt names inputs that are not in the corpus")
	require.Greater(t, len(inputs), 1000, "the corpus is there")
	return inputs
}

func hasFormattedExtension(name string) bool {
	for _, ext := range Extensions {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// Every corpus input comes out as terraform fmt wrote it, byte for byte,
// and formatting that again changes nothing; what Terraform refuses,
// Format refuses with an error naming the file and line.
func TestFormatCorpusAsTerraform(t *testing.T) {
	for _, in := range readCorpus(t) {
		src, err := os.ReadFile(filepath.Join(corpusDir, in.path))
		require.NoError(t, err)
		got, diags := Format(src, in.path)
		if in.want == nil {
			if assert.True(t, diags.HasErrors(), "%s: Terraform refuses it", in.path) {
				assert.Equal(t, in.path, diags[0].Subject.Filename, "the diagnostic names the file")
				assert.Positive(t, diags[0].Subject.Start.Line, "the diagnostic names the line")
			}
			assert.Nil(t, got, in.path)
			continue
		}
		if !assert.False(t, diags.HasErrors(), "%s: %s", in.path, diags) {
			continue
		}
		if !bytes.Equal(in.want, got) {
			assert.Equal(t, string(in.want), string(got), "%s formats as terraform fmt", in.path)
			continue
		}
		again, diags := Format(got, in.path)
		assert.False(t, diags.HasErrors(), "%s formatted: %s", in.path, diags)
		assert.Equal(t, string(got), string(again), "%s: formatting is idempotent", in.path)
	}
}

// Terraform's own golden files for its fmt command (v1.5.7, MPL-2.0) and
// OpenTofu's (MPL-2.0): NAME_in.EXT formats to NAME_out.EXT.
func TestFormatGoldenFiles(t *testing.T) {
	ins, err := filepath.Glob("testdata/golden/*/*_in.*")
	require.NoError(t, err)
	require.NotEmpty(t, ins)
	for _, in := range ins {
		t.Run(strings.TrimPrefix(in, "testdata/golden/"), func(t *testing.T) {
			src, err := os.ReadFile(in)
			require.NoError(t, err)
			want, err := os.ReadFile(strings.Replace(in, "_in.", "_out.", 1))
			require.NoError(t, err)
			got, diags := Format(src, in)
			require.False(t, diags.HasErrors(), "%s", diags)
			assert.Equal(t, string(want), string(got))
		})
	}
}

// FuzzFormat: whatever the input, Format does not panic, and it either
// refuses the input or returns output that parses and that Format leaves
// as it is. The seeds are the corpus inputs written for spice and the
// golden files (TestFormatCorpusAsTerraform checks idempotence on the
// whole corpus); go test -fuzz=FuzzFormat -fuzztime=1m explores from them.
func FuzzFormat(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join(corpusDir, "spice", "*.*"))
	require.NoError(f, err)
	refused, err := filepath.Glob(filepath.Join(corpusDir, "spice", "refused", "*"))
	require.NoError(f, err)
	golden, err := filepath.Glob("testdata/golden/*/*_*.*")
	require.NoError(f, err)
	for _, p := range append(append(seeds, refused...), golden...) {
		if !hasFormattedExtension(p) {
			continue
		}
		src, err := os.ReadFile(p)
		require.NoError(f, err)
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		out, diags := Format(src, "fuzz.tf")
		if diags.HasErrors() {
			return
		}
		again, diags := Format(out, "fuzz.tf")
		require.False(t, diags.HasErrors(), "formatted output parses: %s\n%s", diags, out)
		require.Equal(t, string(out), string(again), "formatting is idempotent")
	})
}
