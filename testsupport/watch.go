package testsupport

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// What tests of long-running spice processes (spice watch) synchronise on:
// their JSON log lines, parsed, and their Prometheus metrics, parsed with
// Prometheus' own text parser and checked by promtool. Timeouts here only
// guard against a hang; no test asserts a duration.

// WaitGuard bounds every wait for a log line: long enough for a loaded CI
// machine, only ever reached when the awaited line never comes.
const WaitGuard = 60 * time.Second

// LogLines collects the JSON log lines written to it (an io.Writer for a
// process's stdout or an slog handler), one decoded object per line.
type LogLines struct {
	mu      sync.Mutex
	partial []byte
	entries []map[string]any
	raw     []string
	changed chan struct{}
}

// NewLogLines returns an empty collector.
func NewLogLines() *LogLines { return &LogLines{changed: make(chan struct{})} }

func (l *LogLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		line := string(l.partial[:i])
		l.partial = l.partial[i+1:]
		l.raw = append(l.raw, line)
		var entry map[string]any
		if json.Unmarshal([]byte(line), &entry) == nil {
			l.entries = append(l.entries, entry)
		}
	}
	close(l.changed)
	l.changed = make(chan struct{})
	return len(p), nil
}

// Wait returns the first line from index from on that matches, waiting
// for it, and the index after it; it fails the test (with every line
// logged) when none comes within WaitGuard.
func (l *LogLines) Wait(t testing.TB, from int, what string, match func(map[string]any) bool) (map[string]any, int) {
	t.Helper()
	deadline := time.After(WaitGuard)
	for {
		l.mu.Lock()
		for i := from; i < len(l.entries); i++ {
			if match(l.entries[i]) {
				l.mu.Unlock()
				return l.entries[i], i + 1
			}
		}
		changed := l.changed
		l.mu.Unlock()
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("no log line %s; the log:\n%s", what, l.String())
		}
	}
}

// Count is how many lines match.
func (l *LogLines) Count(match func(map[string]any) bool) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, e := range l.entries {
		if match(e) {
			n++
		}
	}
	return n
}

// Len is how many JSON lines came so far.
func (l *LogLines) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}

func (l *LogLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.raw, "\n")
}

// Msg matches a log line by its message and, optionally, attributes.
func Msg(msg string, attrs ...string) func(map[string]any) bool {
	return func(e map[string]any) bool {
		if e["msg"] != msg {
			return false
		}
		for i := 0; i+1 < len(attrs); i += 2 {
			if s, _ := e[attrs[i]].(string); s != attrs[i+1] {
				return false
			}
		}
		return true
	}
}

// Metrics fetches a /metrics page, checks it with promtool check metrics
// and parses it with Prometheus' text parser.
func Metrics(t testing.TB, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(url) //nolint:noctx // a test against loopback
	if err != nil {
		t.Fatalf("get %s: %v", url, err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", url, err)
	}
	Promtool(t, body, "check", "metrics")
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parse %s: %v\n%s", url, err, body)
	}
	return families
}

// Promtool runs Debian's promtool with stdin and fails the test on a
// non-zero exit (a lint finding, an invalid rule).
func Promtool(t testing.TB, stdin []byte, args ...string) {
	t.Helper()
	bin, err := exec.LookPath("promtool")
	Require(t, err == nil, "promtool (Debian package prometheus) is not installed: run scripts/install-test-deps.sh")
	cmd := exec.Command(bin, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("promtool %s: %v\n%s\n--- input:\n%s", strings.Join(args, " "), err, out, stdin)
	}
}

// MetricValue is the value of the gauge or counter name with exactly
// these labels (name=value pairs), and whether it is there.
func MetricValue(families map[string]*dto.MetricFamily, name string, labels ...string) (float64, bool) {
	f := families[name]
	if f == nil {
		return 0, false
	}
	for _, m := range f.GetMetric() {
		got := map[string]string{}
		for _, lp := range m.GetLabel() {
			got[lp.GetName()] = lp.GetValue()
		}
		ok := len(got) == len(labels)/2
		for i := 0; ok && i+1 < len(labels); i += 2 {
			ok = got[labels[i]] == labels[i+1]
		}
		if !ok {
			continue
		}
		switch {
		case m.Gauge != nil:
			return m.GetGauge().GetValue(), true
		case m.Counter != nil:
			return m.GetCounter().GetValue(), true
		}
	}
	return 0, false
}
