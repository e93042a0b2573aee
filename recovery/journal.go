package recovery

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Where the host keeps what the assessment reads: one drill journal per
// scenario, one restart-to-healthy measurement per service.
const (
	DrillDir   = "/var/lib/spice/drills"
	ServiceDir = "/var/lib/spice/services"
)

// DrillFile is the journal path of a scenario's drills.
func DrillFile(scenario string) string { return DrillDir + "/" + scenario + ".json" }

// ServiceFile is where a service's restart-to-healthy time is recorded.
func ServiceFile(service string) string { return ServiceDir + "/" + service + ".json" }

// Journal records the newest restore drill of a scenario.
type Journal struct {
	Scenario        string          `json:"scenario"`
	Host            string          `json:"host"`
	StartedAt       time.Time       `json:"started_at"`
	FinishedAt      time.Time       `json:"finished_at"`
	DurationSeconds float64         `json:"duration_seconds"`
	Success         bool            `json:"success"`
	Error           string          `json:"error,omitempty"`
	Policies        []DrilledPolicy `json:"policies"`
	VerifyCommand   []string        `json:"verify_command,omitempty"`
	SpiceVersion    string          `json:"spice_version"`
}

// DrilledPolicy is the backup a drill restored for one policy.
type DrilledPolicy struct {
	Name       string    `json:"name"`
	BackupID   string    `json:"backup_id"`
	BackupTime time.Time `json:"backup_time"`
	Bytes      int64     `json:"bytes"`
}

// Duration is how long the whole drill took: verify, restore and the
// verify command.
func (j *Journal) Duration() time.Duration {
	return time.Duration(j.DurationSeconds * float64(time.Second))
}

func (j *Journal) policyNames() []string {
	names := make([]string, len(j.Policies))
	for i, p := range j.Policies {
		names[i] = p.Name
	}
	slices.Sort(names)
	return names
}

// ParseJournal reads a drill journal.
func ParseJournal(b []byte) (*Journal, error) {
	var j Journal
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, fmt.Errorf("drill journal: %w", err)
	}
	return &j, nil
}

// ServiceTiming is a service's latest measured restart-to-healthy time,
// written by spice_service when its health check passes after a start or
// restart.
type ServiceTiming struct {
	Service                 string    `json:"service"`
	RestartToHealthySeconds float64   `json:"restart_to_healthy_seconds"`
	MeasuredAt              time.Time `json:"measured_at"`
}

// ParseServiceTiming reads a service's timing file.
func ParseServiceTiming(b []byte) (*ServiceTiming, error) {
	var s ServiceTiming
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("service timing: %w", err)
	}
	return &s, nil
}

// Duration is the measured restart-to-healthy time.
func (s *ServiceTiming) Duration() time.Duration {
	return time.Duration(s.RestartToHealthySeconds * float64(time.Second))
}
