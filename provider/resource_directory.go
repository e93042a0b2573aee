package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.ResourceWithConfigure   = &directoryResource{}
	_ resource.ResourceWithImportState = &directoryResource{}
)

func newDirectoryResource() resource.Resource { return &directoryResource{} }

type directoryResource struct {
	hostResource
}

type directoryModel struct {
	fsObject
	ForceDestroy types.Bool `tfsdk:"force_destroy"`
}

func (r *directoryResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_directory"
}

func (r *directoryResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A directory with its mode and owner. Missing parent directories are created (mode `0755`); destroy removes those again while they are empty. " +
			"Destroying a directory that still holds entries fails and deletes nothing, unless `force_destroy` is set.",
		Attributes: mergeAttributes(fsObjectAttributes("directory", "0755"), map[string]schema.Attribute{
			"force_destroy": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
				MarkdownDescription: "Delete the directory with everything in it on destroy. Default `false`: a non-empty directory is an error.",
			},
		}),
	}
}

func (r *directoryResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan directoryModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	diags, err := createTracked(ctx, r.host, plan.Path.ValueString(), resp.Private, func() error { return r.apply(ctx, &plan) })
	resp.Diagnostics.Append(diags...)
	if err != nil {
		resp.Diagnostics.AddError("Cannot create directory", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *directoryResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan directoryModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Mkdir also recreates a directory deleted since the last refresh.
	if err := r.apply(ctx, &plan); err != nil {
		resp.Diagnostics.AddError("Cannot update directory", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *directoryResource) apply(ctx context.Context, m *directoryModel) error {
	attrs, err := m.desired(ctx, r.hostContext)
	if err != nil {
		return fmt.Errorf("directory %s: %w", m.Path.ValueString(), err)
	}
	if err := r.host.Mkdir(ctx, m.Path.ValueString(), attrs); err != nil {
		return err
	}
	return m.observeAfterApply(ctx, r.hostContext)
}

func (r *directoryResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state directoryModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	info, found, err := statExisting(ctx, r.host, state.Path.ValueString())
	switch {
	case err != nil:
		resp.Diagnostics.AddError("Cannot read directory", err.Error())
		return
	case !found:
		resp.State.RemoveResource(ctx)
		return
	case !info.IsDir:
		resp.Diagnostics.AddError("Not a directory",
			fmt.Sprintf("%s on %s exists but is not a directory; move it away or manage it as a spice_file", state.Path.ValueString(), r.host.Name()))
		return
	}
	if err := state.observe(ctx, r.hostContext, info); err != nil {
		resp.Diagnostics.AddError("Cannot read directory", err.Error())
		return
	}
	if state.ForceDestroy.IsNull() {
		state.ForceDestroy = types.BoolValue(false) // after import
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *directoryResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state directoryModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p := state.Path.ValueString()
	remove := r.host.RemoveAll
	if !state.ForceDestroy.ValueBool() {
		remove = r.host.Remove
		entries, err := r.host.ReadDir(ctx, p)
		if err != nil {
			if _, found, statErr := statExisting(ctx, r.host, p); statErr == nil && !found {
				return // already gone
			}
			resp.Diagnostics.AddError("Cannot delete directory", err.Error())
			return
		}
		if len(entries) > 0 {
			resp.Diagnostics.AddError("Directory is not empty",
				fmt.Sprintf("%s on %s still holds %s (first: %q); nothing was deleted. Remove them, or set force_destroy = true to delete the directory with its contents.",
					p, r.host.Name(), countEntries(len(entries)), entries[0]))
			return
		}
	}
	if err := remove(ctx, p); err != nil {
		resp.Diagnostics.AddError("Cannot delete directory", err.Error())
		return
	}
	resp.Diagnostics.Append(removeCreatedParents(ctx, r.host, req.Private)...)
}

func (r *directoryResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByPath(ctx, req, resp)
}

func countEntries(n int) string {
	if n == 1 {
		return "1 entry"
	}
	return fmt.Sprintf("%d entries", n)
}
