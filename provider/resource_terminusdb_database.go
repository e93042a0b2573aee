package provider

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	spiceschema "github.com/spice-harvester/terraform-provider-spice/schema"
	"github.com/spice-harvester/terraform-provider-spice/terminusdb"
)

var (
	_ resource.ResourceWithConfigure   = &terminusdbDatabaseResource{}
	_ resource.ResourceWithImportState = &terminusdbDatabaseResource{}
)

func newTerminusDBDatabaseResource() resource.Resource {
	return withBase(&terminusdbDatabaseResource{}, resourceBase[terminusdbDatabaseModel]{
		typeName: "_terminusdb_database", createFailed: "Cannot create TerminusDB database",
		updateFailed: "Cannot update TerminusDB database", deleteFailed: "Cannot delete TerminusDB database",
	})
}

// terminusdbDatabaseResource is one TerminusDB database with its schema
// graph, over TerminusDB's HTTP API as the host itself reaches it.
type terminusdbDatabaseResource struct {
	resourceBase[terminusdbDatabaseModel]
}

type terminusdbDatabaseModel struct {
	terminusdbSettings
	ID            types.String               `tfsdk:"id"`
	Organization  types.String               `tfsdk:"organization"`
	Name          types.String               `tfsdk:"name"`
	Label         types.String               `tfsdk:"label"`
	Comment       types.String               `tfsdk:"comment"`
	Public        types.Bool                 `tfsdk:"public"`
	SchemaEnabled types.Bool                 `tfsdk:"schema_enabled"`
	Prefixes      types.Map                  `tfsdk:"prefixes"`
	Schema        spiceschema.TerminusSchema `tfsdk:"schema"`
	ForceDestroy  types.Bool                 `tfsdk:"force_destroy"`
}

// terminusdbName is what spice accepts as organization and database
// names: TerminusDB's own names, kept to what a URL path holds unescaped.
var terminusdbName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`)

func (r *terminusdbDatabaseResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	name := func(what string) []validator.String {
		return []validator.String{stringvalidator.RegexMatches(terminusdbName,
			what+" must be letters, digits, '_', '.' or '-', not starting with '.' or '-'")}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A TerminusDB database and its schema graph, over TerminusDB's HTTP API (`/api/db/{org}/{db}`, `/api/document`), " +
			"as the manual's `curl -X POST /api/db/admin/mydb` and schema import do by hand. Requests are made **by the host itself** " +
			"(over SSH through the existing connection), like health checks: set where TerminusDB listens in the provider's `terminusdb` block " +
			"or on the resource.\n\n" +
			"`label`, `comment`, `public` and `prefixes` change in place (`PUT /api/db`); `schema` changes in place as a new commit " +
			"(the whole schema graph replaced, author `spice`); `organization`, `name` and `schema_enabled` cannot change on a server " +
			"and force a replacement. Destroying a database deletes its data: it is refused unless `force_destroy = true`, " +
			"and the error says how many documents the database holds.\n\n" +
			"Refresh reads the database record and the schema graph. TerminusDB does not report whether a database is public " +
			"or was created without a schema graph, so a change of `public` made outside spice is not seen, and import takes " +
			"TerminusDB's defaults (`public = false`, `schema_enabled = true`).\n\n" +
			"Backups: TerminusDB has no `db dump`; back a database up with `terminusdb bundle ORG/DB -o FILE` as a `command` source " +
			"of `spice_backup_policy`, and restore it with `terminusdb db create ORG/DB` then `terminusdb unbundle ORG/DB FILE`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "`ORG/DB`, as import takes it.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"organization": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("admin"),
				MarkdownDescription: "The organization (team) that owns the database. Default `admin`. Changing it replaces the database.",
				Validators:          name("organization"),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The database name, the `DB` of `/api/db/ORG/DB`. Changing it replaces the database.",
				Validators:          name("name"),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"label": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The database's label (TerminusDB requires one). Changes in place.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"comment": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(""),
				MarkdownDescription: "A description. Changes in place.",
			},
			"public": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Whether anonymous users may read the database. Default `false`. Changes in place; not read back (see above).",
			},
			"schema_enabled": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Whether the database has a schema graph (TerminusDB's `schema` create option). Default `true`. " +
					"TerminusDB cannot add or remove it later: changing it replaces the database.",
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"prefixes": schema.MapAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Prefixes of the schema's `@context`, such as `{ \"@base\" = \"https://example.com/data/\", \"@schema\" = \"https://example.com/schema#\" }`. " +
					"`@base` and `@schema` default to TerminusDB's `terminusdb:///data/` and `terminusdb:///schema#`. Changes in place.",
			},
			"schema": schema.StringAttribute{
				CustomType:    spiceschema.TerminusSchemaType{},
				Optional:      true,
				PlanModifiers: []planmodifier.String{sameSchemaKeepsState{}},
				MarkdownDescription: "The schema graph: a JSON array of schema documents (`Class`, `Enum`, ...), written with `jsonencode` or `file`. " +
					"Compared canonically: document order, key order and white space never show as drift. Unset: spice leaves the schema alone. " +
					"The `@context` document comes from `prefixes`. A change replaces the whole schema graph in one commit.",
			},
			"force_destroy": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Allow destroy to delete the database with all its documents. Default `false`: destroy is refused.",
			},
			"url": schema.StringAttribute{Optional: true, MarkdownDescription: terminusdbURLDescription + " Overrides the provider's `terminusdb` block.",
				Validators: []validator.String{spiceschema.HealthURL()}},
			"username": schema.StringAttribute{Optional: true, MarkdownDescription: terminusdbUsernameDescription + " Overrides the provider's `terminusdb` block."},
			"password": schema.StringAttribute{Optional: true, Sensitive: true, MarkdownDescription: terminusdbPasswordDescription + " Overrides the provider's `terminusdb` block."},
		},
	}
}

