package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/core"
	"github.com/spice-harvester/terraform-provider-spice/engine/state"
	"github.com/spice-harvester/terraform-provider-spice/internal/atomicfile"
)

// planFormat is the version of the plan file layout; a file of another
// version is refused.
const planFormat = "2"

// planFile is what "spice plan -out" saves: enough to make the same plan
// again and to refuse it when anything moved. It holds variable values in
// clear (they are needed to plan again), so it is written like the state:
// atomically, mode 0600. Planned values are kept as digests only.
type planFile struct {
	Format     string `json:"spice_plan_format"`
	Lineage    string `json:"lineage"`
	Serial     uint64 `json:"serial"`
	ConfigHash string `json:"config_sha256"`
	Destroy    bool   `json:"destroy"`
	// RefreshOnly marks a plan -refresh-only: applied, it records the
	// refreshed state and changes no host.
	RefreshOnly bool `json:"refresh_only,omitempty"`
	Refresh     bool `json:"refresh"`
	// Targets and Replace are the plan's -target and -replace addresses.
	Targets []string `json:"targets,omitempty"`
	Replace []string `json:"replace,omitempty"`
	// Variables are typed JSON values (ctyjson with the dynamic type:
	// {"value": ..., "type": ...}), read back as values, never parsed as
	// expressions.
	Variables map[string]json.RawMessage `json:"variables"`
	Changes   map[string]plannedChange   `json:"changes"`
	// PlannedAt is when planning started: plantimestamp() is this again
	// when the plan is made again to apply it.
	PlannedAt time.Time `json:"planned_at"`
}

// plannedChange is one instance's planned action and, for a change that
// touches a host, a digest of its planned values.
type plannedChange struct {
	Action string `json:"action"`
	Values string `json:"values_sha256,omitempty"`
}

