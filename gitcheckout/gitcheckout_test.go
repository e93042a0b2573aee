package gitcheckout

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPickRef(t *testing.T) {
	out := "aaa\trefs/heads/main\nbbb\trefs/tags/v1\nccc\trefs/tags/v1^{}\nddd\trefs/heads/v1\neee\trefs/heads/feature/main\n"
	for ref, want := range map[string]string{"main": "aaa", "v1": "ccc", "refs/heads/v1": "ddd"} {
		got, ok := PickRef(out, ref)
		require.True(t, ok, ref)
		require.Equal(t, want, got, ref)
	}
	_, ok := PickRef(out, "nosuch")
	require.False(t, ok)
	c, ok := PickRef("fff\trefs/tags/light\n", "light")
	require.True(t, ok)
	require.Equal(t, "fff", c, "a lightweight tag names its commit")
}

func TestIsCommit(t *testing.T) {
	require.True(t, IsCommit("91fd6a36093c958fc77046f0dc4fc44b540675d8"))
	require.False(t, IsCommit("91fd6a3"), "short ids are not resolved")
	require.False(t, IsCommit("main"))
}
