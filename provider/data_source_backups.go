package provider

import (
	"context"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = &backupsDataSource{}

func newBackupsDataSource() datasource.DataSource { return &backupsDataSource{} }

// backupsDataSource is data spice_backups: the newest backups of one
// policy, as the agent installed on the host lists them.
type backupsDataSource struct {
	dataSourceBase
}

type backupsModel struct {
	ID         types.String `tfsdk:"id"`
	Policy     types.String `tfsdk:"policy"`
	BinaryPath types.String `tfsdk:"binary_path"`
	Limit      types.Int64  `tfsdk:"limit"`
	Backups    types.List   `tfsdk:"backups"`
}

type backupModel struct {
	ID       types.String `tfsdk:"id"`
	Time     types.String `tfsdk:"time"`
	Complete types.Bool   `tfsdk:"complete"`
	Bytes    types.Int64  `tfsdk:"bytes"`
}

const backupsDefaultLimit = 10

var backupAttrTypes = map[string]attr.Type{
	"id": types.StringType, "time": types.StringType, "complete": types.BoolType, "bytes": types.Int64Type,
}

func (d *backupsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_backups"
}

func (d *backupsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The newest backups of a `spice_backup_policy` on the host, newest first, as `spice backup list -json` " +
			"run by the agent the policy installed lists them. Incomplete backups (no `metadata.json`, or a failed run) are listed with " +
			"`complete = false`. `spice drift` reads it for the backup timeline of its reports. In image mode (provider `root` set) reading fails.",
		Attributes: map[string]schema.Attribute{
			"id":     schema.StringAttribute{Computed: true, MarkdownDescription: "The policy name."},
			"policy": schema.StringAttribute{Required: true, MarkdownDescription: "The policy's `name`."},
			"binary_path": schema.StringAttribute{Optional: true,
				MarkdownDescription: "The agent the policy installed (its `binary_path`). Default `" + defaultBinaryPath + "`."},
			"limit": schema.Int64Attribute{Optional: true,
				MarkdownDescription: "How many of the newest backups to list. Default `10`.",
				Validators:          []validator.Int64{int64validator.AtLeast(1)}},
			"backups": schema.ListAttribute{
				Computed:    true,
				ElementType: types.ObjectType{AttrTypes: backupAttrTypes},
				MarkdownDescription: "The backups, newest first, each an object: `id` (the backup's directory name, its UTC timestamp), " +
					"`time` (when it started, RFC 3339 in UTC), `complete` (its `metadata.json` was written: restorable and counted by objectives) " +
					"and `bytes` (the archives' size; `0` unless complete).",
			},
		},
	}
}

func (d *backupsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m backupsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	policy := m.Policy.ValueString()
	if d.imageMode() {
		resp.Diagnostics.AddError("Cannot list the backups of "+policy,
			"the provider manages an image (root "+d.host.Root()+"), where no backups run")
		return
	}
	binary := defaultBinaryPath
	if !m.BinaryPath.IsNull() {
		binary = m.BinaryPath.ValueString()
	}
	limit := int64(backupsDefaultLimit)
	if !m.Limit.IsNull() {
		limit = m.Limit.ValueInt64()
	}
	backups, err := listBackups(ctx, d.host, binary, policy)
	if err != nil {
		resp.Diagnostics.AddError("Cannot list the backups of "+policy, err.Error())
		return
	}
	slices.Reverse(backups) // listed oldest first
	m.ID = m.Policy
	listed := []backupModel{}
	for _, b := range backups[:min(int64(len(backups)), limit)] {
		listed = append(listed, backupModel{
			ID:       types.StringValue(b.ID),
			Time:     types.StringValue(b.Time.UTC().Format(time.RFC3339)),
			Complete: types.BoolValue(b.Complete()),
			Bytes:    types.Int64Value(b.Bytes),
		})
	}
	var diags diag.Diagnostics
	m.Backups, diags = types.ListValueFrom(ctx, types.ObjectType{AttrTypes: backupAttrTypes}, listed)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
