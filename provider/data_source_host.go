package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/spice-harvester/terraform-provider-spice/facts"
)

var _ datasource.DataSourceWithConfigure = &hostFactsDataSource{}

func newHostDataSource() datasource.DataSource { return &hostFactsDataSource{} }

type hostFactsDataSource struct {
	dataSourceBase
}

type hostDataModel struct {
	ID    types.String `tfsdk:"id"`
	Facts types.Object `tfsdk:"facts"`
}

// factsAttrTypes is the shape of the facts attribute, shared by the data
// source and the resource. It is a plain object attribute rather than a
// nested attribute: the standalone engine decodes object types but not
// nested attribute types, and expressions read both the same way
// (facts.cpu_cores).
var factsAttrTypes = map[string]attr.Type{
	"hostname":               types.StringType,
	"os_id":                  types.StringType,
	"os_version":             types.StringType,
	"kernel":                 types.StringType,
	"arch":                   types.StringType,
	"cpu_cores":              types.Int64Type,
	"memory_mb":              types.Int64Type,
	"storage_total_gb":       types.Float64Type,
	"storage_free_gb":        types.Float64Type,
	"storage_type":           types.StringType,
	"network_mbps":           types.Int64Type,
	"python_version":         types.StringType,
	"docker_version":         types.StringType,
	"docker_compose_version": types.StringType,
	"git_version":            types.StringType,
}

// factsDescription documents every field, since tfplugindocs lists an
// object attribute's fields without descriptions.
const factsDescription = "What the host is, read in one command on every refresh. A fact that cannot be read is `null`. Fields:\n" +
	"  - `hostname`: the kernel's hostname (`uname -n`).\n" +
	"  - `os_id`, `os_version`: `ID` and `VERSION_ID` of `/etc/os-release`, e.g. `\"ubuntu\"` and `\"22.04\"`.\n" +
	"  - `kernel`, `arch`: `uname -r` and `uname -m`.\n" +
	"  - `cpu_cores`: processing units available to processes (`nproc`), what the manual's `multiprocessing.cpu_count()` sees on a host without CPU affinity limits.\n" +
	"  - `memory_mb`: `MemTotal` of `/proc/meminfo` in MiB, as `free -m` prints it (a little below the installed RAM: the kernel reserves some).\n" +
	"  - `storage_total_gb`, `storage_free_gb`: size of the root filesystem and the space available to unprivileged users, in decimal GB (10^9 bytes, as `df -H` prints), to 0.1.\n" +
	"  - `storage_type`: `nvme`, `ssd`, `hdd` or `unknown`, of the disk(s) behind `/` (through partitions, LVM, dm-crypt and md RAID; the slowest member counts). " +
	"`unknown` in containers (overlayfs), on ZFS and network filesystems, and on virtio/Xen virtual disks that report the kernel's default \"rotational\" flag, which says nothing about what backs them.\n" +
	"  - `network_mbps`: the fastest link speed among physical and bonded interfaces; `null` when none reports one (virtio-net, containers). Virtual interfaces (veth, bridges) are ignored: their speeds are fixed numbers, not links.\n" +
	"  - `python_version`, `docker_version`, `docker_compose_version`, `git_version`: dotted versions (`\"3.11.2\"`) of `python3`, `docker`, `docker compose` (or `docker-compose`) and `git` on the `PATH` of spice's commands; `null` when not installed."

// factsObject converts gathered facts into the facts attribute; unknown
// facts become null. With freeUnknown, storage_free_gb is left unknown,
// for plans whose value must not change before apply.
func factsObject(f *facts.Facts, freeUnknown bool) (types.Object, diag.Diagnostics) {
	str := func(s string) types.String {
		if s == "" {
			return types.StringNull()
		}
		return types.StringValue(s)
	}
	num := func(n int64) types.Int64 {
		if n == 0 {
			return types.Int64Null()
		}
		return types.Int64Value(n)
	}
	gb := func(x float64) types.Float64 {
		if x == 0 {
			return types.Float64Null()
		}
		return types.Float64Value(x)
	}
	storageType := f.StorageType
	if storageType == "" {
		storageType = facts.StorageUnknown
	}
	free := gb(f.StorageFreeGB)
	if f.StorageTotalGB > 0 {
		// Free space can be 0 on a full disk; only an unread df is null.
		free = types.Float64Value(f.StorageFreeGB)
	}
	if freeUnknown {
		free = types.Float64Unknown()
	}
	return types.ObjectValue(factsAttrTypes, map[string]attr.Value{
		"hostname":               str(f.Hostname),
		"os_id":                  str(f.OSID),
		"os_version":             str(f.OSVersion),
		"kernel":                 str(f.Kernel),
		"arch":                   str(f.Arch),
		"cpu_cores":              num(int64(f.CPUCores)),
		"memory_mb":              num(f.MemoryMB),
		"storage_total_gb":       gb(f.StorageTotalGB),
		"storage_free_gb":        free,
		"storage_type":           types.StringValue(storageType),
		"network_mbps":           num(f.NetworkMbps),
		"python_version":         str(f.PythonVersion),
		"docker_version":         str(f.DockerVersion),
		"docker_compose_version": str(f.DockerComposeVersion),
		"git_version":            str(f.GitVersion),
	})
}

