// Package generated writes the generated secrets of an env file on the
// host that holds it: the values are made there from the kernel's random
// source, written straight into the file and never returned. What leaves
// the host is a keyed hash of each value, which tells spice whether the
// value it wrote is still there, and nothing an attacker holding the state
// could test guesses against: the key is a per-host random key in a 0600
// file on the host itself (KeyFile), so whoever can read it can read the
// env file anyway.
//
// Apply and Inspect run in spice's own process for a local host and in
// `spice agent env-file` on a remote one; either way h is the local
// machine (a host.Local), seen through its root.
package generated

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spice-harvester/terraform-provider-spice/dotenv"
	"github.com/spice-harvester/terraform-provider-spice/host"
)

// The alphabets a generated value is drawn from. All of them survive the
// dotenv rendering unchanged and need no escape in a shell or a URL.
const (
	Alphanumeric = "alphanumeric" // A-Z a-z 0-9, the default
	Hex          = "hex"          // 0-9 a-f
	URLSafe      = "urlsafe"      // A-Z a-z 0-9 - _
)

var alphabets = map[string]string{
	Alphanumeric: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
	Hex:          "0123456789abcdef",
	URLSafe:      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
}

// Charsets lists the charset names, for messages and documentation.
func Charsets() []string { return slices.Sorted(maps.Keys(alphabets)) }

// Length bounds: 16 characters hold 64 bits even in hex; the upper bound
// keeps a typo from writing megabytes.
const (
	MinLength     = 16
	MaxLength     = 4096
	DefaultLength = 32
)

// Secret declares one generated variable.
type Secret struct {
	Length  int    `json:"length"`
	Charset string `json:"charset"`
	// Keep is the keyed hash of the value on the host to keep; empty
	// generates a new value.
	Keep string `json:"keep,omitempty"`
}

// Validate checks a declaration; errors name the field, never a value.
func (s Secret) Validate() error {
	if s.Length < MinLength || s.Length > MaxLength {
		return fmt.Errorf("length %d is out of range: use %d to %d characters", s.Length, MinLength, MaxLength)
	}
	if _, ok := alphabets[s.Charset]; !ok {
		return fmt.Errorf("charset %q is not one of %s", s.Charset, strings.Join(Charsets(), ", "))
	}
	return nil
}

// newValue draws a value from crypto/rand (the kernel's random source),
// uniformly over the alphabet.
func newValue(s Secret) (string, error) {
	alphabet := alphabets[s.Charset]
	n := big.NewInt(int64(len(alphabet)))
	b := make([]byte, s.Length)
	for i := range b {
		k, err := rand.Int(rand.Reader, n)
		if err != nil {
			return "", fmt.Errorf("read random bytes: %w", err)
		}
		b[i] = alphabet[k.Int64()]
	}
	return string(b), nil
}

// ApplyRequest is an env file to write: the declared variables as given,
// and the generated ones made or kept on the host.
type ApplyRequest struct {
	Path      string            `json:"path"`
	Variables map[string]string `json:"variables"`
	Secrets   map[string]Secret `json:"secrets"`
	Attrs     host.Attrs        `json:"attrs"`
}

// Hashes are the keyed hashes of the generated values, by name.
type Hashes map[string]string

// Apply writes the env file atomically with its variables and generated
// secrets: a secret whose Keep matches the value on the host keeps it; one
// without Keep gets a new value. A Keep the host no longer matches fails
// the write: the value changed since the plan.
func Apply(ctx context.Context, h host.Host, req ApplyRequest) (Hashes, error) {
	key, err := loadKey(h.Root())
	if err != nil {
		return nil, err
	}
	var current map[string]string
	for _, s := range req.Secrets {
		if s.Keep != "" {
			if current, err = readCurrent(ctx, h, req.Path); err != nil {
				return nil, err
			}
			break
		}
	}
	vars := maps.Clone(req.Variables)
	if vars == nil {
		vars = map[string]string{}
	}
	hashes := Hashes{}
	for _, name := range slices.Sorted(maps.Keys(req.Secrets)) {
		s := req.Secrets[name]
		if _, dup := vars[name]; dup {
			return nil, fmt.Errorf("%s is both declared and generated", name)
		}
		value, ok := current[name]
		switch {
		case s.Keep == "":
			if err := s.Validate(); err != nil {
				return nil, fmt.Errorf("generated secret %s: %w", name, err)
			}
			if value, err = newValue(s); err != nil {
				return nil, err
			}
		case !ok || !hmac.Equal([]byte(keyedHash(key, req.Path, name, value)), []byte(s.Keep)):
			return nil, fmt.Errorf("%s in %s changed on %s since the plan; plan again", name, req.Path, h.Name())
		default:
			if err := dotenv.ValidateValue(value); err != nil {
				return nil, fmt.Errorf("cannot keep %s in %s: %w", name, req.Path, err)
			}
		}
		vars[name] = value
		hashes[name] = keyedHash(key, req.Path, name, value)
	}
	if err := h.WriteFile(ctx, req.Path, dotenv.Render(vars), req.Attrs); err != nil {
		return nil, err
	}
	return hashes, nil
}

