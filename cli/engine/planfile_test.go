package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 20, finding 5: saved variables were replayed as HCL expressions,
// so the plan showed one value and apply wrote another (or failed).
func TestSavedPlanKeepsVariablesAsValues(t *testing.T) {
	for i, value := range []string{
		"total: ${40+2}",
		`${file("/etc/passwd")}`,
		`%{ if true }directive%{ endif }`,
		`"quoted" \ back\slash`,
		"line one\nline two",
	} {
		t.Run(fmt.Sprint(i), func(t *testing.T) { // a name of value would go into the root path
			root := motdConfig(t, "var.motd")
			mustRun(t, "plan", "-var", "motd="+value, "-out=p.plan")
			mustRun(t, "apply", "p.plan")
			assert.Equal(t, value, readHostFile(t, root, "/etc/motd"))
			mustRun(t, "plan", "-detailed-exitcode", "-var", "motd="+value)
		})
	}
}

// Issue 20, finding 5: with content = file("motd.txt"), editing motd.txt
// after planning was applied: only the *.tf files were hashed, and the
// plan made again compared actions only.
func TestSavedPlanRefusesChangedPlannedValues(t *testing.T) {
	root := motdConfig(t, `file("motd.txt")`)
	require.NoError(t, os.WriteFile("motd.txt", []byte("reviewed\n"), 0o644))
	mustRun(t, "plan", "-out=p.plan")
	require.NoError(t, os.WriteFile("motd.txt", []byte("not reviewed\n"), 0o644))

	for _, cmd := range [][]string{{"show", "p.plan"}, {"apply", "p.plan"}} {
		code, _, errOut := spiceRun(t, cmd...)
		assert.Equal(t, 1, code, cmd)
		assert.Contains(t, errOut, "saved plan is stale: the planned values of spice_file.motd changed", cmd)
	}
	assert.NoFileExists(t, filepath.Join(root, "etc/motd"), "nothing was applied")

	// An update too: the same action, other values.
	require.NoError(t, os.WriteFile("motd.txt", []byte("one\n"), 0o644))
	mustRun(t, "apply", "-auto-approve")
	require.NoError(t, os.WriteFile("motd.txt", []byte("two\n"), 0o644))
	mustRun(t, "plan", "-out=p.plan")
	require.NoError(t, os.WriteFile("motd.txt", []byte("three\n"), 0o644))
	code, _, errOut := spiceRun(t, "apply", "p.plan")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "the planned values of spice_file.motd changed")
	assert.Equal(t, "one\n", readHostFile(t, root, "/etc/motd"))

	// Unchanged, the plan applies.
	require.NoError(t, os.WriteFile("motd.txt", []byte("two\n"), 0o644))
	mustRun(t, "apply", "p.plan")
	assert.Equal(t, "two\n", readHostFile(t, root, "/etc/motd"))
}

// Issue 20, finding 8: "plan -out" over an existing 0644 file kept 0644,
// with the variables (a sensitive one included) in clear.
func TestPlanFileIsPrivateWhateverWasThere(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "victim")
	motdConfig(t, "var.motd")
	require.NoError(t, os.WriteFile(outside, nil, 0o644))
	require.NoError(t, os.WriteFile("open.plan", []byte("old"), 0o644))
	require.NoError(t, os.Symlink(outside, "linked.plan"))

	for _, name := range []string{"open.plan", "linked.plan"} {
		mustRun(t, "plan", "-var", "token=hunter2", "-out="+name)
		info, err := os.Lstat(name)
		require.NoError(t, err)
		assert.True(t, info.Mode().IsRegular(), name)
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), name)
	}
	b, err := os.ReadFile(outside)
	require.NoError(t, err)
	assert.Zero(t, len(b), "the plan went through the planted symlink")

	require.NoError(t, os.Mkdir("dir.plan", 0o700))
	code, _, errOut := spiceRun(t, "plan", "-out=dir.plan")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "dir.plan: it is a directory")
}

// A plan file of the previous format (variables as HCL expressions) is
// refused, not misread.
func TestOldPlanFilesAreRefused(t *testing.T) {
	motdConfig(t, "var.motd")
	require.NoError(t, os.WriteFile("old.plan", []byte(`{"spice_plan_format": "1", "variables": {"motd": "\"${40+2}\""}}`), 0o600))
	code, _, errOut := spiceRun(t, "apply", "old.plan")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "plan format 1")
}

// A saved plan keeps when it was planned: applied later, plantimestamp()
// is that time again, so the plan is not stale.
func TestSavedPlanKeepsPlanTimestamp(t *testing.T) {
	root := motdConfig(t, "plantimestamp()")
	mustRun(t, "plan", "-out=p.plan")
	pf, err := readPlanFile("p.plan")
	require.NoError(t, err)
	require.False(t, pf.PlannedAt.IsZero())
	mustRun(t, "apply", "p.plan")
	assert.Equal(t, pf.PlannedAt.Format(time.RFC3339), readHostFile(t, root, "/etc/motd"))
}
