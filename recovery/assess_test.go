package recovery

import (
	"strings"
	"testing"
	"time"
)

func TestAssess(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	hour := time.Hour
	daily := PolicyFacts{Name: "daily", Schedule: "daily", MaxGap: 24 * hour, LastDuration: 2 * time.Minute, Newest: now.Add(-3 * hour)}
	hourly := PolicyFacts{Name: "hourly", Schedule: "hourly", MaxGap: hour, LastDuration: 5 * time.Second, Newest: now.Add(-10 * time.Minute)}
	drill := &Journal{Scenario: "db", Success: true, DurationSeconds: 600, Policies: []DrilledPolicy{{Name: "hourly"}}}
	d := func(x time.Duration) *time.Duration { return &x }
	// Every 4 hours, pushed to two data centers: dc3's copy is the newer.
	pushed := PolicyFacts{Name: "pushed", Schedule: "*-*-* 00/4:00:00", MaxGap: 4 * hour, LastDuration: 30 * time.Second, Newest: now.Add(-10 * time.Minute),
		Offsite: []OffsiteFacts{
			{Name: "dc2", Newest: now.Add(-4*hour - 10*time.Minute), PushDuration: 5 * time.Minute},
			{Name: "dc3", Newest: now.Add(-10 * time.Minute), PushDuration: 20 * time.Second},
		}}
	dcDrill := &Journal{Success: true, DurationSeconds: 1200, Policies: []DrilledPolicy{{Name: "pushed"}}}
	stale := pushed
	stale.Offsite = []OffsiteFacts{{Name: "dc2", Newest: now.Add(-6 * hour), PushDuration: 20 * time.Second, LastError: "host key of backup:22 is ..."}}
	tests := []struct {
		name      string
		objective Objective
		policies  []PolicyFacts
		services  []ServiceFacts
		drill     *Journal
		status    string
		rpo, obs  *time.Duration
		rto       *time.Duration
		findings  []string
	}{
		{
			name:      "daily schedule cannot meet a 1h rpo",
			objective: Objective{Scenario: "db", RTO: 30 * time.Minute, RPO: hour},
			policies:  []PolicyFacts{daily},
			drill:     &Journal{Success: true, DurationSeconds: 600, Policies: []DrilledPolicy{{Name: "daily"}}},
			status:    StatusBreached, rpo: d(24*hour + 2*time.Minute), obs: d(3 * hour), rto: d(10 * time.Minute),
			findings: []string{`policy daily: schedule "daily" leaves gaps of 24h0m0s plus 2m0s for the backup itself; rpo is 1h0m0s`,
				"the newest backup of policy daily is 3h0m0s old; rpo is 1h0m0s"},
		},
		{
			name:      "hourly with a fresh backup and a drill meets it",
			objective: Objective{Scenario: "db", RTO: 30 * time.Minute, RPO: hour},
			policies:  []PolicyFacts{hourly}, drill: drill,
			status: StatusMet, rpo: d(hour + 5*time.Second), obs: d(10 * time.Minute), rto: d(10 * time.Minute),
		},
		{
			name:      "newest backup older than the rpo",
			objective: Objective{Scenario: "db", RTO: 30 * time.Minute, RPO: hour},
			policies:  []PolicyFacts{{Name: "hourly", Schedule: "hourly", MaxGap: hour, Newest: now.Add(-5 * hour)}}, drill: drill,
			status: StatusBreached, rpo: d(hour), obs: d(5 * hour), rto: d(10 * time.Minute),
			findings: []string{"the newest backup of policy hourly is 5h0m0s old; rpo is 1h0m0s"},
		},
		{
			name:      "no backup yet and no drill: unknown",
			objective: Objective{Scenario: "db", RTO: 30 * time.Minute, RPO: hour},
			policies:  []PolicyFacts{{Name: "hourly", Schedule: "hourly", MaxGap: hour}},
			status:    StatusUnknown, rpo: d(hour),
			findings: []string{"policy hourly has no complete backup yet", "no restore drill recorded for db; run `spice drill db` on the host"},
		},
		{
			name:      "drill slower than the rto",
			objective: Objective{Scenario: "db", RTO: 5 * time.Minute, RPO: hour},
			policies:  []PolicyFacts{hourly}, drill: drill,
			status: StatusBreached, rpo: d(hour + 5*time.Second), obs: d(10 * time.Minute), rto: d(10 * time.Minute),
			findings: []string{"measured recovery takes 10m0s; rto is 5m0s"},
		},
		{
			name:      "service crash: restart timings, rpo 0 without backups",
			objective: Objective{Scenario: "crash", RTO: 5 * time.Minute},
			services:  []ServiceFacts{{Name: "bff", RestartToHealthy: 3 * time.Second}, {Name: "oms", RestartToHealthy: 7 * time.Second}},
			status:    StatusMet, rto: d(7 * time.Second),
		},
		{
			name:      "service never measured",
			objective: Objective{Scenario: "crash", RTO: 5 * time.Minute},
			services:  []ServiceFacts{{Name: "bff"}},
			status:    StatusUnknown,
			findings:  []string{"service bff has no measured restart-to-healthy time yet"},
		},
		{
			name:      "rpo without a policy",
			objective: Objective{Scenario: "dc", RTO: 4 * hour, RPO: 4 * hour},
			status:    StatusBreached,
			findings:  []string{"no backup policy covers dc; rpo is 4h0m0s"},
		},
		{
			name:      "failed drill",
			objective: Objective{Scenario: "db", RTO: 30 * time.Minute, RPO: hour},
			policies:  []PolicyFacts{hourly},
			drill:     &Journal{Success: false, Error: "checksum mismatch", Policies: []DrilledPolicy{{Name: "hourly"}}},
			status:    StatusBreached, rpo: d(hour + 5*time.Second), obs: d(10 * time.Minute),
			findings: []string{"failed: checksum mismatch"},
		},
		{
			name:      "data-center failure: the newest verified off-site copy and its push count",
			objective: Objective{Scenario: "dc", RTO: 4 * hour, RPO: 4 * hour, Offsite: true},
			policies:  []PolicyFacts{pushed}, drill: dcDrill,
			status: StatusMet, rpo: d(4*hour + 30*time.Second + 20*time.Second), obs: d(10 * time.Minute), rto: d(20 * time.Minute),
		},
		{
			name:      "data-center failure: local copies do not count",
			objective: Objective{Scenario: "dc", RTO: 4 * hour, RPO: 4 * hour, Offsite: true},
			policies:  []PolicyFacts{hourly}, drill: &Journal{Success: true, DurationSeconds: 60, Policies: []DrilledPolicy{{Name: "hourly"}}},
			status: StatusBreached, rto: d(time.Minute),
			findings: []string{"policy hourly has no offsite block: its backups stay on the host that dc loses; rpo is 4h0m0s"},
		},
		{
			name:      "data-center failure: a stale off-site copy breaches, with the push's error",
			objective: Objective{Scenario: "dc", RTO: 4 * hour, RPO: 4 * hour, Offsite: true},
			policies:  []PolicyFacts{stale}, drill: dcDrill,
			status: StatusBreached, rpo: d(4*hour + 50*time.Second), obs: d(6 * hour), rto: d(20 * time.Minute),
			findings: []string{"the newest verified off-site copy of policy pushed (on dc2) is 6h0m0s old; rpo is 4h0m0s; the last push failed: host key of backup:22 is ..."},
		},
		{
			name:      "data-center failure: a slow push breaks the achievable rpo",
			objective: Objective{Scenario: "dc", RTO: 4 * hour, RPO: 4 * hour, Offsite: true},
			policies: []PolicyFacts{{Name: "pushed", Schedule: "*-*-* 00/4:00:00", MaxGap: 4 * hour,
				Offsite: []OffsiteFacts{{Name: "dc2", Newest: now.Add(-time.Hour), PushDuration: 15 * time.Minute}}}}, drill: dcDrill,
			status: StatusBreached, rpo: d(4*hour + 15*time.Minute), obs: d(hour), rto: d(20 * time.Minute),
			findings: []string{`policy pushed: schedule "*-*-* 00/4:00:00" leaves gaps of 4h0m0s plus 15m0s for the off-site push; rpo is 4h0m0s`},
		},
		{
			name:      "data-center failure: nothing pushed yet",
			objective: Objective{Scenario: "dc", RTO: 4 * hour, RPO: 4 * hour, Offsite: true},
			policies:  []PolicyFacts{{Name: "pushed", Schedule: "*-*-* 00/4:00:00", MaxGap: 4 * hour, Offsite: []OffsiteFacts{{Name: "dc2"}}}}, drill: dcDrill,
			status: StatusUnknown, rpo: d(4 * hour), rto: d(20 * time.Minute),
			findings: []string{"policy pushed has no verified off-site copy yet"},
		},
		{
			name:      "the worst of several policies decides",
			objective: Objective{Scenario: "system", RTO: 2 * hour, RPO: 4 * hour},
			policies:  []PolicyFacts{hourly, daily},
			drill:     &Journal{Success: true, DurationSeconds: 60, Policies: []DrilledPolicy{{Name: "daily"}, {Name: "hourly"}}},
			status:    StatusBreached, rpo: d(24*hour + 2*time.Minute), obs: d(3 * hour), rto: d(time.Minute),
			findings: []string{`policy daily: schedule "daily" leaves gaps of 24h0m0s`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := Assess(tc.objective, tc.policies, tc.services, tc.drill, now)
			if a.Status != tc.status {
				t.Errorf("status %s, want %s (findings %q)", a.Status, tc.status, a.Findings)
			}
			for _, c := range []struct {
				what      string
				got, want *time.Duration
			}{{"achievable rpo", a.AchievableRPO, tc.rpo}, {"observed rpo", a.ObservedRPO, tc.obs}, {"achievable rto", a.AchievableRTO, tc.rto}} {
				if (c.got == nil) != (c.want == nil) || (c.got != nil && *c.got != *c.want) {
					t.Errorf("%s = %v, want %v", c.what, deref(c.got), deref(c.want))
				}
			}
			all := strings.Join(a.Findings, "\n")
			for _, f := range tc.findings {
				if !strings.Contains(all, f) {
					t.Errorf("findings %q lack %q", a.Findings, f)
				}
			}
			if tc.status == StatusMet && len(a.Findings) > 0 {
				t.Errorf("met with findings %q", a.Findings)
			}
		})
	}
}

func deref(d *time.Duration) any {
	if d == nil {
		return "unknown"
	}
	return *d
}
