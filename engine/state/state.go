// Package state reads and writes Terraform state format version 4, the
// file Terraform's local backend keeps, so that spice and Terraform can take
// turns on the same directory.
package state

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
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
	IndexKey            any             `json:"index_key,omitempty"`
	SchemaVersion       int64           `json:"schema_version"`
	Attributes          json.RawMessage `json:"attributes"`
	SensitiveAttributes json.RawMessage `json:"sensitive_attributes"`
	Private             []byte          `json:"private,omitempty"`
	Dependencies        []string        `json:"dependencies,omitempty"`
	CreateBeforeDestroy bool            `json:"create_before_destroy,omitempty"`
}

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
func Read(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return New(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("read state: %w", err)
	}
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

// Write replaces path atomically with f, mode 0600: a temporary file is
// written and synced, the previous state is kept as PATH.backup, and the
// rename makes the new one visible. The serial goes up by one.
func Write(path string, f *File) error {
	if f.Lineage == "" {
		f.Lineage = newLineage()
	}
	f.Serial++
	sort.SliceStable(f.Resources, func(i, j int) bool { return resourceKey(f.Resources[i]) < resourceKey(f.Resources[j]) })
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	b = append(b, '\n')
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // no-op after the rename
	if err := tmp.Chmod(0o600); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("write state: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("write state: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("write state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	if _, err := os.Stat(path); err == nil {
		if err := copyFile(path, path+".backup"); err != nil {
			return fmt.Errorf("write state backup: %w", err)
		}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	tmp := to + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, to)
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
