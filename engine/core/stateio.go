package core

import (
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/spice-harvester/terraform-provider-spice/engine/config"
	"github.com/spice-harvester/terraform-provider-spice/engine/state"
)

// instanceAddr adds the module path and the instance key: [0] or ["key"].
func instanceAddr(module string, mode config.Mode, typ, name string, key cty.Value) string {
	addr := mode.LocalAddress(typ, name) + keyString(key)
	if module != "" {
		addr = module + "." + addr
	}
	return addr
}

func keyString(key cty.Value) string {
	switch {
	case key == cty.NilVal:
		return ""
	case key.Type() == cty.Number:
		// A count index is a small integer: formatting it as one is much
		// cheaper than the shortest-decimal Text, and prints the same.
		f := key.AsBigFloat()
		if i, acc := f.Int64(); acc == big.Exact {
			return "[" + strconv.FormatInt(i, 10) + "]"
		}
		return "[" + f.Text('f', -1) + "]"
	default:
		return "[" + strconv.Quote(key.AsString()) + "]"
	}
}

func keyLess(a, b cty.Value) bool {
	if a == cty.NilVal || b == cty.NilVal {
		return b != cty.NilVal
	}
	if a.Type() == cty.Number && b.Type() == cty.Number {
		return a.LessThan(b).True()
	}
	return keyString(a) < keyString(b)
}

// keyValue reads an index_key from state JSON.
func keyValue(k any) cty.Value {
	switch v := k.(type) {
	case nil:
		return cty.NilVal
	case float64:
		return cty.NumberFloatVal(v)
	case int64: // as keyJSON records it, in a state kept in memory
		return cty.NumberIntVal(v)
	case json.Number:
		f, _ := new(big.Float).SetString(string(v))
		return cty.NumberVal(f)
	case string:
		return cty.StringVal(v)
	}
	return cty.StringVal(fmt.Sprint(k))
}

func keyJSON(key cty.Value) any {
	switch {
	case key == cty.NilVal:
		return nil
	case key.Type() == cty.Number:
		i, _ := key.AsBigFloat().Int64()
		return i
	default:
		return key.AsString()
	}
}

// ctyPath converts a provider attribute path.
func ctyPath(p *tftypes.AttributePath) cty.Path {
	var out cty.Path
	for _, step := range p.Steps() {
		switch s := step.(type) {
		case tftypes.AttributeName:
			out = out.GetAttr(string(s))
		case tftypes.ElementKeyString:
			out = out.Index(cty.StringVal(string(s)))
		case tftypes.ElementKeyInt:
			out = out.Index(cty.NumberIntVal(int64(s)))
		}
	}
	return out
}

// pathStep is one step of a path in state's sensitive_attributes.
type pathStep struct {
	Type  string          `json:"type"`
	Value json.RawMessage `json:"value"`
}

func marshalPaths(paths []cty.Path) json.RawMessage {
	out := make([][]pathStep, 0, len(paths))
	for _, p := range paths {
		steps := make([]pathStep, 0, len(p))
		for _, step := range p {
			switch s := step.(type) {
			case cty.GetAttrStep:
				name, _ := json.Marshal(s.Name)
				steps = append(steps, pathStep{Type: "get_attr", Value: name})
			case cty.IndexStep:
				key, err := ctyjson.Marshal(s.Key, cty.DynamicPseudoType)
				if err != nil {
					continue
				}
				steps = append(steps, pathStep{Type: "index", Value: key})
			}
		}
		out = append(out, steps)
	}
	b, _ := json.Marshal(out)
	return b
}

// SensitivePaths reads sensitive_attributes, adding the schema's own paths.
func SensitivePaths(schema *Schema, raw json.RawMessage) []cty.Path { return statePaths(schema, raw) }

// statePaths reads sensitive_attributes, adding the schema's own paths.
func statePaths(schema *Schema, raw json.RawMessage) []cty.Path {
	var steps [][]pathStep
	_ = json.Unmarshal(raw, &steps)
	var marks []cty.PathValueMarks
	for _, ps := range steps {
		var p cty.Path
		for _, s := range ps {
			switch s.Type {
			case "get_attr":
				var name string
				_ = json.Unmarshal(s.Value, &name)
				p = p.GetAttr(name)
			case "index":
				key, err := ctyjson.Unmarshal(s.Value, cty.DynamicPseudoType)
				if err == nil {
					p = p.Index(key)
				}
			}
		}
		marks = append(marks, cty.PathValueMarks{Path: p})
	}
	return unionPaths(schema.Sensitive, marks)
}

