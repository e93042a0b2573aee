package core

import (
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/zclconf/go-cty/cty"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/state"
)

// Plan is the outcome of planning.
type Plan struct {
	Changes []*Change
	Drift   []*Drift
	Outputs map[string]OutputValue
	Mode    Mode
	// OutputChanges compares every root output with the state's, by name.
	OutputChanges []OutputChange
	// Lineage and Serial of the state the plan was made against.
	Lineage string
	Serial  uint64
	// Unreachable lists provider configurations (hosts) that failed; when
	// they are the only errors, the plan is complete for every other host
	// and Partial is set: a fleet converges what it can reach.
	Unreachable []string
	Partial     bool
	// HostErrors say why each Unreachable provider configuration failed.
	HostErrors map[string]string
	// Checks are the outcomes of check blocks and of resource
	// conditions, one per instance, as Terraform's JSON plan reports them.
	Checks []CheckResult
	// Timestamp is when planning started (UTC).
	Timestamp time.Time
}

// Mode is what a plan is for, as Terraform's plan modes.
type Mode int

const (
	// NormalMode converges the hosts on the configuration.
	NormalMode Mode = iota
	// DestroyMode deletes every object in state.
	DestroyMode
	// RefreshOnlyMode plans no resource change: applying it records in
	// state what refresh found on the hosts (drift acceptance).
	RefreshOnlyMode
)

// CheckStatus is a condition's outcome, named as Terraform names it.
type CheckStatus string

const (
	CheckPass    CheckStatus = "pass"
	CheckFail    CheckStatus = "fail"
	CheckUnknown CheckStatus = "unknown"
)

// CheckResult is the outcome of one checkable object: a check block, or
// one resource instance with preconditions or postconditions.
type CheckResult struct {
	Kind     string // "check" or "resource", as Terraform's JSON plan
	Module   string // "" or module.NAME
	Name     string // the check's name, or the resource's
	Mode     config.Mode
	Type     string    // resource type, for Kind "resource"
	Instance string    // instance address
	Key      cty.Value // cty.NilVal without count or for_each
	Status   CheckStatus
	Problems []string // error messages of failed conditions
}

// Action is a planned change, named as Terraform names them in JSON plans.
type Action string

const (
	NoOp             Action = "no-op"
	Create           Action = "create"
	Read             Action = "read"
	Update           Action = "update"
	Delete           Action = "delete"
	DeleteThenCreate Action = "delete-create"
	CreateThenDelete Action = "create-delete"
	// Forget drops an object from state and leaves it on the host (a
	// removed block with destroy = false).
	Forget Action = "forget"
)

// IsReplace reports a replacement in either order.
func (a Action) IsReplace() bool { return a == DeleteThenCreate || a == CreateThenDelete }

// Change is the plan for one resource instance.
type Change struct {
	Addr         string // instance address, e.g. spice_file.x[0]
	ResourceAddr string
	Module       string // "" or module.NAME
	Mode         config.Mode
	Type         string
	Name         string
	Key          cty.Value // cty.NilVal without count or for_each
	ProviderKey  string
	Action       Action
	Before       cty.Value
	After        cty.Value
	Sensitive    []cty.Path
	ReplacePaths []cty.Path
	PriorPrivate []byte
	Private      []byte
	Deps         []string
	Schema       *Schema
	// Tainted is set when Before is an object whose create failed: the
	// plan replaces it whatever the configuration says.
	Tainted bool
	// ImportID is set when the plan adopts an existing object (import
	// block): it enters state on apply.
	ImportID string
	// PrevAddr is the address the object had in state before moved
	// blocks moved it; empty when it did not move.
	PrevAddr string
	// ReplaceRequested is set when -replace asked for the replacement.
	ReplaceRequested bool
	// Reason says why an object not in the configuration is deleted or
	// forgotten, as Terraform's JSON action_reason.
	Reason string
	// plannedConfig is the configuration this process planned After
	// from (a saved plan does not carry it): see reusablePlan.
	plannedConfig cty.Value
}

// Drift is an object that changed outside spice, found by refresh.
type Drift struct {
	Addr      string
	Module    string
	Mode      config.Mode
	Type      string
	Name      string
	Key       cty.Value
	Before    cty.Value
	After     cty.Value // null when deleted
	Sensitive []cty.Path
}

// OutputChange is a root output's planned value against the state's.
type OutputChange struct {
	Name   string
	Action Action    // Create, Update, Delete (no longer declared) or NoOp
	Before cty.Value // cty.NilVal when not in state
	After  cty.Value // cty.NilVal when deleted
	// Sensitive when the planned or the stored output is.
	Sensitive bool
}

