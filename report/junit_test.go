package report

import (
	"bytes"
	"encoding/xml"
	"testing"

	junit "github.com/joshdk/go-junit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The JUnit report is read back by a real JUnit parser (go-junit, which
// the reporting tools built on it use): each host a suite, each resource
// and objective a case with the status a CI system will show.
func TestJUnitReadByAJUnitParser(t *testing.T) {
	clean := &Report{Version: "1.4.0", Hosts: []Host{{Name: "spice", Address: "local", Reachable: true}},
		Resources:  []Resource{{Address: "spice_file.a", Host: "spice", Status: OK}},
		Objectives: []Objective{{Scenario: "restore", Host: "spice", Status: Met}}}
	runFailed := &Report{Version: "1.4.0", Errors: []string{"state is locked by another run\nLock ID: 42"}}
	for name, tc := range map[string]struct {
		report *Report
		want   map[string]map[string]junit.Status // suite -> case -> status
	}{
		"two hosts, one unreachable": {ciSample(), map[string]map[string]junit.Status{
			"spice": {
				"spice_file.env":             junit.StatusFailed,
				"spice_directory.data":       junit.StatusFailed,
				"spice_sysctl.swappiness":    junit.StatusPassed,
				`spice_service.app["<web>"]`: junit.StatusPassed,
				"database restore":           junit.StatusFailed,
				"web tier rebuild":           junit.StatusPassed,
				"file store":                 junit.StatusSkipped,
			},
			"spice.replica": {
				"spice.replica":           junit.StatusError,
				"spice_file.replica_conf": junit.StatusError,
				"replica failover":        junit.StatusError,
			},
		}},
		"clean": {clean, map[string]map[string]junit.Status{
			"spice": {"spice_file.a": junit.StatusPassed, "restore": junit.StatusPassed},
		}},
		"a host missing from Hosts": {&Report{Resources: []Resource{{Address: "spice_file.b", Host: "spice.web", Status: Drifted}}},
			map[string]map[string]junit.Status{"spice.web": {"spice_file.b": junit.StatusFailed}}},
		"the run failed": {runFailed, map[string]map[string]junit.Status{
			"spice drift": {"error 1": junit.StatusError},
		}},
	} {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			require.NoError(t, JUnit(&out, tc.report))
			suites, err := junit.Ingest(out.Bytes())
			require.NoError(t, err, "%s", out.String())

			got := map[string]map[string]junit.Status{}
			for _, s := range suites {
				got[s.Name] = map[string]junit.Status{}
				for _, c := range s.Tests {
					got[s.Name][c.Name] = c.Status
				}
			}
			assert.Equal(t, tc.want, got)
			assertCountsAsParsed(t, out.Bytes(), suites)
		})
	}
}

// What the parser saw of the sample's cases: the messages and the details
// a CI system shows for them, and the host's address.
func TestJUnitDetails(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, JUnit(&out, ciSample()))
	suites, err := junit.Ingest(out.Bytes())
	require.NoError(t, err)
	require.Len(t, suites, 2)
	cases := map[string]junit.Test{}
	for _, s := range suites {
		for _, c := range s.Tests {
			cases[c.Name] = c
		}
	}
	assert.Equal(t, "root@10.0.0.5:22", suites[0].Properties["address"])
	assert.Equal(t, "root@10.0.0.6:22", suites[1].Properties["address"])

	env := cases["spice_file.env"]
	assert.Equal(t, "spice.resources", env.Classname)
	assert.Equal(t, "spice_file.env changed outside spice; an apply would update it (2 attributes differ)", env.Message)
	assert.Equal(t, "content: declared (sensitive value), actual (sensitive value) (since 2026-11-30T00:30:00Z)\n"+
		"mode: declared 0600, actual 0644\n", env.Error.Error())

	restore := cases["database restore"]
	assert.Equal(t, "spice.objectives", restore.Classname)
	assert.Equal(t, `objective "database restore" (spice_recovery_objective.db) is breached`, restore.Message)
	assert.Equal(t, "RTO declared 1h, achievable 40m\nRPO declared 15m, achievable 15m, observed 2h10m\n"+
		"the newest complete backup of spice_backup_policy.db is 2h10m old, more than the 15m RPO\n", restore.Error.Error())

	replica := cases["spice_file.replica_conf"]
	assert.Equal(t, "host spice.replica (root@10.0.0.6:22) is unreachable", replica.Message)
	assert.Equal(t, "dial tcp 10.0.0.6:22: connect: connection refused", replica.Error.Error())
}

// assertCountsAsParsed checks the tests/failures/errors/skipped attributes
// the report declares against what the parser counted case by case: CI
// systems show the attributes in summaries and the cases in detail.
func assertCountsAsParsed(t *testing.T, doc []byte, suites []junit.Suite) {
	t.Helper()
	type counts struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Skipped  int    `xml:"skipped,attr"`
	}
	var declared struct {
		counts
		Suites []counts `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(doc, &declared))
	var total counts
	require.Len(t, declared.Suites, len(suites))
	for i, s := range suites {
		parsed := counts{Name: s.Name, Tests: s.Totals.Tests, Failures: s.Totals.Failed, Errors: s.Totals.Error, Skipped: s.Totals.Skipped}
		assert.Equal(t, parsed, declared.Suites[i])
		total.Tests += parsed.Tests
		total.Failures += parsed.Failures
		total.Errors += parsed.Errors
		total.Skipped += parsed.Skipped
	}
	total.Name = "spice drift"
	assert.Equal(t, total, declared.counts)
}

// No rendering of the drift report holds a secret that the findings were
// worked out from (fixture's values hold one).
func TestJUnitAndHTMLHoldNoSecret(t *testing.T) {
	for _, format := range []string{"junit", "html"} {
		var out bytes.Buffer
		require.NoError(t, Write(&out, format, fixture()))
		assert.NotContains(t, out.String(), secret, format)
		assert.Contains(t, out.String(), "(sensitive value)", format)
	}
}
