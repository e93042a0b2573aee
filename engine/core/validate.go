package core

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/dynblock"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
)

// Validate checks the configuration statically and with the provider's
// validators, without configuring providers or touching any host.
func (e *Engine) Validate(ctx context.Context) hcl.Diagnostics {
	// Resources are checked even when other parts of the configuration
	// failed, as Terraform does, all but those whose own references
	// failed: their errors are already reported.
	diags := e.prepare()
	server := e.Factory()
	for _, r := range e.Module.Resources {
		schema := e.Schemas.For(r.Mode, r.Type)
		if schema == nil || (diags.HasErrors() && !e.referencesResolve(r, schema)) {
			continue
		}
		evalCtx := e.scopeFor(r).evalContext(nil, unknownInstanceVars(r))
		e.unknownReferences(evalCtx)
		body := dynblock.Expand(r.Config, evalCtx)
		val, d := schema.Decode(body, evalCtx)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		diags = append(diags, e.validateResource(ctx, server, r, schema, body, val)...)
	}
	return diags
}

// referencesResolve reports whether every reference of a resource's
// configuration names something declared.
func (e *Engine) referencesResolve(r *config.Resource, schema *Schema) bool {
	sc := e.scopeFor(r)
	for _, tr := range dynblock.VariablesHCLDec(r.Config, schema.Spec) {
		if _, d := sc.refNode(tr, true); d != nil {
			return false
		}
	}
	return true
}

// unknownReferences fills the validation context with unknown values for
// every resource, local and data source, so that expressions type-check
// without anything being evaluated for real.
func (e *Engine) unknownReferences(ctx *hcl.EvalContext) {
	types := map[string]map[string]cty.Value{}
	data := map[string]map[string]cty.Value{}
	for _, r := range e.Module.Resources {
		s := e.Schemas.For(r.Mode, r.Type)
		if s == nil {
			continue
		}
		v := cty.UnknownVal(cty.DynamicPseudoType)
		if r.Count == nil && r.ForEach == nil {
			v = cty.UnknownVal(s.Type)
		}
		target := types
		if r.Mode == config.Data {
			target = data
		}
		if target[r.Type] == nil {
			target[r.Type] = map[string]cty.Value{}
		}
		target[r.Type][r.Name] = v
	}
	for typ, byName := range types {
		ctx.Variables[typ] = cty.ObjectVal(byName)
	}
	dataObj := map[string]cty.Value{}
	for typ, byName := range data {
		dataObj[typ] = cty.ObjectVal(byName)
	}
	ctx.Variables["data"] = cty.ObjectVal(dataObj)
	locals := map[string]cty.Value{}
	for name := range e.Module.Locals {
		locals[name] = cty.DynamicVal
	}
	ctx.Variables["local"] = cty.ObjectVal(locals)
}

func unknownInstanceVars(r *config.Resource) instanceVars {
	switch {
	case r.Count != nil:
		return instanceVars{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.UnknownVal(cty.Number)})}
	case r.ForEach != nil:
		return instanceVars{"each": cty.ObjectVal(map[string]cty.Value{"key": cty.UnknownVal(cty.String), "value": cty.DynamicVal})}
	}
	return nil
}

// validateResource asks the provider to validate an instance's
// configuration. Instances whose configurations are equal (those that do
// not depend on count.index or each, or whose values from it coincide)
// get the provider's answer to the first one: the provider sees nothing
// but the type and the configuration, so it would answer the same.
func (e *Engine) validateResource(ctx context.Context, server tfprotov6.ProviderServer, r *config.Resource, schema *Schema, body hcl.Body, val cty.Value) hcl.Diagnostics {
	cfg, err := encode(val, schema.Type)
	if err != nil {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid configuration", Detail: fmt.Sprintf("%s: %s", r.Address(), err), Subject: r.DeclRange.Ptr()}}
	}
	subject := e.subjectFunc(r, schema, body)
	key := validationKey{provider: r.ProviderKey, mode: r.Mode, typ: r.Type, config: sha256.Sum256(cfg.MsgPack)}
	v := e.validated.entry(key)
	// Instances evaluated at once wait for the first one's answer rather
	// than each asking the provider.
	v.once.Do(func() {
		if r.Mode == config.Data {
			resp, err := server.ValidateDataResourceConfig(ctx, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: r.Type, Config: cfg})
			v.answer, v.err = dataAnswer(resp), err
		} else if !validatesClean(ctx, server, r.Type, schema, val) {
			resp, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: r.Type, Config: cfg})
			v.answer, v.err = resourceAnswer(resp), err
		}
	})
	if v.err != nil {
		return hcl.Diagnostics{transportDiag(r, v.err)}
	}
	return protoDiags(v.answer, subject, r.Address())
}

// cleanValidator is a provider server run in process that can tell,
// without ValidateResourceConfig's request handling, that a configuration
// draws no diagnostic (the spice provider's ValidatesClean).
type cleanValidator interface {
	ValidatesClean(ctx context.Context, typ string, config tftypes.Value) bool
}

// validatesClean is the provider's ValidatesClean, false where it has none.
func validatesClean(ctx context.Context, server tfprotov6.ProviderServer, typ string, schema *Schema, cfg cty.Value) bool {
	quick, ok := server.(cleanValidator)
	if !ok {
		return false
	}
	cfgTF, ok := tfValue(cfg, schema.TF)
	return ok && quick.ValidatesClean(ctx, typ, cfgTF)
}

func dataAnswer(resp *tfprotov6.ValidateDataResourceConfigResponse) []*tfprotov6.Diagnostic {
	if resp == nil {
		return nil
	}
	return resp.Diagnostics
}

func resourceAnswer(resp *tfprotov6.ValidateResourceConfigResponse) []*tfprotov6.Diagnostic {
	if resp == nil {
		return nil
	}
	return resp.Diagnostics
}

// validationCache keeps the provider's validation answers of one engine
// by configuration, so that the thousands of instances of a resource
// with the same configuration are validated once.
type validationCache struct {
	mu      sync.Mutex
	answers map[validationKey]*validation
}

// validation is the provider's answer to one configuration, asked once.
type validation struct {
	once   sync.Once
	answer []*tfprotov6.Diagnostic
	err    error
}

// validationKey is what a validation answer depends on: the provider
// configuration it was asked of, the type, and the SHA-256 of the
// configuration's msgpack (cty writes attributes and map keys sorted, so
// equal values encode alike).
type validationKey struct {
	provider string
	mode     config.Mode
	typ      string
	config   [sha256.Size]byte
}

func (c *validationCache) entry(key validationKey) *validation {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.answers == nil {
		c.answers = map[validationKey]*validation{}
	}
	v := c.answers[key]
	if v == nil {
		v = &validation{}
		c.answers[key] = v
	}
	return v
}

func transportDiag(r *config.Resource, err error) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Provider error", Detail: fmt.Sprintf("%s: %s", r.Address(), err), Subject: r.DeclRange.Ptr()}
}

// subjectFunc points provider diagnostics at the attribute they name.
func (e *Engine) subjectFunc(r *config.Resource, schema *Schema, body hcl.Body) func(*tftypes.AttributePath) *hcl.Range {
	return func(p *tftypes.AttributePath) *hcl.Range {
		if p != nil && len(p.Steps()) > 0 && body != nil {
			if name, ok := p.Steps()[0].(tftypes.AttributeName); ok {
				if spec, ok := schema.Spec[string(name)]; ok {
					if rng := hcldec.SourceRange(body, spec); rng.Filename != "" {
						return &rng
					}
				}
			}
		}
		return r.DeclRange.Ptr()
	}
}
