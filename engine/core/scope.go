package core

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/funcs"
)

// scope holds every value expressions can refer to, filled in as the graph
// walk evaluates nodes. It is safe for concurrent use.
type scope struct {
	mu        sync.RWMutex
	module    *config.Module
	vars      map[string]cty.Value
	locals    map[string]cty.Value
	resources map[string]cty.Value // by resource address; tuple/object for count/for_each
	declared  map[string]*config.Resource
	path      cty.Value
	terraform cty.Value // terraform.workspace
	functions map[string]function.Function
	// prefix is "" in the root module, "module.NAME." in a child: node
	// names in the graph carry it.
	prefix string
	// callNode is the graph node of the module call that sets this
	// module's variables ("" in the root).
	callNode string
	// outputs of child modules, by call name, for module.NAME.OUTPUT.
	outputs map[string]map[string]cty.Value
}

func newScope(m *config.Module, vars map[string]cty.Value, planTime time.Time) *scope {
	if vars == nil {
		vars = map[string]cty.Value{}
	}
	abs, _ := filepath.Abs(m.Dir)
	cwd, _ := os.Getwd()
	declared := map[string]*config.Resource{}
	for _, r := range m.Resources {
		declared[r.LocalAddress()] = r
	}
	prefix := ""
	if m.Path != "" {
		prefix = m.Path + "."
	}
	functions := funcs.Library(abs, planTime)
	for _, name := range m.BuiltinProviders {
		maps.Copy(functions, funcs.BuiltinProviderFunctions(name))
	}
	return &scope{
		declared:  declared,
		prefix:    prefix,
		outputs:   map[string]map[string]cty.Value{},
		module:    m,
		vars:      vars,
		locals:    map[string]cty.Value{},
		resources: map[string]cty.Value{},
		terraform: cty.ObjectVal(map[string]cty.Value{"workspace": cty.StringVal("default")}),
		path:      cty.ObjectVal(map[string]cty.Value{"module": cty.StringVal(m.Dir), "root": cty.StringVal(m.Dir), "cwd": cty.StringVal(cwd)}),
		functions: functions,
	}
}

// setWorkspace sets terraform.workspace.
func (s *scope) setWorkspace(name string) {
	if name != "" {
		s.terraform = cty.ObjectVal(map[string]cty.Value{"workspace": cty.StringVal(name)})
	}
}

func (s *scope) setLocal(name string, v cty.Value) {
	s.mu.Lock()
	s.locals[name] = v
	s.mu.Unlock()
}

func (s *scope) setVar(name string, v cty.Value) {
	s.mu.Lock()
	s.vars[name] = v
	s.mu.Unlock()
}

func (s *scope) setChildOutput(call, name string, v cty.Value) {
	s.mu.Lock()
	if s.outputs[call] == nil {
		s.outputs[call] = map[string]cty.Value{}
	}
	s.outputs[call][name] = v
	s.mu.Unlock()
}

func (s *scope) setResource(addr string, v cty.Value) {
	s.mu.Lock()
	s.resources[addr] = v
	s.mu.Unlock()
}

// instanceVars are count.index / each.key / each.value for one instance.
type instanceVars map[string]cty.Value

// evalContext builds an evaluation context holding only what refs name, so
// that the cost of an evaluation does not grow with the size of the module.
func (s *scope) evalContext(refs []hcl.Traversal, inst instanceVars) *hcl.EvalContext {
	s.mu.RLock()
	defer s.mu.RUnlock()
	vars := map[string]cty.Value{
		"var":       cty.ObjectVal(s.vars),
		"path":      s.path,
		"terraform": s.terraform,
	}
	if len(s.vars) == 0 {
		vars["var"] = cty.EmptyObjectVal
	}
	locals := map[string]cty.Value{}
	types := map[string]map[string]cty.Value{}
	data := map[string]map[string]cty.Value{}
	for _, tr := range refs {
		switch root := tr.RootName(); root {
		case "local":
			if name, ok := attrStep(tr, 1); ok {
				if v, ok := s.locals[name]; ok {
					locals[name] = v
				}
			}
		case "data":
			typ, ok1 := attrStep(tr, 1)
			name, ok2 := attrStep(tr, 2)
			if ok1 && ok2 {
				if v, ok := s.resources["data."+typ+"."+name]; ok {
					if data[typ] == nil {
						data[typ] = map[string]cty.Value{}
					}
					data[typ][name] = v
				}
			}
		default:
			if strings.HasPrefix(root, "spice_") {
				if name, ok := attrStep(tr, 1); ok {
					if v, ok := s.resources[root+"."+name]; ok {
						if types[root] == nil {
							types[root] = map[string]cty.Value{}
						}
						types[root][name] = v
					}
				}
			}
		}
	}
	vars["local"] = cty.ObjectVal(locals)
	for typ, byName := range types {
		vars[typ] = cty.ObjectVal(byName)
	}
	dataObj := map[string]cty.Value{}
	for typ, byName := range data {
		dataObj[typ] = cty.ObjectVal(byName)
	}
	vars["data"] = cty.ObjectVal(dataObj)
	modules := map[string]cty.Value{}
	for call, outs := range s.outputs {
		modules[call] = cty.ObjectVal(outs)
	}
	vars["module"] = cty.ObjectVal(modules)
	for k, v := range inst {
		vars[k] = v
	}
	return &hcl.EvalContext{Variables: vars, Functions: s.functions}
}

