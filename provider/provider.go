// Package provider is the spice Terraform provider: one provider
// configuration is one host, and every resource reaches that host through
// the host.Host interface.
package provider

import (
	"context"
	"errors"
	"io"
	"os"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/host"
	spiceschema "github.com/spice-harvester/terraform-provider-spice/schema"
)

// Address is the provider's registry source address.
const Address = "registry.terraform.io/spice-harvester/spice"

// New returns a constructor for the provider, as providerserver expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &spiceProvider{version: version} }
}

// NewServer is the provider as an in-process protocol 6 server, the
// engine's way to run it. The server is an io.Closer: Close closes the
// host connection Configure opened. Terraform ends a provider by ending
// its process; a long-running engine (spice watch) that drops a
// configured server closes it instead, or every host check would leave an
// SSH connection behind.
func NewServer(version string) tfprotov6.ProviderServer {
	p := &spiceProvider{version: version}
	return closingServer{providerserver.NewProtocol6(p)(), p}
}

type closingServer struct {
	tfprotov6.ProviderServer
	provider *spiceProvider
}

func (s closingServer) Close() error {
	s.provider.mu.Lock()
	defer s.provider.mu.Unlock()
	var errs []error
	for _, h := range s.provider.hosts {
		if c, ok := h.(io.Closer); ok {
			errs = append(errs, c.Close())
		}
	}
	s.provider.hosts = nil
	return errors.Join(errs...)
}

type spiceProvider struct {
	version string
	mu      sync.Mutex
	hosts   []host.Host // configured, for closingServer
	// resourceData is what Configure gave the resources; inProcessTypes
	// what the engine's in-process calls need of each type (in_process.go).
	resourceData   any
	inProcessTypes map[string]*inProcessType
}

type providerModel struct {
	Host           types.String        `tfsdk:"host"`
	Port           types.Int64         `tfsdk:"port"`
	User           types.String        `tfsdk:"user"`
	PrivateKey     types.String        `tfsdk:"private_key"`
	PrivateKeyFile types.String        `tfsdk:"private_key_file"`
	KnownHostsFile types.String        `tfsdk:"known_hosts_file"`
	HostKey        types.String        `tfsdk:"host_key"`
	Sudo           types.Bool          `tfsdk:"sudo"`
	ConnectTimeout types.String        `tfsdk:"connect_timeout"`
	Root           types.String        `tfsdk:"root"`
	TerminusDB     *terminusdbSettings `tfsdk:"terminusdb"`
}

func (p *spiceProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "spice"
	resp.Version = p.version
}

func (p *spiceProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One `spice` provider block is one host: this machine (the default) or, with `host`, a machine reached over SSH. " +
			"Declare more hosts with provider aliases.",
		Attributes: map[string]schema.Attribute{
			"host": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Host to manage. Omitted or `\"local\"`: this machine, without SSH. Anything else is an SSH address (a host name or IP address; " +
					"the port goes in `port`), reached over ONE connection that every resource of this provider configuration shares. Falls back to `SPICE_HOST`.",
				Validators: []validator.String{spiceschema.Check("Invalid host",
					"a host name or IP address without a port", host.CheckSSHAddress)},
			},
			"port": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "SSH port. Default `22`.",
				Validators:          []validator.Int64{int64validator.Between(1, 65535)},
			},
			"user": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "SSH user. Falls back to `SPICE_SSH_USER`, then `root`.",
			},
			"private_key": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "SSH private key in PEM or OpenSSH form, e.g. `file(\"~/.ssh/id_ed25519\")`. Conflicts with `private_key_file`.",
				Validators:          []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("private_key_file"))},
			},
			"private_key_file": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Path of an SSH private key file. Falls back to `SPICE_SSH_PRIVATE_KEY_FILE`. Without a key, the ssh-agent at `SSH_AUTH_SOCK` is used.",
			},
			"known_hosts_file": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "known_hosts file that verifies the host key (hashed entries allowed). Falls back to `SPICE_KNOWN_HOSTS_FILE`, then `~/.ssh/known_hosts`. An unknown or changed key is an error.",
			},
			"host_key": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Pin the host's public key (`ssh-ed25519 AAAA...`) instead of using a known_hosts file.",
			},
			"sudo": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Run privileged operations with `sudo -n` when `user` is not root. Default `false`.",
			},
			"connect_timeout": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "How long to wait for the SSH connection, as a duration such as `\"10s\"`. Default `\"10s\"`.",
				Validators:          []validator.String{spiceschema.Duration()},
			},
			"root": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Manage the tree below this existing directory instead of `/` (image or offline mode): `/etc/x` is written to `ROOT/etc/x`. " +
					"Files are written, nothing live is touched. A relative path is taken from the working directory. Default `/`.",
			},
		},
		Blocks: map[string]schema.Block{
			"terminusdb": schema.SingleNestedBlock{
				MarkdownDescription: "Where this host's TerminusDB listens, for `spice_terminusdb_database`. Requests are made **by the host itself** " +
					"(over SSH through the existing connection), so `127.0.0.1:6363` is the host's own loopback and TerminusDB needs no open port. " +
					"Each attribute can be overridden on a resource.",
				Attributes: terminusdbSettingsAttributes(),
			},
		},
	}
}

