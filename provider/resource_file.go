package provider

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	spiceschema "github.com/spice-harvester/terraform-provider-spice/schema"
)

var (
	_ resource.ResourceWithConfigure      = &fileResource{}
	_ resource.ResourceWithImportState    = &fileResource{}
	_ resource.ResourceWithModifyPlan     = &fileResource{}
	_ resource.ResourceWithValidateConfig = &fileResource{}
)

func newFileResource() resource.Resource {
	return newRenderedFile[fileModel, *fileModel](&fileResource{}, "_file")
}

type fileResource struct {
	renderedFile[fileModel, *fileModel]
}

type fileModel struct {
	writtenFile
	fileContent
}

func (m *fileModel) kind() string       { return "file" }
func (m *fileModel) file() *writtenFile { return &m.writtenFile }

// fileContent holds the three ways to declare a file's bytes.
type fileContent struct {
	Content          types.String `tfsdk:"content"`
	SensitiveContent types.String `tfsdk:"sensitive_content"`
	Source           types.String `tfsdk:"source"`
}

var fileContentAttributes = []string{"content", "sensitive_content", "source"}

// attributeGetter is what plans and configurations share for reading one
// attribute.
type attributeGetter interface {
	GetAttribute(ctx context.Context, p path.Path, target interface{}) diag.Diagnostics
}

func (r *fileResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A file with its content, mode and owner, written atomically: a temporary file in the same directory gets mode and owner, " +
			"then the content, is synced and renamed into place, so readers never see a partial file or loose permissions. " +
			"Exactly one of `content`, `sensitive_content` and `source` is required. Render config files with `yamlencode`, `jsonencode` or `templatefile`. " +
			"Missing parent directories are created (mode `0755`); destroy removes those again while they are empty.",
		Attributes: mergeAttributes(fsObjectAttributes("file", "0644"), map[string]schema.Attribute{
			// No static default: ModifyPlan picks 0600 for sensitive_content.
			"mode": schema.StringAttribute{
				CustomType: spiceschema.FileModeType{},
				Optional:   true,
				Computed:   true,
				MarkdownDescription: "Permissions as 3 or 4 octal digits, e.g. `\"0640\"` or `\"2775\"`. Default `\"0644\"`, " +
					"and `\"0600\"` with `sensitive_content`.",
			},
			"content": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The file's content. Shown in plans; use `sensitive_content` for secrets.",
			},
			"sensitive_content": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "The file's content, never shown in plan, apply or show output. The file's mode defaults to `0600`.",
			},
			"source": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Path of a file on the machine running spice or Terraform whose bytes are copied. " +
					"A change of its content plans an update through `sha256`.",
			},
			"sha256": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "Hex SHA-256 of the content; on refresh, of the file on the host. Use it as a service's restart trigger. " +
					"With `sensitive_content` it is salted with the path (HMAC-SHA-256 keyed by `spice_file:PATH`): it still changes exactly when " +
					"the content does, but matches no precomputed hash of a known secret and differs between files holding the same secret.",
			},
		}),
	}
}

// ValidateConfig requires exactly one of content, sensitive_content and
// source (a value not yet known counts as given).
func (r *fileResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	c := model[fileModel](ctx, req.Config, &resp.Diagnostics)
	if c == nil {
		return
	}
	given := 0
	for _, v := range []types.String{c.Content, c.SensitiveContent, c.Source} {
		if !v.IsNull() {
			given++
		}
	}
	if given != 1 {
		resp.Diagnostics.AddAttributeError(path.Root("content"), "Invalid attribute combination",
			fmt.Sprintf("Exactly one of these attributes must be configured: [%s]; %d are.", strings.Join(fileContentAttributes, ","), given))
	}
}

// desiredContent returns the declared bytes, or known=false while they
// depend on values only known after apply.
func (m *fileContent) desiredContent() (content []byte, known bool, err error) {
	switch {
	case m.Content.IsUnknown() || m.SensitiveContent.IsUnknown() || m.Source.IsUnknown():
		return nil, false, nil
	case !m.Content.IsNull():
		return []byte(m.Content.ValueString()), true, nil
	case !m.SensitiveContent.IsNull():
		return []byte(m.SensitiveContent.ValueString()), true, nil
	default:
		b, err := os.ReadFile(m.Source.ValueString())
		if err != nil {
			return nil, false, fmt.Errorf("source: %w", err)
		}
		return b, true, nil
	}
}

// digestAt is the sha256 attribute for content at filePath, salted when the
// content is sensitive.
func (m *fileContent) digestAt(filePath string, content []byte) string {
	return digestOf(content, "spice_file:"+filePath, !m.SensitiveContent.IsNull())
}

func (m *fileModel) digest(content []byte) string {
	return m.digestAt(m.Path.ValueString(), content)
}

// ModifyPlan predicts sha256, so that a changed source file, or a file on the
// host that differs from the declaration, shows up as an update; and plans
// the default mode, 0600 for sensitive content, 0644 for any other.
func (r *fileResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	plan := plannedModel[fileModel](ctx, req, resp)
	if plan == nil {
		return // destroy, or the diagnostics say why
	}
	config := model[fileModel](ctx, req.Config, &resp.Diagnostics)
	if config == nil {
		return
	}
	if config.Mode.IsNull() {
		mode := uint32(0o644)
		if !plan.SensitiveContent.IsNull() {
			mode = 0o600
		}
		plan.Mode = spiceschema.NewFileMode(mode)
	}
	content, known, err := plan.desiredContent()
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("source"), "Cannot read source", err.Error())
		return
	}
	if known && !plan.Path.IsUnknown() {
		plan.SHA256 = types.StringValue(plan.digest(content))
	}
	resp.Diagnostics.Append(setPlan(ctx, &resp.Plan, plan)...)
}

func (m *fileModel) render() ([]byte, error) {
	content, _, err := m.desiredContent()
	return content, err
}

// readBack puts the bytes on the host into the content attribute that
// declared the file, so a plan shows the difference (redacted when
// sensitive). An imported file declares nothing yet and lands in content.
func (m *fileModel) readBack(_ context.Context, content []byte) diag.Diagnostics {
	text := strings.ToValidUTF8(string(content), "\uFFFD")
	switch {
	case !m.SensitiveContent.IsNull():
		m.SensitiveContent = types.StringValue(text)
	case !m.Content.IsNull() || m.Source.IsNull():
		m.Content = types.StringValue(text)
	}
	return nil
}

func (r *fileResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByPath(ctx, req, resp)
}
