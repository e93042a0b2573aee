package provider

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// configure runs the provider's Configure as Terraform does for one
// provider block managing root, and returns the context its resources get.
func configure(t *testing.T, root string) *hostContext {
	t.Helper()
	ctx := context.Background()
	p := New("test")()
	var schemaResp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &schemaResp)
	typ, ok := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatalf("provider schema type %T", schemaResp.Schema.Type().TerraformType(ctx))
	}
	values := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		values[name] = tftypes.NewValue(at, nil)
	}
	values["root"] = tftypes.NewValue(tftypes.String, root)
	req := provider.ConfigureRequest{Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: tftypes.NewValue(typ, values)}}
	var resp provider.ConfigureResponse
	p.Configure(ctx, req, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("configure: %v", resp.Diagnostics)
	}
	hc, ok := resp.ResourceData.(*hostContext)
	if !ok || resp.DataSourceData != resp.ResourceData {
		t.Fatalf("provider data: resources get %T, data sources %T", resp.ResourceData, resp.DataSourceData)
	}
	return hc
}

// Two provider configurations of one process, for hosts of the same name
// (here the very same tree), share no state: not the file locks, the
// planned policies, the reload batcher, the account cache or the agent
// hashes.
func TestHostContext_perConfiguration(t *testing.T) {
	t.Setenv("SPICE_HOST", "")
	root := t.TempDir()
	first, second := configure(t, root), configure(t, root)
	if first.host.Name() != second.host.Name() {
		t.Fatalf("hosts named %q and %q; the test wants one name", first.host.Name(), second.host.Name())
	}
	if first == second || first.units == second.units || first.accounts == second.accounts {
		t.Fatal("two configurations share a context, a unit manager or an account cache")
	}

	// A file locked by the first configuration is free for the second.
	const file = "/etc/security/limits.d/60-spice.conf"
	unlock := first.locks.lock(file)
	defer unlock()
	acquired := make(chan func())
	go func() { acquired <- second.locks.lock(file) }()
	select {
	case unlockSecond := <-acquired:
		unlockSecond()
	case <-time.After(5 * time.Second):
		t.Fatal("the second configuration waits for the first one's file lock")
	}

	first.policies.record("nightly", plannedPolicy{Schedule: "daily"})
	if p, ok := second.policies.lookup("nightly"); ok {
		t.Errorf("the second configuration sees the first one's planned policy: %+v", p)
	}
	if _, ok := first.policies.lookup("nightly"); !ok {
		t.Error("the first configuration lost its planned policy")
	}

	t.Setenv(agentBinaryEnv, "/bin/sh")
	if _, err := localAgent(&first.agents, ""); err != nil {
		t.Fatal(err)
	}
	if len(second.agents.byPath) != 0 {
		t.Error("the second configuration holds the first one's agent hash")
	}
}
