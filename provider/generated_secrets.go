package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"path"

	"github.com/spice-harvester/terraform-provider-spice/dotenv/generated"
	"github.com/spice-harvester/terraform-provider-spice/host"
)

// The generated secrets of spice_env_file are made and read on the host
// that holds the file (package generated): in this process when that host
// is this machine, else by the spice agent on the host, installed at
// defaultBinaryPath like spice_backup_policy's, which answers with keyed
// hashes only. Either way no generated value reaches the provider's
// responses, so none can reach the state, a plan or a log.

// applyGenerated writes the env file of req on hc's host.
func applyGenerated(ctx context.Context, hc *hostContext, req generated.ApplyRequest) (generated.Hashes, error) {
	if local, ok := hc.host.(*host.Local); ok {
		return generated.Apply(ctx, local, req)
	}
	var hashes generated.Hashes
	return hashes, runEnvFileAgent(ctx, hc, "apply", req, &hashes)
}

// inspectGenerated reads the env file of req on hc's host.
func inspectGenerated(ctx context.Context, hc *hostContext, req generated.InspectRequest) (generated.Inspection, error) {
	if local, ok := hc.host.(*host.Local); ok {
		return generated.Inspect(ctx, local, req)
	}
	var ins generated.Inspection
	return ins, runEnvFileAgent(ctx, hc, "inspect", req, &ins)
}

// runEnvFileAgent runs `spice agent env-file OP` on the host with req as
// its JSON input. In image mode the agent lies below the root like every
// managed path and maps paths the same way (-root).
func runEnvFileAgent(ctx context.Context, hc *hostContext, op string, req, answer any) error {
	h := hc.host
	if err := ensureAgent(ctx, hc, defaultBinaryPath); err != nil {
		return fmt.Errorf("install the spice agent for generated secrets: %w", err)
	}
	in, err := json.Marshal(req)
	if err != nil {
		return err
	}
	argv := []string{path.Join(h.Root(), defaultBinaryPath), "agent", "env-file", "-root", h.Root(), op}
	res, err := h.Run(ctx, host.Command{Argv: argv, Stdin: in})
	if err != nil {
		return err
	}
	if err := json.Unmarshal(res.Stdout, answer); err != nil {
		return fmt.Errorf("read the answer of spice agent env-file %s on %s: %w", op, h.Name(), err)
	}
	return nil
}
