// Package state reads and writes Terraform state format version 4, the
// file Terraform's local backend keeps, so that spice and Terraform can take
// turns on the same directory.
package state

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"

	"github.com/spice-harvester/terraform-provider-spice/internal/osfile"
)

// DefaultPath is where the local backend keeps state.
const DefaultPath = "terraform.tfstate"

// writtenVersion is the terraform_version spice stamps on state it creates.
// Terraform refuses state from a newer version, so it is the oldest release
// spice supports; state that Terraform wrote keeps Terraform's stamp.
const writtenVersion = "1.5.0"

// File is a state snapshot.
type File struct {
	Version          int               `json:"version"`
	TerraformVersion string            `json:"terraform_version"`
	Serial           uint64            `json:"serial"`
	Lineage          string            `json:"lineage"`
	Outputs          map[string]Output `json:"outputs"`
	Resources        []Resource        `json:"resources"`
	CheckResults     json.RawMessage   `json:"check_results"`
}

// Output is a root module output value.
type Output struct {
	Value     json.RawMessage `json:"value"`
	Type      json.RawMessage `json:"type"`
	Sensitive bool            `json:"sensitive,omitempty"`
}

// Resource is one resource block with its instances.
type Resource struct {
	Module    string     `json:"module,omitempty"`
	Mode      string     `json:"mode"`
	Type      string     `json:"type"`
	Name      string     `json:"name"`
	Each      string     `json:"each,omitempty"`
	Provider  string     `json:"provider"`
	Instances []Instance `json:"instances"`
}

// Instance is one instance of a resource (one per count index or each key).
type Instance struct {
	IndexKey any `json:"index_key,omitempty"`
	// Status is StatusTainted for an object whose create failed: it
	// exists, but the next plan replaces it.
	Status              string          `json:"status,omitempty"`
	SchemaVersion       int64           `json:"schema_version"`
	Attributes          json.RawMessage `json:"attributes"`
	SensitiveAttributes json.RawMessage `json:"sensitive_attributes"`
	Private             []byte          `json:"private,omitempty"`
	Dependencies        []string        `json:"dependencies,omitempty"`
	CreateBeforeDestroy bool            `json:"create_before_destroy,omitempty"`
}

// StatusTainted marks an instance the next plan must replace, as
// Terraform marks it.
const StatusTainted = "tainted"

// Tainted reports whether the next plan must replace the instance.
func (i Instance) Tainted() bool { return i.Status == StatusTainted }

// New returns an empty snapshot. Its lineage is assigned when it is first
// written, so plans against "no state yet" compare equal.
func New() *File {
	return &File{Version: 4, TerraformVersion: writtenVersion, Outputs: map[string]Output{}, CheckResults: json.RawMessage("null")}
}

func newLineage() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Read loads path; a missing file is a new, empty state.
func Read(path string) (*File, error) { return ReadFrom(context.Background(), LocalStore(path)) }

// ReadFrom loads the state a store keeps; none is a new, empty state. A
// journal an interrupted apply left beside it is folded in (in memory:
// Recover saves it).
func ReadFrom(ctx context.Context, s Store) (*File, error) {
	f, _, _, err := readFolded(ctx, s)
	return f, err
}

// readFolded is ReadFrom, reporting whether a journal exists and how many
// of its entries it applied.
func readFolded(ctx context.Context, s Store) (f *File, journal bool, applied int, err error) {
	b, err := s.Get(ctx)
	if err != nil {
		return nil, false, 0, fmt.Errorf("read state %s: %w", s, err)
	}
	f = New()
	if b != nil {
		if f, err = decode(s.String(), b); err != nil {
			return nil, false, 0, err
		}
	}
	journal, applied, err = foldJournal(s, f)
	return f, journal, applied, err
}

func decode(path string, b []byte) (*File, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return New(), nil
	}
	var f File
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("read state %s: %w", path, err)
	}
	if f.Version != 4 {
		return nil, fmt.Errorf("read state %s: format version %d, spice reads version 4", path, f.Version)
	}
	if f.Outputs == nil {
		f.Outputs = map[string]Output{}
	}
	if f.CheckResults == nil {
		f.CheckResults = json.RawMessage("null")
	}
	return &f, nil
}

// readRegular reads a state file, which must be a regular file: a symbolic
// link is refused rather than followed (Write would replace it with a file,
// leaving its target stale), and so is anything that could block a read.
func readRegular(path string) ([]byte, error) {
	f, err := osfile.OpenNoFollow(path, os.O_RDONLY|osfile.NonBlock, 0)
	if errors.Is(err, osfile.ErrSymlink) {
		return nil, fmt.Errorf("%s is a symbolic link: spice keeps state in a regular file only; name the file itself with -state", path)
	}
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	// Sized once, as os.ReadFile sizes it: io.ReadAll's doublings cost a
	// converged plan more than reading the state does.
	buf := bytes.NewBuffer(make([]byte, 0, info.Size()+bytes.MinRead))
	_, err = buf.ReadFrom(f)
	return buf.Bytes(), err
}

// Write replaces path with f, one serial higher, atomically and privately
// (atomicfile.Write: mode 0600, never through a symbolic link); the state
// it replaces is kept as PATH.backup the same way.
func Write(path string, f *File) error { return WriteTo(context.Background(), LocalStore(path), f) }

