package engine

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/cli/command"
	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/fmtcorpus"
)

// fmtTree is a configuration with a formatted file at the top, an
// unformatted one below and, with broken, a file with a syntax error.
func fmtTree(t *testing.T, dir string, broken bool) map[string]string {
	t.Helper()
	files := map[string]string{
		"main.tf":         "variable \"a\" {\n  type = string\n}\n",
		"sub/net.tf":      "variable b { type = \"list\" }\nlocals {\n  x = \"${var.b}\"\n  long_name = 1\n}\n",
		"sub/dev.tfvars":  "a=1\n",
		"sub/.hidden.tf":  "a=1\n",
		"sub/notes.txt":   "a=1\n",
		"sub/deep/x.tf":   "b=2\n",
		"sub/x.tf.json":   "{}\n",
		"sub/backup.tf~":  "a=1\n",
		"sub/#autosave#":  "a=1\n",
		"sub/empty.tf":    "",
		"sub/no-final.tf": "c = 3",
	}
	if broken {
		files["sub/broken.tf"] = "locals {\n  a = \n}\n"
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	// A module sharing a file by a link (met before the file itself with
	// -recursive): fmt writes through it.
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "zshared"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "zshared", "versions.tf"), []byte("s=1\n"), 0o644))
	require.NoError(t, os.Symlink("../zshared/versions.tf", filepath.Join(dir, "sub", "linked.tf")))
	return readTree(t, dir)
}

// readTree maps each file below dir to its content, or a link to its
// target.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.Type() == os.ModeSymlink {
			target, err := os.Readlink(p)
			out[rel] = "link to " + target
			return err
		}
		b, err := os.ReadFile(p)
		out[rel] = string(b)
		return err
	}))
	return out
}

// spiceFmtStdin runs spice fmt in-process with src on standard input.
func spiceFmtStdin(t *testing.T, src string, args ...string) (int, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	c, err := Commands(command.Streams{Version: "test", Stdin: bytes.NewBufferString(src), Stdout: &out, Stderr: &errOut})["fmt"]()
	require.NoError(t, err)
	return c.Run(args), out.String()
}

// Exit codes as Terraform's: 0, 3 for -check with changes (nothing
// written), 2 for a file with a syntax error, which is left as it is and
// named with its line, while the other files are still formatted.
func TestFmtExitCodesAndRefusedFile(t *testing.T) {
	t.Chdir(t.TempDir())
	before := fmtTree(t, ".", false)

	code, out, _ := spiceRun(t, "fmt", "-check")
	assert.Equal(t, 0, code, "the top directory is formatted")
	assert.Empty(t, out)
	code, out, _ = spiceRun(t, "fmt", "-check", "-recursive")
	assert.Equal(t, 3, code)
	assert.Equal(t, "sub/deep/x.tf\nsub/dev.tfvars\nsub/linked.tf\nsub/net.tf\nzshared/versions.tf\n", out)
	assert.Equal(t, before, readTree(t, "."), "-check writes nothing")

	code, _, _ = spiceRun(t, "fmt", "-recursive")
	assert.Equal(t, 0, code)
	assert.Equal(t, "variable \"b\" { type = list(string) }\nlocals {\n  x         = var.b\n  long_name = 1\n}\n", readTree(t, ".")["sub/net.tf"])
	assert.Equal(t, "a=1\n", readTree(t, ".")["sub/.hidden.tf"], "hidden files are not formatted")
	assert.Equal(t, "s = 1\n", readTree(t, ".")["zshared/versions.tf"], "written through the link")
	assert.Equal(t, "link to ../zshared/versions.tf", readTree(t, ".")["sub/linked.tf"], "the link stays a link")
	code, _, _ = spiceRun(t, "fmt", "-check", "-recursive")
	assert.Equal(t, 0, code)

	broken := "locals {\n  a = \n}\n"
	require.NoError(t, os.WriteFile("sub/broken.tf", []byte(broken), 0o644))
	require.NoError(t, os.WriteFile("sub/later.tf", []byte("d=4\n"), 0o644))
	code, _, errOut := spiceRun(t, "fmt", "-recursive")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "sub/broken.tf:2:")
	assert.Equal(t, broken, readTree(t, ".")["sub/broken.tf"], "a refused file is left as it is")
	assert.Equal(t, "d = 4\n", readTree(t, ".")["sub/later.tf"], "the other files are formatted")

	code, out = spiceFmtStdin(t, "a=\"${b}\"\n", "-")
	assert.Equal(t, 0, code)
	assert.Equal(t, "a = b\n", out)
	code, out = spiceFmtStdin(t, "a=1\n", "-check", "-")
	assert.Equal(t, 3, code)
	assert.Empty(t, out)
}

