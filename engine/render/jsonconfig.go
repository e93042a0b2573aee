package render

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/core"
)

// The "configuration", "relevant_attributes" and "checks" parts of the
// JSON plan: what the configuration says, read without evaluating it.

type jsonConfig struct {
	ProviderConfig map[string]jsonProviderConfig `json:"provider_config,omitempty"`
	RootModule     jsonConfigModule              `json:"root_module"`
}

type jsonProviderConfig struct {
	Name        string         `json:"name"`
	FullName    string         `json:"full_name"`
	Alias       string         `json:"alias,omitempty"`
	Expressions map[string]any `json:"expressions,omitempty"`
}

type jsonConfigModule struct {
	Outputs     map[string]jsonConfigOutput   `json:"outputs,omitempty"`
	Resources   []jsonConfigResource          `json:"resources,omitempty"`
	ModuleCalls map[string]jsonModuleCall     `json:"module_calls,omitempty"`
	Variables   map[string]jsonConfigVariable `json:"variables,omitempty"`
}

type jsonConfigOutput struct {
	Sensitive   bool           `json:"sensitive,omitempty"`
	Expression  jsonExpression `json:"expression"`
	Description string         `json:"description,omitempty"`
}

type jsonConfigResource struct {
	Address           string          `json:"address"`
	Mode              string          `json:"mode"`
	Type              string          `json:"type"`
	Name              string          `json:"name"`
	ProviderConfigKey string          `json:"provider_config_key"`
	Expressions       map[string]any  `json:"expressions,omitempty"`
	SchemaVersion     int64           `json:"schema_version"`
	CountExpression   *jsonExpression `json:"count_expression,omitempty"`
	ForEachExpression *jsonExpression `json:"for_each_expression,omitempty"`
	DependsOn         []string        `json:"depends_on,omitempty"`
}

type jsonModuleCall struct {
	Source      string           `json:"source"`
	Expressions map[string]any   `json:"expressions,omitempty"`
	Module      jsonConfigModule `json:"module"`
	DependsOn   []string         `json:"depends_on,omitempty"`
}

type jsonConfigVariable struct {
	Default     json.RawMessage `json:"default,omitempty"`
	Description string          `json:"description,omitempty"`
	Sensitive   bool            `json:"sensitive,omitempty"`
}

type jsonExpression struct {
	ConstantValue json.RawMessage `json:"constant_value,omitempty"`
	References    []string        `json:"references,omitempty"`
}

func configJSON(mod *config.Module, schemas *core.Schemas) jsonConfig {
	out := jsonConfig{ProviderConfig: map[string]jsonProviderConfig{
		"spice": {Name: "spice", FullName: config.SpiceSource},
	}}
	for key, p := range mod.Providers {
		out.ProviderConfig[key] = jsonProviderConfig{Name: "spice", FullName: config.SpiceSource, Alias: p.Alias,
			Expressions: bodyExpressions(p.Config, schemas.Provider.Proto.Block)}
	}
	out.RootModule = configModule(mod, schemas)
	return out
}

