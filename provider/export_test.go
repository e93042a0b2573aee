package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spice-harvester/terraform-provider-spice/host"
)

// Hooks for the external tests that check rendered files with their real
// consumers (logrotate, a pam_limits reader): package provider's own tests
// cannot import testsupport, which imports this package.

var CheckPostrotate = checkPostrotate

// RenderLogrotate is the policy file spice_logrotate writes for one log
// with a postrotate script and every other attribute at its default.
func RenderLogrotate(log, postrotate string) string {
	m := logrotateModel{
		Paths: []string{log}, Frequency: types.StringValue("daily"), Rotate: types.Int64Value(7),
		Compress: types.BoolValue(true), DelayCompress: types.BoolValue(false), MissingOK: types.BoolValue(true),
		NotIfEmpty: types.BoolValue(true), CopyTruncate: types.BoolValue(false),
		Create: types.StringNull(), Su: types.StringNull(), Postrotate: types.StringValue(postrotate),
	}
	return m.render()
}

const AgentBinaryEnv = agentBinaryEnv

// InstallAgentFrom installs the agent for h's architecture at path, as
// spice_backup_policy does, with the provider running from executable
// (whose directory may hold a release archive's agents/).
func InstallAgentFrom(ctx context.Context, h host.Host, executable, path string) error {
	hc := newHostContext(h)
	hc.agents.executable = func() (string, error) { return executable, nil }
	return installAgent(ctx, hc, path)
}