// readCurrent parses the env file on the host; an error never quotes it.
func readCurrent(ctx context.Context, h host.Host, p string) (map[string]string, error) {
	content, err := h.ReadFile(ctx, p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	vars, err := dotenv.Parse(content)
	if err != nil {
		return nil, fmt.Errorf("%s on %s: %w", p, h.Name(), err)
	}
	return vars, nil
}

// InspectRequest asks what the env file at Path holds, withholding the
// values of the generated variables Names.
type InspectRequest struct {
	Path  string   `json:"path"`
	Names []string `json:"names"`
}

// Inspection is what leaves the host on refresh.
type Inspection struct {
	// Found is false when nothing is at Path; NotRegular when something
	// other than a regular file is (a link, a device): drift to replace.
	Found      bool `json:"found"`
	NotRegular bool `json:"not_regular,omitempty"`
	// Parsed tells whether the file reads as dotenv; when not, Variables
	// and Hashes are empty.
	Parsed bool `json:"parsed"`
	// Variables are the file's variables except the generated ones.
	Variables map[string]string `json:"variables,omitempty"`
	// Hashes holds the keyed hash of each generated variable present.
	Hashes Hashes `json:"hashes,omitempty"`
	// Canonical tells whether the file is exactly spice's rendering of
	// its variables, so that an edit of spacing or comments is drift too.
	Canonical bool `json:"canonical"`
}

// Inspect reads the env file on the host for refresh and import.
func Inspect(ctx context.Context, h host.Host, req InspectRequest) (Inspection, error) {
	content, err := h.ReadFile(ctx, req.Path)
	switch {
	case errors.Is(err, host.ErrNotRegular):
		return Inspection{Found: true, NotRegular: true}, nil
	case errors.Is(err, fs.ErrNotExist):
		return Inspection{}, nil
	case err != nil:
		return Inspection{}, err
	}
	out := Inspection{Found: true}
	vars, parsed := parseQuietly(content)
	if !parsed {
		return out, nil
	}
	key, err := loadKey(h.Root())
	if err != nil {
		return Inspection{}, err
	}
	out.Parsed = true
	out.Canonical = bytes.Equal(content, dotenv.Render(vars))
	out.Hashes = Hashes{}
	for _, name := range req.Names {
		if value, ok := vars[name]; ok {
			out.Hashes[name] = keyedHash(key, req.Path, name, value)
			delete(vars, name)
		}
	}
	out.Variables = vars
	return out, nil
}

// parseQuietly parses an env file that may have been edited into a shape
// dotenv cannot read: that is drift to report, not a failure.
func parseQuietly(content []byte) (map[string]string, bool) {
	vars, err := dotenv.Parse(content)
	return vars, err == nil
}

// keyedHash binds the value to its file and name, so that one value in two
// places does not show as one hash.
func keyedHash(key []byte, path, name, value string) string {
	mac := hmac.New(sha256.New, key)
	for _, part := range []string{path, name, value} {
		mac.Write([]byte(part))
		mac.Write([]byte{0})
	}
	return hex.EncodeToString(mac.Sum(nil))
}

// KeyFile holds the host's hash key, 32 random bytes in hex, mode 0600.
// Losing it makes every generated value look changed, so the next apply
// generates them again: it lives with spice's other host state.
const KeyFile = "/var/lib/spice/env-secrets.key"

// keyPath is KeyFile below root; a user other than root managing its own
// machine keeps the key in its own state directory instead.
func keyPath(root string) (string, error) {
	if root != "/" || os.Geteuid() == 0 {
		return filepath.Join(root, KeyFile), nil
	}
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("find a place for the env secrets key: %w", err)
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "spice", filepath.Base(KeyFile)), nil
}

// loadKey reads the host's key, creating it on first use. Creation links
// a complete file into place, which fails if another process got there
// first: every process then uses the one key that won.
func loadKey(root string) ([]byte, error) {
	p, err := keyPath(root)
	if err != nil {
		return nil, err
	}
	key, err := readKey(p)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return nil, fmt.Errorf("create the env secrets key: %w", err)
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("read random bytes: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".env-secrets.key-*")
	if err != nil {
		return nil, fmt.Errorf("create the env secrets key: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	_, err = tmp.WriteString(hex.EncodeToString(fresh) + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(tmp.Name(), p)
	}
	if err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("create the env secrets key %s: %w", p, err)
	}
	return readKey(p)
}

func readKey(p string) ([]byte, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("read the env secrets key: %w", err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("the env secrets key %s is damaged: remove it, and the next apply generates new secrets", p)
	}
	return key, nil
}