// stateWriter applies instance results to the state file and records
// them: in a journal when the engine has one (O(1) per instance; the whole
// state is saved once, at the end), else by saving the whole state.
type stateWriter struct {
	mu     sync.Mutex
	file   *state.File
	index  *state.Index // nil until needed and after a save sorted file
	save   func(*state.File) error
	source string // spice's source address in state (see config.Module)

	// openJournal starts the journal (Engine.Journal); nil: no journal.
	openJournal func(lineage string, serial uint64) (*state.Journal, error)
	journal     *state.Journal // open until the state is saved whole
	written     uint64         // the journal's last entry
	journalErr  error          // the first failure to write the journal
	// changes counts set and remove calls; saved is changes at the last
	// whole save, so that saves concurrent callers asked for coalesce.
	changes, saved uint64
}

// set records the object v as the instance of c.
func (w *stateWriter) set(c *Change, v cty.Value, private []byte, sensitive []cty.Path) {
	w.write(c, v, private, sensitive, "")
}

// setTainted records the object v, whose create failed, as the instance
// of c, tainted: the next plan replaces it.
func (w *stateWriter) setTainted(c *Change, v cty.Value, private []byte, sensitive []cty.Path) {
	w.write(c, v, private, sensitive, state.StatusTainted)
}

func (w *stateWriter) write(c *Change, v cty.Value, private []byte, sensitive []cty.Path, status string) {
	attrs, err := ctyjson.Marshal(v, c.Schema.Type)
	if err != nil {
		return
	}
	inst := state.Instance{
		IndexKey: keyJSON(c.Key), Status: status, SchemaVersion: c.Schema.Proto.Version, Attributes: attrs,
		SensitiveAttributes: marshalPaths(statePathsOf(c.Schema, v, sensitive)), Private: private, Dependencies: dependencyList(c.Deps),
	}
	r := state.Resource{Module: c.Module, Mode: c.Mode.String(), Type: c.Type, Name: c.Name, Provider: providerAddress(w.source, c.ProviderKey)}
	if c.Key != cty.NilVal && c.Key.Type() == cty.String {
		r.Each = "map"
	} else if c.Key != cty.NilVal {
		r.Each = "list"
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.indexed().Set(r, inst)
	w.record(state.JournalEntry{Op: state.JournalSet, Module: r.Module, Mode: r.Mode, Type: r.Type, Name: r.Name,
		Each: r.Each, Provider: r.Provider, Instance: &inst})
}

// indexed is the index of w.file; the caller holds w.mu.
func (w *stateWriter) indexed() *state.Index {
	if w.index == nil {
		w.index = state.NewIndex(w.file)
	}
	return w.index
}

// record counts a change and appends it to the journal, not yet synced
// (see commit); the caller holds w.mu.
func (w *stateWriter) record(e state.JournalEntry) {
	w.changes++
	if w.openJournal == nil || w.journalErr != nil {
		return
	}
	if w.journal == nil {
		if w.journal, w.journalErr = w.openJournal(w.file.Lineage, w.file.Serial); w.journalErr != nil {
			return
		}
	}
	w.written, w.journalErr = w.journal.Write(e)
}

// dependencyList keeps the graph dependencies that are resources, the
// ones state records.
func dependencyList(deps []string) []string {
	var out []string
	for _, d := range deps {
		rest := d
		for strings.HasPrefix(rest, "module.") {
			parts := strings.SplitN(rest, ".", 3)
			if len(parts) < 3 {
				rest = ""
				break
			}
			rest = parts[2]
		}
		if strings.HasPrefix(rest, "spice_") || strings.HasPrefix(rest, "data.spice_") {
			out = append(out, d)
		}
	}
	sort.Strings(out)
	return out
}

func (w *stateWriter) remove(c *Change) {
	r := state.Resource{Module: c.Module, Mode: c.Mode.String(), Type: c.Type, Name: c.Name}
	key := keyJSON(c.Key)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.indexed().Remove(r, key)
	w.record(state.JournalEntry{Op: state.JournalRemove, Module: r.Module, Mode: r.Mode, Type: r.Type, Name: r.Name, IndexKey: key})
}

// commit makes the changes recorded so far durable before the apply goes
// on, so that an interrupted apply leaves a state recording what
// completed: the journal synced (one fsync shared by the instances that
// completed meanwhile), or without a journal the whole state saved
// (unless a save since covered them).
func (w *stateWriter) commit() hcl.Diagnostics {
	w.mu.Lock()
	if w.openJournal == nil {
		defer w.mu.Unlock()
		if w.saved == w.changes {
			return nil
		}
		return w.saveLocked()
	}
	j, seq, err := w.journal, w.written, w.journalErr
	w.mu.Unlock()
	if err == nil && j != nil {
		err = j.SyncTo(seq)
	}
	if err != nil {
		return hcl.Diagnostics{sourceless("Cannot save state", err.Error())}
	}
	return nil
}

// flush saves the whole state now, and drops the journal it then holds.
func (w *stateWriter) flush() hcl.Diagnostics {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.saveLocked()
}

// pending reports whether changes are recorded in the journal only.
func (w *stateWriter) pending() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.journal != nil || w.journalErr != nil
}