// sameSchemaKeepsState plans the state's spelling of the schema when the
// configuration's is the same schema: the framework compares semantically
// on refresh and apply but not between configuration and state.
type sameSchemaKeepsState struct{}

func (sameSchemaKeepsState) Description(context.Context) string {
	return "the same schema in another spelling is no change"
}

func (m sameSchemaKeepsState) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (sameSchemaKeepsState) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.PlanValue.IsNull() || req.PlanValue.IsUnknown() {
		return
	}
	planned, state := spiceschema.NewTerminusSchema(req.PlanValue.ValueString()), spiceschema.NewTerminusSchema(req.StateValue.ValueString())
	if c := planned.Canonical(); c != "" && c == state.Canonical() {
		resp.PlanValue = req.StateValue
	}
}

// prefixes is what m declares as prefixes.
func (m *terminusdbDatabaseModel) prefixes() map[string]string {
	out := map[string]string{}
	for k, v := range knownElements(m.Prefixes) {
		out[k] = v.ValueString()
	}
	return out
}

func (r *terminusdbDatabaseResource) converge(ctx context.Context, m, prior *terminusdbDatabaseModel) (diag.Diagnostics, error) {
	c, err := r.terminusdbClient(m.terminusdbSettings)
	if err != nil {
		return nil, err
	}
	org, db := m.Organization.ValueString(), m.Name.ValueString()
	m.ID = types.StringValue(org + "/" + db)
	if prior == nil {
		// A database spice did not create is never adopted by a create:
		// its destroy would delete data spice did not make.
		err := c.CreateDatabase(ctx, org, db, terminusdb.CreateDatabase{
			Label: m.Label.ValueString(), Comment: m.Comment.ValueString(), Public: m.Public.ValueBool(),
			Schema: m.SchemaEnabled.ValueBool(), Prefixes: m.prefixes(),
		})
		if terminusdb.IsType(err, "api:DatabaseAlreadyExists") {
			return nil, fmt.Errorf("database %s already exists at %s on %s: import it to manage it (terraform import / spice import ADDRESS %s): %w",
				m.ID.ValueString(), c.URL(), r.host.Name(), m.ID.ValueString(), err)
		}
		if err != nil {
			return nil, fmt.Errorf("create database %s: %w", m.ID.ValueString(), err)
		}
	} else {
		err := c.UpdateDatabase(ctx, org, db, terminusdb.UpdateDatabase{
			Label: m.Label.ValueString(), Comment: m.Comment.ValueString(), Public: m.Public.ValueBool(), Prefixes: m.prefixes(),
		})
		if err != nil {
			return nil, fmt.Errorf("update database %s: %w", m.ID.ValueString(), err)
		}
	}
	if m.Schema.IsNull() || !m.SchemaEnabled.ValueBool() {
		return nil, nil
	}
	if prior != nil && prior.Schema.Canonical() == m.Schema.Canonical() && maps.Equal(prior.prefixes(), m.prefixes()) {
		return nil, nil // the schema graph is as declared: no empty commit
	}
	docs, _ := terminusdb.ParseSchema(m.Schema.ValueString()) // validated
	graph := append([]map[string]any{terminusdb.ContextDocument(m.prefixes())}, docs...)
	message := "spice: schema of " + m.ID.ValueString() + " as declared"
	if err := c.ReplaceSchema(ctx, org, db, graph, message); err != nil {
		return nil, &keptError{fmt.Errorf("replace the schema of %s: %w", m.ID.ValueString(), err)}
	}
	return nil, nil
}