// WriteTo replaces the state a store keeps with f, one serial higher.
//
// The caller holds the state lock and read the state after taking it, so
// the stored state is the one f was read from or an earlier write of f.
// When it is not (another lineage, a higher serial: someone wrote without
// the lock), WriteTo refuses: it would lose their change, and a write
// never lowers the serial.
func WriteTo(ctx context.Context, s Store, f *File) error {
	current, err := s.Get(ctx)
	if err != nil {
		return fmt.Errorf("write state %s: %w", s, err)
	}
	if err := f.follows(s.String(), current); err != nil {
		return err
	}
	lineage, serial := f.Lineage, f.Serial
	if f.Lineage == "" {
		f.Lineage = newLineage()
	}
	f.Serial++
	b, err := f.Encode()
	if err != nil {
		f.Lineage, f.Serial = lineage, serial
		return err
	}
	if err := s.Put(ctx, b, current); err != nil {
		f.Lineage, f.Serial = lineage, serial
		return fmt.Errorf("write state %s: %w", s, err)
	}
	return nil
}

// Encode is f as stored: indented JSON, resources in a stable order.
func (f *File) Encode() ([]byte, error) {
	sort.SliceStable(f.Resources, func(i, j int) bool { return resourceKey(f.Resources[i]) < resourceKey(f.Resources[j]) })
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode state: %w", err)
	}
	return append(b, '\n'), nil
}

// Decode parses a state read from elsewhere (state push, a migration);
// name says where it came from in messages.
func Decode(name string, b []byte) (*File, error) { return decode(name, b) }

// follows checks that f may replace the state on disk (current, empty
// when there is none).
func (f *File) follows(path string, current []byte) error {
	if len(bytes.TrimSpace(current)) == 0 {
		return nil
	}
	disk, err := stamp(current)
	if err != nil {
		return fmt.Errorf("write state: %s changed since it was read and is no longer valid state: %w; not overwriting it", path, err)
	}
	switch {
	case disk.Lineage != f.Lineage:
		return fmt.Errorf("write state: %s was replaced since it was read (lineage %q, expected %q); not overwriting it", path, disk.Lineage, f.Lineage)
	case disk.Serial > f.Serial:
		return fmt.Errorf("write state: %s has serial %d, newer than the %d this state was read at: another process wrote it; not overwriting it", path, disk.Serial, f.Serial)
	}
	return nil
}

// stamp reads a state's lineage and serial. Both come before the
// resources (spice and Terraform write them first), so the decoder stops
// there instead of parsing the whole state on every save.
func stamp(b []byte) (File, error) {
	var out File
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return out, errors.New("not a JSON object")
	}
	seen := 0
	for seen < 2 && dec.More() {
		t, err := dec.Token()
		if err != nil {
			return out, err
		}
		var target any = new(json.RawMessage)
		switch t {
		case "lineage":
			target, seen = &out.Lineage, seen+1
		case "serial":
			target, seen = &out.Serial, seen+1
		}
		if err := dec.Decode(target); err != nil {
			return out, err
		}
	}
	return out, nil
}

func resourceKey(r Resource) string { return r.Module + "|" + r.Mode + "|" + r.Type + "|" + r.Name }

// FindIn returns the resource of module ("" for the root) with that mode,
// type and name, or nil.
func (f *File) FindIn(module, mode, typ, name string) *Resource {
	for i := range f.Resources {
		r := &f.Resources[i]
		if r.Module == module && r.Mode == mode && r.Type == typ && r.Name == name {
			return r
		}
	}
	return nil
}

// RemoveIn drops a resource entirely.
func (f *File) RemoveIn(module, mode, typ, name string) {
	out := f.Resources[:0]
	for _, r := range f.Resources {
		if r.Module == module && r.Mode == mode && r.Type == typ && r.Name == name {
			continue
		}
		out = append(out, r)
	}
	f.Resources = out
}

func sortStrings(s []string) { sort.Strings(s) }

// Push replaces the stored state with f as given (its lineage, its serial
// or, when that is not above the stored one and force is not set, one
// higher so that readers see the change). Like terraform state push it refuses another lineage or
// an older serial unless force. The caller holds the lock.
func Push(ctx context.Context, s Store, f *File, force bool) error {
	current, err := s.Get(ctx)
	if err != nil {
		return fmt.Errorf("push state to %s: %w", s, err)
	}
	if len(bytes.TrimSpace(current)) > 0 {
		disk, err := stamp(current)
		if err != nil && !force {
			return fmt.Errorf("push state to %s: the stored state is not valid (%w); use -force to replace it", s, err)
		}
		switch {
		case force:
		case f.Lineage != "" && disk.Lineage != "" && disk.Lineage != f.Lineage:
			return fmt.Errorf("push state to %s: cannot replace lineage %q with lineage %q; use -force to replace it anyway", s, disk.Lineage, f.Lineage)
		case f.Serial < disk.Serial:
			return fmt.Errorf("push state to %s: the stored serial %d is newer than the pushed %d; use -force to replace it anyway", s, disk.Serial, f.Serial)
		}
		if f.Serial <= disk.Serial && !force {
			f.Serial = disk.Serial + 1
		}
	}
	if f.Lineage == "" {
		f.Lineage = newLineage()
	}
	b, err := f.Encode()
	if err != nil {
		return err
	}
	if err := s.Put(ctx, b, current); err != nil {
		return fmt.Errorf("push state to %s: %w", s, err)
	}
	return nil
}
