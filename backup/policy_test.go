package backup

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func validPolicy() Policy {
	return Policy{
		Name: "terminusdb", Schedule: "daily", Destination: "/var/backups/spice",
		Retention: Retention{Days: 7, MinKeep: 2},
		Sources: []Source{
			{Name: "config", BaseDir: "/etc", Paths: []string{"spice", "nginx/sites-available"}},
			{Name: "db", Command: []string{"terminusdb", "bundle", "admin/spice", "-o", "/dev/stdout"}},
		},
	}
}

func validOffsite() Offsite {
	return Offsite{
		Name: "dc2", Host: "backup.example.net", User: "spice-backup", PrivateKeyFile: "/etc/spice/backup/terminusdb.offsite/dc2.key",
		HostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHrZp5rtkz5lHXIJPyeq1lbYNjPw5QkiuG29BA6IrOdG", Path: "/srv/spice-backups/daily",
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		change  func(p *Policy)
		wantErr string // "" means valid
	}{
		{"valid", func(*Policy) {}, ""},
		{"compression none", func(p *Policy) { p.Compression = "none" }, ""},
		{"bad name", func(p *Policy) { p.Name = "../x" }, `name: "../x" must be`},
		{"relative destination", func(p *Policy) { p.Destination = "backups" }, `destination: "backups" must be an absolute path`},
		{"unclean destination", func(p *Policy) { p.Destination = "/var/backups/" }, "destination: \"/var/backups/\" must be a clean path"},
		{"root destination", func(p *Policy) { p.Destination = "/" }, "destination: must not be /"},
		{"negative days", func(p *Policy) { p.Retention.Days = -1 }, "retention.days: must not be negative"},
		{"negative min_keep", func(p *Policy) { p.Retention.MinKeep = -1 }, "retention.min_keep: must not be negative"},
		{"zstd", func(p *Policy) { p.Compression = "zstd" }, ""},
		{"lz4", func(p *Policy) { p.Compression = "lz4" }, `compression: "lz4" is not supported`},
		{"default zstd at its highest level", func(p *Policy) { p.Compression, p.CompressionLevel = "", 4 }, ""},
		{"zstd level too high", func(p *Policy) { p.Compression, p.CompressionLevel = "zstd", 5 }, "compression_level: 5 is out of range for zstd (1-4)"},
		{"default zstd level too high", func(p *Policy) { p.Compression, p.CompressionLevel = "", 9 }, "compression_level: 9 is out of range for zstd (1-4)"},
		{"gzip level 9", func(p *Policy) { p.Compression, p.CompressionLevel = "gzip", 9 }, ""},
		{"gzip level 10", func(p *Policy) { p.Compression, p.CompressionLevel = "gzip", 10 }, "compression_level: 10 is out of range for gzip (1-9)"},
		{"negative level", func(p *Policy) { p.Compression, p.CompressionLevel = "gzip", -1 }, "compression_level: -1 is out of range for gzip (1-9)"},
		{"level without compression", func(p *Policy) { p.Compression, p.CompressionLevel = "none", 1 }, `compression_level: must not be set with compression "none"`},
		{"relative metrics file", func(p *Policy) { p.MetricsFile = "m.prom" }, "metrics_file:"},
		{"no sources", func(p *Policy) { p.Sources = nil }, "sources: at least one source is required"},
		{"duplicate source", func(p *Policy) { p.Sources[1].Name = "config" }, `sources[1].name: "config" is used by another source`},
		{"source name with slash", func(p *Policy) { p.Sources[1].Name = "a/b" }, `sources[1].name: "a/b" must be`},
		{"both paths and command", func(p *Policy) { p.Sources[1].Paths = []string{"x"} }, "sources[1]: set either command or paths with base_dir, not both"},
		{"neither", func(p *Policy) { p.Sources[1].Command = nil }, "sources[1]: set either command or paths with base_dir"},
		{"empty program", func(p *Policy) { p.Sources[1].Command = []string{""} }, "sources[1].command: the program"},
		{"no base_dir", func(p *Policy) { p.Sources[0].BaseDir = "" }, "sources[0].base_dir: is required"},
		{"absolute path", func(p *Policy) { p.Sources[0].Paths = []string{"/etc/spice"} }, `sources[0].paths[0]: "/etc/spice" must be a clean relative path`},
		{"escaping path", func(p *Policy) { p.Sources[0].Paths = []string{"../root"} }, `sources[0].paths[0]: "../root" must be a clean relative path`},
		{"sneaky escaping path", func(p *Policy) { p.Sources[0].Paths = []string{"spice/../../root"} }, "sources[0].paths[0]"},
		{"dot path", func(p *Policy) { p.Sources[0].Paths = []string{"."} }, "sources[0].paths[0]"},
		{"overlapping paths", func(p *Policy) { p.Sources[0].Paths = []string{"spice", "spice/conf"} }, `sources[0].paths[1]: "spice/conf" overlaps sources[0].paths[0] "spice"`},
		{"destination inside a path", func(p *Policy) { p.Destination = "/etc/spice/backups" }, `overlaps the destination "/etc/spice/backups"`},
		{"path inside the destination", func(p *Policy) { p.Destination = "/etc" }, "overlaps the destination"},
		{"offsite", func(p *Policy) { p.Offsite = []Offsite{validOffsite()} }, ""},
		{"offsite known_hosts line", func(p *Policy) {
			o := validOffsite()
			o.HostKey = "[backup.example.net]:2222 " + o.HostKey
			p.Offsite = []Offsite{o}
		}, ""},
		{"offsite duplicate name", func(p *Policy) { p.Offsite = []Offsite{validOffsite(), validOffsite()} }, `offsite[1].name: "dc2" is used by another offsite block`},
		{"offsite host with port", func(p *Policy) { p.Offsite = []Offsite{validOffsite()}; p.Offsite[0].Host = "backup.example.net:22" }, "offsite[0].host:"},
		{"offsite no host", func(p *Policy) { p.Offsite = []Offsite{validOffsite()}; p.Offsite[0].Host = "" }, "offsite[0].host: is required"},
		{"offsite bad port", func(p *Policy) { p.Offsite = []Offsite{validOffsite()}; p.Offsite[0].Port = 70000 }, "offsite[0].port: 70000 is out of range"},
		{"offsite no user", func(p *Policy) { p.Offsite = []Offsite{validOffsite()}; p.Offsite[0].User = "" }, "offsite[0].user: is required"},
		{"offsite relative key file", func(p *Policy) { p.Offsite = []Offsite{validOffsite()}; p.Offsite[0].PrivateKeyFile = "k" }, "offsite[0].private_key_file:"},
		{"offsite bad host key", func(p *Policy) { p.Offsite = []Offsite{validOffsite()}; p.Offsite[0].HostKey = "ssh-ed25519 nonsense" }, "offsite[0].host_key: is not a public key"},
		{"offsite no host key", func(p *Policy) { p.Offsite = []Offsite{validOffsite()}; p.Offsite[0].HostKey = "" }, "offsite[0].host_key: is required"},
		{"offsite relative path", func(p *Policy) { p.Offsite = []Offsite{validOffsite()}; p.Offsite[0].Path = "srv" }, `offsite[0].path: "srv" must be an absolute path`},
		{"offsite root path", func(p *Policy) { p.Offsite = []Offsite{validOffsite()}; p.Offsite[0].Path = "/" }, "offsite[0].path: must not be /"},
		{"offsite negative days", func(p *Policy) {
			p.Offsite = []Offsite{validOffsite()}
			p.Offsite[0].Retention = &Retention{Days: -1}
		}, "offsite[0].retention.days: must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validPolicy()
			tt.change(&p)
			err := p.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("valid policy refused: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("got %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	p := validPolicy()
	p.Destination, p.Sources[1].Name = "rel", "config"
	err := p.Validate()
	if err == nil || !strings.Contains(err.Error(), "destination:") || !strings.Contains(err.Error(), "sources[1].name:") {
		t.Fatalf("got %v, want both problems", err)
	}
}

func TestLoadPolicy(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SPICE_BACKUP_POLICY_DIR", dir)
	p := validPolicy()
	raw, _ := json.Marshal(p)
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	file := write("terminusdb.json", string(raw))
	write("other.json", string(raw))
	write("typo.json", `{"name":"typo","destination_dir":"/x"}`)
	write("invalid.json", `{"name":"invalid","destination":"rel","sources":[{"name":"a","command":["true"]}]}`)

	for _, nameOrFile := range []string{"terminusdb", file} {
		got, err := LoadPolicy(nameOrFile)
		if err != nil {
			t.Fatalf("%s: %v", nameOrFile, err)
		}
		if got.Name != p.Name || got.Destination != p.Destination || len(got.Sources) != 2 || got.Sources[1].Command[1] != "bundle" || got.Retention != p.Retention {
			t.Fatalf("%s: loaded %+v", nameOrFile, got)
		}
	}
	for nameOrFile, wantErr := range map[string]string{
		"":            "no policy given",
		"missing":     "no such file",
		"other":       `declares name "terminusdb", expected "other"`,
		"typo":        `unknown field "destination_dir"`,
		"invalid":     "destination:",
		"bad name!":   "policy name",
		"../../etc/x": "no such file",
	} {
		if _, err := LoadPolicy(nameOrFile); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("%q: got %v, want %q", nameOrFile, err, wantErr)
		}
	}
}

// The provider resource marshals the same struct: the JSON names are part
// of the contract.
func TestPolicyJSONNames(t *testing.T) {
	p := validPolicy()
	p.Compression, p.MetricsFile = "gzip", "/m.prom"
	p.Offsite = []Offsite{validOffsite()}
	p.Offsite[0].Port, p.Offsite[0].Retention = 2222, &Retention{Days: 30, MinKeep: 7}
	raw, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{`"name"`, `"schedule"`, `"destination"`, `"retention":{"days":7,"min_keep":2}`, `"sources"`, `"base_dir"`, `"paths"`, `"command"`, `"compression"`, `"metrics_file"`,
		`"offsite":[{"name":"dc2","host":"backup.example.net","port":2222,"user":"spice-backup","private_key_file":`, `"host_key":`, `"path":"/srv/spice-backups/daily","retention":{"days":30,"min_keep":7}}]`} {
		if !strings.Contains(string(raw), name) {
			t.Errorf("policy JSON lacks %s: %s", name, raw)
		}
	}
}