func configModule(mod *config.Module, schemas *core.Schemas) jsonConfigModule {
	var out jsonConfigModule
	if len(mod.Outputs) > 0 {
		out.Outputs = map[string]jsonConfigOutput{}
		for name, o := range mod.Outputs {
			out.Outputs[name] = jsonConfigOutput{Sensitive: o.Sensitive, Expression: expressionJSON(o.Expr, false), Description: o.Description}
		}
	}
	for _, r := range mod.Resources {
		jr := jsonConfigResource{Address: r.LocalAddress(), Mode: r.Mode.String(), Type: r.Type, Name: r.Name,
			ProviderConfigKey: r.ProviderKey, DependsOn: traversalNames(r.DependsOn)}
		if schema := schemas.For(r.Mode, r.Type); schema != nil {
			jr.SchemaVersion = schema.Proto.Version
			jr.Expressions = bodyExpressions(r.Config, schema.Proto.Block)
		}
		if r.Count != nil {
			e := expressionJSON(r.Count, false)
			jr.CountExpression = &e
		}
		if r.ForEach != nil {
			e := expressionJSON(r.ForEach, false)
			jr.ForEachExpression = &e
		}
		out.Resources = append(out.Resources, jr)
	}
	// Managed resources first, then data sources, each by address.
	sort.SliceStable(out.Resources, func(i, j int) bool {
		a, b := out.Resources[i], out.Resources[j]
		if a.Mode != b.Mode {
			return a.Mode == config.Managed.String()
		}
		return a.Address < b.Address
	})
	if len(mod.Calls) > 0 {
		out.ModuleCalls = map[string]jsonModuleCall{}
		for name, call := range mod.Calls {
			mc := jsonModuleCall{Source: call.Source, DependsOn: traversalNames(call.DependsOn), Expressions: map[string]any{}}
			for arg, attr := range call.Args {
				mc.Expressions[arg] = expressionJSON(attr.Expr, false)
			}
			if call.Module != nil {
				mc.Module = configModule(call.Module, schemas)
			}
			out.ModuleCalls[name] = mc
		}
	}
	if len(mod.Variables) > 0 {
		out.Variables = map[string]jsonConfigVariable{}
		for name, v := range mod.Variables {
			jv := jsonConfigVariable{Description: v.Description, Sensitive: v.Sensitive}
			if v.Default != cty.NilVal && !v.Sensitive {
				jv.Default, _ = ctyjson.Marshal(v.Default, v.Default.Type())
			}
			out.Variables[name] = jv
		}
	}
	return out
}

// bodyExpressions is Terraform's marshalExpressions: each attribute's
// expression, nested blocks as objects (or lists, or maps of them).
// Constant values of sensitive attributes are left out.
func bodyExpressions(body hcl.Body, block *tfprotov6.SchemaBlock) map[string]any {
	if body == nil || block == nil {
		return nil
	}
	schema := &hcl.BodySchema{}
	sensitive := map[string]bool{}
	for _, a := range block.Attributes {
		schema.Attributes = append(schema.Attributes, hcl.AttributeSchema{Name: a.Name})
		sensitive[a.Name] = a.Sensitive
	}
	nested := map[string]*tfprotov6.SchemaNestedBlock{}
	for _, b := range block.BlockTypes {
		h := hcl.BlockHeaderSchema{Type: b.TypeName}
		if b.Nesting == tfprotov6.SchemaNestedBlockNestingModeMap {
			h.LabelNames = []string{"key"}
		}
		schema.Blocks = append(schema.Blocks, h)
		nested[b.TypeName] = b
	}
	content, _, _ := body.PartialContent(schema)
	if content == nil {
		return nil
	}
	out := map[string]any{}
	for name, attr := range content.Attributes {
		out[name] = expressionJSON(attr.Expr, sensitive[name])
	}
	for _, b := range content.Blocks {
		nb := nested[b.Type]
		inner := bodyExpressions(b.Body, nb.Block)
		switch nb.Nesting {
		case tfprotov6.SchemaNestedBlockNestingModeList, tfprotov6.SchemaNestedBlockNestingModeSet:
			list, _ := out[b.Type].([]map[string]any)
			out[b.Type] = append(list, inner)
		case tfprotov6.SchemaNestedBlockNestingModeMap:
			m, _ := out[b.Type].(map[string]map[string]any)
			if m == nil {
				m = map[string]map[string]any{}
			}
			m[b.Labels[0]] = inner
			out[b.Type] = m
		default:
			out[b.Type] = inner
		}
	}
	return out
}

// expressionJSON is an expression's constant value, when it has one
// (no references, no function calls), and the references it makes.
func expressionJSON(expr hcl.Expression, sensitive bool) jsonExpression {
	var out jsonExpression
	if v, diags := expr.Value(nil); !diags.HasErrors() && !sensitive && v.IsWhollyKnown() {
		out.ConstantValue, _ = ctyjson.Marshal(v, v.Type())
	}
	for _, t := range expr.Variables() {
		out.References = append(out.References, referenceNames(t)...)
	}
	return out
}

// referenceNames is what Terraform lists for one reference: the whole
// traversal, then each shorter prefix down to the referenced object, then
// the resource or module call an instance belongs to.
func referenceNames(t hcl.Traversal) []string {
	subject, extra := subjectLength(t)
	if subject > len(t) {
		subject = len(t)
	}
	head := traversalString(t[:subject])
	var out []string
	for rest := t[subject:]; len(rest) > 0; rest = rest[:len(rest)-1] {
		out = append(out, head+traversalString(rest))
	}
	out = append(out, head)
	if extra > 0 && extra < subject {
		out = append(out, traversalString(t[:extra]))
	}
	return out
}

