package health_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spice-harvester/terraform-provider-spice/health"
	"github.com/spice-harvester/terraform-provider-spice/host"
	"github.com/spice-harvester/terraform-provider-spice/testsupport"
	"github.com/spice-harvester/terraform-provider-spice/testsupport/sshd"
)

// hosts are the two ways a probe reaches a service: from this machine, and
// through an SSH connection to a real sshd (direct-tcpip), whose loopback
// is this machine's too.
func hosts(t *testing.T) map[string]host.Host {
	local, err := host.NewLocal("/")
	if err != nil {
		t.Fatal(err)
	}
	srv := sshd.Start(t)
	ssh, err := host.DialSSH(context.Background(), host.SSHConfig{
		Address: srv.Host, Port: srv.Port, User: srv.User,
		PrivateKeyFile: srv.PrivateKeyFile, KnownHostsFile: srv.KnownHostsFile,
		ConnectTimeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ssh.Close() })
	return map[string]host.Host{"local": local, "ssh": ssh}
}

// service answers /health with 503 and a reason for its first `failures`
// requests, then 200; /moved redirects.
func service(t *testing.T, failures int32) *httptest.Server {
	var seen atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/health":
			if seen.Add(1) <= failures {
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = fmt.Fprint(w, "database\nnot ready\x00")
				return
			}
			_, _ = fmt.Fprint(w, `{"status":"ok"}`)
		case "/moved":
			http.Redirect(w, r, "/health", http.StatusMovedPermanently)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestProbe(t *testing.T) {
	closed := fmt.Sprintf("http://127.0.0.1:%d/health", testsupport.ClosedPort(t))
	for name, h := range hosts(t) {
		t.Run(name, func(t *testing.T) {
			srv := service(t, 1)
			tests := []struct {
				name, url  string
				wantStatus int
				wantBody   string
				wantErr    string
			}{
				{"failing", srv.URL + "/health", 503, "database not ready", ""},
				{"healthy", srv.URL + "/health", 200, `{"status":"ok"}`, ""},
				{"redirect not followed", srv.URL + "/moved", 301, "", ""},
				{"closed port", closed, 0, "", "connection refused"},
			}
			for _, tc := range tests {
				r := health.Probe(context.Background(), h, tc.url, 2*time.Second)
				if r.Status != tc.wantStatus || (tc.wantBody != "" && r.Body != tc.wantBody) {
					t.Errorf("%s: status %d body %q, want %d %q (err %v)", tc.name, r.Status, r.Body, tc.wantStatus, tc.wantBody, r.Err)
				}
				if (tc.wantErr == "") != (r.Err == nil) || (r.Err != nil && !strings.Contains(strings.ToLower(r.Err.Error()), tc.wantErr)) {
					t.Errorf("%s: error %v, want one containing %q", tc.name, r.Err, tc.wantErr)
				}
			}
		})
	}
}

func TestWait(t *testing.T) {
	for name, h := range hosts(t) {
		t.Run(name, func(t *testing.T) {
			srv := service(t, 3)
			r, err := health.Wait(context.Background(), h, health.Check{
				URL: srv.URL + "/health", ExpectStatus: 200,
				Timeout: time.Second, Interval: 10 * time.Millisecond, StartPeriod: 10 * time.Second,
			}, nil)
			if err != nil || r.Status != 200 {
				t.Fatalf("service healthy on its 4th request: got %d, %v", r.Status, err)
			}

			srv = service(t, 1000)
			_, err = health.Wait(context.Background(), h, health.Check{
				URL: srv.URL + "/health", ExpectStatus: 200,
				Timeout: time.Second, Interval: 10 * time.Millisecond, StartPeriod: 100 * time.Millisecond,
			}, nil)
			for _, want := range []string{srv.URL + "/health", h.Name(), "expecting status 200", "status 503", `"database not ready"`} {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("error %v does not say %q", err, want)
				}
			}
		})
	}
}

// A watch that reports the service dead ends the wait with its error,
// however long the start period.
func TestWaitEndedByWatch(t *testing.T) {
	for name, h := range hosts(t) {
		t.Run(name, func(t *testing.T) {
			srv := service(t, 1000)
			died := errors.New("unit failed")
			watched := 0
			_, err := health.Wait(context.Background(), h, health.Check{
				URL: srv.URL + "/health", ExpectStatus: 200,
				Timeout: time.Second, Interval: 10 * time.Millisecond, StartPeriod: time.Hour,
			}, func(context.Context) error {
				if watched++; watched == 3 {
					return died
				}
				return nil
			})
			if !errors.Is(err, died) || watched != 3 {
				t.Fatalf("Wait returned %v after %d watches, want the watch's error after 3", err, watched)
			}
		})
	}
}

func TestCheckURL(t *testing.T) {
	for url, want := range map[string]string{
		"http://127.0.0.1:8002/health": "",
		"https://example.test/api/ok":  "",
		"ftp://host/x":                 "scheme",
		"/health":                      "scheme",
		"http:///health":               "no host",
		"http://u:p@127.0.0.1/":        "credentials",
	} {
		err := health.CheckURL(url)
		if (want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("CheckURL(%q) = %v, want %q", url, err, want)
		}
	}
}
