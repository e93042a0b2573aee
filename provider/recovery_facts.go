package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/spice-harvester/terraform-provider-spice/backup"
	"github.com/spice-harvester/terraform-provider-spice/host"
	"github.com/spice-harvester/terraform-provider-spice/recovery"
	"github.com/spice-harvester/terraform-provider-spice/schedule"
)

// defaultBinaryPath is where spice_backup_policy installs the agent.
const defaultBinaryPath = "/usr/local/bin/spice"

// plannedPolicy is what a spice_backup_policy of this run declares, so
// that an objective referring to it is judged on the schedule about to be
// applied rather than the one installed on the host (or none yet).
type plannedPolicy struct {
	Schedule    string
	BinaryPath  string
	Destination string
	Offsite     []string
	// OffsiteRepository: a restic repository that is not local.
	OffsiteRepository bool
}

// plannedPolicies holds the policies planned in this provider
// configuration, by name. Terraform and spice plan a policy before an
// objective that refers to it (backup_policies = [spice_backup_policy.x.name]).
type plannedPolicies struct {
	mu     sync.Mutex
	byName map[string]plannedPolicy
}

func (p *plannedPolicies) record(name string, planned plannedPolicy) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.byName == nil {
		p.byName = map[string]plannedPolicy{}
	}
	p.byName[name] = planned
}

func (p *plannedPolicies) lookup(name string) (plannedPolicy, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	planned, ok := p.byName[name]
	return planned, ok
}

// policyFacts gathers what the host says of one policy: its schedule (as
// planned in this run, else as installed) and its newest complete backup,
// listed by the agent installed on the host, so that listing has one
// implementation.
func policyFacts(ctx context.Context, hc *hostContext, name string, now time.Time) recovery.PolicyFacts {
	h := hc.host
	f := recovery.PolicyFacts{Name: name}
	binary := defaultBinaryPath
	var destination string
	var offsite []string
	var offsiteRepository bool
	planned, ok := hc.policies.lookup(name)
	if ok {
		f.Schedule, destination, offsite = planned.Schedule, planned.Destination, planned.Offsite
		offsiteRepository = planned.OffsiteRepository
		if planned.BinaryPath != "" {
			binary = planned.BinaryPath
		}
	} else if b, err := h.ReadFile(ctx, backup.PolicyFile(name)); err == nil {
		var p backup.Policy
		if json.Unmarshal(b, &p) == nil {
			f.Schedule, destination = p.Schedule, p.Destination
			offsiteRepository = p.OffsiteRepository()
			for _, o := range p.Offsite {
				offsite = append(offsite, o.Name)
			}
		}
	}
	for _, target := range offsite {
		t := recovery.OffsiteFacts{Name: target}
		// The agent's record of its last push to the target: no
		// record, no verified copy.
		if rec, ok := readJSONOnHost(ctx, h, backup.OffsiteRecordFile(destination, target), backup.ParseOffsiteRecord); destination != "" && ok {
			t.Newest, t.LastError = rec.BackupTime, rec.LastError
			t.PushDuration = time.Duration(rec.PushSeconds * float64(time.Second))
		}
		f.Offsite = append(f.Offsite, t)
	}
	if offsiteRepository {
		// Every complete backup is in the remote repository: an off-site
		// copy verified by restic as it was stored, with no separate push.
		f.Offsite = append(f.Offsite, recovery.OffsiteFacts{Name: "repository"})
	}
	if s, err := schedule.Parse(f.Schedule); err == nil && f.Schedule != "" {
		f.MaxGap = schedule.MaxGap(s, now)
	}
	if hc.imageMode() {
		f.Unreadable = "the provider manages an image, where no backups run"
		return f
	}
	backups, err := listBackups(ctx, h, binary, name)
	if err != nil {
		f.Unreadable = err.Error()
		return f
	}
	for _, b := range backups { // oldest first
		if b.Complete() {
			f.Newest = b.Time
			f.LastDuration = time.Duration(b.DurationSeconds * float64(time.Second))
		}
	}
	if offsiteRepository {
		f.Offsite[0].Newest = f.Newest
	}
	return f
}

// listBackups asks the agent installed on h for a policy's backups, oldest
// first, so that reading backups has one implementation.
func listBackups(ctx context.Context, h host.Host, binary, policy string) ([]backup.Backup, error) {
	res, err := h.Run(ctx, host.Command{Argv: []string{binary, "backup", "list", "-json", "-policy", policy}})
	if err != nil {
		return nil, errors.New(agentError(binary, h, err))
	}
	var backups []backup.Backup
	if err := json.Unmarshal(res.Stdout, &backups); err != nil {
		return nil, fmt.Errorf("%s backup list on %s printed no backup list: %w", binary, h.Name(), err)
	}
	return backups, nil
}

// agentError says briefly why the agent could not answer; a policy not
// applied yet is the common case.
func agentError(binary string, h host.Host, err error) string {
	if host.NotInstalled(err) {
		return fmt.Sprintf("%s is not installed on %s yet", binary, h.Name())
	}
	return err.Error() // an *host.ExitError ends with the agent's last stderr line
}

// readJSONOnHost reads a small JSON record the host keeps; ok is false
// when it is absent or unreadable.
func readJSONOnHost[T any](ctx context.Context, h host.Host, path string, parse func([]byte) (*T, error)) (*T, bool) {
	b, err := h.ReadFile(ctx, path)
	if err != nil {
		return nil, false
	}
	v, err := parse(b)
	if err != nil {
		return nil, false
	}
	return v, true
}
