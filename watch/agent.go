package watch

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"

	"github.com/fsnotify/fsnotify"
)

// The event stream of a remote host: `spice agent watch PATH...` runs on
// the host (the binary spice_backup_policy installs) over an SSH session
// channel of the existing connection, watches the managed paths there with
// fsnotify and writes one JSON line per event on stdout. No port is
// opened on the host.

// AgentEvent is one line of the stream: Ready once every directory is
// watched (events from then on are seen), with the paths whose directory
// could not be, then one per change of a watched path.
type AgentEvent struct {
	Ready     bool     `json:"ready,omitempty"`
	Unwatched []string `json:"unwatched,omitempty"`
	Path      string   `json:"path,omitempty"`
	Op        string   `json:"op,omitempty"`
}

// StreamEvents watches paths through their parent directories (editors
// save by rename) and writes their events to out as JSON lines until ctx
// ends or out fails (the watcher went away).
func StreamEvents(ctx context.Context, paths []string, out io.Writer) error {
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("start fsnotify: %w", err)
	}
	defer func() { _ = fsw.Close() }()
	watched := map[string]bool{}
	var unwatched []string
	for _, p := range paths {
		p = filepath.Clean(p)
		watched[p] = true
		if err := fsw.Add(filepath.Dir(p)); err != nil {
			// The directory is missing: the watcher's periodic check
			// repairs it; the event stream cannot see into it.
			unwatched = append(unwatched, p)
		}
	}
	enc := json.NewEncoder(out)
	if err := enc.Encode(AgentEvent{Ready: true, Unwatched: unwatched}); err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-fsw.Errors:
			return fmt.Errorf("fsnotify: %w", err)
		case ev := <-fsw.Events:
			if name := filepath.Clean(ev.Name); watched[name] {
				if err := enc.Encode(AgentEvent{Path: name, Op: ev.Op.String()}); err != nil {
					return err
				}
			}
		}
	}
}
