package backup

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/spice-harvester/terraform-provider-spice/host"
)

// PolicyDir is where a bare policy NAME is looked up (NAME.json). The
// environment variable SPICE_BACKUP_POLICY_DIR overrides it, for tests and
// for hosts that keep policies elsewhere.
var PolicyDir = "/etc/spice/backup"

// Compression values of Policy.Compression. The empty string means zstd.
const (
	CompressionZstd = "zstd"
	CompressionGzip = "gzip"
	CompressionNone = "none"
)

// DefaultCompression is what an empty Policy.Compression means.
const DefaultCompression = CompressionZstd

// CompressionLevels are the levels compression_level accepts for each
// compression; 0 (unset) is the fastest, 1. zstd has the four speeds of
// github.com/klauspost/compress/zstd (1 fastest ≈ `zstd -1`, 2 default ≈
// `zstd -3`, 3 better ≈ `zstd -7`, 4 best ≈ `zstd -11`); gzip has its
// usual 1 (fastest) to 9 (smallest).
var CompressionLevels = map[string]int{CompressionZstd: 4, CompressionGzip: 9}

// Policy is one backup policy: the JSON file that spice_backup_policy writes
// to /etc/spice/backup/NAME.json and that `spice backup` reads.
type Policy struct {
	// Name identifies the policy: file names, unit names, metric labels.
	Name string `json:"name"`
	// Schedule is the systemd calendar expression (or cron line) of the
	// timer; the agent itself does not read it.
	Schedule string `json:"schedule,omitempty"`
	// Destination is the absolute directory that holds one directory per backup.
	Destination string    `json:"destination"`
	Retention   Retention `json:"retention"`
	Sources     []Source  `json:"sources"`
	// Compression of every archive: "zstd" (default, also when empty),
	// "gzip" or "none".
	Compression string `json:"compression,omitempty"`
	// CompressionLevel: 1 (fastest, also when 0) up to the compression's
	// highest (CompressionLevels).
	CompressionLevel int `json:"compression_level,omitempty"`
	// MetricsFile, when set, is rewritten after every run in node_exporter
	// textfile format.
	MetricsFile string `json:"metrics_file,omitempty"`
	// Offsite targets receive a verified copy of every successful backup.
	Offsite []Offsite `json:"offsite,omitempty"`
	// Engine stores the backups: "native" (default, also when empty) in
	// directories under Destination, or "restic" in Repository, where
	// Destination only holds the lock, restic's cache and the records.
	Engine string `json:"engine,omitempty"`
	// Repository is the restic repository: a local path or any location
	// restic takes (sftp:user@host:/path, rest:, s3:, ...).
	Repository string `json:"repository,omitempty"`
	// PasswordFile holds the repository password (0600, written by
	// spice_backup_policy to ResticPasswordFile): never on a command line.
	PasswordFile string `json:"password_file,omitempty"`
}

// Engines of Policy.Engine; empty means native.
const (
	EngineNative = "native"
	EngineRestic = "restic"
)

// ResticPasswordFile is where spice_backup_policy installs the restic
// repository password of policy.
func ResticPasswordFile(policy string) string { return PolicyDir + "/" + policy + ".restic-password" }

// Offsite is another host that keeps copies of the policy's backups,
// reached over SSH/SFTP with its own key and a pinned host key. After each
// successful run the agent pushes the new backup there, verifies it and
// applies retention there.
type Offsite struct {
	// Name labels the target: unique in the policy; names its key file,
	// its record and its metrics label.
	Name string `json:"name"`
	Host string `json:"host"`
	// Port is 22 when zero.
	Port int    `json:"port,omitempty"`
	User string `json:"user"`
	// PrivateKeyFile holds the client key (mode 0600, written by
	// spice_backup_policy to OffsiteKeyFile): the key itself is never in
	// the policy file nor on a command line.
	PrivateKeyFile string `json:"private_key_file"`
	// HostKey pins the far side's host key: "ssh-ed25519 AAAA..." or a
	// known_hosts line; any other key refuses the push.
	HostKey string `json:"host_key"`
	// Path is the far side's directory holding one directory per backup.
	Path string `json:"path"`
	// Retention there; the policy's own retention when nil.
	Retention *Retention `json:"retention,omitempty"`
}

// OffsiteKeyFile is where spice_backup_policy installs the private key of
// off-site target offsite of policy: a directory per policy, so that keys
// of removed targets are easy to find and remove.
func OffsiteKeyFile(policy, offsite string) string {
	return OffsiteKeyDir(policy) + "/" + offsite + ".key"
}

// OffsiteKeyDir holds the off-site keys of policy (mode 0700).
func OffsiteKeyDir(policy string) string { return PolicyDir + "/" + policy + ".offsite" }