// subjectLength is how many steps of t name the referenced object, and,
// for an instance of a resource or a module output, how many name the
// resource or module call (0 otherwise).
func subjectLength(t hcl.Traversal) (int, int) {
	indexAt := func(i int) bool {
		if i >= len(t) {
			return false
		}
		_, ok := t[i].(hcl.TraverseIndex)
		return ok
	}
	attrAt := func(i int) bool {
		if i >= len(t) {
			return false
		}
		_, ok := t[i].(hcl.TraverseAttr)
		return ok
	}
	switch t.RootName() {
	case "self":
		return 1, 0
	case "var", "local", "path", "terraform", "count", "each":
		return 2, 0
	case "module":
		n := 2
		if indexAt(n) {
			n++
		}
		if attrAt(n) {
			return n + 1, 2
		}
		if n > 2 {
			return n, 2
		}
		return n, 0
	case "data":
		if indexAt(3) {
			return 4, 3
		}
		return 3, 0
	}
	if indexAt(2) {
		return 3, 2
	}
	return 2, 0
}

func traversalString(t hcl.Traversal) string {
	var b strings.Builder
	for _, step := range t {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			b.WriteString(s.Name)
		case hcl.TraverseAttr:
			b.WriteString("." + s.Name)
		case hcl.TraverseIndex:
			switch s.Key.Type() {
			case cty.String:
				fmt.Fprintf(&b, "[%q]", s.Key.AsString())
			case cty.Number:
				fmt.Fprintf(&b, "[%s]", s.Key.AsBigFloat().Text('g', 10))
			}
		}
	}
	return b.String()
}

func traversalNames(ts []hcl.Traversal) []string {
	var out []string
	for _, t := range ts {
		out = append(out, traversalString(t))
	}
	return out
}

type jsonResourceAttr struct {
	Resource  string          `json:"resource"`
	Attribute json.RawMessage `json:"attribute"`
}

