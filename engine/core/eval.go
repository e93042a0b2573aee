package core

import (
	"fmt"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/funcs"
)

func (e *Engine) evalLocal(n *node) hcl.Diagnostics {
	l := n.sc.module.Locals[n.name]
	v, diags := l.Expr.Value(n.sc.evalContext(l.Expr.Variables(), nil))
	n.sc.setLocal(n.name, v)
	return diags
}

// evalOutput evaluates an output. A child module's output becomes
// module.NAME.OUTPUT in its caller, marks and all.
func (e *Engine) evalOutput(n *node) (OutputValue, hcl.Diagnostics) {
	o := n.sc.module.Outputs[n.name]
	v, diags := o.Expr.Value(n.sc.evalContext(o.Expr.Variables(), nil))
	if diags.HasErrors() {
		return OutputValue{}, diags
	}
	if v.ContainsMarked() && !o.Sensitive {
		return OutputValue{}, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Output refers to sensitive values",
			Detail: fmt.Sprintf("output %q would show a sensitive value; set sensitive = true on it.", n.name), Subject: o.DeclRange.Ptr()}}
	}
	if n.sc.callNode != "" {
		if o.Sensitive {
			v = v.Mark(funcs.Sensitive)
		}
		parent, call := e.callerOf(n.sc)
		parent.setChildOutput(call, n.name, v)
	}
	v, _ = v.UnmarkDeep()
	return OutputValue{Value: v, Sensitive: o.Sensitive}, nil
}

// callerOf finds the scope calling a child module and the call's name.
func (e *Engine) callerOf(child *scope) (*scope, string) {
	n := e.nodes[child.callNode]
	return n.sc, n.call.Name
}

// evalCall evaluates a module call's arguments into the child's variables.
func (e *Engine) evalCall(n *node) hcl.Diagnostics {
	call := n.call
	child := e.scopes[call.Module.Path]
	var diags hcl.Diagnostics
	for name := range call.Args {
		if _, ok := call.Module.Variables[name]; !ok {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unsupported argument",
				Detail: fmt.Sprintf("module %q has no variable %q.", call.Name, name), Subject: call.Args[name].Range.Ptr()})
		}
	}
	for name, v := range call.Module.Variables {
		attr, given := call.Args[name]
		var val cty.Value
		switch {
		case given:
			raw, d := attr.Expr.Value(n.sc.evalContext(attr.Expr.Variables(), nil))
			diags = append(diags, d...)
			if d.HasErrors() {
				continue
			}
			conv, err := config.ConvertVariable(v, raw)
			if err != nil {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid value for module argument",
					Detail: fmt.Sprintf("module %q, variable %q: %s", call.Name, name, err), Subject: attr.Expr.Range().Ptr()})
				continue
			}
			val = conv
		case v.Default != cty.NilVal:
			val = v.Default
		default:
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Missing required argument",
				Detail: fmt.Sprintf("module %q needs variable %q.", call.Name, name), Subject: call.DeclRange.Ptr()})
			continue
		}
		if v.Sensitive {
			val = val.Mark(funcs.Sensitive)
		}
		child.setVar(name, val)
	}
	return diags
}

// rootOutputs collects the root module's output values as the graph walk
// evaluates them.
type rootOutputs struct {
	mu     sync.Mutex
	values map[string]OutputValue
}

// evalValue evaluates the nodes every phase treats alike: locals, module
// arguments, check blocks and outputs, the root module's recorded in outs.
func (e *Engine) evalValue(n *node, outs *rootOutputs) hcl.Diagnostics {
	switch n.kind {
	case kindLocal:
		return e.evalLocal(n)
	case kindCall:
		return e.evalCall(n)
	case kindCheck:
		return e.evalCheck(n)
	case kindOutput:
		v, d := e.evalOutput(n)
		if n.sc.prefix == "" {
			outs.mu.Lock()
			outs.values[n.name] = v
			outs.mu.Unlock()
		}
		return d
	}
	return nil
}
