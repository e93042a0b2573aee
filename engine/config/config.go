// Package config loads the .tf files of a directory into the blocks the
// engine understands: the first, static decoding phase. Expressions stay
// unevaluated here; package core evaluates them once schemas and values are
// known. Anything outside the supported subset of the Terraform language is
// an error naming the construct, never silently ignored.
package config

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
)

// SpiceSource is the provider source address spice runs.
const SpiceSource = "registry.terraform.io/spice-harvester/spice"

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
}

// ModuleCall is a module block calling a local module.
type ModuleCall struct {
	Name   string
	Source string
	// Args are the child's input variables.
	Args map[string]*hcl.Attribute
	// Providers maps the child's provider configurations to the caller's
	// (providers = { spice = spice.oms1 }); unmapped ones are inherited.
	Providers map[string]string
	DependsOn []hcl.Traversal
	Module    *Module
	DeclRange hcl.Range
}

// Import is an import block: adopt an existing object into state.
type Import struct {
	To        string // instance address, e.g. spice_file.x or spice_file.x["a"]
	ToRange   hcl.Range
	ID        hcl.Expression
	DeclRange hcl.Range
}

// Check is a check block: assertions reported as warnings.
type Check struct {
	Name      string
	Asserts   []*Assertion
	DeclRange hcl.Range
}

// Assertion is a condition with its error message (check assert blocks,
// lifecycle preconditions and postconditions).
type Assertion struct {
	Condition    hcl.Expression
	ErrorMessage hcl.Expression
	DeclRange    hcl.Range
}

// Provider is a provider block.
type Provider struct {
	Alias     string
	Config    hcl.Body
	DeclRange hcl.Range
}

// Key is how resources name this configuration: spice or spice.ALIAS.
func (p *Provider) Key() string { return ProviderKey(p.Alias) }

// ProviderKey names a provider configuration by alias.
func ProviderKey(alias string) string {
	if alias == "" {
		return "spice"
	}
	return "spice." + alias
}

// Variable is an input variable declaration.
type Variable struct {
	Name        string
	Description string
	Type        cty.Type
	Defaults    *typeexpr.Defaults
	Default     cty.Value // cty.NilVal when there is none
	Sensitive   bool
	Nullable    bool
	Validations []*Validation
	DeclRange   hcl.Range
}

// Validation is a variable's validation block.
type Validation struct {
	Condition    hcl.Expression
	ErrorMessage hcl.Expression
	DeclRange    hcl.Range
}

// Local is one named value of a locals block.
type Local struct {
	Name string
	Expr hcl.Expression
}

// Resource is a resource or data block.
type Resource struct {
	Mode        string // "managed" or "data"
	Type        string
	Name        string
	Count       hcl.Expression
	ForEach     hcl.Expression
	ProviderKey string
	DependsOn   []hcl.Traversal
	Config      hcl.Body
	Lifecycle   Lifecycle
	DeclRange   hcl.Range
	// ModulePath is the Path of the module that declares the resource.
	ModulePath string
	// Check names the check block a data source is scoped to: its read
	// failures are warnings, as in Terraform.
	Check string
}

// LocalAddress is the address inside its module: TYPE.NAME or
// data.TYPE.NAME.
func (r *Resource) LocalAddress() string {
	if r.Mode == "data" {
		return "data." + r.Type + "." + r.Name
	}
	return r.Type + "." + r.Name
}

// Address is the full address without instance key, with the module path.
func (r *Resource) Address() string {
	if r.ModulePath != "" {
		return r.ModulePath + "." + r.LocalAddress()
	}
	return r.LocalAddress()
}

// Lifecycle holds the lifecycle meta-arguments.
type Lifecycle struct {
	PreventDestroy      bool
	CreateBeforeDestroy bool
	IgnoreChanges       []hcl.Traversal
	IgnoreAllChanges    bool
	Preconditions       []*Assertion
	Postconditions      []*Assertion
}

