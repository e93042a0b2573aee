package config

import (
	"fmt"
	"path/filepath"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/spice-harvester/terraform-provider-spice/engine/funcs"
)

func (m *Module) decodeTerraformBlock(block *hcl.Block) hcl.Diagnostics {
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
				diags = append(diags, m.checkRequiredProvider(name, attr)...)
			}
		case "backend":
			switch b.Labels[0] {
			case "local":
			case "pg":
				diags = append(diags, m.decodePGBackend(b)...)
			default:
				diags = append(diags, unsupported(fmt.Sprintf("the %q backend", b.Labels[0]), b.DefRange))
			}
		case "cloud":
			diags = append(diags, unsupported("HCP Terraform (cloud block)", b.DefRange))
		}
	}
	return diags
}

// checkRequiredProvider accepts spice, and Terraform's own provider (whose
// functions the module may then call) under any local name.
func (m *Module) checkRequiredProvider(name string, attr *hcl.Attribute) hcl.Diagnostics {
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
	if source == funcs.BuiltinProviderSource {
		m.BuiltinProviders = append(m.BuiltinProviders, name)
		return nil
	}
	if name != "spice" || (source != "spice-harvester/spice" && source != SpiceSource && source != OpenTofuSpiceSource) {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Foreign provider",
			Detail:   fmt.Sprintf("required provider %q (source %q): the spice engine runs only spice-harvester/spice as \"spice\".", name, source),
			Subject:  attr.Range.Ptr(),
		}}
	}
	if source == OpenTofuSpiceSource {
		m.SpiceSource = OpenTofuSpiceSource
	}
	return nil
}

// PGBackend holds the attributes a backend "pg" block sets; unset ones
// are absent, so that the environment and -backend-config fill them.
type PGBackend struct {
	Attrs map[string]cty.Value
	Range hcl.Range
}

// pgBackendAttributes are Terraform's pg backend attributes and types.
var pgBackendAttributes = map[string]cty.Type{
	"conn_str": cty.String, "schema_name": cty.String,
	"skip_schema_creation": cty.Bool, "skip_table_creation": cty.Bool, "skip_index_creation": cty.Bool,
}

// PGBackendAttributeType is the type of a pg backend attribute, false
// when the pg backend has no such attribute.
func PGBackendAttributeType(name string) (cty.Type, bool) {
	t, ok := pgBackendAttributes[name]
	return t, ok
}

// decodePGBackend reads a backend "pg" block. As in Terraform, its values
// are constants: no variables, no references.
func (m *Module) decodePGBackend(b *hcl.Block) hcl.Diagnostics {
	schema := &hcl.BodySchema{}
	for name := range pgBackendAttributes {
		schema.Attributes = append(schema.Attributes, hcl.AttributeSchema{Name: name})
	}
	content, diags := b.Body.Content(schema)
	pg := &PGBackend{Attrs: map[string]cty.Value{}, Range: b.DefRange}
	for name, attr := range content.Attributes {
		v, d := attr.Expr.Value(nil)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		want := pgBackendAttributes[name]
		cv, err := convert.Convert(v, want)
		if err != nil || cv.IsNull() {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid backend configuration",
				Detail:   fmt.Sprintf("backend \"pg\" attribute %s must be a %s.", name, want.FriendlyName()),
				Subject:  attr.Expr.Range().Ptr(),
			})
			continue
		}
		pg.Attrs[name] = cv
	}
	m.PGBackend = pg
	return diags
}

// LoadBackend reads only the terraform blocks of dir's *.tf files: the
// state commands need the backend, not a configuration free of errors.
// No files means the local backend.
func LoadBackend(dir string) (*PGBackend, hcl.Diagnostics) {
	names, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
	sort.Strings(names)
	m := &Module{Dir: dir}
	parser := hclparse.NewParser()
	var diags hcl.Diagnostics
	for _, name := range names {
		f, d := parser.ParseHCLFile(name)
		diags = append(diags, d...)
		if f == nil {
			continue
		}
		content, _, d := f.Body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "terraform"}}})
		diags = append(diags, d...)
		for _, b := range content.Blocks {
			diags = append(diags, m.decodeTerraformBlock(b)...)
		}
	}
	return m.PGBackend, diags
}
