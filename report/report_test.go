package report

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestExitCode(t *testing.T) {
	reachable := []Host{{Name: "spice", Address: "local", Reachable: true}}
	for name, tc := range map[string]struct {
		report Report
		want   int
	}{
		"clean": {Report{Hosts: reachable, Resources: []Resource{{Address: "spice_file.a", Status: OK}},
			Objectives: []Objective{{Scenario: "s", Status: Met}, {Scenario: "u", Status: Unknown}}}, 0},
		"drifted":  {Report{Hosts: reachable, Resources: []Resource{{Address: "spice_file.a", Status: Drifted}}}, 2},
		"pending":  {Report{Hosts: reachable, Resources: []Resource{{Address: "spice_file.a", Status: Pending}}}, 2},
		"breached": {Report{Hosts: reachable, Objectives: []Objective{{Scenario: "s", Status: Breached}}}, 2},
		"unreachable host wins over drift": {Report{
			Hosts:     append([]Host{{Name: "spice.b", Reachable: false, Error: "connection refused"}}, reachable...),
			Resources: []Resource{{Address: "spice_file.a", Status: Drifted}}}, 1},
		"run error": {Report{Hosts: reachable, Errors: []string{"state locked"}}, 1},
	} {
		t.Run(name, func(t *testing.T) { assert.Equal(t, tc.want, tc.report.ExitCode()) })
	}
}
