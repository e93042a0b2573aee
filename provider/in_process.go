package provider

import (
	"context"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/defaults"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// inProcess are the resource types the engine may plan with PlansNoChange
// instead of PlanResourceChange, refresh with ReadInProcess instead of
// ReadResource and validate with ValidatesClean instead of
// ValidateResourceConfig: the tests TestInProcess* in engine/core compare
// each with the framework.
var inProcess = map[string]bool{"spice_file": true}

// PlansNoChange tells the spice engine, which runs this provider in
// process, that PlanResourceChange would plan the instance of type typ
// whose configuration is config and whose refreshed state is prior as
// prior itself: no change, no replacement, no diagnostics, the private
// state kept. It answers false whenever it cannot tell, and the engine
// then asks PlanResourceChange. On a converged plan of thousands of
// files, the framework's request handling of PlanResourceChange (schema
// walks, logging context per attribute, value conversions) cost more
// than everything else the plan did.
//
// It does what the framework's PlanResourceChange does on the way to its
// answer, for the types of inProcess: the proposed new state with
// the attributes' defaults must be prior, the attribute plan modifiers
// must be ones that change nothing when the plan equals the state, and
// the resource's own ModifyPlan runs, as it is, on prior (reading a
// source file on this machine, for example), and must leave it as it is.
// Terraform never calls it: under Terraform, every plan goes through the
// framework.
func (s closingServer) PlansNoChange(ctx context.Context, typ string, cfgVal, priorVal tftypes.Value) bool {
	sc := s.provider.typeInProcess(ctx, typ)
	if sc == nil || !sc.fullyKnownObject(cfgVal) || !sc.fullyKnownObject(priorVal) {
		return false
	}
	if !sc.proposesPrior(cfgVal, priorVal) {
		return false
	}
	modifier, ok := sc.resource.(resource.ResourceWithModifyPlan)
	if !ok {
		return true
	}
	plan := tfsdk.Plan{Raw: priorVal, Schema: sc.schema}
	resp := resource.ModifyPlanResponse{Plan: plan, RequiresReplace: path.Paths{}}
	modifier.ModifyPlan(ctx, resource.ModifyPlanRequest{
		Config: tfsdk.Config{Raw: cfgVal, Schema: sc.schema},
		Plan:   plan,
		State:  tfsdk.State{Raw: priorVal, Schema: sc.schema},
	}, &resp)
	return len(resp.Diagnostics) == 0 && len(resp.RequiresReplace) == 0 && resp.Deferred == nil &&
		resp.Private == nil && resp.Plan.Raw.Equal(priorVal)
}

// inProcessType is what PlansNoChange, ReadInProcess and ValidatesClean
// need of one resource type: the resource, configured as the framework
// configures it, and its schema.
type inProcessType struct {
	resource resource.Resource
	schema   schema.Schema
	objType  tftypes.Type
	// defaults holds the value of each attribute with a default.
	defaults map[string]tftypes.Value
}

// typeInProcess returns the inProcessType of typ, nil when the type is not
// one of inProcess, has a schema PlansNoChange cannot follow, or the
// provider is not configured yet.
func (p *spiceProvider) typeInProcess(ctx context.Context, typ string) *inProcessType {
	if !inProcess[typ] {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.resourceData == nil {
		return nil
	}
	if sc, ok := p.inProcessTypes[typ]; ok {
		return sc
	}
	if p.inProcessTypes == nil {
		p.inProcessTypes = map[string]*inProcessType{}
	}
	p.inProcessTypes[typ] = p.newInProcessType(ctx, typ)
	return p.inProcessTypes[typ]
}

func (p *spiceProvider) newInProcessType(ctx context.Context, typ string) *inProcessType {
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "spice"}, &meta)
		if meta.TypeName != typ {
			continue
		}
		var sr resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &sr)
		if sr.Diagnostics.HasError() || len(sr.Schema.Blocks) > 0 {
			return nil
		}
		sc := &inProcessType{resource: r, schema: sr.Schema, objType: sr.Schema.Type().TerraformType(ctx), defaults: map[string]tftypes.Value{}}
		for name, a := range sr.Schema.Attributes {
			if !sc.follow(ctx, name, a) {
				return nil
			}
		}
		if c, ok := r.(resource.ResourceWithConfigure); ok {
			var resp resource.ConfigureResponse
			c.Configure(ctx, resource.ConfigureRequest{ProviderData: p.resourceData}, &resp)
			if resp.Diagnostics.HasError() {
				return nil
			}
		}
		return sc
	}
	return nil
}

