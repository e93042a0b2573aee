// Package report holds what `spice drift` found on the hosts (resources
// that moved, changes still pending, recovery objectives and the backups
// behind them) and renders it for people and CI systems: text, JSON,
// JUnit XML, Markdown and self-contained HTML. It knows nothing of how the
// findings were made; cli/engine's drift command fills it in.
package report

import "time"

// Report is one drift run over every host of a configuration.
type Report struct {
	Version     string    `json:"spice_version"`
	GeneratedAt time.Time `json:"generated_at"`
	// Hosts are the provider configurations the run reached, or tried to.
	Hosts      []Host          `json:"hosts"`
	Resources  []Resource      `json:"resources"`
	Objectives []Objective     `json:"objectives"`
	Backups    []PolicyBackups `json:"backups"`
	// Errors are failures not tied to one host (the configuration, the
	// state), each a whole sentence.
	Errors []string `json:"errors,omitempty"`
}

// Host is one provider configuration: "spice" or "spice.ALIAS".
type Host struct {
	Name      string `json:"name"`
	Address   string `json:"address"` // "root@10.0.0.5:22", or "local"
	Reachable bool   `json:"reachable"`
	Error     string `json:"error,omitempty"` // why it was not reachable
}

// Status is a resource's or an objective's verdict.
type Status string

// Resource statuses: what the refresh and the plan said of an object.
const (
	OK          Status = "ok"          // matches the declaration
	Drifted     Status = "drifted"     // changed outside spice since the last apply
	Pending     Status = "pending"     // the declaration changed; an apply would change the host
	Unreachable Status = "unreachable" // its host could not be read
)

// Objective statuses, as spice_recovery_objective's `status`.
const (
	Met      Status = "met"
	Breached Status = "breached"
	Unknown  Status = "unknown"
)

// Resource is one managed resource instance.
type Resource struct {
	Address string `json:"address"`
	Host    string `json:"host"` // a Host's Name
	Status  Status `json:"status"`
	// Action is what an apply would do: "update", "replace", "create",
	// "delete"; empty for OK.
	Action   string    `json:"action,omitempty"`
	Findings []Finding `json:"findings,omitempty"`
}

// Finding is one attribute that differs. Declared and Actual are rendered
// values, "(sensitive value)" for anything sensitive, never the value.
type Finding struct {
	Attribute string `json:"attribute"`
	Declared  string `json:"declared"`
	Actual    string `json:"actual"`
	// Since is when the host says the difference began, where it says so.
	Since *time.Time `json:"since,omitempty"`
}

// Objective is one spice_recovery_objective as judged on its host: the
// manual's RTO/RPO table row, declared against achievable and observed.
type Objective struct {
	Scenario string `json:"scenario"`
	Address  string `json:"address"`
	Host     string `json:"host"`
	Priority string `json:"priority"`
	RTO      string `json:"rto"` // declared
	RPO      string `json:"rpo"`
	// Measured values; empty when not known yet.
	AchievableRTO string   `json:"achievable_rto,omitempty"`
	AchievableRPO string   `json:"achievable_rpo,omitempty"`
	ObservedRPO   string   `json:"observed_rpo,omitempty"`
	Status        Status   `json:"status"`
	Findings      []string `json:"findings,omitempty"` // the reasons, in words
}

// PolicyBackups are the newest backups of one spice_backup_policy.
type PolicyBackups struct {
	Policy  string   `json:"policy"`
	Host    string   `json:"host"`
	Backups []Backup `json:"backups"` // newest first
	// Error is why the backups could not be listed; not a failure of
	// the run (the objectives judge what matters).
	Error string `json:"error,omitempty"`
}

// Backup is one backup set of a policy.
type Backup struct {
	ID       string    `json:"id"`
	Time     time.Time `json:"time"`
	Complete bool      `json:"complete"`
	Bytes    int64     `json:"bytes"`
}

// ExitCode is the drift command's exit status: 1 when a host or the run
// failed (the report still covers the rest), else 2 when anything drifted,
// a change is pending or an objective is breached, else 0.
func (r *Report) ExitCode() int {
	if len(r.Errors) > 0 {
		return 1
	}
	for _, h := range r.Hosts {
		if !h.Reachable {
			return 1
		}
	}
	for _, res := range r.Resources {
		if res.Status != OK {
			return 2
		}
	}
	for _, o := range r.Objectives {
		if o.Status == Breached {
			return 2
		}
	}
	return 0
}
