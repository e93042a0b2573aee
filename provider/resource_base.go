package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
)

// lifecycle is what a resource knows of itself; resourceBase does the rest
// of Create, Read, Update and Delete, the same way for every resource.
type lifecycle[M any] interface {
	// converge makes the host match plan and completes plan into the new
	// state. prior is the state before an update, nil on create. An error
	// in its diagnostics, or err, saves nothing (unless err is a
	// keptError).
	converge(ctx context.Context, plan, prior *M) (diags diag.Diagnostics, err error)
	// refresh reads the host into state. found=false removes the
	// resource from state, so that the plan creates it again.
	refresh(ctx context.Context, state *M) (found bool, diags diag.Diagnostics)
	// destroy takes the resource off the host. An error in its
	// diagnostics, or err, keeps the resource in state.
	destroy(ctx context.Context, state *M) (diags diag.Diagnostics, err error)
}

// Every resource is the lifecycle of its base.
var (
	_ lifecycle[backupPolicyModel]       = (*backupPolicyResource)(nil)
	_ lifecycle[directoryModel]          = (*directoryResource)(nil)
	_ lifecycle[envFileModel]            = (*envFileResource)(nil)
	_ lifecycle[fileModel]               = (*fileResource)(nil)
	_ lifecycle[gitCheckoutModel]        = (*gitCheckoutResource)(nil)
	_ lifecycle[groupMembershipModel]    = (*groupMembershipResource)(nil)
	_ lifecycle[groupModel]              = (*groupResource)(nil)
	_ lifecycle[hostModel]               = (*hostResource)(nil)
	_ lifecycle[limitsModel]             = (*limitsResource)(nil)
	_ lifecycle[logrotateModel]          = (*logrotateResource)(nil)
	_ lifecycle[maintenanceModeModel]    = (*maintenanceModeResource)(nil)
	_ lifecycle[packageModel]            = (*packageResource)(nil)
	_ lifecycle[pythonVenvModel]         = (*pythonVenvResource)(nil)
	_ lifecycle[recoveryObjectiveModel]  = (*recoveryObjectiveResource)(nil)
	_ lifecycle[secretModel]             = (*secretResource)(nil)
	_ lifecycle[serviceModel]            = (*serviceResource)(nil)
	_ lifecycle[sysctlModel]             = (*sysctlResource)(nil)
	_ lifecycle[terminusdbDatabaseModel] = (*terminusdbDatabaseResource)(nil)
	_ lifecycle[terminusdbUserModel]     = (*terminusdbUserResource)(nil)
	_ lifecycle[userModel]               = (*userResource)(nil)
)

// resourceBase is what every resource embeds: the host context of its
// provider configuration (nil until configured: validation runs
// unconfigured) and the framework's resource methods around a lifecycle.
type resourceBase[M any] struct {
	*hostContext
	typeName string // after the provider's name: "_file"
	life     lifecycle[M]
	// The summaries of a failed create, update and destroy.
	createFailed, updateFailed, deleteFailed string
	// createdPath, when set, names the object whose missing parent
	// directories a create brings along; destroy takes them back.
	createdPath func(*M) string
}

// withBase gives the resource r its base: spec, with r as the lifecycle.
func withBase[M any, R interface {
	resource.Resource
	lifecycle[M]
	setBase(spec resourceBase[M], life lifecycle[M])
}](r R, spec resourceBase[M]) resource.Resource {
	r.setBase(spec, r)
	return r
}

func (b *resourceBase[M]) setBase(spec resourceBase[M], life lifecycle[M]) {
	*b = spec
	b.life = life
}

func (b *resourceBase[M]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + b.typeName
}

func (b *resourceBase[M]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	b.hostContext = hostContextFrom(req.ProviderData, &resp.Diagnostics)
}

func (b *resourceBase[M]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	b.apply(ctx, req.Plan, nil, resp.Private, &resp.State, &resp.Diagnostics)
}

