package render

import (
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// The types below are terraform providers schema -json's document (format
// 1.0): the provider's own GetProviderSchema answer in Terraform's JSON
// shape, field for field, so that terraform-json reads it.

type providerSchemasJSON struct {
	FormatVersion string                         `json:"format_version"`
	Schemas       map[string]*providerSchemaJSON `json:"provider_schemas,omitempty"`
}

type providerSchemaJSON struct {
	Provider                 *schemaJSON            `json:"provider,omitempty"`
	ResourceSchemas          map[string]*schemaJSON `json:"resource_schemas,omitempty"`
	DataSourceSchemas        map[string]*schemaJSON `json:"data_source_schemas,omitempty"`
	EphemeralResourceSchemas map[string]*schemaJSON `json:"ephemeral_resource_schemas,omitempty"`
}

type schemaJSON struct {
	Version uint64     `json:"version"`
	Block   *blockJSON `json:"block,omitempty"`
}

type blockJSON struct {
	Attributes      map[string]*attributeJSON `json:"attributes,omitempty"`
	BlockTypes      map[string]*blockTypeJSON `json:"block_types,omitempty"`
	Description     string                    `json:"description,omitempty"`
	DescriptionKind string                    `json:"description_kind,omitempty"`
	Deprecated      bool                      `json:"deprecated,omitempty"`
}

type blockTypeJSON struct {
	NestingMode string     `json:"nesting_mode,omitempty"`
	Block       *blockJSON `json:"block,omitempty"`
	MinItems    uint64     `json:"min_items,omitempty"`
	MaxItems    uint64     `json:"max_items,omitempty"`
}

type attributeJSON struct {
	AttributeType       json.RawMessage `json:"type,omitempty"`
	AttributeNestedType *nestedTypeJSON `json:"nested_type,omitempty"`
	Description         string          `json:"description,omitempty"`
	DescriptionKind     string          `json:"description_kind,omitempty"`
	Deprecated          bool            `json:"deprecated,omitempty"`
	Required            bool            `json:"required,omitempty"`
	Optional            bool            `json:"optional,omitempty"`
	Computed            bool            `json:"computed,omitempty"`
	Sensitive           bool            `json:"sensitive,omitempty"`
	WriteOnly           bool            `json:"write_only,omitempty"`
}

type nestedTypeJSON struct {
	Attributes  map[string]*attributeJSON `json:"attributes,omitempty"`
	NestingMode string                    `json:"nesting_mode,omitempty"`
}

// ProviderSchemasJSON is terraform providers schema -json's document for
// one provider, by its address, from its GetProviderSchema response.
func ProviderSchemasJSON(address string, resp *tfprotov6.GetProviderSchemaResponse) ([]byte, error) {
	if len(resp.Functions) > 0 {
		return nil, fmt.Errorf("provider %s declares functions, which providers schema -json does not render yet", address)
	}
	p := &providerSchemaJSON{}
	var err error
	if p.Provider, err = schemaToJSON(resp.Provider); err != nil {
		return nil, fmt.Errorf("provider schema: %w", err)
	}
	for _, set := range []struct {
		from map[string]*tfprotov6.Schema
		to   *map[string]*schemaJSON
	}{
		{resp.ResourceSchemas, &p.ResourceSchemas},
		{resp.DataSourceSchemas, &p.DataSourceSchemas},
		{resp.EphemeralResourceSchemas, &p.EphemeralResourceSchemas},
	} {
		*set.to = make(map[string]*schemaJSON, len(set.from))
		for name, s := range set.from {
			if (*set.to)[name], err = schemaToJSON(s); err != nil {
				return nil, fmt.Errorf("schema of %s: %w", name, err)
			}
		}
	}
	return json.Marshal(providerSchemasJSON{FormatVersion: "1.0", Schemas: map[string]*providerSchemaJSON{address: p}})
}

func schemaToJSON(s *tfprotov6.Schema) (*schemaJSON, error) {
	if s == nil || s.Block == nil {
		return &schemaJSON{}, nil
	}
	b, err := blockToJSON(s.Block)
	return &schemaJSON{Version: uint64(s.Version), Block: b}, err
}

func blockToJSON(b *tfprotov6.SchemaBlock) (*blockJSON, error) {
	out := &blockJSON{Description: b.Description, DescriptionKind: stringKind(b.DescriptionKind), Deprecated: b.Deprecated}
	if len(b.Attributes) > 0 {
		out.Attributes = map[string]*attributeJSON{}
		for _, a := range b.Attributes {
			j, err := attributeToJSON(a)
			if err != nil {
				return nil, err
			}
			out.Attributes[a.Name] = j
		}
	}
	if len(b.BlockTypes) > 0 {
		out.BlockTypes = map[string]*blockTypeJSON{}
		for _, nb := range b.BlockTypes {
			inner, err := blockToJSON(nb.Block)
			if err != nil {
				return nil, fmt.Errorf("block %s: %w", nb.TypeName, err)
			}
			out.BlockTypes[nb.TypeName] = &blockTypeJSON{NestingMode: blockNesting(nb.Nesting), Block: inner,
				MinItems: uint64(nb.MinItems), MaxItems: uint64(nb.MaxItems)}
		}
	}
	return out, nil
}

func attributeToJSON(a *tfprotov6.SchemaAttribute) (*attributeJSON, error) {
	out := &attributeJSON{Description: a.Description, DescriptionKind: stringKind(a.DescriptionKind),
		Deprecated: a.Deprecated, Required: a.Required, Optional: a.Optional, Computed: a.Computed,
		Sensitive: a.Sensitive, WriteOnly: a.WriteOnly}
	if a.Type != nil {
		// Through cty's notation, as Terraform reads it: tftypes and cty
		// share the JSON type notation (as core.ctyType relies on).
		var typ interface{ MarshalJSON() ([]byte, error) } = a.Type
		raw, err := typ.MarshalJSON()
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", a.Name, err)
		}
		ty, err := ctyjson.UnmarshalType(raw)
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", a.Name, err)
		}
		if out.AttributeType, err = ctyjson.MarshalType(ty); err != nil {
			return nil, fmt.Errorf("attribute %s: %w", a.Name, err)
		}
	}
	if a.NestedType != nil {
		nested := &nestedTypeJSON{NestingMode: objectNesting(a.NestedType.Nesting), Attributes: map[string]*attributeJSON{}}
		for _, na := range a.NestedType.Attributes {
			j, err := attributeToJSON(na)
			if err != nil {
				return nil, fmt.Errorf("attribute %s: %w", a.Name, err)
			}
			nested.Attributes[na.Name] = j
		}
		out.AttributeNestedType = nested
	}
	return out, nil
}

func stringKind(k tfprotov6.StringKind) string {
	if k == tfprotov6.StringKindMarkdown {
		return "markdown"
	}
	return "plain"
}

func blockNesting(m tfprotov6.SchemaNestedBlockNestingMode) string {
	switch m {
	case tfprotov6.SchemaNestedBlockNestingModeSingle:
		return "single"
	case tfprotov6.SchemaNestedBlockNestingModeGroup:
		return "group"
	case tfprotov6.SchemaNestedBlockNestingModeList:
		return "list"
	case tfprotov6.SchemaNestedBlockNestingModeSet:
		return "set"
	case tfprotov6.SchemaNestedBlockNestingModeMap:
		return "map"
	}
	return "invalid"
}

func objectNesting(m tfprotov6.SchemaObjectNestingMode) string {
	switch m {
	case tfprotov6.SchemaObjectNestingModeSingle:
		return "single"
	case tfprotov6.SchemaObjectNestingModeList:
		return "list"
	case tfprotov6.SchemaObjectNestingModeSet:
		return "set"
	case tfprotov6.SchemaObjectNestingModeMap:
		return "map"
	}
	return "invalid"
}
