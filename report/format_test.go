package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zclconf/go-cty/cty"
)

const secret = "hunter2-the-password"

// fixture is a report with one of everything, its findings made by Diff
// from values that hold a secret.
func fixture() *Report {
	declared := cty.ObjectVal(map[string]cty.Value{
		"content":           cty.StringVal("workers: 4\n"),
		"sensitive_content": cty.StringVal(secret),
		"mode":              cty.StringVal("0644"),
	})
	actual := cty.ObjectVal(map[string]cty.Value{
		"content":           cty.StringVal("workers: 8 | `x`\n"),
		"sensitive_content": cty.StringVal(secret + "-changed"),
		"mode":              cty.StringVal("0644"),
	})
	at := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	return &Report{
		Version: "1.2.3", GeneratedAt: at,
		Hosts: []Host{{Name: "spice", Address: "root@10.0.0.5:22", Reachable: true},
			{Name: "spice.b", Address: "root@10.0.0.6:22", Error: "dial tcp 10.0.0.6:22: connection refused"}},
		Resources: []Resource{
			{Address: "spice_file.cfg", Host: "spice", Status: Drifted, Action: "update",
				Findings: Diff(declared, actual, []cty.Path{cty.GetAttrPath("sensitive_content")})},
			{Address: "spice_directory.d", Host: "spice", Status: OK},
			{Address: "spice_file.other", Host: "spice.b", Status: Unreachable},
		},
		Objectives: []Objective{{Scenario: "full-restore", Address: "spice_recovery_objective.full", Host: "spice", Priority: "high",
			RTO: "4h", RPO: "24h", AchievableRPO: "24h2m0s", ObservedRPO: "30h0m0s", Status: Breached,
			Findings: []string{"policy daily: newest backup is 30h0m0s old; rpo is 24h0m0s"}}},
		Backups: []PolicyBackups{{Policy: "daily", Host: "spice", Backups: []Backup{
			{ID: "20261130T020000Z", Time: at.Add(-24 * time.Hour), Complete: true, Bytes: 2048}}}},
	}
}

func TestFormats(t *testing.T) {
	for _, tc := range []struct {
		format string
		want   []string
		check  func(t *testing.T, out []byte)
	}{
		{format: "text", want: []string{
			"spice.b (root@10.0.0.6:22): UNREACHABLE: dial tcp 10.0.0.6:22: connection refused",
			"~ spice_file.cfg (spice): drifted, an apply would update it",
			`content: declared "workers: 4\n", actual "workers: 8 | ` + "`x`" + `\n"`,
			"sensitive_content: declared (sensitive value), actual (sensitive value)",
			"? spice_file.other (spice.b): unreachable",
			"1 resources match the configuration.",
			"! full-restore (spice_recovery_objective.full, spice): breached",
			"rto 4h, achievable -; rpo 24h, achievable 24h2m0s, observed 30h0m0s",
			"- policy daily: newest backup is 30h0m0s old; rpo is 24h0m0s",
			"daily (spice): 20261130T020000Z (complete), 1 listed",
			"Drift: 1 drifted, 1 objective breached, 1 host unreachable (3 resources, 1 objectives, 2 hosts).",
		}},
		{format: "json", check: func(t *testing.T, out []byte) {
			var got Report
			require.NoError(t, json.Unmarshal(out, &got))
			assert.Equal(t, fixture(), &got, "JSON round-trips to the same report")
			var raw map[string]any
			require.NoError(t, json.Unmarshal(out, &raw))
			assert.ElementsMatch(t, []string{"spice_version", "generated_at", "hosts", "resources", "objectives", "backups"}, keys(raw))
		}},
		{format: "markdown", want: []string{
			"### spice drift\n\nDrift: 1 drifted, 1 objective breached, 1 host unreachable",
			"| spice.b | root@10.0.0.6:22 | **no**: dial tcp 10.0.0.6:22: connection refused |",
			"| <code>spice_file.cfg</code> | spice | drifted (update) | <code>content</code>, <code>sensitive_content</code> |",
			`| <code>spice_file.cfg</code> | <code>content</code> | <code>&#34;workers: 4\n&#34;</code> | <code>&#34;workers: 8 \| ` + "`x`" + `\n&#34;</code> |  |`,
			"| full-restore | spice | high | 4h | - | 24h | 24h2m0s | 30h0m0s | **breached** |",
			"<details><summary>Objective findings</summary>",
			"| daily | spice | 20261130T020000Z | 2026-11-30T02:00:00Z | complete | 2048 |",
		}, check: func(t *testing.T, out []byte) {
			assert.NotContains(t, string(out), "spice_directory.d", "OK resources are counted, not listed")
			assert.Equal(t, strings.Count(string(out), "<details>"), strings.Count(string(out), "</details>"))
		}},
	} {
		t.Run(tc.format, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, Write(&buf, tc.format, fixture()))
			out := buf.String()
			assert.NotContains(t, out, secret, "no report holds a secret")
			for _, w := range tc.want {
				assert.Contains(t, out, w)
			}
			if tc.check != nil {
				tc.check(t, buf.Bytes())
			}
		})
	}
}

func TestFormatsOfACleanReport(t *testing.T) {
	clean := &Report{Hosts: []Host{{Name: "spice", Address: "local", Reachable: true}},
		Resources: []Resource{{Address: "spice_file.a", Host: "spice", Status: OK}}}
	for _, tc := range []struct{ format, want string }{
		{"text", "No drift: 1 resources on 1 hosts match the configuration; 0 objectives, none breached.\n"},
		{"markdown", "No drift: 1 resources on 1 hosts match the configuration"},
		{"json", `"objectives": []`},
	} {
		t.Run(tc.format, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, Write(&buf, tc.format, clean))
			assert.Contains(t, buf.String(), tc.want)
		})
	}
}

func TestUnknownFormat(t *testing.T) {
	err := Write(&bytes.Buffer{}, "yaml", fixture())
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"yaml" is not available`)
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