// relevantAttributes lists the resource attributes that what changes
// refers to: the configuration of every resource with a planned action,
// and of every root output that changes and every module output (their
// values are not kept in state), following locals.
func relevantAttributes(mod *config.Module, p *core.Plan, outputs map[string]jsonChangeValues) []jsonResourceAttr {
	modules := map[string]*config.Module{}
	var walk func(m *config.Module)
	walk = func(m *config.Module) {
		modules[m.Path] = m
		for _, c := range m.Calls {
			if c.Module != nil {
				walk(c.Module)
			}
		}
	}
	walk(mod)
	seen := map[string]bool{}
	var out []jsonResourceAttr
	var visit func(m *config.Module, t hcl.Traversal)
	visit = func(m *config.Module, t hcl.Traversal) {
		switch t.RootName() {
		case "var", "path", "terraform", "count", "each", "self", "module", "data":
			return
		case "local":
			if len(t) > 1 {
				if a, ok := t[1].(hcl.TraverseAttr); ok && m.Locals[a.Name] != nil && !seen["local:"+m.Path+a.Name] {
					seen["local:"+m.Path+a.Name] = true
					for _, lt := range m.Locals[a.Name].Expr.Variables() {
						visit(m, lt)
					}
				}
			}
			return
		}
		subject, _ := subjectLength(t)
		if subject > len(t) {
			return
		}
		resource := traversalString(t[:2])
		if m.Path != "" {
			resource = m.Path + "." + resource
		}
		rest := t[subject:]
		var path cty.Path
		for _, s := range rest {
			if a, ok := s.(hcl.TraverseAttr); ok {
				path = path.GetAttr(a.Name)
			} else if ix, ok := s.(hcl.TraverseIndex); ok {
				path = path.Index(ix.Key)
			}
		}
		ra := jsonResourceAttr{Resource: resource, Attribute: pathJSON(path)}
		key := ra.Resource + string(ra.Attribute)
		if !seen[key] {
			seen[key] = true
			out = append(out, ra)
		}
	}
	changing := map[string]bool{}
	for _, c := range p.Changes {
		if c.Action != core.NoOp {
			changing[c.ResourceAddr] = true
		}
	}
	for _, m := range modules {
		for _, r := range m.Resources {
			if !changing[r.Address()] {
				continue
			}
			var exprs []hcl.Traversal
			attrs, _ := r.Config.JustAttributes()
			for _, a := range attrs {
				exprs = append(exprs, a.Expr.Variables()...)
			}
			for _, e := range []hcl.Expression{r.Count, r.ForEach} {
				if e != nil {
					exprs = append(exprs, e.Variables()...)
				}
			}
			for _, t := range exprs {
				visit(m, t)
			}
		}
		for name, o := range m.Outputs {
			if m.Path == "" && outputs[name].Actions != nil && outputs[name].Actions[0] == string(core.NoOp) {
				continue
			}
			for _, t := range o.Expr.Variables() {
				visit(m, t)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Resource != out[j].Resource {
			return out[i].Resource < out[j].Resource
		}
		return string(out[i].Attribute) < string(out[j].Attribute)
	})
	return out
}

type jsonCheck struct {
	Address   map[string]any      `json:"address"`
	Status    core.CheckStatus    `json:"status"`
	Instances []jsonCheckInstance `json:"instances,omitempty"`
}

type jsonCheckInstance struct {
	Address  map[string]any     `json:"address"`
	Status   core.CheckStatus   `json:"status"`
	Problems []jsonCheckProblem `json:"problems,omitempty"`
}

type jsonCheckProblem struct {
	Message string `json:"message"`
}

// checksJSON groups the plan's check outcomes by checkable object, and
// adds every variable with validation rules: the plan exists, so they
// passed.
func checksJSON(mod *config.Module, results []core.CheckResult) []jsonCheck {
	byAddr := map[string]*jsonCheck{}
	add := func(static map[string]any, module string, inst jsonCheckInstance) {
		if module != "" {
			static["module"] = module
			inst.Address["module"] = module
		}
		key := display(static)
		c := byAddr[key]
		if c == nil {
			c = &jsonCheck{Address: static, Status: core.CheckPass}
			byAddr[key] = c
		}
		c.Instances = append(c.Instances, inst)
		if rank(inst.Status) > rank(c.Status) {
			c.Status = inst.Status
		}
	}
	prefix := func(module string) string {
		if module == "" {
			return ""
		}
		return module + "."
	}
	for _, r := range results {
		inst := jsonCheckInstance{Address: map[string]any{"to_display": r.Instance}, Status: r.Status}
		for _, msg := range r.Problems {
			inst.Problems = append(inst.Problems, jsonCheckProblem{Message: msg})
		}
		static := map[string]any{"kind": r.Kind, "name": r.Name}
		switch r.Kind {
		case "resource":
			static["mode"], static["type"] = r.Mode.String(), r.Type
			static["to_display"] = prefix(r.Module) + r.Mode.LocalAddress(r.Type, r.Name)
			if idx := indexJSON(r.Key); idx != nil {
				inst.Address["instance_key"] = idx
			}
		default:
			static["to_display"] = r.Instance
		}
		add(static, r.Module, inst)
	}
	var walk func(m *config.Module)
	walk = func(m *config.Module) {
		for name, v := range m.Variables {
			if len(v.Validations) == 0 {
				continue
			}
			addr := prefix(m.Path) + "var." + name
			add(map[string]any{"kind": "var", "name": name, "to_display": addr}, m.Path,
				jsonCheckInstance{Address: map[string]any{"to_display": addr}, Status: core.CheckPass})
		}
		for _, c := range m.Calls {
			if c.Module != nil {
				walk(c.Module)
			}
		}
	}
	walk(mod)
	out := make([]jsonCheck, 0, len(byAddr))
	for _, c := range byAddr {
		sort.Slice(c.Instances, func(i, j int) bool {
			return display(c.Instances[i].Address) < display(c.Instances[j].Address)
		})
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		return display(out[i].Address) < display(out[j].Address)
	})
	if len(out) == 0 {
		return nil
	}
	return out
}

// display is a check address's to_display.
func display(addr map[string]any) string {
	s, _ := addr["to_display"].(string)
	return s
}

func rank(s core.CheckStatus) int {
	return map[core.CheckStatus]int{core.CheckPass: 0, core.CheckUnknown: 1, core.CheckFail: 2}[s]
}
