package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ resource.ResourceWithConfigure   = &directoryResource{}
	_ resource.ResourceWithImportState = &directoryResource{}
)

func newDirectoryResource() resource.Resource {
	return withBase(&directoryResource{}, resourceBase[directoryModel]{
		typeName: "_directory", createFailed: "Cannot create directory", updateFailed: "Cannot update directory", deleteFailed: "Cannot delete directory",
		createdPath: func(m *directoryModel) string { return m.Path.ValueString() },
	})
}

type directoryResource struct {
	resourceBase[directoryModel]
}

type directoryModel struct {
	fsObject
	ForceDestroy types.Bool `tfsdk:"force_destroy"`
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

// converge makes the directory; Mkdir also recreates one deleted since
// the last refresh.
func (r *directoryResource) converge(ctx context.Context, m, _ *directoryModel) (diag.Diagnostics, error) {
	attrs, err := m.desired(ctx, r.hostContext)
	if err != nil {
		return nil, fmt.Errorf("directory %s: %w", m.Path.ValueString(), err)
	}
	if err := r.host.Mkdir(ctx, m.Path.ValueString(), attrs); err != nil {
		return nil, err
	}
	return nil, m.observeAfterApply(ctx, r.hostContext)
}

func (r *directoryResource) refresh(ctx context.Context, state *directoryModel) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	info, found, err := statExisting(ctx, r.host, state.Path.ValueString())
	switch {
	case err != nil:
		diags.AddError("Cannot read directory", err.Error())
		return found, diags
	case !found:
		return false, nil
	case !info.IsDir:
		diags.AddError("Not a directory",
			fmt.Sprintf("%s on %s exists but is not a directory; move it away or manage it as a spice_file", state.Path.ValueString(), r.host.Name()))
		return true, diags
	}
	if err := state.observe(ctx, r.hostContext, info); err != nil {
		diags.AddError("Cannot read directory", err.Error())
	}
	if state.ForceDestroy.IsNull() {
		state.ForceDestroy = types.BoolValue(false) // after import
	}
	return true, diags
}

// destroy refuses a directory that still holds entries, unless
// force_destroy.
func (r *directoryResource) destroy(ctx context.Context, state *directoryModel) (diag.Diagnostics, error) {
	var diags diag.Diagnostics
	p := state.Path.ValueString()
	remove := r.host.RemoveAll
	if !state.ForceDestroy.ValueBool() {
		remove = r.host.Remove
		entries, err := r.host.ReadDir(ctx, p)
		if err != nil {
			if _, found, statErr := statExisting(ctx, r.host, p); statErr == nil && !found {
				return nil, nil // already gone
			}
			return nil, err
		}
		if len(entries) > 0 {
			diags.AddError("Directory is not empty",
				fmt.Sprintf("%s on %s still holds %s (first: %q); nothing was deleted. Remove them, or set force_destroy = true to delete the directory with its contents.",
					p, r.host.Name(), countEntries(len(entries)), entries[0]))
			return diags, nil
		}
	}
	return nil, remove(ctx, p)
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