// inertStringModifiers are the plan modifiers that change nothing when
// the plan equals the state and is known: UseStateForUnknown acts only
// on unknown values, RequiresReplace only on changed ones.
var inertStringModifiers = map[reflect.Type]bool{
	reflect.TypeOf(stringplanmodifier.UseStateForUnknown()): true,
	reflect.TypeOf(stringplanmodifier.RequiresReplace()):    true,
}

// follow records attribute a's default; false when a is of a kind whose
// planning PlansNoChange does not know: anything but a string attribute
// with inert plan modifiers.
func (sc *inProcessType) follow(ctx context.Context, name string, a schema.Attribute) bool {
	s, ok := a.(schema.StringAttribute)
	if !ok || s.WriteOnly {
		return false
	}
	for _, m := range s.PlanModifiers {
		if !inertStringModifiers[reflect.TypeOf(m)] {
			return false
		}
	}
	if s.Default == nil {
		return true
	}
	return sc.addDefault(ctx, name, s.Default)
}

func (sc *inProcessType) addDefault(ctx context.Context, name string, d defaults.String) bool {
	var resp defaults.StringResponse
	d.DefaultString(ctx, defaults.StringRequest{Path: path.Root(name)}, &resp)
	if resp.Diagnostics.HasError() {
		return false
	}
	v, err := resp.PlanValue.ToTerraformValue(ctx)
	if err != nil {
		return false
	}
	sc.defaults[name] = v
	return true
}

// fullyKnownObject reports whether v is a whole object of the type: not
// null, nothing unknown.
func (sc *inProcessType) fullyKnownObject(v tftypes.Value) bool {
	return v.Type() != nil && v.Type().Equal(sc.objType) && !v.IsNull() && v.IsFullyKnown()
}

// proposesPrior reports whether the framework's planned state before the
// plan modifiers, Terraform's proposed new state with the defaults of the
// attributes the configuration leaves null, is prior.
func (sc *inProcessType) proposesPrior(config, prior tftypes.Value) bool {
	var cfgAttrs, priorAttrs map[string]tftypes.Value
	if config.As(&cfgAttrs) != nil || prior.As(&priorAttrs) != nil {
		return false
	}
	for name, a := range sc.schema.Attributes {
		c, p := cfgAttrs[name], priorAttrs[name]
		var proposed tftypes.Value
		switch d, hasDefault := sc.defaults[name]; {
		case !c.IsNull():
			proposed = c
		case hasDefault:
			proposed = d
		case a.IsComputed():
			proposed = p
		default:
			proposed = c
		}
		if !proposed.Equal(p) {
			return false
		}
	}
	return true
}

// ReadInProcess is ReadResource for the spice engine, which runs this
// provider in process: the resource's Read and what the framework does
// around it (keeping prior values its types call semantically equal),
// without the framework's request handling, which cost a refresh of
// thousands of files more than reading them. ok=false when it does not
// apply: a type not in inProcess, private state (the framework's keys in
// it change how Read goes), or any diagnostic from Read, so that the
// engine asks ReadResource and Terraform's words reach the user.
func (s closingServer) ReadInProcess(ctx context.Context, typ string, prior tftypes.Value, private []byte) (newState tftypes.Value, ok bool) {
	sc := s.provider.typeInProcess(ctx, typ)
	if sc == nil || len(private) > 0 || !sc.fullyKnownObject(prior) {
		return tftypes.Value{}, false
	}
	state := tfsdk.State{Raw: prior, Schema: sc.schema}
	resp := resource.ReadResponse{State: state}
	sc.resource.Read(ctx, resource.ReadRequest{State: state}, &resp)
	if len(resp.Diagnostics) > 0 || resp.Deferred != nil || resp.Private != nil || resp.Identity != nil {
		return tftypes.Value{}, false
	}
	read := resp.State.Raw
	if read.IsNull() {
		return read, true
	}
	return sc.keepSemanticallyEqual(ctx, prior, read)
}

