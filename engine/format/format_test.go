package format

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/testsupport/fmtcorpus"
)

const corpusDir = "testdata/corpus"

// Every corpus input comes out as terraform fmt wrote it, byte for byte,
// and formatting that again changes nothing; what Terraform refuses,
// Format refuses with an error naming the file and line.
func TestFormatCorpusAsTerraform(t *testing.T) {
	for _, in := range fmtcorpus.Read(t) {
		src, err := os.ReadFile(filepath.Join(corpusDir, in.Path))
		require.NoError(t, err)
		got, diags := Format(src, in.Path)
		if in.Want == nil {
			if assert.True(t, diags.HasErrors(), "%s: Terraform refuses it", in.Path) {
				assert.Equal(t, in.Path, diags[0].Subject.Filename, "the diagnostic names the file")
				assert.Positive(t, diags[0].Subject.Start.Line, "the diagnostic names the line")
			}
			assert.Nil(t, got, in.Path)
			continue
		}
		if !assert.False(t, diags.HasErrors(), "%s: %s", in.Path, diags) {
			continue
		}
		if !bytes.Equal(in.Want, got) {
			assert.Equal(t, string(in.Want), string(got), "%s formats as terraform fmt", in.Path)
			continue
		}
		again, diags := Format(got, in.Path)
		assert.False(t, diags.HasErrors(), "%s formatted: %s", in.Path, diags)
		assert.Equal(t, string(got), string(again), "%s: formatting is idempotent", in.Path)
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
		if !fmtcorpus.Formattable(p) {
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

// The corpus reader picks the files this package formats.
func TestCorpusReaderKnowsTheExtensions(t *testing.T) {
	assert.Equal(t, Extensions, fmtcorpus.Extensions)
}
