package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spice-harvester/terraform-provider-spice/health"
	spiceschema "github.com/spice-harvester/terraform-provider-spice/schema"
)

var _ datasource.DataSourceWithConfigure = &httpCheckDataSource{}

func newHTTPCheckDataSource() datasource.DataSource { return &httpCheckDataSource{} }

// httpCheckDataSource is data spice_http_check: one GET of a health
// endpoint, made by the host itself.
type httpCheckDataSource struct {
	dataSourceBase
}

type httpCheckModel struct {
	ID           types.String `tfsdk:"id"`
	URL          types.String `tfsdk:"url"`
	ExpectStatus types.Int64  `tfsdk:"expect_status"`
	Timeout      types.String `tfsdk:"timeout"`
	Status       types.Int64  `tfsdk:"status"`
	Healthy      types.Bool   `tfsdk:"healthy"`
	LatencyMS    types.Int64  `tfsdk:"latency_ms"`
	Error        types.String `tfsdk:"error"`
}

const (
	httpCheckDefaultStatus  = 200
	httpCheckDefaultTimeout = "5s"
)

func (d *httpCheckDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_http_check"
}

func (d *httpCheckDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One HTTP GET of a health endpoint, such as the manual's `http://127.0.0.1:8002/health` or TerminusDB's `/api/ok`, " +
			"made **by the host itself**: over SSH the request travels through the SSH connection (a direct-tcpip channel), " +
			"so `127.0.0.1` is the host's own loopback and no port has to be open towards the machine running spice. " +
			"Redirects are not followed: a `301` is reported as `301`.\n\n" +
			"An unhealthy endpoint is not an error: `healthy` is `false` and `status`/`error` say why, so a `check` block can assert on it " +
			"(spice and Terraform report failed check assertions as warnings). In image mode (provider `root` set) nothing is running and reading fails.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The URL."},
			"url": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The `http://` or `https://` URL, as the host sees it. Credentials in the URL are refused (they would be printed).",
				Validators:          []validator.String{spiceschema.HealthURL()},
			},
			"expect_status": schema.Int64Attribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The status that counts as healthy. Default `200`.",
				Validators:          []validator.Int64{int64validator.Between(100, 599)},
			},
			"timeout": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "How long the request may take, connection included, such as `\"5s\"` (the default).",
				Validators:          []validator.String{spiceschema.Duration()},
			},
			"status":     schema.Int64Attribute{Computed: true, MarkdownDescription: "The HTTP status received; `0` when no response arrived."},
			"healthy":    schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether `status` equals `expect_status`."},
			"latency_ms": schema.Int64Attribute{Computed: true, MarkdownDescription: "How long the request took, in milliseconds."},
			"error":      schema.StringAttribute{Computed: true, MarkdownDescription: "Why no response arrived (connection refused, timeout); empty when one did."},
		},
	}
}

func (d *httpCheckDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m httpCheckModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.imageMode() {
		resp.Diagnostics.AddError("Cannot check "+m.URL.ValueString(),
			"the provider manages an image (root "+d.host.Root()+"): no service is running there to ask")
		return
	}
	if m.ExpectStatus.IsNull() {
		m.ExpectStatus = types.Int64Value(httpCheckDefaultStatus)
	}
	if m.Timeout.IsNull() {
		m.Timeout = types.StringValue(httpCheckDefaultTimeout)
	}
	timeout, _ := time.ParseDuration(m.Timeout.ValueString()) // validated
	r := health.Probe(ctx, d.host, m.URL.ValueString(), timeout)
	m.ID = m.URL
	m.Status = types.Int64Value(int64(r.Status))
	m.Healthy = types.BoolValue(r.Healthy(int(m.ExpectStatus.ValueInt64())))
	m.LatencyMS = types.Int64Value(r.Latency.Milliseconds())
	m.Error = types.StringValue("")
	if r.Err != nil {
		m.Error = types.StringValue(r.Err.Error())
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
