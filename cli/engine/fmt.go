package engine

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/spice-harvester/terraform-provider-spice/cli/command"
	"github.com/spice-harvester/terraform-provider-spice/engine/format"
)

// fmtCommand rewrites configuration files as terraform fmt does, with
// its flags and exit codes: 2 when a file cannot be formatted (a syntax
// error; that file is left as it is), 3 for -check with changes.
type fmtCommand struct {
	meta
	list, write, diff bool
	// out gets the file names (-list), diffs and, on stdin, the result.
	out io.Writer
	// files holds refused files' content, for the diagnostics' source lines.
	files map[string]*hcl.File
}

func (c *fmtCommand) Synopsis() string { return "Rewrite configuration files in the canonical format" }
func (c *fmtCommand) Help() string {
	return `Usage: spice [-chdir=DIR] fmt [options] [TARGET...]

  Rewrites .tf, .tfvars, .tftest.hcl and .tfmock.hcl files in the format
  terraform fmt writes, byte for byte. TARGET is a directory (default the
  current one), a file, or - to format standard input to standard output.
  A file with a syntax error is reported and left as it is (exit code 2).

  -list=false   don't list the files whose formatting differs
  -write=false  don't write to the files
  -diff         print the changes as unified diffs
  -check        change nothing; exit 3 when some file is not formatted
  -recursive    also process subdirectories`
}

func (c *fmtCommand) Run(args []string) int {
	fs := c.flagSet("fmt", false)
	fs.BoolVar(&c.list, "list", true, "")
	fs.BoolVar(&c.write, "write", true, "")
	fs.BoolVar(&c.diff, "diff", false, "")
	check := fs.Bool("check", false, "")
	recursive := fs.Bool("recursive", false, "")
	targets, err := command.ParseArgs(fs, args)
	if err != nil {
		return 1
	}
	stdin := len(targets) > 0 && targets[0] == "-"
	if stdin {
		c.list, c.write = false, false
	} else if len(targets) == 0 {
		targets = []string{"."}
	}
	listChecked := c.list
	var checked bytes.Buffer
	c.out = uiLines{c.Stdout}
	if *check {
		// The list of changed files is what -check looks at.
		c.list, c.write, c.out = true, false, &checked
	}

	c.files = map[string]*hcl.File{}
	var diags hcl.Diagnostics
	if stdin {
		src, err := io.ReadAll(c.Stdin)
		if err != nil {
			return c.fail(fmt.Errorf("read standard input: %w", err))
		}
		diags = c.file("<stdin>", src)
	} else {
		for _, target := range targets {
			target = relativeToWorkingDir(target)
			if _, err := os.Stat(target); err != nil {
				c.printDiagnostics(c.files, diags)
				return c.fail(fmt.Errorf("no file or directory at %s", target))
			}
			diags = append(diags, c.target(target, *recursive)...)
		}
	}
	c.printDiagnostics(c.files, diags)
	if diags.HasErrors() {
		return 2
	}
	if *check {
		changed := checked.Len() > 0
		if listChecked {
			_, _ = checked.WriteTo(uiLines{c.Stdout})
		}
		if changed {
			return 3
		}
	}
	return 0
}

// fail reports an error that stops fmt (exit code 2, as Terraform's).
func (c *fmtCommand) fail(err error) int {
	c.Errorf("%s", err)
	return 2
}

// failed is an error about one file or directory; fmt goes on with the
// others, as Terraform's does.
func failed(format string, args ...any) hcl.Diagnostics {
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: fmt.Sprintf(format, args...)}}
}

// target formats one command line argument: a directory's files (and its
// subdirectories' with recursive) or one file.
func (c *fmtCommand) target(path string, recursive bool) hcl.Diagnostics {
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return c.dir(path, recursive)
	}
	if !formattable(path) {
		return failed("Only %s files can be processed with fmt, not %s", strings.Join(format.Extensions, ", "), path)
	}
	return c.path(path)
}

