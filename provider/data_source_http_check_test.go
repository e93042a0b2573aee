package provider_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

func httpCheckConfig(provider, url string) string {
	return provider + fmt.Sprintf(`
data "spice_http_check" "probe" {
  url     = %q
  timeout = "2s"
}
`, url)
}

// The host makes the request: here the host is this machine (or, with
// SPICE_TEST_TRANSPORT=ssh, an sshd on it), so loopback is ours.
func TestAccHTTPCheckDataSource(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/health" {
			_, _ = fmt.Fprint(w, "ok")
			return
		}
		http.Error(w, "warming up", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	provider := providerBlock(t, "/")
	addr := "data.spice_http_check.probe"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		Steps: []resource.TestStep{
			{
				Config: httpCheckConfig(provider, srv.URL+"/health"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "status", "200"),
					resource.TestCheckResourceAttr(addr, "healthy", "true"),
					resource.TestCheckResourceAttr(addr, "expect_status", "200"),
					resource.TestCheckResourceAttr(addr, "error", ""),
					resource.TestCheckResourceAttrSet(addr, "latency_ms"),
				),
			},
			{
				Config: httpCheckConfig(provider, srv.URL+"/ready"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "status", "503"),
					resource.TestCheckResourceAttr(addr, "healthy", "false"),
				),
			},
			{
				Config: httpCheckConfig(provider, fmt.Sprintf("http://127.0.0.1:%d/health", testsupport.ClosedPort(t))),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "status", "0"),
					resource.TestCheckResourceAttr(addr, "healthy", "false"),
					resource.TestMatchResourceAttr(addr, "error", regexp.MustCompile(`(?i)connection refused`)),
				),
			},
		},
	})
}

func TestAccHTTPCheckDataSource_validation(t *testing.T) {
	t.Parallel()
	provider := providerBlock(t, "/")
	cases := map[string]resource.TestStep{}
	for _, tc := range []struct{ body, want string }{
		{`url = "ftp://127.0.0.1/x"`, `scheme "ftp" is not http or https`},
		{`url = "http://u:secret@127.0.0.1/"`, "credentials in the URL"},
		{"url = \"http://127.0.0.1/\"\n  timeout = \"soon\"", `"soon" is not a duration`},
		{"url = \"http://127.0.0.1/\"\n  expect_status = 42", "between 100 and 599"},
	} {
		cases[tc.body] = resource.TestStep{
			Config:      provider + "data \"spice_http_check\" \"probe\" {\n  " + tc.body + "\n}\n",
			ExpectError: testsupport.ErrorMatching(tc.want),
		}
	}
	refusalCases(t, cases)
}

// A service listening only on a container's loopback is reached through
// the SSH connection: nothing is forwarded or opened towards this machine.
func TestAccHTTPCheckDataSource_containerLoopback(t *testing.T) {
	t.Parallel()
	h := sharedContainer(t)
	h.Exec(t, "mkdir", "-p", "/srv/probe")
	h.Exec(t, "touch", "/srv/probe/health")
	h.Exec(t, "systemd-run", "--unit=probe-target", "/usr/bin/python3", "-m", "http.server", "8002", "--bind", "127.0.0.1", "--directory", "/srv/probe")
	// The host is shared: the next test there finds the unit name free.
	t.Cleanup(func() { h.Exec(t, "systemctl", "stop", "probe-target") })
	provider := sshProvider(h.Address, h.Port, h.PrivateKeyFile, h.KnownHostsFile, "")
	addr := "data.spice_http_check.probe"
	deadline := time.Now().Add(10 * time.Second)
	for h.Command("python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8002/health')").Run() != nil {
		if time.Now().After(deadline) {
			t.Fatal("the test service in the container did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testsupport.ProviderFactories(),
		Steps: []resource.TestStep{{
			Config: httpCheckConfig(provider, "http://127.0.0.1:8002/health"),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "status", "200"),
				resource.TestCheckResourceAttr(addr, "healthy", "true"),
			),
		}},
	})
}
