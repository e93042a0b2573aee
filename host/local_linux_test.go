package host_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/host"
)

// Close releases the root directory at once: a long-running engine that
// drops a configured provider does not wait for the collector.
func TestLocalCloseReleasesTheRoot(t *testing.T) {
	openFiles := func() int {
		fds, err := os.ReadDir("/proc/self/fd")
		require.NoError(t, err)
		return len(fds)
	}
	before := openFiles()
	l, err := host.NewLocal(t.TempDir())
	require.NoError(t, err)
	assert.Equal(t, before+1, openFiles(), "the root is open")
	require.NoError(t, l.Close())
	assert.Equal(t, before, openFiles(), "the root is closed")
}
