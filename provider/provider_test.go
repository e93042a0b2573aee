package provider_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

func TestAccProvider_configuration(t *testing.T) {
	t.Setenv("SPICE_HOST", "")
	missing := filepath.Join(t.TempDir(), "missing")
	refused := fmt.Sprintf("host = \"127.0.0.1\"\nport = %d\nconnect_timeout = \"2s\"", testsupport.ClosedPort(t))
	for name, tc := range map[string]struct{ provider, want string }{
		"refused connection": {refused, "Cannot connect to host"},
		"root missing":       {`root = "` + missing + `"`, "no such file or directory"},
		"port out of range":  {`port = 70000`, "value must be between 1 and 65535"},
		"bad timeout":        {`connect_timeout = "ten seconds"`, `"ten seconds" is not a duration`},
		"negative timeout":   {`connect_timeout = "-1s"`, `must be greater than zero`},
		"two keys":           {"private_key = \"k\"\nprivate_key_file = \"/k\"", `"private_key_file" cannot be specified when "private_key" is specified`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testsupport.ProviderFactories(),
				Steps: []resource.TestStep{{
					Config:      "provider \"spice\" {\n" + tc.provider + "\n}\nresource \"spice_secret\" \"x\" {}\n",
					PlanOnly:    true,
					ExpectError: testsupport.ErrorMatching(tc.want),
				}},
			})
		})
	}
}

// SPICE_HOST stands in for host: the provider then dials it (here a closed
// loopback port, so the dial is refused).
func TestAccProvider_hostFromEnvironment(t *testing.T) {
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