// dir formats a directory's files in name order, skipping the names
// Terraform ignores, and with recursive its subdirectories' in turn.
func (c *fmtCommand) dir(dir string, recursive bool) hcl.Diagnostics {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return failed("Cannot read directory %s: %s", dir, err)
	}
	var diags hcl.Diagnostics
	for _, e := range entries {
		name := e.Name()
		if ignoredName(name) {
			continue
		}
		p := filepath.Join(dir, name)
		switch {
		case e.IsDir() && recursive:
			diags = append(diags, c.dir(p, recursive)...)
		case !e.IsDir() && formattable(name):
			diags = append(diags, c.path(p)...)
		}
	}
	return diags
}

func (c *fmtCommand) path(p string) hcl.Diagnostics {
	src, err := os.ReadFile(p)
	if err != nil {
		return failed("Failed to read file %s: %s", p, err)
	}
	return c.file(p, src)
}

// file formats one file's content: lists, writes, diffs or prints the
// result as the flags say. A refused file is only reported, with its
// content kept for the diagnostics' source lines.
func (c *fmtCommand) file(name string, src []byte) hcl.Diagnostics {
	out, diags := format.Format(src, name)
	if diags.HasErrors() {
		c.files[name] = &hcl.File{Bytes: src}
		return diags
	}
	if !bytes.Equal(src, out) {
		if c.list {
			fmt.Fprintln(c.out, name)
		}
		if c.write {
			if err := writeFileKeepMode(name, out); err != nil {
				return failed("Failed to write %s: %s", name, err)
			}
		}
		if c.diff {
			d, err := unifiedDiff(src, out, name)
			if err != nil {
				return failed("Failed to generate diff for %s: %s", name, err)
			}
			_, _ = c.out.Write(d)
		}
	}
	if !c.list && !c.write && !c.diff {
		_, _ = c.out.Write(out)
	}
	return nil
}

// relativeToWorkingDir is how terraform fmt names a target, in what it
// lists and writes: relative to the working directory where possible
// ("./sub" is "sub", an absolute path below it is relative too).
func relativeToWorkingDir(target string) string {
	wd, err := os.Getwd()
	if err != nil {
		return filepath.Clean(target)
	}
	if !filepath.IsAbs(target) {
		target = filepath.Join(wd, target)
	}
	rel, err := filepath.Rel(wd, target)
	if err != nil {
		return filepath.Clean(target)
	}
	return rel
}

func formattable(name string) bool {
	for _, ext := range format.Extensions {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// ignoredName is a name Terraform skips in a configuration directory:
// hidden files and editors' backups and lock files.
func ignoredName(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") ||
		(len(name) > 1 && strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#"))
}

// unifiedDiff is diff -u between the file as it is and as formatted,
// labelled old/NAME and new/NAME as terraform fmt -diff labels them.
func unifiedDiff(old, formatted []byte, name string) ([]byte, error) {
	dir, err := os.MkdirTemp("", "spice-fmt-diff")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	a, b := filepath.Join(dir, "old"), filepath.Join(dir, "new")
	if err := os.WriteFile(a, old, 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(b, formatted, 0o600); err != nil {
		return nil, err
	}
	out, err := exec.Command("diff", "--label=old/"+name, "--label=new/"+name, "-u", a, b).Output()
	// diff exits 1 when the files differ, which they do here.
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 1 {
		err = nil
	}
	return out, err
}

// uiLines writes each chunk as a line, a final newline added where it
// lacks one, as Terraform's UI writer does with what fmt prints.
type uiLines struct{ w io.Writer }

func (u uiLines) Write(p []byte) (int, error) {
	body := bytes.TrimSuffix(p, []byte("\n"))
	line := append(append(make([]byte, 0, len(body)+1), body...), '\n')
	if _, err := u.w.Write(line); err != nil {
		return 0, err
	}
	return len(p), nil
}