func attrStep(tr hcl.Traversal, i int) (string, bool) {
	if len(tr) <= i {
		return "", false
	}
	switch step := tr[i].(type) {
	case hcl.TraverseAttr:
		return step.Name, true
	case hcl.TraverseRoot:
		return step.Name, true
	}
	return "", false
}

// refNode maps a reference to the graph node that produces its value ("" for
// values known before the walk), or a diagnostic for a reference to
// something that is not declared.
func (s *scope) refNode(tr hcl.Traversal, inResource bool) (string, *hcl.Diagnostic) {
	return s.refNodeSelf(tr, inResource, false)
}

// refNodeSelf is refNode where self may be allowed (postconditions).
func (s *scope) refNodeSelf(tr hcl.Traversal, inResource, selfOK bool) (string, *hcl.Diagnostic) {
	// The subject is the reference itself (var.x, TYPE.NAME), not the
	// attributes after it, as Terraform ranges it.
	undeclared := func(what, name string, steps int) *hcl.Diagnostic {
		return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Reference to undeclared " + what,
			Detail: fmt.Sprintf("%s %q is not declared in this module.", what, name), Subject: tr[:min(steps, len(tr))].SourceRange().Ptr()}
	}
	switch root := tr.RootName(); root {
	case "var":
		name, ok := attrStep(tr, 1)
		if !ok {
			return "", &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid reference", Detail: "var must be followed by a variable name.", Subject: tr.SourceRange().Ptr()}
		}
		if _, ok := s.module.Variables[name]; !ok {
			return "", undeclared("input variable", name, 2)
		}
		return s.callNode, nil
	case "local":
		name, ok := attrStep(tr, 1)
		if !ok {
			return "", &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid reference", Detail: "local must be followed by a name.", Subject: tr.SourceRange().Ptr()}
		}
		if _, ok := s.module.Locals[name]; !ok {
			return "", undeclared("local value", name, 2)
		}
		return s.prefix + "local." + name, nil
	case "path", "terraform":
		return "", nil
	case "count", "each":
		if !inResource {
			return "", &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid reference",
				Detail: root + " is only available inside a resource with count or for_each.", Subject: tr.SourceRange().Ptr()}
		}
		return "", nil
	case "self":
		if selfOK {
			return "", nil
		}
		return "", &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unsupported construct",
			Detail: "self references (provisioners, connection blocks) are not supported by the spice engine.", Subject: tr.SourceRange().Ptr()}
	case "data":
		typ, ok1 := attrStep(tr, 1)
		name, ok2 := attrStep(tr, 2)
		if !ok1 || !ok2 {
			return "", &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid reference", Detail: "data must be followed by a type and a name.", Subject: tr.SourceRange().Ptr()}
		}
		addr := "data." + typ + "." + name
		if s.resource(addr) == nil {
			return "", undeclared("data source", addr, 3)
		}
		return s.prefix + addr, nil
	case "module":
		call, ok1 := attrStep(tr, 1)
		out, ok2 := attrStep(tr, 2)
		if !ok1 || !ok2 {
			return "", &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid reference", Detail: "use module.NAME.OUTPUT.", Subject: tr.SourceRange().Ptr()}
		}
		c, ok := s.module.Calls[call]
		if !ok {
			return "", undeclared("module call", call, 2)
		}
		if c.Module == nil || c.Module.Outputs[out] == nil {
			return "", undeclared("output of module."+call, out, 3)
		}
		return c.Module.Path + ".output." + out, nil
	default:
		name, ok := attrStep(tr, 1)
		if !ok {
			return "", &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid reference",
				Detail: fmt.Sprintf("%q is not a known reference (var., local., a resource type, data., path.).", root), Subject: tr.SourceRange().Ptr()}
		}
		addr := root + "." + name
		if s.resource(addr) == nil {
			return "", undeclared("resource", addr, 2)
		}
		return s.prefix + addr, nil
	}
}

func (s *scope) resource(addr string) *config.Resource { return s.declared[addr] }
