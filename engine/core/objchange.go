package core

import (
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/zclconf/go-cty/cty"
)

// proposedNew merges configuration and prior state the way Terraform does
// before asking the provider to plan: configured values win, and computed
// attributes left unset in configuration keep their prior value.
func proposedNew(b *tfprotov6.SchemaBlock, prior, cfg cty.Value) cty.Value {
	if cfg.IsNull() || !cfg.IsKnown() {
		return cfg
	}
	if prior.IsNull() || !prior.IsKnown() {
		prior = cty.NullVal(cfg.Type())
	}
	attrs := map[string]cty.Value{}
	for _, a := range b.Attributes {
		cv := cfg.GetAttr(a.Name)
		pv := cty.NullVal(cv.Type())
		if !prior.IsNull() {
			pv = prior.GetAttr(a.Name)
		}
		if a.Computed && cv.IsNull() {
			attrs[a.Name] = pv
		} else {
			attrs[a.Name] = cv
		}
	}
	for _, nb := range b.BlockTypes {
		cv := cfg.GetAttr(nb.TypeName)
		pv := cty.NullVal(cv.Type())
		if !prior.IsNull() {
			pv = prior.GetAttr(nb.TypeName)
		}
		attrs[nb.TypeName] = proposedNewNested(nb, pv, cv)
	}
	if len(attrs) == 0 {
		return cfg
	}
	return cty.ObjectVal(attrs)
}

func proposedNewNested(nb *tfprotov6.SchemaNestedBlock, prior, cfg cty.Value) cty.Value {
	if cfg.IsNull() || !cfg.IsKnown() {
		return cfg
	}
	switch nb.Nesting {
	case tfprotov6.SchemaNestedBlockNestingModeSingle, tfprotov6.SchemaNestedBlockNestingModeGroup:
		return proposedNew(nb.Block, prior, cfg)
	case tfprotov6.SchemaNestedBlockNestingModeList:
		if cfg.LengthInt() == 0 {
			return cfg
		}
		var priorElems []cty.Value
		if !prior.IsNull() && prior.IsKnown() {
			priorElems = prior.AsValueSlice()
		}
		elems := cfg.AsValueSlice()
		for i := range elems {
			p := cty.NullVal(elems[i].Type())
			if i < len(priorElems) {
				p = priorElems[i]
			}
			elems[i] = proposedNew(nb.Block, p, elems[i])
		}
		if cfg.Type().IsTupleType() {
			return cty.TupleVal(elems)
		}
		return cty.ListVal(elems)
	case tfprotov6.SchemaNestedBlockNestingModeMap:
		if cfg.LengthInt() == 0 {
			return cfg
		}
		elems := cfg.AsValueMap()
		for k, v := range elems {
			p := cty.NullVal(v.Type())
			if !prior.IsNull() && prior.IsKnown() && prior.Type().IsMapType() && prior.HasIndex(cty.StringVal(k)).True() {
				p = prior.Index(cty.StringVal(k))
			}
			elems[k] = proposedNew(nb.Block, p, v)
		}
		if cfg.Type().IsObjectType() {
			return cty.ObjectVal(elems)
		}
		return cty.MapVal(elems)
	}
	// Sets: elements have no identity to match prior ones by; the
	// configuration is the proposal and the provider fills in the rest.
	return cfg
}
