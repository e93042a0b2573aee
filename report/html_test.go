package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// The HTML report opens in a real browser (headless Chromium) from a file,
// requests nothing, breaks no rule of its own Content-Security-Policy, and
// its tables hold the report's rows. Each case leaves its page and a
// screenshot in the artifact directory.
func TestHTMLInChromium(t *testing.T) {
	chromium := testsupport.Chromium(t)
	artifacts := testsupport.ArtifactDir(t)

	hostile := ciSample()
	hostile.Resources[1].Findings[0].Actual = `"<b>root</b>"`
	hostile.Objectives[0].Findings = []string{`<script>alert("breached")</script> backups missing`}
	clean := &Report{Version: "1.4.0", Hosts: []Host{{Name: "spice", Address: "local", Reachable: true}},
		Resources: []Resource{{Address: "spice_file.a", Host: "spice", Status: OK}}}

	for name, tc := range map[string]struct {
		report *Report
		// counts of elements by CSS selector
		want map[string]int
		// text of the status cell, by scenario
		statuses map[string]string
		text     []string // what the page's text must contain
	}{
		"sample": {report: ciSample(),
			want: map[string]int{
				"#drift > tbody > tr": 3, "#drift table.findings > tbody > tr": 3,
				"#objectives > tbody > tr": 4, "#unreachable > tbody > tr": 1, "#failures[role=alert]": 1,
				".timeline": 3, ".timeline circle.complete": 3, ".timeline circle.incomplete": 1,
			},
			statuses: map[string]string{"database restore": "breached", "web tier rebuild": "met", "file store": "unknown"},
			text: []string{"Exit code 1.", "(sensitive value)", "spice.replica", "connection refused",
				"2026-11-30 00:30 UTC", "52.0 MiB", "incomplete", "2h10m",
				"The backups could not be listed: listing /var/backups/logs: permission denied"},
		},
		"markup in values stays text": {report: hostile,
			want:     map[string]int{"#drift b": 0, "script": 0, "#drift > tbody > tr": 3},
			statuses: map[string]string{"database restore": "breached"},
			text:     []string{`"<b>root</b>"`, `<script>alert("breached")</script> backups missing`},
		},
		"clean": {report: clean,
			want: map[string]int{"#drift": 0, "#objectives": 0, "#failures": 0, ".timeline": 0},
			text: []string{"Exit code 0.", "No drift: all 1 resources match the configuration."},
		},
	} {
		t.Run(name, func(t *testing.T) {
			page := filepath.Join(artifacts, "drift-"+strings.ReplaceAll(name, " ", "-")+".html")
			var doc bytes.Buffer
			require.NoError(t, HTML(&doc, tc.report))
			require.NoError(t, os.WriteFile(page, doc.Bytes(), 0o644))

			b := openInChromium(t, chromium, page)
			assert.Equal(t, []string{(&url.URL{Scheme: "file", Path: page}).String()}, b.requests(),
				"the page must request nothing but itself")
			assert.Empty(t, b.logged(), "the browser's console (CSP violations land here)")
			assert.Contains(t, b.eval(t, `document.querySelector('meta[http-equiv="Content-Security-Policy"]').content`),
				"default-src 'none'")
			assert.Equal(t, "0", b.eval(t, `String(document.querySelectorAll('link, script[src], img, iframe, object, embed, [href]').length)`),
				"elements that could fetch")

			for selector, n := range tc.want {
				assert.Equal(t, fmt.Sprint(n), b.eval(t, fmt.Sprintf(`String(document.querySelectorAll(%s).length)`, jsString(selector))), selector)
			}
			for scenario, status := range tc.statuses {
				cell := fmt.Sprintf(`document.querySelector('#objectives tr[data-scenario=' + CSS.escape(%s) + '] td.status').textContent`, jsString(scenario))
				assert.Equal(t, status, b.eval(t, cell), scenario)
			}
			body := b.eval(t, `document.body.textContent`)
			for _, s := range tc.text {
				assert.Contains(t, body, s)
			}

			shot := strings.TrimSuffix(page, ".html") + ".png"
			b.screenshot(t, shot)
			t.Logf("screenshot: %s", shot)
		})
	}
}

// browser is one headless Chromium tab, with every request it made and
// every console or log entry it printed.
type browser struct {
	ctx context.Context
	mu  sync.Mutex
	req []string
	log []string
}

func openInChromium(t *testing.T, chromium, page string) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1200, 900))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	b := &browser{ctx: ctx}
	err := chromedp.Listen(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			b.req = append(b.req, ev.Request.URL)
		case *log.EventEntryAdded:
			b.log = append(b.log, fmt.Sprintf("%s: %s", ev.Entry.Level, ev.Entry.Text))
		}
	})
	require.NoError(t, err, "starting %s", chromium)
	// chromedp enables the network and log domains itself.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate((&url.URL{Scheme: "file", Path: page}).String()),
		chromedp.WaitReady(chromedp.CSS("body"))), "loading %s", page)
	return b
}

func (b *browser) requests() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.req...)
}

func (b *browser) logged() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.log...)
}

// eval runs a JavaScript expression yielding a string in the page.
func (b *browser) eval(t *testing.T, expr string) string {
	t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](expr))
	require.NoError(t, err, "%s", expr)
	return s
}

// screenshot saves the whole page as a PNG and checks it is one.
func (b *browser) screenshot(t *testing.T, file string) {
	t.Helper()
	shot, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100)) // 100: PNG
	require.NoError(t, err, "screenshot")
	cfg, err := png.DecodeConfig(bytes.NewReader(shot))
	require.NoError(t, err, "screenshot")
	assert.Positive(t, cfg.Width*cfg.Height, "screenshot size")
	require.NoError(t, os.WriteFile(file, shot, 0o644))
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
