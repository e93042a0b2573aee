package host

import (
	"errors"
	"path"
	"strings"
)

// CheckPath enforces the one path form spice manages: absolute, already
// clean (no ".", "..", doubled or trailing slashes) and free of NUL bytes.
// A path that needs cleaning is refused rather than silently changed, so the
// path in the configuration is the path on the host.
func CheckPath(p string) error {
	switch {
	case p == "":
		return errors.New("path is empty")
	case !strings.HasPrefix(p, "/"):
		return errors.New("path must be absolute (start with /)")
	case strings.ContainsRune(p, 0):
		return errors.New("path contains a NUL byte")
	case p == "/":
		return errors.New("path must not be / itself")
	case path.Clean(p) != p:
		return errors.New("path must be in clean form (no '.', '..', repeated or trailing slashes): " + path.Clean(p))
	}
	return nil
}