// spice fmt and terraform fmt given the same tree and arguments exit
// with the same code, print the same (file lists, diffs, stdin output)
// and leave the same files.
func TestFmtAsTerraform(t *testing.T) {
	testsupport.TerraformBinary(t)
	cases := []struct {
		broken bool // the tree has a file with a syntax error
		args   []string
	}{
		{false, []string{}},
		{false, []string{"-check"}},
		{false, []string{"-check", "-recursive"}},
		{true, []string{"-check", "-recursive"}},
		{true, []string{"-recursive"}},
		{false, []string{"-recursive", "-diff"}},
		{false, []string{"-recursive", "-write=false"}},
		{false, []string{"-recursive", "-list=false", "-check"}},
		{false, []string{"sub/net.tf", "sub/dev.tfvars"}},
		{true, []string{"sub"}},
		{false, []string{"-"}},
		{false, []string{"-check", "-"}},
		{false, []string{"sub/notes.txt", "sub/net.tf"}},
		{false, []string{"sub/net.tf", "missing", "sub/dev.tfvars"}},
		{false, []string{"./sub/net.tf", "./sub/deep/", "sub/../sub/dev.tfvars"}},
	}
	for _, tc := range cases {
		broken, args := tc.broken, tc.args
		tfDir, spiceDir := t.TempDir(), t.TempDir()
		fmtTree(t, tfDir, broken)
		fmtTree(t, spiceDir, broken)
		stdin := "a=\"${b}\"\nccc = 1 # c\nd   = 2 # d"

		tf := testsupport.NewTerraformOffline(t, tfDir).Command(append([]string{"fmt"}, args...)...)
		tf.Stdin = bytes.NewBufferString(stdin)
		var tfOut bytes.Buffer
		tf.Stdout = &tfOut
		tfCode := 0
		if err := tf.Run(); err != nil {
			tfCode = tf.ProcessState.ExitCode()
			require.Positive(t, tfCode, "terraform fmt %q: %s", args, err)
		}

		t.Chdir(spiceDir)
		code, out := spiceFmtStdin(t, stdin, args...)
		assert.Equal(t, tfCode, code, "fmt %q (broken file: %v): exit code", args, broken)
		assert.Equal(t, tfOut.String(), out, "fmt %q (broken file: %v): output", args, broken)
		assert.Equal(t, readTree(t, tfDir), readTree(t, spiceDir), "fmt %q (broken file: %v): files", args, broken)
	}
}

// The recorded expectations are what the real terraform fmt writes
// today: one terraform fmt -recursive over a copy of the inputs it
// formats must succeed and leave each file equal to its .golden, and one
// over a copy of the refused inputs must fail (exit code 2) and change
// none of them.
func TestTerraformFormatsTheCorpusAsRecorded(t *testing.T) {
	testsupport.TerraformBinary(t)
	formatted, refused, corpus := t.TempDir(), t.TempDir(), fmtcorpus.Dir(t)
	inputs := fmtcorpus.Read(t)
	for _, in := range inputs {
		dir := formatted
		if in.Want == nil {
			dir = refused
		}
		src, err := os.ReadFile(filepath.Join(corpus, in.Path))
		require.NoError(t, err)
		dst := filepath.Join(dir, in.Path)
		require.NoError(t, os.MkdirAll(filepath.Dir(dst), 0o755))
		require.NoError(t, os.WriteFile(dst, src, 0o644))
	}

	_, code := testsupport.NewTerraformOffline(t, formatted).Output("fmt", "-recursive", "-list=false")
	require.Equal(t, 0, code, "terraform fmt formats every input not in refused.txt")
	_, code = testsupport.NewTerraformOffline(t, refused).Output("fmt", "-recursive", "-list=false")
	require.Equal(t, 2, code, "terraform fmt refuses the inputs in refused.txt")

	for _, in := range inputs {
		got, err := os.ReadFile(filepath.Join(formatted, in.Path))
		want := in.Want
		if in.Want == nil {
			got, err = os.ReadFile(filepath.Join(refused, in.Path))
			require.NoError(t, err)
			want, err = os.ReadFile(filepath.Join(corpus, in.Path))
		}
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), "%s: terraform fmt's output is the one recorded (run generate.sh)", in.Path)
	}
}
