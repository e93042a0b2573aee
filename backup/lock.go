package backup

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spice-harvester/terraform-provider-spice/internal/osfile"
)

// destinationLock is an exclusive flock on LockFile in the destination,
// held by run, prune and restore so that they never overlap. The kernel
// drops it when the process dies, so a killed run never leaves it stuck.
type destinationLock struct{ f *os.File }

// lockDestination creates the destination if needed and takes its lock
// without waiting: a second run fails fast, naming the holder's PID.
func lockDestination(p *Policy) (*destinationLock, error) {
	if err := os.MkdirAll(p.Destination, 0o700); err != nil {
		return nil, fmt.Errorf("create destination of policy %s: %w", p.Name, err)
	}
	path := filepath.Join(p.Destination, LockFile)
	f, err := osfile.OpenNoFollow(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock of policy %s: %w", p.Name, err)
	}
	if err := osfile.TryLock(f); err != nil {
		holder := make([]byte, 32)
		n, _ := f.ReadAt(holder, 0)
		_ = f.Close()
		if errors.Is(err, osfile.ErrLocked) {
			pid := strings.TrimSpace(string(holder[:n]))
			if pid == "" {
				pid = "unknown"
			}
			return nil, fmt.Errorf("policy %s: %s (pid %s holds %s): %w", p.Name, p.Destination, pid, path, ErrLocked)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &destinationLock{f: f}, nil
}

func (l *destinationLock) release() {
	_ = l.f.Truncate(0)
	_ = osfile.Unlock(l.f)
	_ = l.f.Close()
}
