package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/core"
	"github.com/spice-harvester/terraform-provider-spice/engine/state"
)

// planFile is what "spice plan -out" saves: enough to re-create exactly
// the same plan and to refuse it when anything moved. It holds variable
// values, so it is written 0600 like the state.
type planFile struct {
	Format     string            `json:"spice_plan_format"`
	Lineage    string            `json:"lineage"`
	Serial     uint64            `json:"serial"`
	ConfigHash string            `json:"config_sha256"`
	Destroy    bool              `json:"destroy"`
	Variables  map[string]string `json:"variables"` // HCL literal per variable
	Actions    map[string]string `json:"actions"`
}

func writePlanFile(path, dir string, p *core.Plan, vars map[string]cty.Value) error {
	hash, err := configHash(dir)
	if err != nil {
		return err
	}
	pf := planFile{Format: "1", Lineage: p.Lineage, Serial: p.Serial, ConfigHash: hash, Destroy: p.Destroy,
		Variables: map[string]string{}, Actions: map[string]string{}}
	for name, v := range vars {
		v, _ = v.UnmarkDeep()
		b, err := ctyjson.Marshal(v, v.Type())
		if err != nil {
			return fmt.Errorf("save plan: variable %s: %w", name, err)
		}
		pf.Variables[name] = string(b) // JSON is valid HCL expression syntax
	}
	for _, c := range p.Changes {
		pf.Actions[c.Addr] = string(c.Action)
	}
	b, err := json.MarshalIndent(pf, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}

func readPlanFile(path string) (*planFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	var pf planFile
	if err := json.Unmarshal(b, &pf); err != nil || pf.Format != "1" {
		return nil, fmt.Errorf("%s is not a spice plan file", path)
	}
	return &pf, nil
}

// varFlags replays the saved variable values.
func (pf *planFile) varFlags() varFlags {
	args := []config.VarArg{}
	names := make([]string, 0, len(pf.Variables))
	for n := range pf.Variables {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		args = append(args, config.VarArg{Expr: true, Value: n + "=" + pf.Variables[n]})
	}
	return varFlags{args: &args}
}

// check refuses a plan made against another state or configuration.
func (pf *planFile) check(dir string, st *state.File) error {
	if st.Lineage != pf.Lineage || st.Serial != pf.Serial {
		return fmt.Errorf("saved plan is stale: the state changed since the plan was made (serial %d, now %d); run spice plan again", pf.Serial, st.Serial)
	}
	hash, err := configHash(dir)
	if err != nil {
		return err
	}
	if hash != pf.ConfigHash {
		return fmt.Errorf("saved plan is stale: the configuration changed since the plan was made; run spice plan again")
	}
	return nil
}

// matches refuses to apply when planning again gives other actions: the
// hosts moved since the plan was made.
func (pf *planFile) matches(p *core.Plan) error {
	got := map[string]string{}
	for _, c := range p.Changes {
		got[c.Addr] = string(c.Action)
	}
	for addr, want := range pf.Actions {
		if got[addr] != want {
			return fmt.Errorf("saved plan is stale: %s was planned as %s, but is now %s; run spice plan again", addr, want, orNone(got[addr]))
		}
	}
	for addr := range got {
		if _, ok := pf.Actions[addr]; !ok {
			return fmt.Errorf("saved plan is stale: %s is new since the plan was made; run spice plan again", addr)
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

func configHash(dir string) (string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		return "", err
	}
	sort.Strings(files)
	h := sha256.New()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.Base(f), len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