// ParseHostKey reads a pinned host key: an authorized_keys-style line
// ("ssh-ed25519 AAAA... comment") or a known_hosts line ("host ssh-ed25519
// AAAA..."). Only the key counts; the host names of a known_hosts line are
// not checked (the target's host and port are).
func ParseHostKey(line string) (ssh.PublicKey, error) {
	if key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(line)); err == nil {
		return key, nil
	}
	marker, _, key, _, _, err := ssh.ParseKnownHosts([]byte(line))
	if err != nil {
		return nil, errors.New(`is not a public key such as "ssh-ed25519 AAAA..." or a known_hosts line`)
	}
	if marker != "" {
		return nil, fmt.Errorf("is a @%s line, not a host key", marker)
	}
	return key, nil
}

// Retention says how long backups are kept.
type Retention struct {
	// Days: backups whose ID timestamp is older than this many days are
	// pruned after a successful run. 0 keeps them forever.
	Days int `json:"days"`
	// MinKeep: the newest MinKeep successful backups are kept whatever their
	// age. The newest successful backup is always kept, even with MinKeep 0.
	MinKeep int `json:"min_keep"`
}

// Source is one thing backed up into one archive: either Paths below BaseDir
// (a tar archive) or the standard output of Command (argv, no shell).
type Source struct {
	Name    string   `json:"name"`
	Paths   []string `json:"paths,omitempty"`
	BaseDir string   `json:"base_dir,omitempty"`
	Command []string `json:"command,omitempty"`
}

// IsCommand reports whether the source saves a command's standard output.
func (s Source) IsCommand() bool { return len(s.Command) > 0 }

// safeName: usable as a file name, a systemd unit name part and a Prometheus
// label value without escaping.
var safeName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// CheckName accepts policy names: usable as a file name, a systemd unit
// name part and a Prometheus label value without escaping.
func CheckName(name string) error {
	if !safeName.MatchString(name) {
		return fmt.Errorf("%q must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit", name)
	}
	return nil
}

// PolicyFile is where spice_backup_policy installs policy name on a host:
// below PolicyDir, since SPICE_BACKUP_POLICY_DIR is this process's
// environment, not the host's.
func PolicyFile(name string) string { return PolicyDir + "/" + name + ".json" }

// LoadPolicy reads and validates a policy. nameOrFile is a path when it
// contains a slash or ends in ".json"; otherwise it is a policy name looked up
// as NAME.json in SPICE_BACKUP_POLICY_DIR or PolicyDir, and the file must
// declare that same name.
func LoadPolicy(nameOrFile string) (*Policy, error) {
	if nameOrFile == "" {
		return nil, errors.New("no policy given: pass a policy file or a name under " + policyDir())
	}
	path, byName := nameOrFile, false
	if !strings.Contains(nameOrFile, "/") && !strings.HasSuffix(nameOrFile, ".json") {
		if err := CheckName(nameOrFile); err != nil {
			return nil, fmt.Errorf("policy name %w", err)
		}
		path, byName = filepath.Join(policyDir(), nameOrFile+".json"), true
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read backup policy: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var p Policy
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("backup policy %s: %w", path, err)
	}
	if byName && p.Name != nameOrFile {
		return nil, fmt.Errorf("backup policy %s declares name %q, expected %q", path, p.Name, nameOrFile)
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("backup policy %s: %w", path, err)
	}
	return &p, nil
}

func policyDir() string {
	if dir := os.Getenv("SPICE_BACKUP_POLICY_DIR"); dir != "" {
		return dir
	}
	return PolicyDir
}

// Validate checks the policy and returns every problem found, each naming
// the attribute (as spelled in HCL and JSON) and the reason.
func (p *Policy) Validate() error {
	var errs []error
	bad := func(attr, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{attr}, args...)...))
	}
	if err := CheckName(p.Name); err != nil {
		bad("name", "%s", err)
	}
	checkAbsolute := func(attr, dir string) bool {
		switch {
		case dir == "":
			bad(attr, "is required")
		case !filepath.IsAbs(dir):
			bad(attr, "%q must be an absolute path", dir)
		case filepath.Clean(dir) != dir:
			bad(attr, "%q must be a clean path (no trailing slash, '.', '..' or '//')", dir)
		default:
			return true
		}
		return false
	}
	destOK := checkAbsolute("destination", p.Destination)
	if destOK && p.Destination == "/" {
		bad("destination", "must not be /")
		destOK = false
	}
	if p.Retention.Days < 0 {
		bad("retention.days", "must not be negative, got %d", p.Retention.Days)
	}
	if p.Retention.MinKeep < 0 {
		bad("retention.min_keep", "must not be negative, got %d", p.Retention.MinKeep)
	}
	switch p.Compression {
	case "", CompressionZstd, CompressionGzip, CompressionNone:
		highest := CompressionLevels[p.compression()]
		switch {
		case p.CompressionLevel == 0:
		case highest == 0:
			bad("compression_level", "must not be set with compression %q", p.compression())
		case p.CompressionLevel < 1 || p.CompressionLevel > highest:
			bad("compression_level", "%d is out of range for %s (1-%d)", p.CompressionLevel, p.compression(), highest)
		}
	default:
		bad("compression", "%q is not supported: use %q, %q or %q", p.Compression, CompressionZstd, CompressionGzip, CompressionNone)
	}
	if p.MetricsFile != "" {
		checkAbsolute("metrics_file", p.MetricsFile)
	}
	errs = append(errs, p.validateOffsite(checkAbsolute)...)
	errs = append(errs, p.validateEngine(checkAbsolute)...)
	if len(p.Sources) == 0 {
		bad("sources", "at least one source is required")
	}
	seen := map[string]bool{}
	for i, s := range p.Sources {
		attr := fmt.Sprintf("sources[%d]", i)
		if !safeName.MatchString(s.Name) {
			bad(attr+".name", "%q must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit", s.Name)
		} else if seen[s.Name] {
			bad(attr+".name", "%q is used by another source", s.Name)
		}
		seen[s.Name] = true
		switch {
		case s.IsCommand() && (len(s.Paths) > 0 || s.BaseDir != ""):
			bad(attr, "set either command or paths with base_dir, not both")
		case s.IsCommand():
			if s.Command[0] == "" {
				bad(attr+".command", "the program (first element) must not be empty")
			}
		case len(s.Paths) == 0:
			bad(attr, "set either command or paths with base_dir")
		default:
			if checkAbsolute(attr+".base_dir", s.BaseDir) {
				errs = append(errs, checkPaths(attr, s, p.Destination, destOK)...)
			}
		}
	}
	return errors.Join(errs...)
}

