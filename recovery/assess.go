// Package recovery judges RTO/RPO promises against what the hosts can
// actually do: the backup schedules, the backups that exist, the restore
// drills that were timed and the services' measured restart-to-healthy
// times. It also runs those drills (drill.go), on the host that holds the
// backups, like the backup verbs.
package recovery

import (
	"fmt"
	"slices"
	"time"
)

// Status values of an assessment.
const (
	StatusMet      = "met"
	StatusBreached = "breached"
	StatusUnknown  = "unknown"
)

// Tolerance is how far an achievable RPO may exceed the target and still
// count as met: a systemd timer is itself accurate to about a minute, so a
// promise is judged to the minute (an hourly backup that takes 5 s meets a
// 1h RPO; one that takes 5 min does not).
const Tolerance = time.Minute

// Objective is one RTO/RPO promise. RPO zero means no data may be lost,
// which no backup schedule provides: with no backup policies it is met by
// construction (a service crash loses nothing that is not on disk), with
// policies it is breached.
type Objective struct {
	Scenario string
	RTO, RPO time.Duration
	// Offsite: the scenario (a data-center failure) loses the host and
	// every backup on it, so only verified off-site copies count.
	Offsite bool
}

// PolicyFacts is what is known of one backup policy covering the objective.
type PolicyFacts struct {
	Name     string
	Schedule string
	// MaxGap is the longest gap between consecutive scheduled runs; zero
	// when the schedule is not known.
	MaxGap time.Duration
	// LastDuration of the newest complete backup; zero when none ran yet.
	LastDuration time.Duration
	// Newest is when the newest complete backup was taken; zero when none.
	Newest time.Time
	// Unreadable says why the backups on the host could not be read
	// ("" when they were).
	Unreadable string
	// Offsite lists the policy's off-site targets.
	Offsite []OffsiteFacts
}

// OffsiteFacts is what the host recorded of one off-site target.
type OffsiteFacts struct {
	Name string
	// Newest is when the newest backup verified there was taken; zero
	// when none was pushed yet.
	Newest time.Time
	// PushDuration is how long that push took (the transfer time).
	PushDuration time.Duration
	// LastError is why the last push failed; "" when it succeeded.
	LastError string
}

// copies are the facts of the copies that count for o: the backups on the
// host, or for an off-site scenario the newest verified off-site copy,
// which adds its measured push to the achievable RPO. ok is false for an
// off-site scenario when the policy has no off-site target.
func (p PolicyFacts) copies(o Objective) (newest time.Time, transfer time.Duration, best OffsiteFacts, ok bool) {
	if !o.Offsite {
		return p.Newest, 0, OffsiteFacts{}, true
	}
	if len(p.Offsite) == 0 {
		return time.Time{}, 0, OffsiteFacts{}, false
	}
	best = p.Offsite[0]
	for _, t := range p.Offsite[1:] {
		if t.Newest.After(best.Newest) {
			best = t
		}
	}
	return best.Newest, best.PushDuration, best, true
}

// ServiceFacts is a service's measured restart-to-healthy time.
type ServiceFacts struct {
	Name string
	// RestartToHealthy is zero when never measured.
	RestartToHealthy time.Duration
}

// Assessment is the verdict: nil durations are unknown.
type Assessment struct {
	AchievableRPO *time.Duration
	ObservedRPO   *time.Duration
	AchievableRTO *time.Duration
	Status        string
	Findings      []string
}

// verdict accumulates findings and the worst status seen.
type verdict struct {
	breached, unknown bool
	findings          []string
}

func (v *verdict) breach(format string, args ...any) {
	v.breached = true
	v.findings = append(v.findings, fmt.Sprintf(format, args...))
}

func (v *verdict) unsure(format string, args ...any) {
	v.unknown = true
	v.findings = append(v.findings, fmt.Sprintf(format, args...))
}

// Assess judges o. Every listed policy is needed to recover the scenario's
// data, so the worst policy decides the RPO; the drill covers the restore
// of the policies' backups and the slowest service adds its restart.
func Assess(o Objective, policies []PolicyFacts, services []ServiceFacts, drill *Journal, now time.Time) Assessment {
	var v verdict
	a := Assessment{}
	a.AchievableRPO, a.ObservedRPO = assessRPO(o, policies, now, &v)
	a.AchievableRTO = assessRTO(o, policies, services, drill, &v)
	switch {
	case v.breached:
		a.Status = StatusBreached
	case v.unknown:
		a.Status = StatusUnknown
	default:
		a.Status = StatusMet
	}
	a.Findings = v.findings
	return a
}