// Configure connects the provider to its host. Every resource and data
// source of this provider configuration receives the host's context as
// ProviderData: the host and the state they share, made anew for each
// configuration.
func (p *spiceProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if cfg.Host.IsUnknown() || cfg.Root.IsUnknown() {
		resp.Diagnostics.AddError("Provider configuration not yet known",
			"host and root of a spice provider must be known at plan time; they cannot depend on resources that are not yet created.")
		return
	}
	address := stringOr(cfg.Host, os.Getenv("SPICE_HOST"))
	var h host.Host
	if address == "" || address == "local" {
		local, err := host.NewLocal(cfg.Root.ValueString())
		if errors.Is(err, host.ErrLocalUnsupported) {
			resp.Diagnostics.AddAttributeError(path.Root("host"), "No local management on this OS", err.Error())
			return
		}
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("root"), "Invalid root", err.Error())
			return
		}
		h = local
	} else {
		remote, err := host.DialSSH(ctx, sshConfig(cfg, address))
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("host"), "Cannot connect to host", err.Error())
			return
		}
		h = remote
	}
	hc := newHostContext(h)
	if cfg.TerminusDB != nil {
		hc.terminusdb = *cfg.TerminusDB
	}
	p.mu.Lock()
	p.hosts = append(p.hosts, h)
	p.resourceData = hc
	p.mu.Unlock()
	resp.ResourceData = hc
	resp.DataSourceData = hc
}

// sshConfig is how a provider configuration reaches its host over SSH,
// with the environment's defaults.
func sshConfig(cfg providerModel, address string) host.SSHConfig {
	timeout := 10 * time.Second
	if known(cfg.ConnectTimeout) {
		timeout, _ = time.ParseDuration(cfg.ConnectTimeout.ValueString()) // validated
	}
	return host.SSHConfig{
		Address:        address,
		Port:           int(cfg.Port.ValueInt64()),
		User:           stringOr(cfg.User, os.Getenv("SPICE_SSH_USER")),
		PrivateKey:     cfg.PrivateKey.ValueString(),
		PrivateKeyFile: stringOr(cfg.PrivateKeyFile, os.Getenv("SPICE_SSH_PRIVATE_KEY_FILE")),
		KnownHostsFile: stringOr(cfg.KnownHostsFile, os.Getenv("SPICE_KNOWN_HOSTS_FILE")),
		HostKey:        cfg.HostKey.ValueString(),
		Sudo:           cfg.Sudo.ValueBool(),
		ConnectTimeout: timeout,
		Root:           cfg.Root.ValueString(),
	}
}

// RemoteSSHConfig is how the provider configuration cfg (as the engine
// decodes it) reaches its host, for spice watch's event stream over its
// own connection; false for a local host.
func RemoteSSHConfig(cfg cty.Value) (host.SSHConfig, bool) {
	str := func(name string) types.String {
		if v := cfg.GetAttr(name); v.IsKnown() && !v.IsNull() {
			return types.StringValue(v.AsString())
		}
		return types.StringNull()
	}
	m := providerModel{Host: str("host"), User: str("user"), PrivateKey: str("private_key"), PrivateKeyFile: str("private_key_file"),
		KnownHostsFile: str("known_hosts_file"), HostKey: str("host_key"), ConnectTimeout: str("connect_timeout"), Root: str("root"),
		Port: types.Int64Null(), Sudo: types.BoolNull()}
	if v := cfg.GetAttr("port"); v.IsKnown() && !v.IsNull() {
		n, _ := v.AsBigFloat().Int64()
		m.Port = types.Int64Value(n)
	}
	if v := cfg.GetAttr("sudo"); v.IsKnown() && !v.IsNull() {
		m.Sudo = types.BoolValue(v.True())
	}
	address := stringOr(m.Host, os.Getenv("SPICE_HOST"))
	if address == "" || address == "local" {
		return host.SSHConfig{}, false
	}
	return sshConfig(m, address), true
}

func (p *spiceProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		newBackupPolicyResource,
		newDirectoryResource,
		newEnvFileResource,
		newFileResource,
		newGitCheckoutResource,
		newGroupMembershipResource,
		newGroupResource,
		newHostResource,
		newLimitsResource,
		newLogrotateResource,
		newMaintenanceModeResource,
		newPackageResource,
		newPythonVenvResource,
		newRecoveryObjectiveResource,
		newSecretResource,
		newServiceResource,
		newSysctlResource,
		newUserResource,
		newTerminusDBDatabaseResource,
		newTerminusDBUserResource,
	}
}

func (p *spiceProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{newHostDataSource, newHTTPCheckDataSource, newBackupsDataSource}
}