// validateOffsite checks the off-site targets; checkAbsolute reports a
// path that is missing, relative or unclean.
func (p *Policy) validateOffsite(checkAbsolute func(attr, dir string) bool) []error {
	var errs []error
	seen := map[string]bool{}
	for i, o := range p.Offsite {
		bad := func(attr, format string, args ...any) {
			errs = append(errs, fmt.Errorf("offsite[%d].%s: "+format, append([]any{i, attr}, args...)...))
		}
		if err := CheckName(o.Name); err != nil {
			bad("name", "%s", err)
		} else if seen[o.Name] {
			bad("name", "%q is used by another offsite block", o.Name)
		}
		seen[o.Name] = true
		if o.Host == "" {
			bad("host", "is required")
		} else if err := host.CheckSSHAddress(o.Host); err != nil {
			bad("host", "%s", err)
		}
		if o.Port < 0 || o.Port > 65535 {
			bad("port", "%d is out of range (1-65535)", o.Port)
		}
		if o.User == "" {
			bad("user", "is required")
		}
		checkAbsolute(fmt.Sprintf("offsite[%d].private_key_file", i), o.PrivateKeyFile)
		if o.HostKey == "" {
			bad("host_key", "is required: the far side's public host key, pinned")
		} else if _, err := ParseHostKey(o.HostKey); err != nil {
			bad("host_key", "%s", err)
		}
		if checkAbsolute(fmt.Sprintf("offsite[%d].path", i), o.Path) && o.Path == "/" {
			bad("path", "must not be /")
		}
		if r := o.Retention; r != nil {
			if r.Days < 0 {
				bad("retention.days", "must not be negative, got %d", r.Days)
			}
			if r.MinKeep < 0 {
				bad("retention.min_keep", "must not be negative, got %d", r.MinKeep)
			}
		}
	}
	return errs
}

// checkPaths: each path stays below base_dir, no path contains another (an
// archive entry must belong to exactly one path on restore), and the
// destination is neither inside a backed-up path nor holds one.
func checkPaths(attr string, s Source, destination string, destOK bool) []error {
	var errs []error
	for j, rel := range s.Paths {
		pattr := fmt.Sprintf("%s.paths[%d]", attr, j)
		if !filepath.IsLocal(rel) || filepath.Clean(rel) != rel || rel == "." {
			errs = append(errs, fmt.Errorf("%s: %q must be a clean relative path below base_dir (no '..', no leading '/', not '.')", pattr, rel))
			continue
		}
		for k, other := range s.Paths[:j] {
			if within(rel, other) || within(other, rel) {
				errs = append(errs, fmt.Errorf("%s: %q overlaps %s.paths[%d] %q", pattr, rel, attr, k, other))
			}
		}
		full := filepath.Join(s.BaseDir, rel)
		if destOK && (within(destination, full) || within(full, destination)) {
			errs = append(errs, fmt.Errorf("%s: %q overlaps the destination %q", pattr, full, destination))
		}
	}
	return errs
}

// within reports whether path is dir or below it (both clean, same kind).
func within(path, dir string) bool {
	return path == dir || strings.HasPrefix(path, strings.TrimSuffix(dir, "/")+"/")
}

func (p *Policy) compression() string {
	if p.Compression == "" {
		return DefaultCompression
	}
	return p.Compression
}

// compressionLevel is the level to compress at: 1 when unset.
func (p *Policy) compressionLevel() int { return max(p.CompressionLevel, 1) }
