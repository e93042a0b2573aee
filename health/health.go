// Package health probes HTTP health endpoints as a host sees them: the
// connection is made by the host (host.Host.DialContext), so for an SSH
// host http://127.0.0.1:8002/health is that host's own loopback and no
// port has to be reachable from the operator's machine.
//
// Redirects are not followed: a health endpoint that answers 301 reports
// 301, so expect_status says exactly what is accepted.
package health

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/spice-harvester/terraform-provider-spice/host"
)

// snippetBytes is how much of a response body a failure message quotes:
// enough for an error line, little enough to keep messages readable.
const snippetBytes = 200

// Result is one probe: the status (0 when no response arrived), how long
// it took, the start of the body, and the transport error if any.
type Result struct {
	Status  int
	Latency time.Duration
	Body    string
	Err     error
}

// Healthy reports whether the probe got the expected status.
func (r Result) Healthy(expectStatus int) bool { return r.Err == nil && r.Status == expectStatus }

// describe says what the probe saw, for failure messages.
func (r Result) describe() string {
	if r.Err != nil {
		return r.Err.Error()
	}
	s := fmt.Sprintf("status %d", r.Status)
	if r.Body != "" {
		s += fmt.Sprintf(", body %q", r.Body)
	}
	return s
}

// CheckURL accepts absolute http and https URLs with a host.
func CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("scheme %q is not http or https", u.Scheme)
	}
	if u.Host == "" {
		return errors.New("no host in the URL")
	}
	if u.User != nil {
		return errors.New("credentials in the URL would be printed in plans and errors")
	}
	return nil
}

// Probe sends one GET to rawURL from h, within timeout.
func Probe(ctx context.Context, h host.Host, rawURL string, timeout time.Duration) Result {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := host.HTTPClient(h)
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return Result{Err: err}
	}
	req.Header.Set("User-Agent", "spice-health-check")
	resp, err := client.Do(req)
	if err != nil {
		return Result{Latency: time.Since(start), Err: unwrapURLError(err)}
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, snippetBytes))
	return Result{Status: resp.StatusCode, Latency: time.Since(start), Body: printable(body)}
}

// unwrapURLError drops net/http's `Get "URL": ` prefix: callers name the
// URL themselves.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// printable keeps a body snippet on one readable line.
func printable(b []byte) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || r == '\r' {
			return ' '
		}
		if !unicode.IsPrint(r) {
			return -1
		}
		return r
	}, string(b)))
}

// Check is a health check as spice_service declares it.
type Check struct {
	URL          string
	ExpectStatus int
	Timeout      time.Duration // per request
	Interval     time.Duration // between requests
	StartPeriod  time.Duration // how long the service may take to become healthy
}

// Wait polls c.URL from h every Interval until it answers ExpectStatus or
// StartPeriod has passed, and returns the last result. The error names the
// URL, the host, how long it waited and what the last probe saw.
//
// Between probes it calls watch, when given, which looks at the service
// itself: its error (a service that has died for good) ends the wait at
// once and is returned as it is.
func Wait(ctx context.Context, h host.Host, c Check, watch func(context.Context) error) (Result, error) {
	start := time.Now()
	deadline := start.Add(c.StartPeriod)
	attempts := 0
	for {
		attempts++
		r := Probe(ctx, h, c.URL, c.Timeout)
		if r.Healthy(c.ExpectStatus) {
			return r, nil
		}
		if watch != nil {
			if err := watch(ctx); err != nil {
				return r, err
			}
		}
		wait := c.Interval
		if remaining := time.Until(deadline); remaining < wait {
			wait = remaining
		}
		if wait <= 0 || ctx.Err() != nil {
			return r, fmt.Errorf("health check %s on %s: not healthy after %s (%d attempts, expecting status %d): last saw %s",
				c.URL, h.Name(), time.Since(start).Round(time.Millisecond), attempts, c.ExpectStatus, r.describe())
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
		case <-timer.C:
		}
	}
}
