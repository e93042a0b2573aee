package watch

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime/debug"
	"slices"

	"github.com/spice-harvester/terraform-provider-spice/host"
	"github.com/spice-harvester/terraform-provider-spice/provider"
)

// defaultAgentPath is where spice_backup_policy installs the spice binary
// unless its binary_path says otherwise.
const defaultAgentPath = "/usr/local/bin/spice"

// remoteEvent is an event from a host's stream, or its end (err set).
type remoteEvent struct {
	host  string
	event AgentEvent
	err   error
}

// remoteStream is a running event stream of one host.
type remoteStream struct {
	paths  []string
	cancel context.CancelFunc
}

// startStreams starts (or restarts, when its paths changed) the event
// stream of every remote host with managed paths. Without a stream a host
// is still checked every interval: that is the polling fallback.
func (w *Watcher) startStreams(ctx context.Context) {
	for key, s := range w.streams {
		h := w.hosts[key]
		if h == nil || !slices.Equal(s.paths, sortedKeys(h.remotePaths)) {
			s.cancel()
			delete(w.streams, key)
			if h != nil {
				h.streaming = false
			}
		}
	}
	for _, key := range sortedKeys(w.hosts) {
		h := w.hosts[key]
		if h.local || len(h.remotePaths) == 0 || w.streams[key] != nil || h.ssh == nil {
			continue
		}
		sctx, cancel := context.WithCancel(ctx)
		paths := sortedKeys(h.remotePaths)
		w.streams[key] = &remoteStream{paths: paths, cancel: cancel}
		go w.stream(sctx, key, *h.ssh, h.agent, !h.agentDeclared, paths)
	}
}

// stream runs `spice agent watch` on a host over SSH and forwards its
// events until ctx ends or the stream fails. With install, no
// spice_backup_policy puts the agent there: it is installed on demand the
// same way first.
func (w *Watcher) stream(ctx context.Context, key string, cfg host.SSHConfig, agent string, install bool, paths []string) {
	send := func(ev remoteEvent) {
		select {
		case w.remote <- ev:
		case <-ctx.Done():
		}
	}
	conn, err := host.DialSSH(ctx, cfg)
	if err != nil {
		send(remoteEvent{host: key, err: err})
		return
	}
	defer func() { _ = conn.Close() }()
	if install {
		if err := provider.InstallAgent(ctx, conn, agent); err != nil {
			send(remoteEvent{host: key, err: fmt.Errorf("install the agent %s: %w", agent, err)})
			return
		}
	}
	r, wr := io.Pipe()
	go func() {
		scanner := bufio.NewScanner(r)
		for scanner.Scan() {
			var ev AgentEvent
			if json.Unmarshal(scanner.Bytes(), &ev) == nil {
				send(remoteEvent{host: key, event: ev})
			}
		}
	}()
	err = conn.Stream(ctx, host.Command{Argv: append([]string{agent, "agent", "watch"}, paths...)}, wr)
	_ = wr.Close()
	if ctx.Err() == nil {
		if err == nil {
			err = io.EOF
		}
		send(remoteEvent{host: key, err: err})
	}
}

// handleRemote repairs the objects of a remote event, or records the
// stream's state.
func (w *Watcher) handleRemote(ctx context.Context, ev remoteEvent) {
	h := w.hosts[ev.host]
	switch {
	case h == nil:
	case ev.err != nil:
		w.log.Warn("event stream unavailable; the host is checked every interval", "host", ev.host, "error", oneLine(ev.err.Error()))
		w.metrics.streaming.WithLabelValues(ev.host).Set(0)
		h.streaming = false
		if s := w.streams[ev.host]; s != nil {
			s.cancel()
			delete(w.streams, ev.host) // tried again at the next full check
		}
	case ev.event.Ready:
		w.log.Info("event stream ready", "host", ev.host, "paths", len(h.remotePaths), "unwatched", len(ev.event.Unwatched))
		w.metrics.streaming.WithLabelValues(ev.host).Set(1)
		h.streaming, h.unwatched = true, map[string]bool{}
		for _, p := range ev.event.Unwatched {
			h.unwatched[p] = true
		}
		// Installing the agent read the whole binary: give that back now
		// rather than keep it resident while idle (streams start rarely).
		debug.FreeOSMemory()
	default:
		if addrs := h.remotePaths[ev.event.Path]; len(addrs) > 0 {
			w.repair(ctx, addrs, "event stream")
		}
	}
}
