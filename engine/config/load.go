package config

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
)

// SpiceSource is the provider source address spice runs, and the one it
// writes into state.
const SpiceSource = "registry.terraform.io/spice-harvester/spice"

// OpenTofuSpiceSource is the same provider as OpenTofu names it: OpenTofu
// resolves "spice-harvester/spice" under its own registry host and writes
// that into state. It reads SpiceSource in state as its own, so spice
// accepts both and writes SpiceSource, which both engines read.
const OpenTofuSpiceSource = "registry.opentofu.org/spice-harvester/spice"

// Module is a directory of configuration files.
type Module struct {
	Dir string
	// Path is "" for the root module, "module.NAME" (nested:
	// "module.A.module.B") for a child, as state addresses name it.
	Path      string
	Calls     map[string]*ModuleCall
	Parser    *hclparse.Parser     // holds the sources for diagnostic snippets
	Providers map[string]*Provider // by "spice" or "spice.ALIAS"
	Variables map[string]*Variable
	Locals    map[string]*Local
	Resources []*Resource
	Outputs   map[string]*Output
	Imports   []*Import
	Checks    []*Check
	Moved     []*Moved
	Removed   []*Removed
	// BuiltinProviders are the local names under which the module requires
	// Terraform's own provider, for its provider::NAME:: functions.
	BuiltinProviders []string
	// SpiceSource is spice's source address as state names it: OpenTofu's
	// when required_providers says registry.opentofu.org explicitly
	// (tofu show does not read Terraform's name), else SpiceSource.
	SpiceSource string
	// PGBackend is the root module's backend "pg" block; nil for the
	// local backend.
	PGBackend *PGBackend
}

var fileSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "terraform"},
	{Type: "provider", LabelNames: []string{"name"}},
	{Type: "variable", LabelNames: []string{"name"}},
	{Type: "locals"},
	{Type: "output", LabelNames: []string{"name"}},
	{Type: "resource", LabelNames: []string{"type", "name"}},
	{Type: "data", LabelNames: []string{"type", "name"}},
	{Type: "module", LabelNames: []string{"name"}},
	{Type: "check", LabelNames: []string{"name"}},
	{Type: "import"},
	{Type: "moved"},
	{Type: "removed"},
}}

// Load reads every *.tf file of dir (not subdirectories), in name order,
// and the local modules it calls.
func Load(dir string) (*Module, hcl.Diagnostics) {
	return load(dir, "", hclparse.NewParser(), nil)
}

// load reads the module in dir. callers are the directories of the
// modules whose calls led here, the root module's first: a call whose
// source is one of them (or dir) would load it again without end.
func load(dir, path string, parser *hclparse.Parser, callers []os.FileInfo) (*Module, hcl.Diagnostics) {
	m := &Module{
		Dir:       dir,
		Path:      path,
		Calls:     map[string]*ModuleCall{},
		Parser:    parser,
		Providers: map[string]*Provider{},
		Variables: map[string]*Variable{},
		Locals:    map[string]*Local{},
		Outputs:   map[string]*Output{},
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot list configuration files", Detail: err.Error()}}
	}
	sort.Strings(names)
	var diags hcl.Diagnostics
	if len(names) == 0 {
		return nil, append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "No configuration files",
			Detail: fmt.Sprintf("%s has no .tf files.", dir)})
	}
	if jsonFiles, _ := filepath.Glob(filepath.Join(dir, "*.tf.json")); len(jsonFiles) > 0 {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "JSON configuration is not supported",
			Detail: fmt.Sprintf("%s: spice reads the native syntax (.tf) only.", jsonFiles[0])})
	}
	for _, name := range names {
		src, err := os.ReadFile(name)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot read configuration file", Detail: err.Error()})
			continue
		}
		f, fdiags := m.Parser.ParseHCL(src, displayName(dir, name))
		diags = append(diags, fdiags...)
		if f == nil {
			continue
		}
		diags = append(diags, m.decodeFile(f)...)
	}
	for _, r := range m.Resources {
		r.ModulePath = path
	}
	if path != "" {
		for _, p := range m.Providers {
			diags = append(diags, unsupported("provider blocks inside modules (configure providers in the root module and pass them with providers = {...})", p.DeclRange))
		}
		for _, imp := range m.Imports {
			diags = append(diags, unsupported("import blocks inside modules", imp.DeclRange))
		}
	}
	chain := slices.Clip(callers)
	if self, err := os.Stat(dir); err == nil {
		chain = append(chain, self)
	}
	for _, call := range m.Calls {
		if len(callers) >= 10 {
			diags = append(diags, unsupported("modules nested more than 10 deep", call.DeclRange))
			continue
		}
		childPath := "module." + call.Name
		if path != "" {
			childPath = path + "." + childPath
		}
		childDir := filepath.Join(dir, call.Source)
		info, err := os.Stat(childDir)
		if err != nil || !info.IsDir() {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Module not found",
				Detail: fmt.Sprintf("module %q: source %q is not a directory.", call.Name, call.Source), Subject: call.DeclRange.Ptr()})
			continue
		}
		if slices.ContainsFunc(chain, func(caller os.FileInfo) bool { return os.SameFile(caller, info) }) {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Module calls itself",
				Detail:  fmt.Sprintf("module %q: source %q is a module that is calling it: a module cannot call itself, directly or through others.", call.Name, call.Source),
				Subject: call.DeclRange.Ptr()})
			continue
		}
		child, d := load(childDir, childPath, parser, chain)
		diags = append(diags, d...)
		call.Module = child
	}
	return m, diags
}

// displayName keeps diagnostics short: files are named relative to the
// working directory when that is possible.
func displayName(dir, name string) string {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, name); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	_ = dir
	return name
}

func (m *Module) decodeFile(f *hcl.File) hcl.Diagnostics {
	content, diags := f.Body.Content(fileSchema)
	for _, block := range content.Blocks {
		switch block.Type {
		case "terraform":
			diags = append(diags, m.decodeTerraformBlock(block)...)
		case "provider":
			diags = append(diags, m.decodeProvider(block)...)
		case "variable":
			diags = append(diags, m.decodeVariable(block)...)
		case "locals":
			diags = append(diags, m.decodeLocals(block)...)
		case "output":
			diags = append(diags, m.decodeOutput(block)...)
		case "resource", "data":
			diags = append(diags, m.decodeResource(block)...)
		case "import":
			diags = append(diags, m.decodeImport(block)...)
		case "check":
			diags = append(diags, m.decodeCheck(block)...)
		case "module":
			diags = append(diags, m.decodeModuleCall(block)...)
		case "moved":
			diags = append(diags, m.decodeMoved(block)...)
		case "removed":
			diags = append(diags, m.decodeRemoved(block)...)
		}
	}
	return diags
}

func unsupported(what string, rng hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Unsupported construct",
		Detail:   fmt.Sprintf("%s: not supported by the spice engine.", what),
		Subject:  rng.Ptr(),
	}
}

// duplicate reports a second declaration; summary is Terraform's for the
// kind ("Duplicate output definition").
func duplicate(summary, kind, name string, rng hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary,
		Detail: fmt.Sprintf("%s %q is declared twice.", kind, name), Subject: rng.Ptr()}
}