// Output is an output block.
type Output struct {
	Name        string
	Description string
	Expr        hcl.Expression
	Sensitive   bool
	DeclRange   hcl.Range
}

var fileSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "terraform"},
	{Type: "provider", LabelNames: []string{"name"}},
	{Type: "variable", LabelNames: []string{"name"}},
	{Type: "locals"},
	{Type: "output", LabelNames: []string{"name"}},
	{Type: "resource", LabelNames: []string{"type", "name"}},
	{Type: "data", LabelNames: []string{"type", "name"}},
	// Recognised so that using them is a clear "not supported" error
	// rather than hcl's generic unknown block.
	{Type: "module", LabelNames: []string{"name"}},
	{Type: "check", LabelNames: []string{"name"}},
	{Type: "import"},
	{Type: "moved"},
	{Type: "removed"},
}}

var unsupportedBlocks = map[string]string{
	"moved":   "moved blocks",
	"removed": "removed blocks",
}

// Load reads every *.tf file of dir (not subdirectories), in name order,
// and the local modules it calls.
func Load(dir string) (*Module, hcl.Diagnostics) {
	return load(dir, "", hclparse.NewParser(), 0)
}

func load(dir, path string, parser *hclparse.Parser, depth int) (*Module, hcl.Diagnostics) {
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
	for _, call := range m.Calls {
		if depth >= 10 {
			diags = append(diags, unsupported("modules nested more than 10 deep", call.DeclRange))
			continue
		}
		childPath := "module." + call.Name
		if path != "" {
			childPath = path + "." + childPath
		}
		childDir := filepath.Join(dir, call.Source)
		if info, err := os.Stat(childDir); err != nil || !info.IsDir() {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Module not found",
				Detail: fmt.Sprintf("module %q: source %q is not a directory.", call.Name, call.Source), Subject: call.DeclRange.Ptr()})
			continue
		}
		child, d := load(childDir, childPath, parser, depth+1)
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
			diags = append(diags, decodeTerraformBlock(block)...)
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
		default:
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unsupported construct",
				Detail:   fmt.Sprintf("%s are not supported by the spice engine yet; use Terraform for this configuration.", unsupportedBlocks[block.Type]),
				Subject:  block.DefRange.Ptr(),
			})
		}
	}
	return diags
}

func decodeTerraformBlock(block *hcl.Block) hcl.Diagnostics {
	content, diags := block.Body.Content(&hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "required_version"}, {Name: "experiments"}},
		Blocks: []hcl.BlockHeaderSchema{
			{Type: "required_providers"},
			{Type: "backend", LabelNames: []string{"type"}},
			{Type: "cloud"},
		},
	})
	if attr, ok := content.Attributes["experiments"]; ok {
		diags = append(diags, unsupported("Terraform experiments", attr.Range))
	}
	for _, b := range content.Blocks {
		switch b.Type {
		case "required_providers":
			attrs, d := b.Body.JustAttributes()
			diags = append(diags, d...)
			for name, attr := range attrs {
				diags = append(diags, checkRequiredProvider(name, attr)...)
			}
		case "backend":
			if b.Labels[0] != "local" {
				diags = append(diags, unsupported(fmt.Sprintf("the %q backend", b.Labels[0]), b.DefRange))
			}
		case "cloud":
			diags = append(diags, unsupported("HCP Terraform (cloud block)", b.DefRange))
		}
	}
	return diags
}

func checkRequiredProvider(name string, attr *hcl.Attribute) hcl.Diagnostics {
	val, diags := attr.Expr.Value(nil)
	if diags.HasErrors() {
		return diags
	}
	source := name
	if val.Type().IsObjectType() && val.Type().HasAttribute("source") {
		if s := val.GetAttr("source"); s.Type() == cty.String && s.IsKnown() && !s.IsNull() {
			source = s.AsString()
		}
	}
	if name != "spice" || (source != "spice-harvester/spice" && source != SpiceSource) {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Foreign provider",
			Detail:   fmt.Sprintf("required provider %q (source %q): the spice engine runs only spice-harvester/spice as \"spice\".", name, source),
			Subject:  attr.Range.Ptr(),
		}}
	}
	return nil
}