func (b *resourceBase[M]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	b.apply(ctx, req.Plan, &req.State, nil, &resp.State, &resp.Diagnostics)
}

// apply is Create (prior nil, created set) and Update: the plan in,
// converge, the state out.
func (b *resourceBase[M]) apply(ctx context.Context, planned tfsdk.Plan, priorState *tfsdk.State, created privateState, state *tfsdk.State, diags *diag.Diagnostics) {
	plan := model[M](ctx, planned, diags)
	var prior *M
	if priorState != nil {
		prior = model[M](ctx, priorState, diags)
	}
	if diags.HasError() {
		return
	}
	converge := func() (err error) {
		var warnings diag.Diagnostics
		warnings, err = b.life.converge(ctx, plan, prior)
		diags.Append(warnings...)
		return err
	}
	var err error
	if created != nil && b.createdPath != nil {
		var tracked diag.Diagnostics
		tracked, err = createTracked(ctx, b.host, b.createdPath(plan), created, converge)
		diags.Append(tracked...)
	} else {
		err = converge()
	}
	summary := b.createFailed
	if prior != nil && b.updateFailed != "" {
		summary = b.updateFailed
	}
	if err != nil {
		diags.AddError(summary, err.Error())
	}
	var kept *keptError
	if diags.HasError() && !errors.As(err, &kept) {
		return
	}
	diags.Append(setState(ctx, state, plan)...)
}

// keptError is a converge error after which the host holds the resource
// nonetheless: its state is saved (Terraform keeps it, tainted after a
// create) and the error reported.
type keptError struct{ err error }

func (e *keptError) Error() string { return e.err.Error() }
func (e *keptError) Unwrap() error { return e.err }

// Read refreshes the state from the host.
func (b *resourceBase[M]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state := model[M](ctx, req.State, &resp.Diagnostics)
	if state == nil {
		return
	}
	found, diags := b.life.refresh(ctx, state)
	resp.Diagnostics.Append(diags...)
	switch {
	case resp.Diagnostics.HasError():
	case !found:
		resp.State.RemoveResource(ctx)
	default:
		resp.Diagnostics.Append(setState(ctx, &resp.State, state)...)
	}
}

// Delete destroys the resource, then takes back the parent directories
// its create brought along.
func (b *resourceBase[M]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state := model[M](ctx, req.State, &resp.Diagnostics)
	if state == nil {
		return
	}
	diags, err := b.life.destroy(ctx, state)
	resp.Diagnostics.Append(diags...)
	if err != nil {
		resp.Diagnostics.AddError(b.deleteFailed, err.Error())
	}
	if b.createdPath != nil && !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(removeCreatedParents(ctx, b.host, req.Private)...)
	}
}

// plannedModel reads the plan ModifyPlan may change; nil on destroy or
// when the plan cannot be read (the diagnostics say why).
func plannedModel[M any](ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) *M {
	if req.Plan.Raw.IsNull() {
		return nil
	}
	return model[M](ctx, req.Plan, &resp.Diagnostics)
}

// model reads a plan, a state or a configuration into a model (through
// modelCodec where it applies); nil when it cannot, and the diagnostics
// say why.
func model[M any](ctx context.Context, from interface {
	Get(context.Context, any) diag.Diagnostics
}, diags *diag.Diagnostics) *M {
	var m M
	var d diag.Diagnostics
	switch f := from.(type) {
	case tfsdk.State:
		d = getModel(ctx, f.Schema, f.Raw, &m, f.Get)
	case *tfsdk.State:
		d = getModel(ctx, f.Schema, f.Raw, &m, f.Get)
	case tfsdk.Plan:
		d = getModel(ctx, f.Schema, f.Raw, &m, f.Get)
	case tfsdk.Config:
		d = getModel(ctx, f.Schema, f.Raw, &m, f.Get)
	default:
		d = from.Get(ctx, &m)
	}
	diags.Append(d...)
	if d.HasError() {
		return nil
	}
	return &m
}
