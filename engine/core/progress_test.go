package core

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// progressLog records the engine's progress lines and, at the first line
// containing trigger, releases the operation the test holds up.
type progressLog struct {
	mu      sync.Mutex
	lines   []string
	trigger string
	release func()
	once    sync.Once
}

func watchProgress(e *Engine, trigger string, release func()) *progressLog {
	l := &progressLog{trigger: trigger, release: release}
	e.Progress = func(line string) {
		l.mu.Lock()
		l.lines = append(l.lines, line)
		l.mu.Unlock()
		if strings.Contains(line, trigger) {
			l.once.Do(release)
		}
	}
	// Short, so that the test waits milliseconds; the operations below
	// block until the first "Still" line, so no timing is assumed.
	e.StillInterval = 10 * time.Millisecond
	return l
}

// assertStillLines checks the lines of addr: the start, at least one
// "Still" line in Terraform's format, then the completion and nothing
// after it.
func (l *progressLog) assertStillLines(t *testing.T, addr, start, still, done string) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var own []string
	for _, line := range l.lines {
		if strings.HasPrefix(line, addr+": ") {
			own = append(own, line)
		}
	}
	require.GreaterOrEqual(t, len(own), 3, "lines of %s: %q", addr, own)
	assert.Equal(t, addr+": "+start, own[0])
	stillLine := regexp.MustCompile(`^` + regexp.QuoteMeta(addr+": "+still) + ` \[(\d+m)?\d+s elapsed\]$`)
	for _, line := range own[1 : len(own)-1] {
		assert.Regexp(t, stillLine, line)
	}
	assert.Regexp(t, `^`+regexp.QuoteMeta(addr+": "+done+" after ")+`(\d+m)?\d+s( \[id=.*\])?$`, own[len(own)-1],
		"the completion comes last: no Still line after it")
}

// An operation that outlasts StillInterval is reported as Terraform
// reports it ("Still reading... [0s elapsed]") until it completes, and
// never after. Each operation is a real provider call held up by the
// test: a health endpoint that answers only once a Still line appeared.
func TestStillLines(t *testing.T) {
	t.Run("data source read", func(t *testing.T) {
		answer := make(chan struct{})
		server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-answer:
			case <-r.Context().Done():
			}
		}))
		defer server.Close()
		te := newTestEngine(t, map[string]string{"main.tf": fmt.Sprintf(`
data "spice_http_check" "api" {
  url     = "%s/health"
  timeout = "10m"
}
`, server.URL)})
		log := watchProgress(te.Engine, "Still reading...", func() { close(answer) })
		te.plan(t, NormalMode)
		log.assertStillLines(t, "data.spice_http_check.api", "Reading...", "Still reading...", "Read complete")
	})

	t.Run("service create", func(t *testing.T) {
		h := testhosts.Start(t, 1)[0]
		const www = "/srv/spice-progress"
		h.Exec(t, "mkdir", "-p", www)
		te := newTestEngine(t, map[string]string{"main.tf": h.SpiceProvider() + `
resource "spice_service" "api" {
  name       = "spice-progress"
  exec_start = "/usr/bin/python3 -m http.server 8004 --bind 127.0.0.1 --directory ` + www + `"
  health_check {
    url          = "http://127.0.0.1:8004/health"
    interval     = "100ms"
    start_period = "10m"
  }
}
`})
		// The endpoint answers 404 until the test writes the file it serves.
		healthFile := filepath.Join(h.Root(), www, "health")
		log := watchProgress(te.Engine, "Still creating...", func() {
			assert.NoError(t, os.WriteFile(healthFile, []byte("ok\n"), 0o644))
		})
		te.apply(t, te.plan(t, NormalMode))
		log.assertStillLines(t, "spice_service.api", "Creating...", "Still creating...", "Creation complete")
	})
}