func unsupported(what string, rng hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Unsupported construct",
		Detail:   fmt.Sprintf("%s: not supported by the spice engine.", what),
		Subject:  rng.Ptr(),
	}
}

func (m *Module) decodeProvider(block *hcl.Block) hcl.Diagnostics {
	if block.Labels[0] != "spice" {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Foreign provider",
			Detail:   fmt.Sprintf("provider %q: the spice engine runs only the spice provider.", block.Labels[0]),
			Subject:  block.LabelRanges[0].Ptr(),
		}}
	}
	content, rest, diags := block.Body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "alias"}, {Name: "version"}}})
	p := &Provider{Config: rest, DeclRange: block.DefRange}
	if attr, ok := content.Attributes["alias"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &p.Alias)...)
	}
	if _, dup := m.Providers[p.Key()]; dup {
		return append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate provider configuration",
			Detail: fmt.Sprintf("provider %s is configured twice.", p.Key()), Subject: block.DefRange.Ptr()})
	}
	m.Providers[p.Key()] = p
	return diags
}

func (m *Module) decodeVariable(block *hcl.Block) hcl.Diagnostics {
	name := block.Labels[0]
	content, diags := block.Body.Content(&hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "type"}, {Name: "default"}, {Name: "description"}, {Name: "sensitive"}, {Name: "nullable"}, {Name: "ephemeral"}},
		Blocks:     []hcl.BlockHeaderSchema{{Type: "validation"}},
	})
	v := &Variable{Name: name, Type: cty.DynamicPseudoType, Nullable: true, DeclRange: block.DefRange}
	if attr, ok := content.Attributes["type"]; ok {
		ty, defaults, d := typeexpr.TypeConstraintWithDefaults(attr.Expr)
		diags = append(diags, d...)
		v.Type, v.Defaults = ty, defaults
	}
	if attr, ok := content.Attributes["description"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &v.Description)...)
	}
	if attr, ok := content.Attributes["sensitive"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &v.Sensitive)...)
	}
	if attr, ok := content.Attributes["nullable"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &v.Nullable)...)
	}
	if attr, ok := content.Attributes["ephemeral"]; ok {
		diags = append(diags, unsupported("ephemeral variables", attr.Range))
	}
	if attr, ok := content.Attributes["default"]; ok {
		val, d := attr.Expr.Value(nil)
		diags = append(diags, d...)
		if !d.HasErrors() {
			conv, err := ConvertVariable(v, val)
			if err != nil {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid default value for variable",
					Detail: fmt.Sprintf("variable %q: %s", name, err), Subject: attr.Expr.Range().Ptr()})
			}
			v.Default = conv
		}
	}
	for _, vb := range content.Blocks {
		vc, d := vb.Body.Content(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "condition", Required: true}, {Name: "error_message", Required: true}}})
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		v.Validations = append(v.Validations, &Validation{Condition: vc.Attributes["condition"].Expr, ErrorMessage: vc.Attributes["error_message"].Expr, DeclRange: vb.DefRange})
	}
	if _, dup := m.Variables[name]; dup {
		return append(diags, duplicate("variable", name, block.DefRange))
	}
	m.Variables[name] = v
	return diags
}

// ConvertVariable applies a variable's type constraint and optional
// attribute defaults to a value.
func ConvertVariable(v *Variable, val cty.Value) (cty.Value, error) {
	if v.Defaults != nil {
		val = v.Defaults.Apply(val)
	}
	return convertType(val, v.Type)
}

func duplicate(kind, name string, rng hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate " + kind,
		Detail: fmt.Sprintf("%s %q is declared twice.", kind, name), Subject: rng.Ptr()}
}

