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
