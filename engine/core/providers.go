package core

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
)

// Factory starts one in-process provider instance.
type Factory func() tfprotov6.ProviderServer

// Schemas are the provider's schemas, fetched once.
type Schemas struct {
	Provider    *Schema
	Resources   map[string]*Schema
	DataSources map[string]*Schema
}

// For is the schema of a resource type or data source.
func (s *Schemas) For(mode config.Mode, typ string) *Schema {
	if mode == config.Data {
		return s.DataSources[typ]
	}
	return s.Resources[typ]
}

// LoadSchemas asks a provider instance for its schemas.
func LoadSchemas(ctx context.Context, server tfprotov6.ProviderServer) (*Schemas, error) {
	resp, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, fmt.Errorf("provider schema: %w", err)
	}
	if d := errorDiags(resp.Diagnostics); d != "" {
		return nil, fmt.Errorf("provider schema: %s", d)
	}
	out := &Schemas{Resources: map[string]*Schema{}, DataSources: map[string]*Schema{}}
	if out.Provider, err = NewSchema(resp.Provider); err != nil {
		return nil, fmt.Errorf("provider schema: %w", err)
	}
	for name, s := range resp.ResourceSchemas {
		if out.Resources[name], err = NewSchema(s); err != nil {
			return nil, fmt.Errorf("schema of %s: %w", name, err)
		}
	}
	for name, s := range resp.DataSourceSchemas {
		if out.DataSources[name], err = NewSchema(s); err != nil {
			return nil, fmt.Errorf("schema of data source %s: %w", name, err)
		}
	}
	return out, nil
}

func errorDiags(diags []*tfprotov6.Diagnostic) string {
	var msgs []string
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			msgs = append(msgs, strings.TrimSpace(d.Summary+": "+d.Detail))
		}
	}
	return strings.Join(msgs, "; ")
}

// protoDiags turns provider diagnostics into HCL diagnostics, pointing at
// the attribute they name when the configuration body shows where it is.
func protoDiags(diags []*tfprotov6.Diagnostic, subject func(*tftypes.AttributePath) *hcl.Range, what string) hcl.Diagnostics {
	var out hcl.Diagnostics
	for _, d := range diags {
		sev := hcl.DiagError
		if d.Severity == tfprotov6.DiagnosticSeverityWarning {
			sev = hcl.DiagWarning
		}
		detail := d.Detail
		if what != "" {
			detail = strings.TrimSpace(detail + "\n\n(" + what + ")")
		}
		out = append(out, &hcl.Diagnostic{Severity: sev, Summary: d.Summary, Detail: detail, Subject: subject(d.Attribute)})
	}
	return out
}

// encode converts a value for the provider: msgpack, as Terraform sends it.
func encode(v cty.Value, ty cty.Type) (*tfprotov6.DynamicValue, error) {
	v, _ = unmarkDeepWithPaths(v)
	b, err := ctymsgpack.Marshal(v, ty)
	if err != nil {
		return nil, err
	}
	return &tfprotov6.DynamicValue{MsgPack: b}, nil
}

func decode(dv *tfprotov6.DynamicValue, ty cty.Type) (cty.Value, error) {
	switch {
	case dv == nil:
		return cty.NullVal(ty), nil
	case len(dv.MsgPack) > 0:
		return ctymsgpack.Unmarshal(dv.MsgPack, ty)
	case len(dv.JSON) > 0:
		return ctyjson.Unmarshal(dv.JSON, ty)
	}
	return cty.NullVal(ty), nil
}

// providerAddress is how state names a provider configuration, spice's
// source address being source ("" for config.SpiceSource).
func providerAddress(source, key string) string {
	if source == "" {
		source = config.SpiceSource
	}
	addr := fmt.Sprintf("provider[%q]", source)
	if _, alias, ok := strings.Cut(key, "."); ok {
		addr += "." + alias
	}
	return addr
}

// providerKeyFromAddress reverses providerAddress, and reads OpenTofu's
// name for spice too: state that tofu wrote.
func providerKeyFromAddress(addr string) (string, error) {
	for _, source := range []string{config.SpiceSource, config.OpenTofuSpiceSource} {
		if rest, ok := strings.CutPrefix(addr, fmt.Sprintf("provider[%q]", source)); ok {
			return "spice" + rest, nil
		}
	}
	return "", fmt.Errorf("state names provider %s; the spice engine runs only %s", addr, config.SpiceSource)
}