func (m *Module) decodeLocals(block *hcl.Block) hcl.Diagnostics {
	attrs, diags := block.Body.JustAttributes()
	for name, attr := range attrs {
		if _, dup := m.Locals[name]; dup {
			diags = append(diags, duplicate("local value", name, attr.Range))
			continue
		}
		m.Locals[name] = &Local{Name: name, Expr: attr.Expr}
	}
	return diags
}

func (m *Module) decodeOutput(block *hcl.Block) hcl.Diagnostics {
	content, diags := block.Body.Content(&hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "value", Required: true}, {Name: "description"}, {Name: "sensitive"}, {Name: "depends_on"}, {Name: "ephemeral"}},
		Blocks:     []hcl.BlockHeaderSchema{{Type: "precondition"}},
	})
	if diags.HasErrors() {
		return diags
	}
	o := &Output{Name: block.Labels[0], Expr: content.Attributes["value"].Expr, DeclRange: block.DefRange}
	if attr, ok := content.Attributes["description"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &o.Description)...)
	}
	if attr, ok := content.Attributes["sensitive"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &o.Sensitive)...)
	}
	for name, what := range map[string]string{"ephemeral": "ephemeral outputs"} {
		if attr, ok := content.Attributes[name]; ok {
			diags = append(diags, unsupported(what, attr.Range))
		}
	}
	for _, b := range content.Blocks {
		diags = append(diags, unsupported("output preconditions", b.DefRange))
	}
	if _, dup := m.Outputs[o.Name]; dup {
		return append(diags, duplicate("output", o.Name, block.DefRange))
	}
	m.Outputs[o.Name] = o
	return diags
}

var resourceMeta = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "count"}, {Name: "for_each"}, {Name: "provider"}, {Name: "depends_on"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "lifecycle"}, {Type: "provisioner", LabelNames: []string{"type"}}, {Type: "connection"}},
}

func (m *Module) decodeResource(block *hcl.Block) hcl.Diagnostics {
	r := &Resource{Mode: "managed", Type: block.Labels[0], Name: block.Labels[1], ProviderKey: "spice", DeclRange: block.DefRange}
	if block.Type == "data" {
		r.Mode = "data"
	}
	var diags hcl.Diagnostics
	if !strings.HasPrefix(r.Type, "spice_") {
		providerName, _, _ := strings.Cut(r.Type, "_")
		return append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Foreign provider",
			Detail:   fmt.Sprintf("%s %q belongs to provider %q; the spice engine runs only the spice provider.", block.Type, r.Type, providerName),
			Subject:  block.LabelRanges[0].Ptr(),
		})
	}
	content, rest, d := block.Body.PartialContent(resourceMeta)
	diags = append(diags, d...)
	r.Config = rest
	if attr, ok := content.Attributes["count"]; ok {
		r.Count = attr.Expr
	}
	if attr, ok := content.Attributes["for_each"]; ok {
		r.ForEach = attr.Expr
		if r.Count != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid combination of count and for_each",
				Detail: "a resource takes count or for_each, not both.", Subject: attr.Range.Ptr()})
		}
	}
	if attr, ok := content.Attributes["provider"]; ok {
		trav, d := hcl.AbsTraversalForExpr(attr.Expr)
		diags = append(diags, d...)
		if !d.HasErrors() {
			key := trav.RootName()
			if len(trav) == 2 {
				if step, ok := trav[1].(hcl.TraverseAttr); ok {
					key += "." + step.Name
				}
			}
			if trav.RootName() != "spice" || len(trav) > 2 {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid provider reference",
					Detail: "provider must be spice or spice.ALIAS.", Subject: attr.Expr.Range().Ptr()})
			}
			r.ProviderKey = key
		}
	}
	if attr, ok := content.Attributes["depends_on"]; ok {
		exprs, d := hcl.ExprList(attr.Expr)
		diags = append(diags, d...)
		for _, e := range exprs {
			trav, d := hcl.AbsTraversalForExpr(e)
			diags = append(diags, d...)
			if !d.HasErrors() {
				r.DependsOn = append(r.DependsOn, trav)
			}
		}
	}
	for _, b := range content.Blocks {
		switch b.Type {
		case "lifecycle":
			diags = append(diags, decodeLifecycle(b, &r.Lifecycle)...)
		default:
			diags = append(diags, unsupported(b.Type+" blocks", b.DefRange))
		}
	}
	for _, other := range m.Resources {
		if other.Address() == r.Address() {
			return append(diags, duplicate(block.Type, r.Address(), block.DefRange))
		}
	}
	m.Resources = append(m.Resources, r)
	return diags
}