// OutputsChanged reports whether applying the plan would change the
// root outputs in state.
func (p *Plan) OutputsChanged() bool {
	for _, o := range p.OutputChanges {
		if o.Action != NoOp {
			return true
		}
	}
	return false
}

// OutputValue is a planned or applied output.
type OutputValue struct {
	Value     cty.Value
	Sensitive bool
}

// HasChanges reports whether applying the plan would change anything: a
// refresh-only plan changes the state when objects drifted or outputs
// moved, as Terraform's "applyable".
func (p *Plan) HasChanges() bool {
	if p.Mode == RefreshOnlyMode {
		return len(p.Drift) > 0 || p.OutputsChanged()
	}
	for _, c := range p.Changes {
		if (c.Action != NoOp && c.Action != Read) || c.ImportID != "" || c.PrevAddr != "" {
			return true
		}
	}
	return false
}

// Engine plans and applies one module.
type Engine struct {
	Module      *config.Module
	Vars        map[string]cty.Value
	State       *state.File
	Factory     Factory
	Schemas     *Schemas
	Parallelism int
	Refresh     bool
	// Progress receives per-resource lines ("spice_file.x: Creating..."),
	// from several goroutines at once when operations run in parallel.
	Progress func(string)
	// StillInterval is how often an operation still under way is
	// reported ("Still creating..."); zero means Terraform's 10 seconds.
	StillInterval time.Duration
	// PlanTime is when planning started, the value of plantimestamp();
	// zero means now. A saved plan is made again at its own time.
	PlanTime time.Time
	// Workspace is terraform.workspace; empty means "default".
	Workspace string
	// Targets, when not nil, limits planning and applying to these
	// resource and resource instance addresses (see targets.go).
	Targets map[string]bool
	// TargetAddrs are -target addresses: Plan resolves them, with
	// Terraform's dependency closure, into Targets (see targeting.go).
	TargetAddrs []config.Address
	// ReplaceAddrs are -replace addresses: their objects are replaced
	// even when the configuration did not change.
	ReplaceAddrs []config.Address
	// Providers, when set, reuses configured provider servers across
	// engines (see ProviderCache).
	Providers *ProviderCache
	// Decoded, when set, reuses values decoded from state across engines
	// (see DecodeCache).
	Decoded *DecodeCache
	// Journal, when set, starts the journal in which Apply records each
	// completed instance (state.OpenJournal), given the lineage and serial
	// of the state it extends. Without it Apply saves the whole state
	// after each instance, as it must where no journal can be kept.
	Journal func(lineage string, serial uint64) (*state.Journal, error)

	scope   *scope            // the root module's
	scopes  map[string]*scope // by module path
	nodes   map[string]*node
	mu      sync.Mutex
	servers map[string]tfprotov6.ProviderServer
	// providerConfigs are the decoded provider blocks, by key.
	providerConfigs map[string]cty.Value
	graph           *graph
	// changing holds the resources with planned changes, by address.
	changing map[string]bool
	// checks collects check outcomes while a phase walks the graph.
	checks []CheckResult
	// targetedResources and targetedProviders are derived from Targets.
	targetedResources map[string]bool
	targetedProviders map[string]bool
	// referenced holds the nodes some expression or depends_on refers to,
	// in a targeted plan.
	referenced map[string]bool
	// removed are the removed blocks, with absolute addresses.
	removed []config.Removed
	// needed, in a plan with -target, are the nodes it evaluates (see
	// markNeeded); nil evaluates every node.
	needed map[string]bool
	// rollout, during spice apply -rollout, is the step Apply applies
	// (rollout.go); nil applies everything.
	rollout *rolloutStep
	// validated holds the provider's answers to configurations it already
	// validated (see validateResource).
	validated validationCache
}

func (e *Engine) recordCheck(r CheckResult) {
	e.mu.Lock()
	e.checks = append(e.checks, r)
	e.mu.Unlock()
}

// nodeKind is what a graph node stands for, and so how a phase evaluates it.
type nodeKind int

const (
	kindLocal nodeKind = iota
	kindProvider
	kindCall // a module call: sets the child module's variables
	kindOutput
	kindCheck
	kindResource
)

// node is what one graph node evaluates.
type node struct {
	kind  nodeKind
	sc    *scope // the module the node belongs to
	name  string
	res   *config.Resource
	call  *config.ModuleCall
	check *config.Check
}

// priorInstance is one refreshed instance from state.
type priorInstance struct {
	key     cty.Value
	value   cty.Value
	private []byte
	deps    []string
	tainted bool
}
