package pyvenv

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestKey(t *testing.T) {
	base := Spec{Path: "/opt/venv", Python: "python3", Requirements: "a==1\n", PipArgs: []string{"--no-index"}}
	require.Len(t, base.Key(), 16)
	moved := base
	moved.Path = "/srv/venv"
	require.Equal(t, base.Key(), moved.Key(), "the key names the content, not the place")
	for _, other := range []Spec{
		{Python: "python3", Requirements: "a==2\n", PipArgs: []string{"--no-index"}},
		{Python: "python3.11", Requirements: "a==1\n", PipArgs: []string{"--no-index"}},
		{Python: "python3", Requirements: "a==1\n"},
	} {
		require.NotEqual(t, base.Key(), other.Key(), "%+v", other)
	}
	require.Equal(t, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", RequirementsSHA256(""))
}

func TestPyvenvVersion(t *testing.T) {
	require.Equal(t, "3.11.2", pyvenvVersion("home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.2\nexecutable = /usr/bin/python3.11\n"))
	require.Equal(t, "3.8.10", pyvenvVersion("home = /usr/bin\nversion_info = 3.8.10\n"))
}
