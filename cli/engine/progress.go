package engine

import (
	"io"
	"sync"
)

// progressLines writes the engine's progress lines ("ADDR: Refreshing
// state...") to w, one write for as many lines as are waiting: a plan of
// thousands of instances otherwise pays a system call, and a wake-up of
// whatever reads the pipe, per line. Nothing waits for a batch to fill:
// the caller that finds no write under way writes what is queued, and
// keeps writing what others queue meanwhile, so every line is out by the
// time the engine's workers have all returned.
type progressLines struct {
	w       io.Writer
	mu      sync.Mutex
	queued  []byte
	spare   []byte
	writing bool
}

func (p *progressLines) line(s string) {
	p.mu.Lock()
	p.queued = append(append(p.queued, s...), '\n')
	if p.writing {
		p.mu.Unlock()
		return
	}
	p.writing = true
	for len(p.queued) > 0 {
		out := p.queued
		p.queued = p.spare[:0]
		p.mu.Unlock()
		_, _ = p.w.Write(out) // as fmt.Fprintln to the terminal: nowhere to report it
		p.mu.Lock()
		p.spare = out
	}
	p.writing = false
	p.mu.Unlock()
}
