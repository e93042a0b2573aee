package cli

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/spice-harvester/terraform-provider-spice/cli/command"
)

// spice -help gives every top-level command, the parents of subcommands
// (backup, agent, providers) included, a one-line synopsis.
func TestHelpListsEveryCommandWithASynopsis(t *testing.T) {
	var out, errOut bytes.Buffer
	code := Run([]string{"-help"}, "test", &bytes.Buffer{}, &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	top := map[string]bool{}
	for name := range commands(command.Streams{Stdout: &out, Stderr: &errOut}) {
		top[strings.Fields(name)[0]] = true
	}
	require.Contains(t, top, "backup")
	for name := range top {
		line := regexp.MustCompile(`(?m)^    ` + regexp.QuoteMeta(name) + ` +(\S.*)$`).FindStringSubmatch(out.String())
		if assert.NotNil(t, line, "spice -help lists %s with a synopsis:\n%s", name, out.String()) {
			assert.NotEmpty(t, strings.TrimSpace(line[1]), name)
		}
	}
}