func decodeLifecycle(block *hcl.Block, lc *Lifecycle) hcl.Diagnostics {
	content, diags := block.Body.Content(&hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "prevent_destroy"}, {Name: "create_before_destroy"}, {Name: "ignore_changes"}, {Name: "replace_triggered_by"}},
		Blocks:     []hcl.BlockHeaderSchema{{Type: "precondition"}, {Type: "postcondition"}},
	})
	if attr, ok := content.Attributes["prevent_destroy"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &lc.PreventDestroy)...)
	}
	if attr, ok := content.Attributes["create_before_destroy"]; ok {
		diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &lc.CreateBeforeDestroy)...)
	}
	if attr, ok := content.Attributes["ignore_changes"]; ok {
		if kw := hcl.ExprAsKeyword(attr.Expr); kw == "all" {
			lc.IgnoreAllChanges = true
		} else {
			exprs, d := hcl.ExprList(attr.Expr)
			diags = append(diags, d...)
			for _, e := range exprs {
				trav, d := hcl.RelTraversalForExpr(e)
				diags = append(diags, d...)
				lc.IgnoreChanges = append(lc.IgnoreChanges, trav)
			}
		}
	}
	if attr, ok := content.Attributes["replace_triggered_by"]; ok {
		diags = append(diags, unsupported("replace_triggered_by", attr.Range))
	}
	for _, b := range content.Blocks {
		a, d := decodeAssertion(b)
		diags = append(diags, d...)
		if a == nil {
			continue
		}
		if b.Type == "precondition" {
			lc.Preconditions = append(lc.Preconditions, a)
		} else {
			lc.Postconditions = append(lc.Postconditions, a)
		}
	}
	return diags
}

func decodeAssertion(b *hcl.Block) (*Assertion, hcl.Diagnostics) {
	c, diags := b.Body.Content(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "condition", Required: true}, {Name: "error_message", Required: true}}})
	if diags.HasErrors() {
		return nil, diags
	}
	return &Assertion{Condition: c.Attributes["condition"].Expr, ErrorMessage: c.Attributes["error_message"].Expr, DeclRange: b.DefRange}, diags
}

func (m *Module) decodeImport(block *hcl.Block) hcl.Diagnostics {
	content, diags := block.Body.Content(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "to", Required: true}, {Name: "id", Required: true}, {Name: "provider"}, {Name: "for_each"}, {Name: "identity"}}})
	if diags.HasErrors() {
		return diags
	}
	for _, name := range []string{"for_each", "identity", "provider"} {
		if attr, ok := content.Attributes[name]; ok {
			diags = append(diags, unsupported("import "+name, attr.Range))
		}
	}
	to := content.Attributes["to"]
	trav, d := hcl.AbsTraversalForExpr(to.Expr)
	diags = append(diags, d...)
	if d.HasErrors() {
		return diags
	}
	addr, err := TraversalAddress(trav)
	if err != nil {
		return append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid import address", Detail: err.Error(), Subject: to.Expr.Range().Ptr()})
	}
	m.Imports = append(m.Imports, &Import{To: addr, ToRange: to.Expr.Range(), ID: content.Attributes["id"].Expr, DeclRange: block.DefRange})
	return diags
}

