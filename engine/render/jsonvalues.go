package render

import (
	"encoding/json"
	"math/big"
	"sort"
	"strings"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/core"
)

// The value encodings of Terraform's JSON plan and state: values with
// the sensitive parts null (Terraform prints them in clear: the one
// deliberate difference), and the *_sensitive and after_unknown shapes
// that mirror a value with true where a leaf is sensitive or unknown.

// sensitiveSet says whether a path into a value is sensitive.
type sensitiveSet []cty.Path

func (s sensitiveSet) has(p cty.Path) bool {
	for _, q := range s {
		if p.Equals(q) {
			return true
		}
	}
	return false
}

// child is the path of one element: attribute names for objects, keys
// for maps, and the index or set value for sequences.
func child(p cty.Path, ty cty.Type, k cty.Value) cty.Path {
	next := make(cty.Path, len(p), len(p)+1)
	copy(next, p)
	if ty.IsObjectType() {
		return next.GetAttr(k.AsString())
	}
	return next.Index(k)
}

// redactedJSON is v as JSON with sensitive parts null and unknown parts
// left out (null inside sequences, where position matters).
func redactedJSON(v cty.Value, sensitive sensitiveSet) json.RawMessage {
	if v == cty.NilVal {
		return json.RawMessage("null")
	}
	out, ok := redact(v, nil, sensitive)
	if !ok {
		return json.RawMessage("null")
	}
	b, err := json.Marshal(out)
	if err != nil {
		return json.RawMessage("null")
	}
	return b
}

// redact returns v as a JSON-ready value; ok is false for an unknown.
func redact(v cty.Value, p cty.Path, sensitive sensitiveSet) (any, bool) {
	v, _ = v.UnmarkDeep()
	ty := v.Type()
	switch {
	case sensitive.has(p):
		return nil, true
	case !v.IsKnown():
		return nil, false
	case v.IsNull():
		return nil, true
	case ty.IsPrimitiveType():
		b, err := ctyjson.Marshal(v, ty)
		if err != nil {
			return nil, false
		}
		return json.RawMessage(b), true
	case ty.IsListType() || ty.IsTupleType() || ty.IsSetType():
		out := []any{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			if ty.IsSetType() {
				k = e
			}
			ev, _ := redact(e, child(p, ty, k), sensitive)
			out = append(out, ev)
		}
		return out, true
	case ty.IsMapType() || ty.IsObjectType():
		out := map[string]any{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			if ev, ok := redact(e, child(p, ty, k), sensitive); ok {
				out[k.AsString()] = ev
			}
		}
		return out, true
	}
	return nil, false
}

// sensitiveShape is Terraform's SensitiveAsBool: true where a value is
// sensitive, false for other leaves, and objects listing only the
// attributes that hold something sensitive.
func sensitiveShape(v cty.Value, p cty.Path, sensitive sensitiveSet) any {
	v, _ = v.UnmarkDeep()
	ty := v.Type()
	switch {
	case sensitive.has(p):
		return true
	case v.IsNull() || ty.IsPrimitiveType() || ty.Equals(cty.DynamicPseudoType):
		return false
	case ty.IsListType() || ty.IsTupleType() || ty.IsSetType():
		out := []any{}
		if !v.IsKnown() {
			return out
		}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			if ty.IsSetType() {
				k = e
			}
			out = append(out, sensitiveShape(e, child(p, ty, k), sensitive))
		}
		return out
	case ty.IsMapType() || ty.IsObjectType():
		out := map[string]any{}
		if !v.IsKnown() {
			return out
		}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			if s := sensitiveShape(e, child(p, ty, k), sensitive); s != false {
				out[k.AsString()] = s
			}
		}
		return out
	}
	return false
}

// unknownShape is Terraform's unknownAsBool: true where a value is known
// only after apply.
func unknownShape(v cty.Value) any {
	v, _ = v.UnmarkDeep()
	ty := v.Type()
	switch {
	case !v.IsKnown():
		return true
	case v.IsNull() || ty.IsPrimitiveType():
		return false
	case ty.IsListType() || ty.IsTupleType() || ty.IsSetType():
		out := []any{}
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			out = append(out, unknownShape(e))
		}
		return out
	case ty.IsMapType() || ty.IsObjectType():
		out := map[string]any{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			if u := unknownShape(e); u != false {
				out[k.AsString()] = u
			}
		}
		return out
	}
	return false
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage("null")
	}
	return b
}

// attributeValues is a resource's values keyed by attribute, the shape of
// "values" in planned_values and state; nil for a null object.
func attributeValues(v cty.Value, sensitive sensitiveSet) map[string]json.RawMessage {
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() {
		return nil
	}
	out := map[string]json.RawMessage{}
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		if ev, ok := redact(e, cty.GetAttrPath(k.AsString()), sensitive); ok {
			out[k.AsString()] = mustJSON(ev)
		}
	}
	return out
}

