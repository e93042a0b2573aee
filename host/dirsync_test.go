//go:build linux || darwin

package host

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// Writers that arrive while a sync of their directory runs wait for it to
// end, then share one sync between them: the running one may have started
// before their renames.
func TestDirSyncsWaitersShareTheNextSync(t *testing.T) {
	dir := t.TempDir()
	dirfd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	require.NoError(t, err)
	defer func() { _ = unix.Close(dirfd) }()
	id, err := dirIDOf(dirfd)
	require.NoError(t, err)

	var s dirSyncs
	s.mu.Lock()
	running := &dirSync{running: true, started: 1, users: 1} // a sync under way
	running.wake.L = &s.mu
	s.dirs = map[dirID]*dirSync{id: running}
	s.mu.Unlock()

	const writers = 5
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Go(func() { errs[i] = s.sync(dirfd) })
	}
	for { // until every writer waits on the running sync
		s.mu.Lock()
		waiting := running.users == 1+writers
		s.mu.Unlock()
		if waiting {
			break
		}
		runtime.Gosched()
	}
	s.mu.Lock()
	require.Zero(t, running.done, "no writer returned while the earlier sync ran")
	running.running, running.done, running.users = false, 1, running.users-1
	running.wake.Broadcast()
	s.mu.Unlock()
	wg.Wait()

	for _, err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, uint64(2), running.started, "one more sync for all the writers")
	require.Equal(t, uint64(2), running.done)
	require.Empty(t, s.dirs, "nobody holds the directory any more")
}

// Concurrent writes into one directory all land, whole.
func TestLocalConcurrentWritesOneDirectory(t *testing.T) {
	root := t.TempDir()
	l, err := NewLocal(root)
	require.NoError(t, err)
	defer func() { _ = l.Close() }()
	const files = 40
	var wg sync.WaitGroup
	errs := make([]error, files)
	for i := range files {
		wg.Go(func() {
			errs[i] = l.WriteFile(t.Context(), fmt.Sprintf("/d/%d.conf", i), fmt.Appendf(nil, "n = %d\n", i), Attrs{})
		})
	}
	wg.Wait()
	for i := range files {
		require.NoError(t, errs[i])
		got, err := os.ReadFile(filepath.Join(root, "d", fmt.Sprintf("%d.conf", i)))
		require.NoError(t, err)
		require.Equal(t, fmt.Sprintf("n = %d\n", i), string(got))
	}
	entries, err := os.ReadDir(filepath.Join(root, "d"))
	require.NoError(t, err)
	require.Len(t, entries, files, "no temporary file left")
	require.Empty(t, l.syncs.dirs)
}