// keepSemanticallyEqual keeps the prior value of each attribute whose
// type calls the value read semantically equal to it, as the framework's
// ReadResource does; ok=false on any diagnostic.
func (sc *inProcessType) keepSemanticallyEqual(ctx context.Context, prior, read tftypes.Value) (tftypes.Value, bool) {
	var priorAttrs, readAttrs map[string]tftypes.Value
	if prior.As(&priorAttrs) != nil || read.As(&readAttrs) != nil {
		return read, false
	}
	kept := false
	for name, a := range sc.schema.Attributes {
		p, r := priorAttrs[name], readAttrs[name]
		if !p.IsKnown() || p.IsNull() || !r.IsKnown() || r.IsNull() {
			continue
		}
		rv, err1 := a.GetType().ValueFromTerraform(ctx, r)
		pv, err2 := a.GetType().ValueFromTerraform(ctx, p)
		if err1 != nil || err2 != nil {
			return read, false
		}
		readSE, ok1 := rv.(basetypes.StringValuableWithSemanticEquals)
		priorSE, ok2 := pv.(basetypes.StringValuableWithSemanticEquals)
		if !ok1 || !ok2 {
			continue
		}
		equal, diags := readSE.StringSemanticEquals(ctx, priorSE)
		if len(diags) > 0 {
			return read, false
		}
		if equal && !r.Equal(p) {
			readAttrs[name], kept = p, true
		}
	}
	if !kept {
		return read, true
	}
	return tftypes.NewValue(sc.objType, readAttrs), true
}

// ValidatesClean tells the spice engine, which runs this provider in
// process, that ValidateResourceConfig would answer the configuration
// config of type typ with no diagnostic at all. It runs what the
// framework's ValidateResourceConfig runs (each attribute's type
// validation, the required and read-only checks, the attribute
// validators, the resource's config validators and ValidateConfig)
// without its request handling; false whenever anything has something to
// say, and the engine then asks ValidateResourceConfig, whose words reach
// the user.
func (s closingServer) ValidatesClean(ctx context.Context, typ string, cfgVal tftypes.Value) bool {
	sc := s.provider.typeInProcess(ctx, typ)
	if sc == nil || sc.schema.DeprecationMessage != "" || cfgVal.Type() == nil || !cfgVal.Type().Equal(sc.objType) || cfgVal.IsNull() {
		return false
	}
	var attrs map[string]tftypes.Value
	if cfgVal.As(&attrs) != nil {
		return false
	}
	cfg := tfsdk.Config{Raw: cfgVal, Schema: sc.schema}
	for name, a := range sc.schema.Attributes {
		str, ok := a.(schema.StringAttribute)
		if !ok || !sc.validAttribute(ctx, cfg, name, str, attrs[name]) {
			return false
		}
	}
	req := resource.ValidateConfigRequest{Config: cfg}
	if r, ok := sc.resource.(resource.ResourceWithConfigValidators); ok {
		for _, v := range r.ConfigValidators(ctx) {
			var resp resource.ValidateConfigResponse
			if v.ValidateResource(ctx, req, &resp); len(resp.Diagnostics) > 0 {
				return false
			}
		}
	}
	if r, ok := sc.resource.(resource.ResourceWithValidateConfig); ok {
		var resp resource.ValidateConfigResponse
		if r.ValidateConfig(ctx, req, &resp); len(resp.Diagnostics) > 0 {
			return false
		}
	}
	return true
}

// validAttribute is the framework's AttributeValidate of a string
// attribute (follow admits no other kind), true when it says nothing.
func (sc *inProcessType) validAttribute(ctx context.Context, cfg tfsdk.Config, name string, a schema.StringAttribute, raw tftypes.Value) bool {
	v, err := a.GetType().ValueFromTerraform(ctx, raw)
	if err != nil || !valid(ctx, v, codecField{name: name, typ: a.GetType()}, raw) {
		return false
	}
	switch {
	case a.IsComputed() && !a.IsOptional() && !v.IsNull(),
		a.IsRequired() && v.IsNull(),
		a.GetDeprecationMessage() != "" && !v.IsNull() && !v.IsUnknown():
		return false
	}
	valuable, ok := v.(basetypes.StringValuable)
	if !ok {
		return false
	}
	value, diags := valuable.ToStringValue(ctx)
	if len(diags) > 0 {
		return false
	}
	req := validator.StringRequest{Config: cfg, ConfigValue: value, Path: path.Root(name), PathExpression: path.MatchRoot(name)}
	for _, check := range a.Validators {
		var resp validator.StringResponse
		if check.ValidateString(ctx, req, &resp); len(resp.Diagnostics) > 0 {
			return false
		}
	}
	return true
}