func assessRPO(o Objective, policies []PolicyFacts, now time.Time, v *verdict) (achievable, observed *time.Duration) {
	if len(policies) == 0 {
		if o.RPO > 0 {
			v.breach("no backup policy covers %s; rpo is %s", o.Scenario, o.RPO)
		}
		return nil, nil
	}
	var worstAchievable, worstObserved time.Duration
	achievableKnown, observedKnown := true, true
	for _, p := range policies {
		newest, transfer, target, ok := p.copies(o)
		if !ok {
			achievableKnown, observedKnown = false, false
			v.breach("policy %s has no offsite block: its backups stay on the host that %s loses; rpo is %s", p.Name, o.Scenario, o.RPO)
			continue
		}
		if p.MaxGap == 0 {
			achievableKnown = false
			v.unsure("the schedule of policy %s is not known", p.Name)
		} else {
			rpo := p.MaxGap + p.LastDuration + transfer
			worstAchievable = max(worstAchievable, rpo)
			if rpo > o.RPO+Tolerance || o.RPO == 0 {
				msg := fmt.Sprintf("policy %s: schedule %q leaves gaps of %s", p.Name, p.Schedule, p.MaxGap)
				if p.LastDuration > 0 {
					msg += fmt.Sprintf(" plus %s for the backup itself", p.LastDuration.Round(time.Second))
				}
				if transfer > 0 {
					msg += fmt.Sprintf(" plus %s for the off-site push", transfer.Round(time.Second))
				}
				v.breach("%s; rpo is %s", msg, o.RPO)
			}
		}
		what := "the newest backup of policy " + p.Name
		if o.Offsite {
			what = fmt.Sprintf("the newest verified off-site copy of policy %s (on %s)", p.Name, target.Name)
		}
		switch {
		case p.Unreadable != "":
			observedKnown = false
			v.unsure("backups of policy %s cannot be read: %s", p.Name, p.Unreadable)
		case newest.IsZero() && o.Offsite:
			observedKnown = false
			msg := fmt.Sprintf("policy %s has no verified off-site copy yet", p.Name)
			if target.LastError != "" {
				msg += "; the last push failed: " + target.LastError
			}
			v.unsure("%s", msg)
		case newest.IsZero():
			observedKnown = false
			v.unsure("policy %s has no complete backup yet", p.Name)
		default:
			age := now.Sub(newest)
			worstObserved = max(worstObserved, age)
			if age > o.RPO+Tolerance {
				msg := fmt.Sprintf("%s is %s old; rpo is %s", what, age.Round(time.Second), o.RPO)
				if target.LastError != "" {
					msg += "; the last push failed: " + target.LastError
				}
				v.breach("%s", msg)
			}
		}
	}
	if achievableKnown {
		achievable = &worstAchievable
	}
	if observedKnown {
		observed = &worstObserved
	}
	return achievable, observed
}

func assessRTO(o Objective, policies []PolicyFacts, services []ServiceFacts, drill *Journal, v *verdict) *time.Duration {
	var total time.Duration
	known := true
	if len(policies) > 0 {
		switch {
		case drill == nil:
			known = false
			v.unsure("no restore drill recorded for %s; run `spice drill %s` on the host", o.Scenario, o.Scenario)
		case !drill.Success:
			known = false
			v.breach("the last restore drill (%s) failed: %s", drill.FinishedAt.UTC().Format(time.RFC3339), drill.Error)
		case !slices.Equal(drill.policyNames(), policyNames(policies)):
			known = false
			v.unsure("the last restore drill covered policies %v, the objective lists %v; run `spice drill %s` again", drill.policyNames(), policyNames(policies), o.Scenario)
		default:
			total += drill.Duration()
		}
	}
	var slowest time.Duration
	for _, s := range services {
		if s.RestartToHealthy == 0 {
			known = false
			v.unsure("service %s has no measured restart-to-healthy time yet (spice_service measures it when a health check passes)", s.Name)
			continue
		}
		slowest = max(slowest, s.RestartToHealthy)
	}
	total += slowest
	if !known {
		return nil
	}
	if len(policies) == 0 && len(services) == 0 {
		v.unsure("%s lists no backup policy and no service, so nothing measures its recovery time", o.Scenario)
		return nil
	}
	if total > o.RTO {
		v.breach("measured recovery takes %s; rto is %s", total.Round(time.Second), o.RTO)
	}
	return &total
}

func policyNames(policies []PolicyFacts) []string {
	names := make([]string, len(policies))
	for i, p := range policies {
		names[i] = p.Name
	}
	slices.Sort(names)
	return names
}
