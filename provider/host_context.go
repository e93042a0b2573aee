package provider

import (
	"sync"

	"github.com/spice-harvester/terraform-provider-spice/host"
	"github.com/spice-harvester/terraform-provider-spice/systemd"
)

// hostContext is one provider configuration as its resources and data
// sources see it: the host, and the state they share while the
// configuration lives. Configure makes one per configuration, so two
// configurations (aliases) in one process share nothing, even when they
// manage hosts of the same name.
type hostContext struct {
	host     host.Host
	units    *systemd.Manager   // unit changes, with one daemon-reload for those made together
	accounts *host.AccountCache // user and group names, read once per run
	policies plannedPolicies    // the spice_backup_policy resources planned in this run
	locks    fileLocks          // files whose lines several resources edit
	agents   agentCache         // the agent binaries hashed so far
	packages packageHost        // the package manager, its batcher and package database
	// terminusdb is the provider's terminusdb block: where this host's
	// TerminusDB listens, and as whom spice signs in.
	terminusdb terminusdbSettings
}

func newHostContext(h host.Host) *hostContext {
	return &hostContext{
		host:     h,
		units:    systemd.NewManager(h),
		accounts: host.NewAccountCache(h),
	}
}

// imageMode tells whether the provider manages a tree below a root other
// than "/" (offline or image mode), where nothing live may be touched: the
// kernel that commands would reach is not the one of the managed tree.
func (hc *hostContext) imageMode() bool { return hc.host.Root() != "/" }

// fileLocks serializes read-modify-write cycles on one file, so that the
// resources of one provider configuration applied in parallel never lose
// each other's lines. It does not reach other configurations or
// processes, nor a person editing the file during an apply.
type fileLocks struct {
	mu     sync.Mutex
	byPath map[string]*sync.Mutex
}

// lock takes the lock of the file p and returns its unlock.
func (l *fileLocks) lock(p string) (unlock func()) {
	l.mu.Lock()
	if l.byPath == nil {
		l.byPath = map[string]*sync.Mutex{}
	}
	mu, ok := l.byPath[p]
	if !ok {
		mu = &sync.Mutex{}
		l.byPath[p] = mu
	}
	l.mu.Unlock()
	mu.Lock()
	return mu.Unlock
}
