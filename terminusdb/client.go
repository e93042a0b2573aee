// Package terminusdb speaks the parts of TerminusDB's HTTP API (v11) that
// spice manages: databases (/api/db), their schema graph (/api/document
// with graph_type=schema) and users (/api/users). Requests are made by the
// host itself (host.HTTPClient), as health checks are: for an SSH host
// http://127.0.0.1:6363 is the host's own loopback and TerminusDB never
// needs an open port.
//
// Errors name the URL and the host, never the password.
package terminusdb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/spice-harvester/terraform-provider-spice/host"
)

// DefaultURL and DefaultUsername are where a TerminusDB installed as the
// manual says listens, and its administrator.
const (
	DefaultURL      = "http://127.0.0.1:6363"
	DefaultUsername = "admin"
)

// Author is the commit author of every change spice makes.
const Author = "spice"

// Client talks to one TerminusDB server from one host.
type Client struct {
	base     *url.URL
	username string
	password string
	hostName string
	http     *http.Client
}

// New returns a client for the server at rawURL as h reaches it.
func New(h host.Host, rawURL, username, password string) (*Client, error) {
	base, err := url.Parse(strings.TrimSuffix(rawURL, "/"))
	if err != nil {
		return nil, fmt.Errorf("TerminusDB URL %q: %w", rawURL, err)
	}
	return &Client{base: base, username: username, password: password, hostName: h.Name(), http: host.HTTPClient(h)}, nil
}

// URL is the server's base URL, as errors name it.
func (c *Client) URL() string { return c.base.String() }

// APIError is an answer of the server other than success: its status and
// what its JSON body says (api:error's @type, api:message).
type APIError struct {
	Status  int
	Type    string // such as "api:DatabaseAlreadyExists"; empty when the body had none
	Message string
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("status %d", e.Status)
	if e.Type != "" {
		s += " " + e.Type
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// IsNotFound tells whether err is the server saying the object does not
// exist.
func IsNotFound(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == http.StatusNotFound
}

// IsType tells whether err is the server's error of the given @type.
func IsType(err error, typ string) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Type == typ
}

// errorBody is the part of TerminusDB's error responses spice reads.
type errorBody struct {
	Message string `json:"api:message"`
	Error   struct {
		Type string `json:"@type"`
	} `json:"api:error"`
}

// do sends one request and decodes a 2xx JSON answer into out (when not
// nil). Any other answer is an *APIError wrapped in a sentence naming the
// URL and the host (a 401, a 403 and a 5xx each with their own), as is a
// transport error.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, body, out any) error {
	u := *c.base
	u.Path = strings.TrimSuffix(c.base.Path, "/") + path
	u.RawQuery = query.Encode()
	var reader io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		reader = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), reader)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", "spice")
	req.SetBasicAuth(c.username, c.password)
	where := fmt.Sprintf("TerminusDB at %s on %s", c.URL(), c.hostName)
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is named below, without the query
		}
		return fmt.Errorf("%s: %s %s: %w", where, method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if sd, ok := out.(streamDecoder); ok && resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if err := sd.decodeStream(resp.Body); err != nil {
			return fmt.Errorf("%s: %s %s: %w", where, method, path, err)
		}
		return nil
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("%s: %s %s: read the answer: %w", where, method, path, err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if out == nil || method == http.MethodHead {
			return nil
		}
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("%s: %s %s: the answer is not the JSON expected: %w", where, method, path, err)
		}
		return nil
	}
	apiErr := &APIError{Status: resp.StatusCode}
	var eb errorBody
	if json.Unmarshal(raw, &eb) == nil {
		apiErr.Type, apiErr.Message = eb.Error.Type, eb.Message
	} else {
		apiErr.Message = snippet(raw)
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return fmt.Errorf("%s refused the credentials of user %q (authentication failed): %w", where, c.username, apiErr)
	case resp.StatusCode == http.StatusForbidden:
		return fmt.Errorf("%s: user %q may not %s %s: %w", where, c.username, method, path, apiErr)
	case resp.StatusCode >= 500:
		return fmt.Errorf("%s: server error on %s %s: %w", where, method, path, apiErr)
	}
	return fmt.Errorf("%s: %s %s: %w", where, method, path, apiErr)
}

// streamDecoder reads an answer as it arrives instead of holding it.
type streamDecoder interface{ decodeStream(io.Reader) error }

// snippet keeps the start of a body that is not TerminusDB's JSON, on one
// line.
func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// Ok asks the unauthenticated probe GET /api/ok.
func (c *Client) Ok(ctx context.Context) error {
	return c.do(ctx, http.MethodGet, "/api/ok", nil, nil, nil)
}
