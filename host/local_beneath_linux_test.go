package host

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// openDirBeneath takes the one-call way only where resolveDir's walk would
// find plain directories all the way; everything else is left to the walk.
func TestOpenDirBeneathOnlyPlainDirectories(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "etc/app"), 0o755))
	require.NoError(t, os.Symlink("etc", filepath.Join(root, "link")))
	require.NoError(t, os.WriteFile(filepath.Join(root, "etc/file"), nil, 0o644))
	rootFd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	require.NoError(t, err)
	t.Cleanup(func() { _ = unix.Close(rootFd) })

	for _, tc := range []struct {
		comps []string
		ok    bool
	}{
		{nil, true},
		{[]string{"etc"}, true},
		{[]string{"etc", "app"}, true},
		{[]string{"link", "app"}, false},     // a link: the walk applies its rules
		{[]string{"etc", "file"}, false},     // not a directory
		{[]string{"etc", "gone"}, false},     // missing
		{[]string{"..", "etc"}, false},       // above root
		{[]string{"etc", "..", ".."}, false}, // above root
	} {
		fd, ok := openDirBeneath(rootFd, tc.comps)
		assert.Equal(t, tc.ok, ok, "%q", tc.comps)
		if !ok {
			assert.Equal(t, -1, fd, "%q: nothing open", tc.comps)
			continue
		}
		var got, want unix.Stat_t
		require.NoError(t, unix.Fstat(fd, &got))
		require.NoError(t, unix.Stat(filepath.Join(append([]string{root}, tc.comps...)...), &want))
		assert.True(t, sameFile(&got, &want), "%q: the directory named", tc.comps)
		require.NoError(t, unix.Close(fd))
	}
}
