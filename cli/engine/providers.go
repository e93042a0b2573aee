package engine

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/spice-harvester/terraform-provider-spice/cli/command"
	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/render"
	"github.com/spice-harvester/terraform-provider-spice/provider"
)

// providersSchemaCommand prints the provider's schemas in the document of
// terraform providers schema -json, from the provider's GetProviderSchema.
type providersSchemaCommand struct{ meta }

func (c *providersSchemaCommand) Synopsis() string {
	return "Print the provider's schemas as terraform providers schema -json"
}
func (c *providersSchemaCommand) Help() string {
	return "Usage: spice providers schema -json\n\n  Prints the schemas of the provider, its resources and data sources as\n  terraform providers schema -json does (format_version 1.0), from the\n  provider's own GetProviderSchema answer."
}

func (c *providersSchemaCommand) Run(args []string) int {
	fs := c.flagSet("providers schema", false)
	asJSON := fs.Bool("json", false, "")
	pos, err := command.ParseArgs(fs, args)
	if err != nil {
		return 1
	}
	if len(pos) > 0 {
		return c.Errorf("providers schema takes no arguments, got %q", pos)
	}
	if !*asJSON {
		return c.Errorf("The `spice providers schema` command requires the `-json` flag.")
	}
	resp, err := c.factory()().GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return c.Errorf("provider schema: %s", err)
	}
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return c.Errorf("provider schema: %s: %s", d.Summary, d.Detail)
		}
	}
	// Named as the configuration's required_providers names spice, when it
	// names OpenTofu's registry (see config.Module.SpiceSource).
	source := provider.Address
	if mod, diags := config.Load(c.dir); !diags.HasErrors() && mod.SpiceSource != "" {
		source = mod.SpiceSource
	}
	b, err := render.ProviderSchemasJSON(source, resp)
	if err != nil {
		return c.Errorf("%s", err)
	}
	fmt.Fprintln(c.Stdout, string(b))
	return 0
}
