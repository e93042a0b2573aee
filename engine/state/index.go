package state

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
)

// Index finds a File's resources and instances by address in constant
// time, so that recording N instances costs O(N), not O(N^2). It stays
// valid while the File is changed only through it: Encode sorts the
// resources, after which a new Index is needed.
type Index struct {
	f *File
	// resources maps resourceKey to a position in f.Resources.
	resources map[string]int
	// instances maps resourceKey and InstanceKey to a position in that
	// resource's Instances.
	instances map[string]map[string]int
}

// NewIndex indexes f.
func NewIndex(f *File) *Index {
	x := &Index{f: f, resources: make(map[string]int, len(f.Resources)), instances: make(map[string]map[string]int, len(f.Resources))}
	for i, r := range f.Resources {
		k := resourceKey(r)
		x.resources[k] = i
		keys := make(map[string]int, len(r.Instances))
		for j, inst := range r.Instances {
			keys[InstanceKey(inst.IndexKey)] = j
		}
		x.instances[k] = keys
	}
	return x
}

// InstanceKey is a canonical form of an index_key, the same whether it
// was read from JSON (float64, json.Number) or built in memory (int64):
// "" for none, "#N" for a count index, "=KEY" for a for_each key.
func InstanceKey(k any) string {
	switch v := k.(type) {
	case nil:
		return ""
	case int64:
		return "#" + strconv.FormatInt(v, 10)
	case int:
		return "#" + strconv.Itoa(v)
	case float64:
		return "#" + strconv.FormatFloat(v, 'f', -1, 64)
	case json.Number:
		if f, err := v.Float64(); err == nil {
			return "#" + strconv.FormatFloat(f, 'f', -1, 64)
		}
		return "#" + v.String()
	case string:
		return "=" + v
	}
	return "?" + fmt.Sprint(k)
}

// Set records inst as the instance of the resource r names (its Module,
// Mode, Type, Name; Provider and, when not empty, Each are updated),
// replacing the instance with the same key.
func (x *Index) Set(r Resource, inst Instance) {
	k := resourceKey(r)
	i, ok := x.resources[k]
	if !ok {
		x.f.Resources = append(x.f.Resources, Resource{Module: r.Module, Mode: r.Mode, Type: r.Type, Name: r.Name})
		i = len(x.f.Resources) - 1
		x.resources[k] = i
		x.instances[k] = map[string]int{}
	}
	res := &x.f.Resources[i]
	res.Provider = r.Provider
	if r.Each != "" {
		res.Each = r.Each
	}
	key := InstanceKey(inst.IndexKey)
	if j, ok := x.instances[k][key]; ok {
		res.Instances[j] = inst
		return
	}
	res.Instances = append(res.Instances, inst)
	x.instances[k][key] = len(res.Instances) - 1
}

// Remove drops the instance with index key key of the resource r names;
// the resource goes too when it has no instance left.
func (x *Index) Remove(r Resource, key any) {
	k := resourceKey(r)
	i, ok := x.resources[k]
	if !ok {
		return
	}
	keys := x.instances[k]
	j, ok := keys[InstanceKey(key)]
	if !ok {
		return
	}
	res := &x.f.Resources[i]
	res.Instances = slices.Delete(res.Instances, j, j+1)
	delete(keys, InstanceKey(key))
	for name, pos := range keys {
		if pos > j {
			keys[name] = pos - 1
		}
	}
	if len(res.Instances) > 0 {
		return
	}
	x.f.Resources = slices.Delete(x.f.Resources, i, i+1)
	delete(x.resources, k)
	delete(x.instances, k)
	for name, pos := range x.resources {
		if pos > i {
			x.resources[name] = pos - 1
		}
	}
}