func writePlanFile(path string, mod *config.Module, p *core.Plan, vars map[string]cty.Value, refresh bool, targets, replace []config.Address) error {
	hash, err := configHash(mod)
	if err != nil {
		return err
	}
	pf := planFile{Format: planFormat, Lineage: p.Lineage, Serial: p.Serial, ConfigHash: hash, Destroy: p.Mode == core.DestroyMode,
		RefreshOnly: p.Mode == core.RefreshOnlyMode, Refresh: refresh, PlannedAt: p.Timestamp,
		Variables: map[string]json.RawMessage{}, Changes: map[string]plannedChange{}}
	for _, a := range targets {
		pf.Targets = append(pf.Targets, a.String())
	}
	for _, a := range replace {
		pf.Replace = append(pf.Replace, a.String())
	}
	for name, v := range vars {
		v, _ = v.UnmarkDeep()
		b, err := ctyjson.Marshal(v, cty.DynamicPseudoType)
		if err != nil {
			return fmt.Errorf("save plan: variable %s: %w", name, err)
		}
		pf.Variables[name] = b
	}
	for _, c := range p.Changes {
		pc, err := planned(c)
		if err != nil {
			return fmt.Errorf("save plan: %w", err)
		}
		pf.Changes[c.Addr] = pc
	}
	b, err := json.MarshalIndent(pf, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(path, b, atomicfile.Private); err != nil {
		return fmt.Errorf("save plan: %w", err)
	}
	return nil
}

func readPlanFile(path string) (*planFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	var pf planFile
	if err := json.Unmarshal(b, &pf); err != nil || pf.Format == "" {
		return nil, fmt.Errorf("%s is not a spice plan file", path)
	}
	if pf.Format != planFormat {
		return nil, fmt.Errorf("%s was saved by another version of spice (plan format %s, this one reads %s); run spice plan again", path, pf.Format, planFormat)
	}
	return &pf, nil
}

// use makes m plan as the saved plan was made: with its variable values,
// its refresh mode and at its time.
func (pf *planFile) use(m *meta) error {
	vars := map[string]cty.Value{}
	for name, raw := range pf.Variables {
		v, err := ctyjson.Unmarshal(raw, cty.DynamicPseudoType)
		if err != nil {
			return fmt.Errorf("read plan: variable %s: %w", name, err)
		}
		vars[name] = v
	}
	m.saved, m.refresh, m.plannedAt = vars, pf.Refresh, pf.PlannedAt
	m.targets, m.replace = nil, nil
	for _, list := range []struct {
		saved []string
		into  *[]config.Address
	}{{pf.Targets, &m.targets}, {pf.Replace, &m.replace}} {
		for _, s := range list.saved {
			if err := addressFlag(list.into)(s); err != nil {
				return fmt.Errorf("read plan: %w", err)
			}
		}
	}
	return nil
}

// mode is the plan mode the plan was made in.
func (pf *planFile) mode() core.Mode {
	switch {
	case pf.Destroy:
		return core.DestroyMode
	case pf.RefreshOnly:
		return core.RefreshOnlyMode
	}
	return core.NormalMode
}

// check refuses a plan made against another state or configuration.
func (pf *planFile) check(mod *config.Module, st *state.File) error {
	if st.Lineage != pf.Lineage || st.Serial != pf.Serial {
		return fmt.Errorf("saved plan is stale: the state changed since the plan was made (serial %d, now %d); run spice plan again", pf.Serial, st.Serial)
	}
	hash, err := configHash(mod)
	if err != nil {
		return err
	}
	if hash != pf.ConfigHash {
		return fmt.Errorf("saved plan is stale: the configuration changed since the plan was made; run spice plan again")
	}
	return nil
}

// matches refuses to apply when planning again gives other actions or
// other planned values: a file read by file() was edited, the hosts moved.
func (pf *planFile) matches(p *core.Plan) error {
	got := map[string]plannedChange{}
	for _, c := range p.Changes {
		pc, err := planned(c)
		if err != nil {
			return err
		}
		got[c.Addr] = pc
	}
	addrs := make([]string, 0, len(pf.Changes))
	for addr := range pf.Changes {
		addrs = append(addrs, addr)
	}
	sort.Strings(addrs)
	for _, addr := range addrs {
		want, now := pf.Changes[addr], got[addr]
		switch {
		case now.Action != want.Action:
			return fmt.Errorf("saved plan is stale: %s was planned as %s, but is now %s; run spice plan again", addr, want.Action, orNone(now.Action))
		case now.Values != want.Values:
			return fmt.Errorf("saved plan is stale: the planned values of %s changed since the plan was made; run spice plan again", addr)
		}
	}
	for _, c := range p.Changes {
		if _, ok := pf.Changes[c.Addr]; !ok {
			return fmt.Errorf("saved plan is stale: %s is new since the plan was made; run spice plan again", c.Addr)
		}
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "gone"
	}
	return s
}

// planned is what a saved plan keeps of a change. The digest covers the
// values before and after (unknown values encoded as unknown) of every
// managed instance that changes. A no-op changes nothing on a host, and a
// data source's values matter only through the changes that use them:
// digesting those would refuse every plan reading values that move by
// the second (free disk space, an HTTP check's latency).
func planned(c *core.Change) (plannedChange, error) {
	pc := plannedChange{Action: string(c.Action)}
	if c.Action == core.NoOp || c.Mode != config.Managed {
		return pc, nil
	}
	ty := cty.DynamicPseudoType
	if c.Schema != nil {
		ty = c.Schema.Type
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", c.Action, c.ImportID)
	for _, v := range []cty.Value{c.Before, c.After} {
		if err := digestValue(h, v, ty); err != nil {
			return pc, fmt.Errorf("%s: %w", c.Addr, err)
		}
	}
	pc.Values = hex.EncodeToString(h.Sum(nil))
	return pc, nil
}

// digestValue writes v in cty's msgpack encoding, which is canonical
// (object attributes and map keys in order) and keeps unknown values.
func digestValue(h hash.Hash, v cty.Value, ty cty.Type) error {
	if v == cty.NilVal {
		v = cty.NullVal(ty)
	}
	v, _ = v.UnmarkDeep()
	b, err := ctymsgpack.Marshal(v, ty)
	if err != nil {
		return err
	}
	fmt.Fprintf(h, "%d\x00", len(b))
	h.Write(b)
	return nil
}

// configHash digests the configuration files of the root module and of
// every module it calls.
func configHash(mod *config.Module) (string, error) {
	h := sha256.New()
	if err := hashModule(h, mod); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func hashModule(h hash.Hash, mod *config.Module) error {
	files, err := filepath.Glob(filepath.Join(mod.Dir, "*.tf"))
	if err != nil {
		return err
	}
	sort.Strings(files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%s\x00%d\x00", mod.Path, filepath.Base(f), len(b))
		h.Write(b)
	}
	names := make([]string, 0, len(mod.Calls))
	for n := range mod.Calls {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if child := mod.Calls[n].Module; child != nil {
			if err := hashModule(h, child); err != nil {
				return err
			}
		}
	}
	return nil
}