func (m *Module) decodeCheck(block *hcl.Block) hcl.Diagnostics {
	content, diags := block.Body.Content(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "assert"}, {Type: "data", LabelNames: []string{"type", "name"}}}})
	c := &Check{Name: block.Labels[0], DeclRange: block.DefRange}
	for _, b := range content.Blocks {
		if b.Type == "data" {
			d := m.decodeResource(b)
			diags = append(diags, d...)
			if !d.HasErrors() {
				m.Resources[len(m.Resources)-1].Check = c.Name
			}
			continue
		}
		a, d := decodeAssertion(b)
		diags = append(diags, d...)
		if a != nil {
			c.Asserts = append(c.Asserts, a)
		}
	}
	m.Checks = append(m.Checks, c)
	return diags
}

// TraversalAddress renders a resource instance reference such as
// spice_file.x["a"] as an address.
func TraversalAddress(trav hcl.Traversal) (string, error) {
	if len(trav) < 2 {
		return "", fmt.Errorf("expected TYPE.NAME, optionally with an index")
	}
	name, ok := trav[1].(hcl.TraverseAttr)
	if !ok {
		return "", fmt.Errorf("expected TYPE.NAME")
	}
	addr := trav.RootName() + "." + name.Name
	if len(trav) == 3 {
		idx, ok := trav[2].(hcl.TraverseIndex)
		if !ok {
			return "", fmt.Errorf("expected an index after TYPE.NAME")
		}
		switch {
		case idx.Key.Type() == cty.String:
			addr += fmt.Sprintf("[%q]", idx.Key.AsString())
		case idx.Key.Type() == cty.Number:
			addr += "[" + idx.Key.AsBigFloat().Text('f', -1) + "]"
		default:
			return "", fmt.Errorf("an index must be a number or a string")
		}
	} else if len(trav) > 3 {
		return "", fmt.Errorf("expected TYPE.NAME, optionally with an index")
	}
	return addr, nil
}

func (m *Module) decodeModuleCall(block *hcl.Block) hcl.Diagnostics {
	call := &ModuleCall{Name: block.Labels[0], Args: map[string]*hcl.Attribute{}, Providers: map[string]string{}, DeclRange: block.DefRange}
	attrs, diags := block.Body.JustAttributes()
	for name, attr := range attrs {
		switch name {
		case "source":
			diags = append(diags, gohcl.DecodeExpression(attr.Expr, nil, &call.Source)...)
		case "version", "count", "for_each":
			diags = append(diags, unsupported("module "+name, attr.Range))
		case "depends_on":
			exprs, d := hcl.ExprList(attr.Expr)
			diags = append(diags, d...)
			for _, e := range exprs {
				trav, d := hcl.AbsTraversalForExpr(e)
				diags = append(diags, d...)
				if !d.HasErrors() {
					call.DependsOn = append(call.DependsOn, trav)
				}
			}
		case "providers":
			pairs, d := hcl.ExprMap(attr.Expr)
			diags = append(diags, d...)
			for _, kv := range pairs {
				k, d1 := hcl.AbsTraversalForExpr(kv.Key)
				v, d2 := hcl.AbsTraversalForExpr(kv.Value)
				diags = append(diags, d1...)
				diags = append(diags, d2...)
				if d1.HasErrors() || d2.HasErrors() {
					continue
				}
				call.Providers[traversalKey(k)] = traversalKey(v)
			}
		default:
			call.Args[name] = attr
		}
	}
	if !strings.HasPrefix(call.Source, "./") && !strings.HasPrefix(call.Source, "../") {
		diags = append(diags, unsupported(fmt.Sprintf("module source %q (only local paths starting with ./ or ../)", call.Source), block.DefRange))
	}
	if _, dup := m.Calls[call.Name]; dup {
		return append(diags, duplicate("module", call.Name, block.DefRange))
	}
	if !diags.HasErrors() {
		m.Calls[call.Name] = call
	}
	return diags
}

// traversalKey renders spice or spice.ALIAS.
func traversalKey(t hcl.Traversal) string {
	key := t.RootName()
	if len(t) == 2 {
		if a, ok := t[1].(hcl.TraverseAttr); ok {
			key += "." + a.Name
		}
	}
	return key
}