func (w *stateWriter) saveLocked() hcl.Diagnostics {
	changes := w.changes
	err := w.save(w.file)
	w.index = nil // saving sorts the resources
	if err != nil {
		return hcl.Diagnostics{sourceless("Cannot save state", err.Error())}
	}
	w.saved = changes
	if w.journal != nil {
		err, w.journal = w.journal.Remove(), nil
		if err != nil {
			return hcl.Diagnostics{sourceless("Cannot remove the state journal", err.Error())}
		}
	}
	w.journalErr = nil
	return nil
}

func stateOutput(o OutputValue) (state.Output, error) {
	v := o.Value
	if !v.IsWhollyKnown() {
		return state.Output{}, fmt.Errorf("value is not known after apply")
	}
	v = positiveZeros(v)
	val, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		return state.Output{}, err
	}
	ty, err := ctyjson.MarshalType(v.Type())
	if err != nil {
		return state.Output{}, err
	}
	return state.Output{Value: val, Type: ty, Sensitive: o.Sensitive}, nil
}

// positiveZeros writes every negative zero in v as 0, as Terraform's state
// has it: go-cty keeps the sign of a zero that Terraform's older go-cty
// dropped ("${-0}", 2 * -0, jsondecode("-0")).
func positiveZeros(v cty.Value) cty.Value {
	out, _ := cty.Transform(v, func(_ cty.Path, n cty.Value) (cty.Value, error) {
		if n.Type() == cty.Number && n.IsKnown() && !n.IsNull() && n.AsBigFloat().Sign() == 0 {
			return cty.Zero, nil
		}
		return n, nil
	})
	return out
}

// outputChanges compares the root outputs of a plan with those in state:
// created, updated, unchanged, or deleted when no longer declared; by
// name. A change of sensitivity is an update, as Terraform has it.
func outputChanges(planned map[string]OutputValue, stored map[string]state.Output) []OutputChange {
	var out []OutputChange
	for name, o := range planned {
		before, storedSensitive, ok := storedOutput(stored, name)
		c := OutputChange{Name: name, Action: Create, Before: before, After: o.Value, Sensitive: o.Sensitive || storedSensitive}
		if ok {
			c.Action = Update
			if eq := before.Equals(o.Value); eq.IsKnown() && eq.True() && storedSensitive == o.Sensitive {
				c.Action = NoOp
			}
		}
		out = append(out, c)
	}
	for name := range stored {
		if _, ok := planned[name]; !ok {
			before, sensitive, _ := storedOutput(stored, name)
			out = append(out, OutputChange{Name: name, Action: Delete, Before: before, Sensitive: sensitive})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// storedOutput is an output's value in state; cty.NilVal and false when
// absent or unreadable.
func storedOutput(stored map[string]state.Output, name string) (cty.Value, bool, bool) {
	o, ok := stored[name]
	if !ok {
		return cty.NilVal, false, false
	}
	ty, err := ctyjson.UnmarshalType(o.Type)
	if err != nil {
		return cty.NilVal, o.Sensitive, false
	}
	v, err := ctyjson.Unmarshal(o.Value, ty)
	if err != nil {
		return cty.NilVal, o.Sensitive, false
	}
	return v, o.Sensitive, true
}
