package host

import "net/http"

// HTTPClient makes HTTP requests as h itself would: every connection is
// dialed by h (h.DialContext), so for an SSH host http://127.0.0.1:6363 is
// that host's own loopback, reached through the SSH connection, and no
// port has to be open towards the machine running spice. TLS runs end to
// end over that connection. No proxy is used and redirects are not
// followed: the caller reports what the URL answered.
func HTTPClient(h Host) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			DialContext:       h.DialContext,
			DisableKeepAlives: true,
			Proxy:             nil, // the host's loopback, never a proxy
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
