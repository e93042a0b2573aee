package provider_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

func TestAccProvider_configuration(t *testing.T) {
	sameOnEveryTransport(t)
	t.Setenv("SPICE_HOST", "")
	missing := filepath.Join(t.TempDir(), "missing")
	refused := fmt.Sprintf("host = \"127.0.0.1\"\nport = %d\nconnect_timeout = \"2s\"", testsupport.ClosedPort(t))
	cases := map[string]resource.TestStep{}
	for name, tc := range map[string]struct{ provider, want string }{
		"refused connection": {refused, "Cannot connect to host"},
		"root missing":       {`root = "` + missing + `"`, "no such file or directory"},
		"port out of range":  {`port = 70000`, "value must be between 1 and 65535"},
		"bad timeout":        {`connect_timeout = "ten seconds"`, `"ten seconds" is not a duration`},
		"negative timeout":   {`connect_timeout = "-1s"`, `must be greater than zero`},
		"two keys":           {"private_key = \"k\"\nprivate_key_file = \"/k\"", `"private_key_file" cannot be specified when "private_key" is specified`},
		"host with port":     {`host = "127.0.0.1:26683"`, `host: "127.0.0.1:26683" includes a port: set host = "127.0.0.1" and port = 26683 instead`},
	} {
		cases[name] = resource.TestStep{
			Config:      "provider \"spice\" {\n" + tc.provider + "\n}\nresource \"spice_secret\" \"x\" {}\n",
			PlanOnly:    true,
			ExpectError: testsupport.ErrorMatching(tc.want),
		}
	}
	refusalCases(t, cases)
}

// SPICE_HOST stands in for host: the provider then dials it (here a closed
// loopback port, so the dial is refused).
func TestAccProvider_hostFromEnvironment(t *testing.T) {
	sameOnEveryTransport(t)
	t.Setenv("SPICE_HOST", "127.0.0.1")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		Steps: []resource.TestStep{{
			Config:      fmt.Sprintf("provider \"spice\" {\n  port = %d\n}\nresource \"spice_secret\" \"x\" {}\n", testsupport.ClosedPort(t)),
			PlanOnly:    true,
			ExpectError: testsupport.ErrorMatching("Cannot connect to host"),
		}},
	})
}

// A port written into host ("10.0.0.5:22") is refused when the provider
// configuration is validated, naming host and saying where the port goes;
// IPv6 addresses, whose colons are no port, pass. Both front ends call
// ValidateProviderConfig before ConfigureProvider.
func TestValidateProviderConfig_hostWithPort(t *testing.T) {
	ctx := context.Background()
	server, err := testsupport.ProviderFactories()["spice"]()
	if err != nil {
		t.Fatal(err)
	}
	schema, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	typ, ok := schema.Provider.ValueType().(tftypes.Object)
	if !ok {
		t.Fatalf("provider schema type %s is not an object", schema.Provider.ValueType())
	}
	hostPath := tftypes.NewAttributePath().WithAttributeName("host")
	for _, tc := range []struct{ host, hint string }{
		{"10.0.0.5:22", `set host = "10.0.0.5" and port = 22 instead`},
		{"[::1]:2222", `set host = "::1" and port = 2222 instead`},
		{"host.example:22", `set host = "host.example" and port = 22 instead`},
		{"db1:", `"db1:" ends in ":", which no host name or address does: set host = "db1"`},
		{"db1:ssh", `"db1:ssh" ends in ":ssh", which no host name or address does: set host = "db1"`},
		{"[fe80::1%eth0]:022", `set host = "fe80::1%eth0" and port = 22 instead`},
		{"::1", ""},
		{"[::1]", ""},
		{"fe80::1", ""},
		{"fe80::1%eth0", ""},
		{"2001:db8::5:22", ""},
		{"example.com", ""},
		{"local", ""},
	} {
		t.Run(tc.host, func(t *testing.T) {
			attrs := map[string]tftypes.Value{}
			for name, at := range typ.AttributeTypes {
				attrs[name] = tftypes.NewValue(at, nil)
			}
			attrs["host"] = tftypes.NewValue(tftypes.String, tc.host)
			config, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, attrs))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := server.ValidateProviderConfig(ctx, &tfprotov6.ValidateProviderConfigRequest{Config: &config})
			if err != nil {
				t.Fatal(err)
			}
			if tc.hint == "" {
				for _, d := range resp.Diagnostics {
					t.Errorf("host = %q: %s: %s", tc.host, d.Summary, d.Detail)
				}
				return
			}
			if len(resp.Diagnostics) != 1 {
				t.Fatalf("host = %q: want one diagnostic, got %d: %+v", tc.host, len(resp.Diagnostics), resp.Diagnostics)
			}
			d := resp.Diagnostics[0]
			if d.Severity != tfprotov6.DiagnosticSeverityError || !d.Attribute.Equal(hostPath) ||
				!strings.HasPrefix(d.Detail, "host: ") || !strings.Contains(d.Detail, tc.hint) {
				t.Errorf("host = %q: want an error on host saying %q, got %s at %v: %s", tc.host, tc.hint, d.Summary, d.Attribute, d.Detail)
			}
		})
	}
}