func (r *terminusdbDatabaseResource) refresh(ctx context.Context, state *terminusdbDatabaseModel) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	c, err := r.terminusdbClient(state.terminusdbSettings)
	if err != nil {
		diags.AddError("Cannot read TerminusDB database", err.Error())
		return true, diags
	}
	org, db := state.Organization.ValueString(), state.Name.ValueString()
	info, found, err := c.GetDatabase(ctx, org, db)
	if err != nil {
		diags.AddError("Cannot read TerminusDB database", err.Error())
		return true, diags
	}
	if !found {
		return false, nil
	}
	imported := state.Label.IsNull()
	state.ID = types.StringValue(org + "/" + db)
	state.Label = types.StringValue(info.Label)
	state.Comment = types.StringValue(info.Comment)
	if imported {
		// Neither is readable: TerminusDB's defaults (the docs say so).
		state.Public, state.SchemaEnabled = types.BoolValue(false), types.BoolValue(true)
		state.ForceDestroy = types.BoolValue(false)
	}
	if !state.SchemaEnabled.ValueBool() {
		return true, diags
	}
	graph, err := c.Schema(ctx, org, db)
	if err != nil {
		diags.AddError("Cannot read the schema of TerminusDB database "+state.ID.ValueString(), err.Error())
		return true, diags
	}
	prefixes, docs := terminusdb.SplitContext(graph)
	state.Prefixes = observedPrefixes(state.prefixes(), prefixes, state.Prefixes.IsNull())
	if !state.Schema.IsNull() || (imported && len(docs) > 0) {
		state.Schema = spiceschema.NewTerminusSchema(terminusdb.CanonicalSchema(docs))
	}
	return true, diags
}

// observedPrefixes is the prefixes attribute as read: the server's
// prefixes, without @base and @schema where they are the defaults and
// the state did not name them; null when nothing else remains and the
// state had none.
func observedPrefixes(declared, server map[string]string, wasNull bool) types.Map {
	out := map[string]string{}
	for k, v := range server {
		defaultValue := (k == "@base" && v == terminusdb.DefaultBase) || (k == "@schema" && v == terminusdb.DefaultSchema)
		if _, named := declared[k]; defaultValue && !named {
			continue
		}
		out[k] = v
	}
	if len(out) == 0 && wasNull {
		return types.MapNull(types.StringType)
	}
	m, _ := types.MapValueFrom(context.Background(), types.StringType, out)
	return m
}

func (r *terminusdbDatabaseResource) destroy(ctx context.Context, state *terminusdbDatabaseModel) (diag.Diagnostics, error) {
	c, err := r.terminusdbClient(state.terminusdbSettings)
	if err != nil {
		return nil, err
	}
	org, db := state.Organization.ValueString(), state.Name.ValueString()
	id := org + "/" + db
	if !state.ForceDestroy.ValueBool() {
		_, found, err := c.GetDatabase(ctx, org, db)
		if err != nil || !found {
			return nil, err // already gone: nothing to refuse
		}
		n, err := c.CountDocuments(ctx, org, db)
		if err != nil {
			return nil, fmt.Errorf("count the documents of %s before refusing its destroy: %w", id, err)
		}
		var diags diag.Diagnostics
		diags.AddError("TerminusDB database holds data",
			fmt.Sprintf("%s at %s on %s holds %s; deleting the database deletes them. Nothing was deleted. "+
				"Set force_destroy = true (and apply) to delete it with its data; back it up first with terminusdb bundle %s -o FILE.",
				id, c.URL(), r.host.Name(), countDocuments(n), id))
		return diags, nil
	}
	if err := c.DeleteDatabase(ctx, org, db); err != nil {
		return nil, fmt.Errorf("delete database %s: %w", id, err)
	}
	return nil, nil
}

func countDocuments(n int) string {
	if n == 1 {
		return "1 document"
	}
	return fmt.Sprintf("%d documents", n)
}

// ImportState takes ORG/DB.
func (r *terminusdbDatabaseResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	org, db, ok := strings.Cut(req.ID, "/")
	if !ok || org == "" || db == "" || strings.Contains(db, "/") {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("%q is not ORG/DB, such as admin/mydb", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("organization"), org)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), db)...)
}
