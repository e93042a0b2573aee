package provider

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spice-harvester/terraform-provider-spice/dotenv"
)

var (
	_ resource.ResourceWithConfigure   = &secretResource{}
	_ resource.ResourceWithImportState = &secretResource{}
)

func newSecretResource() resource.Resource {
	return withBase(&secretResource{}, resourceBase[secretModel]{typeName: "_secret", createFailed: "Cannot generate secret"})
}

// secretResource generates a value once and keeps it in state. It touches no
// host while planning or applying; the host is only read to import a value
// that already lives in an env file.
type secretResource struct {
	resourceBase[secretModel]
}

type secretModel struct {
	ID       types.String `tfsdk:"id"`
	Length   types.Int64  `tfsdk:"length"`
	Encoding types.String `tfsdk:"encoding"`
	Keepers  types.Map    `tfsdk:"keepers"`
	Result   types.String `tfsdk:"result"`
}

// secretID is the same for every secret: an ID derived from the value would
// leak something about it.
const secretID = "none"

var secretEncodings = map[string]func([]byte) string{
	"urlsafe": base64.RawURLEncoding.EncodeToString, // Python's secrets.token_urlsafe
	"hex":     hex.EncodeToString,                   // Python's secrets.token_hex
	"base64":  base64.StdEncoding.EncodeToString,
}

var secretDecoders = map[string]func(string) ([]byte, error){
	"urlsafe": base64.RawURLEncoding.DecodeString,
	"hex":     hex.DecodeString,
	"base64":  base64.StdEncoding.DecodeString,
}

func (r *secretResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A random secret generated once from the operating system's CSPRNG and kept in state. " +
			"The defaults give what Python's `secrets.token_urlsafe(32)` gives: 32 random bytes as 43 base64url characters. " +
			"The value is sensitive and never printed. Changing `length`, `encoding` or `keepers` generates a new one.\n\n" +
			"Like Terraform's `random_password`, the value is in the state: whoever reads the state reads it. " +
			"For a secret only one host needs, `spice_env_file`'s `generated_secrets` makes it on the host and keeps only a keyed hash in the state (see the guide *Secrets: spice_secret or generated_secrets*).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Always `none`: an ID must not reveal the secret.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"length": schema.Int64Attribute{
				Optional:            true,
				Computed:            true,
				Default:             int64default.StaticInt64(32),
				MarkdownDescription: "Number of random bytes, 16 to 1024. Default `32`.",
				Validators:          []validator.Int64{int64validator.Between(16, 1024)},
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"encoding": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString("urlsafe"),
				MarkdownDescription: "How the bytes are written: `urlsafe` (base64url without padding, like `secrets.token_urlsafe`), " +
					"`hex` (like `secrets.token_hex`) or `base64` (standard, padded). Default `urlsafe`.",
				Validators:    []validator.String{stringvalidator.OneOf("urlsafe", "hex", "base64")},
				PlanModifiers: replace,
			},
			"keepers": schema.MapAttribute{
				ElementType:         types.StringType,
				Optional:            true,
				MarkdownDescription: "Arbitrary values; changing any of them generates a new secret (rotation).",
				PlanModifiers:       []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
			"result": schema.StringAttribute{
				Computed:            true,
				Sensitive:           true,
				MarkdownDescription: "The secret.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// converge generates the secret on create. An update only happens for
// in-place changes, and every argument forces replacement, so the planned
// state is already the new state.
func (r *secretResource) converge(_ context.Context, plan, prior *secretModel) (diag.Diagnostics, error) {
	if prior != nil {
		return nil, nil
	}
	buf := make([]byte, plan.Length.ValueInt64())
	if _, err := rand.Read(buf); err != nil {
		return nil, err
	}
	plan.ID = types.StringValue(secretID)
	plan.Result = types.StringValue(secretEncodings[plan.Encoding.ValueString()](buf))
	return nil, nil
}

// refresh has nothing to read: the secret lives only in state.
func (r *secretResource) refresh(context.Context, *secretModel) (bool, diag.Diagnostics) {
	return true, nil
}

func (r *secretResource) destroy(context.Context, *secretModel) (diag.Diagnostics, error) {
	return nil, nil
}

// ImportState adopts an existing secret. The ID "ENV_FILE#NAME" reads the
// variable NAME from an env file on the host, so the value never appears on
// a command line; that is how a secret generated by the manual's
// `secrets.token_urlsafe(32) >> .env` step is taken over unchanged. Any other
// ID is the value itself.
func (r *secretResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	value := req.ID
	if file, name, ok := strings.Cut(req.ID, "#"); ok && strings.HasPrefix(req.ID, "/") {
		v, err := r.readEnvVariable(ctx, file, name)
		if err != nil {
			resp.Diagnostics.AddError("Cannot import secret", err.Error())
			return
		}
		value = v
	}
	encoding, length, err := detectEncoding(value)
	if err != nil {
		resp.Diagnostics.AddError("Cannot import secret", err.Error())
		return
	}
	state := secretModel{
		ID:       types.StringValue(secretID),
		Length:   types.Int64Value(int64(length)),
		Encoding: types.StringValue(encoding),
		Keepers:  types.MapNull(types.StringType),
		Result:   types.StringValue(value),
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *secretResource) readEnvVariable(ctx context.Context, file, name string) (string, error) {
	if r.hostContext == nil {
		return "", fmt.Errorf("provider not configured")
	}
	content, err := r.host.ReadFile(ctx, file)
	if err != nil {
		return "", err
	}
	vars, err := dotenv.Parse(content)
	if err != nil {
		return "", fmt.Errorf("%s on %s: %w", file, r.host.Name(), err)
	}
	v, ok := vars[name]
	if !ok {
		return "", fmt.Errorf("%s on %s has no variable %q", file, r.host.Name(), name)
	}
	return v, nil
}

// detectEncoding finds the encoding that reproduces value exactly. Hex goes
// first: its alphabet is the narrowest, and an even-length hex string would
// also decode as base64url. Errors never quote the value.
func detectEncoding(value string) (encoding string, length int, err error) {
	for _, enc := range []string{"hex", "urlsafe", "base64"} {
		b, err := secretDecoders[enc](value)
		if err == nil && secretEncodings[enc](b) == value && len(b) >= 16 && len(b) <= 1024 {
			return enc, len(b), nil
		}
	}
	return "", 0, fmt.Errorf("the value (%d characters) is not 16 to 1024 bytes in urlsafe, hex or base64 encoding", len(value))
}
