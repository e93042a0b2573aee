package state

import (
	"fmt"
	"strconv"
	"strings"
)

// InstanceAddress renders an instance's address as Terraform does.
func InstanceAddress(r Resource, inst Instance) string {
	addr := r.Type + "." + r.Name
	if r.Mode == "data" {
		addr = "data." + addr
	}
	if r.Module != "" {
		addr = r.Module + "." + addr
	}
	switch k := inst.IndexKey.(type) {
	case nil:
	case string:
		addr += "[" + strconv.Quote(k) + "]"
	case float64:
		addr += fmt.Sprintf("[%d]", int64(k))
	default:
		addr += fmt.Sprintf("[%v]", k)
	}
	return addr
}

// Addresses lists every instance address in state, sorted.
func (f *File) Addresses() []string {
	var out []string
	for _, r := range f.Resources {
		for _, inst := range r.Instances {
			out = append(out, InstanceAddress(r, inst))
		}
	}
	sortStrings(out)
	return out
}

// RemoveAddress forgets one instance, or a whole resource given without an
// index; it reports whether anything matched.
func (f *File) RemoveAddress(addr string) bool {
	found := false
	for i := range f.Resources {
		r := &f.Resources[i]
		base := strings.TrimPrefix(InstanceAddress(*r, Instance{}), "")
		kept := r.Instances[:0]
		for _, inst := range r.Instances {
			if addr == base || InstanceAddress(*r, inst) == addr {
				found = true
				continue
			}
			kept = append(kept, inst)
		}
		r.Instances = kept
	}
	out := f.Resources[:0]
	for _, r := range f.Resources {
		if len(r.Instances) > 0 {
			out = append(out, r)
		}
	}
	f.Resources = out
	return found
}

// Lookup finds one instance by address.
func (f *File) Lookup(addr string) (*Resource, *Instance) {
	for i := range f.Resources {
		r := &f.Resources[i]
		for j := range r.Instances {
			if InstanceAddress(*r, r.Instances[j]) == addr {
				return r, &r.Instances[j]
			}
		}
	}
	return nil, nil
}

// address is a parsed resource or instance address.
type address struct {
	module, mode, typ, name string
	key                     any // nil: the whole resource (or an instance without key)
	indexed                 bool
}

func parseAddress(s string) (address, error) {
	var a address
	rest := s
	for strings.HasPrefix(rest, "module.") {
		parts := strings.SplitN(rest, ".", 3)
		if len(parts) < 3 || strings.Contains(parts[1], "[") {
			return a, fmt.Errorf("address %q: spice moves resources of modules without count or for_each only", s)
		}
		a.module = strings.TrimPrefix(a.module+".module."+parts[1], ".")
		rest = parts[2]
	}
	a.mode = "managed"
	if strings.HasPrefix(rest, "data.") {
		a.mode, rest = "data", strings.TrimPrefix(rest, "data.")
	}
	if i := strings.IndexByte(rest, '['); i >= 0 {
		if !strings.HasSuffix(rest, "]") {
			return a, fmt.Errorf("address %q: index is not closed", s)
		}
		idx := rest[i+1 : len(rest)-1]
		rest, a.indexed = rest[:i], true
		if n, err := strconv.ParseInt(idx, 10, 64); err == nil {
			a.key = float64(n)
		} else if k, err := strconv.Unquote(idx); err == nil {
			a.key = k
		} else {
			return a, fmt.Errorf("address %q: index %s is neither a number nor a quoted string", s, idx)
		}
	}
	typ, name, ok := strings.Cut(rest, ".")
	if !ok || typ == "" || name == "" || strings.Contains(name, ".") {
		return a, fmt.Errorf("address %q is not TYPE.NAME, optionally with module.M. before and [INDEX] after", s)
	}
	a.typ, a.name = typ, name
	return a, nil
}

// Move renames a resource (src and dst without index) or moves one
// instance to another address, as terraform state mv does within one
// state. The type never changes; the destination must be free.
func (f *File) Move(src, dst string) error {
	from, err := parseAddress(src)
	if err != nil {
		return err
	}
	to, err := parseAddress(dst)
	if err != nil {
		return err
	}
	if from.typ != to.typ || from.mode != to.mode {
		return fmt.Errorf("cannot move %s to %s: a move keeps the resource type", src, dst)
	}
	if _, inst := f.Lookup(dst); inst != nil {
		return fmt.Errorf("cannot move %s to %s: %s already exists in state", src, dst, dst)
	}
	r := f.FindIn(from.module, from.mode, from.typ, from.name)
	if r == nil {
		return fmt.Errorf("no object %s in state", src)
	}
	if !from.indexed && !to.indexed {
		if f.FindIn(to.module, to.mode, to.typ, to.name) != nil {
			return fmt.Errorf("cannot move %s to %s: %s already exists in state", src, dst, dst)
		}
		r.Module, r.Name = to.module, to.name
		return nil
	}
	srcR, inst := f.Lookup(src)
	if inst == nil {
		return fmt.Errorf("no object %s in state", src)
	}
	moved := *inst
	moved.IndexKey = to.key
	provider := srcR.Provider
	f.RemoveAddress(src)
	target := f.FindIn(to.module, to.mode, to.typ, to.name)
	if target == nil {
		f.Resources = append(f.Resources, Resource{Module: to.module, Mode: to.mode, Type: to.typ, Name: to.name, Provider: provider})
		target = &f.Resources[len(f.Resources)-1]
	}
	switch to.key.(type) {
	case string:
		target.Each = "map"
	case float64:
		target.Each = "list"
	default:
		target.Each = ""
	}
	target.Instances = append(target.Instances, moved)
	return nil
}
