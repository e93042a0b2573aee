package recovery

import (
	"encoding/json"
	"fmt"
	"regexp"
)

// ObjectiveDir holds the objectives spice_recovery_objective installs on
// a host, one SCENARIO.json each, for `spice drill SCENARIO` to read.
var ObjectiveDir = "/etc/spice/objectives"

// ObjectiveFile is the path of a scenario's objective.
func ObjectiveFile(scenario string) string { return ObjectiveDir + "/" + scenario + ".json" }

// scenarioName: a file name, a command-line argument and a metric label.
var scenarioName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// CheckScenario accepts scenario names such as database-corruption.
func CheckScenario(s string) error {
	if !scenarioName.MatchString(s) {
		return fmt.Errorf("%q must be 1 to 64 lowercase letters, digits, '-' or '_', starting with a letter or digit (it names files and `spice drill` arguments)", s)
	}
	return nil
}

// Installed is an objective as installed on a host: what a drill needs.
type Installed struct {
	Scenario       string   `json:"scenario"`
	RTO            string   `json:"rto"`
	RPO            string   `json:"rpo"`
	BackupPolicies []string `json:"backup_policies"`
	Services       []string `json:"services,omitempty"`
	// Offsite: only off-site copies count; the drill restores from them.
	Offsite bool `json:"offsite,omitempty"`
	// VerifyCommand runs after the restore with SPICE_DRILL_DIR set to the
	// scratch directory; a non-zero exit fails the drill.
	VerifyCommand []string `json:"verify_command,omitempty"`
}

// ParseInstalled reads an installed objective.
func ParseInstalled(b []byte) (*Installed, error) {
	var o Installed
	if err := json.Unmarshal(b, &o); err != nil {
		return nil, fmt.Errorf("objective: %w", err)
	}
	if err := CheckScenario(o.Scenario); err != nil {
		return nil, fmt.Errorf("objective: scenario %w", err)
	}
	return &o, nil
}
