package core

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/state"
)

// checkConditions evaluates preconditions or postconditions (with self
// set to the object), reports each failed one with its message and
// returns their combined status.
func (e *Engine) checkConditions(sc *scope, conds []*config.Assertion, inst instanceVars, self cty.Value, summary string) (CheckStatus, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	status := CheckPass
	for _, a := range conds {
		vars := instanceVars{}
		for k, v := range inst {
			vars[k] = v
		}
		if self != cty.NilVal {
			vars["self"] = self
		}
		refs := append(a.Condition.Variables(), a.ErrorMessage.Variables()...)
		ctx := sc.evalContext(refs, vars)
		s, _, d := assertion(a, ctx, hcl.DiagError, summary)
		status = worstStatus(status, s)
		diags = append(diags, d...)
	}
	return status, diags
}

// assertion evaluates one condition; a false one gives a diagnostic of the
// given severity carrying its error_message, which is also returned.
func assertion(a *config.Assertion, ctx *hcl.EvalContext, sev hcl.DiagnosticSeverity, summary string) (CheckStatus, string, hcl.Diagnostics) {
	ok, diags := a.Condition.Value(ctx)
	if diags.HasErrors() {
		return CheckFail, "", diags
	}
	ok, _ = ok.UnmarkDeep()
	if !ok.IsKnown() {
		return CheckUnknown, "", nil
	}
	if ok.IsNull() || ok.Type() != cty.Bool || ok.True() {
		return CheckPass, "", nil
	}
	msg := "condition is false"
	if m, d := a.ErrorMessage.Value(ctx); !d.HasErrors() && m.Type() == cty.String && m.IsKnown() && !m.IsNull() && !m.IsMarked() {
		msg = m.AsString()
	}
	return CheckFail, msg, hcl.Diagnostics{{Severity: sev, Summary: summary, Detail: msg, Subject: a.Condition.Range().Ptr()}}
}

// worstStatus combines two outcomes: a failure outweighs an unknown,
// which outweighs a pass.
func worstStatus(a, b CheckStatus) CheckStatus {
	rank := map[CheckStatus]int{CheckPass: 0, CheckUnknown: 1, CheckFail: 2}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// evalCheck runs a check block's assertions: failures are warnings, as in
// Terraform, so they report without stopping anything.
func (e *Engine) evalCheck(n *node) hcl.Diagnostics {
	var diags hcl.Diagnostics
	result := CheckResult{Kind: "check", Module: n.sc.module.Path, Name: n.check.Name, Instance: checkAddr(n.sc.module.Path, n.check.Name), Status: CheckPass}
	for _, a := range n.check.Asserts {
		refs := append(a.Condition.Variables(), a.ErrorMessage.Variables()...)
		s, msg, d := assertion(a, n.sc.evalContext(refs, nil), hcl.DiagWarning, fmt.Sprintf("Check block assertion failed (%s)", n.check.Name))
		result.Status = worstStatus(result.Status, s)
		if msg != "" {
			result.Problems = append(result.Problems, msg)
		}
		diags = append(diags, d...)
	}
	e.recordCheck(result)
	return diags
}

func checkAddr(module, name string) string {
	if module != "" {
		return module + ".check." + name
	}
	return "check." + name
}

// importInstance adopts an existing object for an import block: the
// provider imports it by ID and reads it back.
func (e *Engine) importInstance(ctx context.Context, r *config.Resource, schema *Schema, server tfprotov6.ProviderServer, key cty.Value, imp *config.Import) (*priorInstance, string, hcl.Diagnostics) {
	idVal, diags := imp.ID.Value(e.scope.evalContext(imp.ID.Variables(), nil))
	if diags.HasErrors() {
		return nil, "", diags
	}
	idVal, _ = idVal.UnmarkDeep()
	if idVal.Type() != cty.String || !idVal.IsKnown() || idVal.IsNull() {
		return nil, "", hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid import id", Detail: "id must be a string known at plan time.", Subject: imp.ID.Range().Ptr()}}
	}
	id := idVal.AsString()
	p, err := e.importObject(ctx, server, r.Type, schema, instanceAddr(r.ModulePath, r.Mode, r.Type, r.Name, key), id)
	if err != nil {
		return nil, "", hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot import", Detail: err.Error(), Subject: imp.DeclRange.Ptr()}}
	}
	p.key = key
	return p, id, nil
}

func (e *Engine) importObject(ctx context.Context, server tfprotov6.ProviderServer, typ string, schema *Schema, addr, id string) (*priorInstance, error) {
	e.progress("%s: Importing from ID %q...", addr, id)
	resp, err := server.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: typ, ID: id})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", addr, err)
	}
	if msg := errorDiags(resp.Diagnostics); msg != "" {
		return nil, fmt.Errorf("%s: %s", addr, msg)
	}
	if len(resp.ImportedResources) != 1 {
		return nil, fmt.Errorf("%s: the provider returned %d objects for ID %q", addr, len(resp.ImportedResources), id)
	}
	ir := resp.ImportedResources[0]
	rr, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: typ, CurrentState: ir.State, Private: ir.Private})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", addr, err)
	}
	if msg := errorDiags(rr.Diagnostics); msg != "" {
		return nil, fmt.Errorf("%s: %s", addr, msg)
	}
	v, err := decode(rr.NewState, schema.Type)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", addr, err)
	}
	if v.IsNull() {
		return nil, fmt.Errorf("%s: cannot import non-existent remote object %q", addr, id)
	}
	return &priorInstance{value: v, private: rr.Private}, nil
}

// Import adopts the object with id as the instance addr (spice import):
// the provider imports and reads it, and the state records it.
func (e *Engine) Import(ctx context.Context, addr, id string, save func(*state.File) error) hcl.Diagnostics {
	if diags := e.prepare(); diags.HasErrors() {
		return diags
	}
	r := e.scope.resource(resourceOf(addr))
	if r == nil || r.Mode != config.Managed {
		return hcl.Diagnostics{sourceless("Import to an undeclared resource", fmt.Sprintf("%s has no resource block; declare it before importing.", resourceOf(addr)))}
	}
	key := cty.NilVal
	if rest := strings.TrimPrefix(addr, r.Address()); rest != "" {
		inner := strings.TrimSuffix(strings.TrimPrefix(rest, "["), "]")
		if n, err := strconv.Atoi(inner); err == nil {
			key = cty.NumberIntVal(int64(n))
		} else if s, err := strconv.Unquote(inner); err == nil {
			key = cty.StringVal(s)
		} else {
			return hcl.Diagnostics{sourceless("Invalid address", addr)}
		}
	}
	if _, inst := e.State.Lookup(addr); inst != nil {
		return hcl.Diagnostics{sourceless("Resource already managed", fmt.Sprintf("%s is already in state; remove it with spice state rm first.", addr))}
	}
	if d := e.configureProvider(ctx, r.ProviderKey); d.HasErrors() {
		return d
	}
	schema := e.Schemas.For(r.Mode, r.Type)
	p, err := e.importObject(ctx, e.server(r.ProviderKey), r.Type, schema, addr, id)
	if err != nil {
		return hcl.Diagnostics{sourceless("Cannot import", err.Error())}
	}
	w := &stateWriter{file: e.State, save: save, source: e.Module.SpiceSource}
	c := &Change{Addr: addr, Mode: r.Mode, Type: r.Type, Name: r.Name, Key: key, ProviderKey: r.ProviderKey, Schema: schema}
	w.set(c, p.value, p.private, schema.Sensitive)
	e.progress("%s: Import prepared!", addr)
	return w.flush()
}