// factsFromObject is factsObject's inverse, for checking requirements
// against facts held in state. Null fields become unknown (zero) facts.
func factsFromObject(ctx context.Context, o types.Object) (*facts.Facts, diag.Diagnostics) {
	var m struct {
		Hostname             types.String  `tfsdk:"hostname"`
		OSID                 types.String  `tfsdk:"os_id"`
		OSVersion            types.String  `tfsdk:"os_version"`
		Kernel               types.String  `tfsdk:"kernel"`
		Arch                 types.String  `tfsdk:"arch"`
		CPUCores             types.Int64   `tfsdk:"cpu_cores"`
		MemoryMB             types.Int64   `tfsdk:"memory_mb"`
		StorageTotalGB       types.Float64 `tfsdk:"storage_total_gb"`
		StorageFreeGB        types.Float64 `tfsdk:"storage_free_gb"`
		StorageType          types.String  `tfsdk:"storage_type"`
		NetworkMbps          types.Int64   `tfsdk:"network_mbps"`
		PythonVersion        types.String  `tfsdk:"python_version"`
		DockerVersion        types.String  `tfsdk:"docker_version"`
		DockerComposeVersion types.String  `tfsdk:"docker_compose_version"`
		GitVersion           types.String  `tfsdk:"git_version"`
	}
	diags := o.As(ctx, &m, basetypes.ObjectAsOptions{})
	if diags.HasError() {
		return nil, diags
	}
	return &facts.Facts{
		Hostname:             m.Hostname.ValueString(),
		OSID:                 m.OSID.ValueString(),
		OSVersion:            m.OSVersion.ValueString(),
		Kernel:               m.Kernel.ValueString(),
		Arch:                 m.Arch.ValueString(),
		CPUCores:             int(m.CPUCores.ValueInt64()),
		MemoryMB:             m.MemoryMB.ValueInt64(),
		StorageTotalGB:       m.StorageTotalGB.ValueFloat64(),
		StorageFreeGB:        m.StorageFreeGB.ValueFloat64(),
		StorageType:          m.StorageType.ValueString(),
		NetworkMbps:          m.NetworkMbps.ValueInt64(),
		PythonVersion:        m.PythonVersion.ValueString(),
		DockerVersion:        m.DockerVersion.ValueString(),
		DockerComposeVersion: m.DockerComposeVersion.ValueString(),
		GitVersion:           m.GitVersion.ValueString(),
	}, diags
}

// gatherFacts reads the facts of the host as the facts attribute.
func gatherFacts(ctx context.Context, hc *hostContext, freeUnknown bool) (*facts.Facts, types.Object, diag.Diagnostics) {
	var diags diag.Diagnostics
	if hc == nil {
		diags.AddError("Provider not configured", "spice_host needs a configured spice provider to read the host's facts.")
		return nil, types.ObjectNull(factsAttrTypes), diags
	}
	f, err := facts.Gather(ctx, hc.host)
	if err != nil {
		diags.AddError("Cannot read host facts", err.Error())
		return nil, types.ObjectNull(factsAttrTypes), diags
	}
	obj, d := factsObject(f, freeUnknown)
	diags.Append(d...)
	return f, obj, diags
}

func (d *hostFactsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_host"
}

func (d *hostFactsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The facts of the provider's host: hostname, OS, kernel, CPU, memory, storage, network and runtime versions, read in one command. " +
			"Use them in expressions, such as the manual's gunicorn rule `workers = cpu_cores * 2 + 1`. " +
			"To require minimums (the manual's hardware tables, OS and runtime versions), use the `spice_host` resource. " +
			"In image mode (provider `root`), commands and therefore facts are those of the machine spice runs on.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The host's hostname.",
			},
			"facts": schema.ObjectAttribute{
				Computed:            true,
				AttributeTypes:      factsAttrTypes,
				MarkdownDescription: factsDescription,
			},
		},
	}
}

func (d *hostFactsDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	f, obj, diags := gatherFacts(ctx, d.hostContext, false)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &hostDataModel{ID: types.StringValue(f.Hostname), Facts: obj})...)
}
