package core

import (
	"fmt"
	"time"

	"github.com/zclconf/go-cty/cty"
)

// defaultStillInterval is Terraform's period between "Still ..." lines.
const defaultStillInterval = 10 * time.Second

// maxStillIDLen is where Terraform shortens the id in a "Still ..." line.
const maxStillIDLen = 80

func (e *Engine) progress(format string, args ...any) {
	if e.Progress != nil {
		e.Progress(fmt.Sprintf(format, args...))
	}
}

// opKind names the lines of one kind of provider operation, worded as
// Terraform's UI hook words them.
type opKind struct{ start, still, done string }

var (
	opCreate  = opKind{"Creating...", "Still creating...", "Creation complete"}
	opModify  = opKind{"Modifying...", "Still modifying...", "Modifications complete"}
	opDestroy = opKind{"Destroying...", "Still destroying...", "Destruction complete"}
	opRead    = opKind{"Reading...", "Still reading...", "Read complete"}
)

// operation is one provider call a user waits on: announced when it
// starts, reported every StillInterval while it runs, and (when it
// succeeds) once more when it completes.
type operation struct {
	e       *Engine
	addr    string
	kind    opKind
	started time.Time // rounded to the second, as Terraform rounds it
	stop    chan struct{}
	stopped chan struct{}
}

// begin prints "ADDR: Creating... [id=ID]" (the id of prior, if any) and
// starts the "Still creating..." lines.
func (e *Engine) begin(addr string, kind opKind, prior cty.Value) *operation {
	e.progress("%s: %s%s", addr, kind.start, idSuffix(prior))
	o := &operation{e: e, addr: addr, kind: kind, started: time.Now().Round(time.Second),
		stop: make(chan struct{}), stopped: make(chan struct{})}
	if e.Progress == nil {
		close(o.stopped)
		return o
	}
	interval := e.StillInterval
	if interval <= 0 {
		interval = defaultStillInterval
	}
	idPart := ""
	if id, ok := objectID(prior); ok {
		idPart = "id=" + truncateID(id) + ", "
	}
	go func() {
		defer close(o.stopped)
		ticker := time.NewTicker(interval)
		defer ticker.Stop()
		for {
			select {
			case <-o.stop:
				return
			case <-ticker.C:
				e.progress("%s: %s [%s%s elapsed]", addr, kind.still, idPart, o.elapsed())
			}
		}
	}()
	return o
}

// end stops the "Still ..." lines. It returns once the reporting
// goroutine has exited, so that no such line follows what is printed
// next.
func (o *operation) end() {
	select {
	case <-o.stop:
	default:
		close(o.stop)
	}
	<-o.stopped
}

// complete ends the operation and prints "ADDR: Creation complete after
// 3s [id=ID]" with the id of the new object.
func (o *operation) complete(newVal cty.Value) {
	o.end()
	o.e.progress("%s: %s after %s%s", o.addr, o.kind.done, o.elapsed(), idSuffix(newVal))
}

// elapsed is the time since the start as Terraform 1.11 prints it
// ("10s", "1m0s"): both ends rounded to the second.
func (o *operation) elapsed() time.Duration {
	return time.Now().Round(time.Second).Sub(o.started)
}

// truncateID shortens an id longer than maxStillIDLen characters to that
// many, around "...", as Terraform does in its "Still ..." lines.
func truncateID(id string) string {
	r := []rune(id)
	if len(r) <= maxStillIDLen {
		return id
	}
	left := maxStillIDLen/2 - 1
	right := maxStillIDLen - len("...") - left
	return string(r[:left]) + "..." + string(r[len(r)-right:])
}
