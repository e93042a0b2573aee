package engine

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Warnings (here a failed check) come after the plan and its summary, as
// Terraform prints them; with -auto-approve, apply prints them after its
// progress lines and before its summary.
func TestWarningsFollowThePlan(t *testing.T) {
	motdConfig(t, `"hello\n"`)
	f, err := os.OpenFile("main.tf", os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`
check "motd" {
  assert {
    condition     = spice_file.motd.content == "welcome\n"
    error_message = "The motd does not welcome."
  }
}
`)
	require.NoError(t, err)
	require.NoError(t, f.Close())

	for _, tc := range []struct {
		args    []string
		inOrder []string
	}{
		{[]string{"plan", "-no-color"}, []string{"# spice_file.motd will be created", "Plan: 2 to add, 0 to change, 0 to destroy.", "Warning: Check block assertion failed"}},
		{[]string{"apply", "-auto-approve", "-no-color"}, []string{"Plan: 2 to add", "spice_file.motd: Creation complete", "Warning: Check block assertion failed", "Apply complete!"}},
	} {
		t.Run(tc.args[0], func(t *testing.T) {
			code, out := spiceRunCombined(t, tc.args...)
			require.Equal(t, 0, code, out)
			at := -1
			for n, line := range tc.inOrder {
				i := strings.Index(out, line)
				require.GreaterOrEqual(t, i, 0, "%q is printed:\n%s", line, out)
				if n > 0 {
					assert.Greater(t, i, at, "%q comes after %q:\n%s", line, tc.inOrder[n-1], out)
				}
				at = i
			}
		})
	}
}
