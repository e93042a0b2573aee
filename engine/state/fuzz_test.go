package state

import (
	"bytes"
	"testing"
)

// stateSeeds are states as Terraform and spice write them: outputs of
// several types, count and for_each instances, a module, a data source, a
// tainted instance, check results; and a few that must be refused.
var stateSeeds = []string{
	`{
  "version": 4,
  "terraform_version": "1.11.4",
  "serial": 7,
  "lineage": "5f0c1c2e-3d6b-4d0e-9d1e-1d2c3b4a5f60",
  "outputs": {
    "files": {"value": ["/a", "/b"], "type": ["list", "string"]},
    "secret": {"value": "x", "type": "string", "sensitive": true}
  },
  "resources": [
    {"mode": "managed", "type": "spice_file", "name": "f", "provider": "provider[\"registry.terraform.io/spice-harvester/spice\"]",
     "instances": [
       {"index_key": 0, "schema_version": 0, "attributes": {"path": "/a", "content": "x"}, "sensitive_attributes": [], "private": "eyJzY2hlbWFfdmVyc2lvbiI6IjAifQ=="},
       {"index_key": 1, "status": "tainted", "schema_version": 0, "attributes": {"path": "/b"}, "sensitive_attributes": [[{"type": "get_attr", "value": "content"}]], "dependencies": ["spice_directory.d"]}
     ]},
    {"module": "module.bff", "mode": "managed", "type": "spice_env_file", "name": "env", "each": "map", "provider": "provider[\"registry.terraform.io/spice-harvester/spice\"].live",
     "instances": [{"index_key": "oms", "schema_version": 1, "attributes": {}, "sensitive_attributes": [], "create_before_destroy": true}]},
    {"mode": "data", "type": "spice_host", "name": "h", "provider": "provider[\"registry.terraform.io/spice-harvester/spice\"]",
     "instances": [{"schema_version": 0, "attributes": {"cpu_cores": 2}, "sensitive_attributes": []}]}
  ],
  "check_results": [{"object_kind": "check", "config_addr": "check.api", "status": "pass", "objects": null}]
}
`,
	`{"version": 4, "serial": 1, "lineage": "l", "outputs": {}, "resources": [], "check_results": null}`,
	``, "  \n", `{"version": 3}`, `{"version": 4,`, `{"version": 4, "resources": [{"instances": [{"index_key": {"a": [1, 2.5e300]}}]}]}`,
	`{"version": 4, "resources": [{"instances": [{"index_key": -1e20}, {"index_key": true}, {"index_key": null}]}]}`,
	`{"version": 4, "outputs": {"o": {"value": null, "type": null}}, "resources": null}`,
}

// FuzzDecode: whatever a state file holds, Decode does not panic; what it
// accepts encodes, and the encoding is a fixed point: decoded and encoded
// again it is byte for byte the same (spice rewrites a state it read
// without changing what it did not touch). Listing and removing the
// addresses it holds never panics, and removing an address removes it.
func FuzzDecode(f *testing.F) {
	for _, s := range stateSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := Decode("fuzz.tfstate", b)
		if err != nil {
			return
		}
		first, err := st.Encode()
		if err != nil {
			t.Fatalf("a decoded state does not encode: %v", err)
		}
		again, err := Decode("fuzz.tfstate", first)
		if err != nil {
			t.Fatalf("an encoded state does not decode: %v\n%s", err, first)
		}
		second, err := again.Encode()
		if err != nil || !bytes.Equal(first, second) {
			t.Fatalf("encoding is not a fixed point (%v):\n%s\n---\n%s", err, first, second)
		}
		addrs := again.Addresses()
		if len(addrs) == 0 {
			return
		}
		if !again.RemoveAddress(addrs[0]) {
			t.Fatalf("RemoveAddress(%q) found nothing in %q", addrs[0], addrs)
		}
		for _, a := range again.Addresses() {
			if a == addrs[0] {
				t.Fatalf("RemoveAddress(%q) left it in %q", addrs[0], again.Addresses())
			}
		}
	})
}