// indexJSON is an instance key as JSON: a number or a string; nil
// without count or for_each.
func indexJSON(key cty.Value) json.RawMessage {
	if key == cty.NilVal || key.IsNull() {
		return nil
	}
	b, err := ctyjson.Marshal(key, key.Type())
	if err != nil {
		return nil
	}
	return b
}

// instanceRef names one resource instance the way Terraform orders them:
// root module first, managed before data, then type, name and key.
type instanceRef struct {
	Module string
	Mode   config.Mode
	Type   string
	Name   string
	Key    cty.Value
}

func (a instanceRef) less(b instanceRef) bool {
	switch {
	case a.Module != b.Module:
		return a.Module < b.Module
	case a.Mode != b.Mode:
		return a.Mode == config.Managed
	case a.Type != b.Type:
		return a.Type < b.Type
	case a.Name != b.Name:
		return a.Name < b.Name
	}
	return keyLess(a.Key, b.Key)
}

func keyLess(a, b cty.Value) bool {
	switch {
	case a == cty.NilVal || b == cty.NilVal:
		return a == cty.NilVal && b != cty.NilVal
	case a.Type() == cty.Number && b.Type() == cty.Number:
		return a.AsBigFloat().Cmp(b.AsBigFloat()) < 0
	case a.Type() == cty.String && b.Type() == cty.String:
		return a.AsString() < b.AsString()
	}
	return a.Type() == cty.Number // numbers before strings
}

// jsonModule is a module's resources and child modules, the tree shape of
// planned_values and state values.
type jsonModule struct {
	Resources    []jsonResource `json:"resources,omitempty"`
	Address      string         `json:"address,omitempty"`
	ChildModules []jsonModule   `json:"child_modules,omitempty"`
}

type jsonResource struct {
	Address         string                     `json:"address"`
	Mode            string                     `json:"mode"`
	Type            string                     `json:"type"`
	Name            string                     `json:"name"`
	Index           json.RawMessage            `json:"index,omitempty"`
	ProviderName    string                     `json:"provider_name"`
	SchemaVersion   int64                      `json:"schema_version"`
	Tainted         bool                       `json:"tainted,omitempty"`
	Values          map[string]json.RawMessage `json:"values,omitempty"`
	SensitiveValues json.RawMessage            `json:"sensitive_values,omitempty"`
	DependsOn       []string                   `json:"depends_on,omitempty"`

	ref    instanceRef
	module string
}

// newResource encodes one object: values redacted, sensitive_values.
func newResource(addr string, ref instanceRef, schema *core.Schema, v cty.Value, sensitive []cty.Path, deps []string) jsonResource {
	r := jsonResource{Address: addr, Mode: ref.Mode.String(), Type: ref.Type, Name: ref.Name, Index: indexJSON(ref.Key),
		ProviderName: config.SpiceSource, Values: attributeValues(v, sensitive), DependsOn: deps, ref: ref, module: ref.Module}
	if schema != nil {
		r.SchemaVersion = schema.Proto.Version
		sensitive = append(append([]cty.Path{}, schema.Sensitive...), sensitive...)
	}
	r.SensitiveValues = mustJSON(sensitiveShape(v, nil, sensitive))
	return r
}

// moduleTree nests resources by module path ("module.a.module.b" inside
// "module.a"), each module's resources and children in Terraform's order.
func moduleTree(resources []jsonResource) jsonModule {
	byModule := map[string][]jsonResource{}
	children := map[string]map[string]bool{}
	for _, r := range resources {
		byModule[r.module] = append(byModule[r.module], r)
		for m := r.module; m != ""; m = parentModule(m) {
			p := parentModule(m)
			if children[p] == nil {
				children[p] = map[string]bool{}
			}
			children[p][m] = true
		}
	}
	var build func(path string) jsonModule
	build = func(path string) jsonModule {
		rs := byModule[path]
		sort.Slice(rs, func(i, j int) bool { return rs[i].ref.less(rs[j].ref) })
		m := jsonModule{Resources: rs, Address: path}
		names := make([]string, 0, len(children[path]))
		for c := range children[path] {
			names = append(names, c)
		}
		sort.Strings(names)
		for _, c := range names {
			m.ChildModules = append(m.ChildModules, build(c))
		}
		return m
	}
	return build("")
}

func parentModule(path string) string {
	if i := strings.LastIndex(path, ".module."); i >= 0 {
		return path[:i]
	}
	return ""
}

// numberKey turns a state index key into a value.
func numberKey(k any) cty.Value {
	switch k := k.(type) {
	case float64:
		return cty.NumberVal(new(big.Float).SetFloat64(k))
	case json.Number:
		v, err := cty.ParseNumberVal(string(k))
		if err == nil {
			return v
		}
	case string:
		return cty.StringVal(k)
	}
	return cty.NilVal
}
