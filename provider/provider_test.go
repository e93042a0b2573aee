package provider_test

import (
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

func TestAccProvider_configuration(t *testing.T) {
	t.Setenv("SPICE_HOST", "")
	missing := filepath.Join(t.TempDir(), "missing")
	for name, tc := range map[string]struct{ provider, want string }{
		"remote host":       {`host = "10.0.0.5"`, `host "10.0.0.5" would be reached over SSH, which this build of spice does not provide yet`},
		"root missing":      {`root = "` + missing + `"`, "no such file or directory"},
		"port out of range": {`port = 70000`, "value must be between 1 and 65535"},
		"bad timeout":       {`connect_timeout = "ten seconds"`, `"ten seconds" is not a duration`},
		"negative timeout":  {`connect_timeout = "-1s"`, `must be greater than zero`},
		"two keys":          {"private_key = \"k\"\nprivate_key_file = \"/k\"", `"private_key_file" cannot be specified when "private_key" is specified`},
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

func TestAccProvider_hostFromEnvironment(t *testing.T) {
	t.Setenv("SPICE_HOST", "oms1.example.internal")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		Steps: []resource.TestStep{{
			Config:      `resource "spice_secret" "x" {}`,
			PlanOnly:    true,
			ExpectError: testsupport.ErrorMatching(`host "oms1.example.internal" would be reached over SSH`),
		}},
	})
}
