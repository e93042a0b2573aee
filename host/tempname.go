package host

import (
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strings"
)

// Temporary names of atomic writes and the bound on links followed, shared
// by the local and SSH transports.

// maxSymlinks bounds the links one resolution follows, as the kernel's 40.
const maxSymlinks = 40

// tempSuffix ends every temporary name of an atomic write or link swap:
// ".NAME.<16 hex digits>.spice-tmp".
const tempSuffix = ".spice-tmp"

// maxTempBase keeps a temporary name within NAME_MAX (255 bytes).
const maxTempBase = 200

// tempPrefix is what every temporary name of name starts with.
func tempPrefix(name string) string {
	if len(name) > maxTempBase {
		name = name[:maxTempBase]
	}
	return "." + name + "."
}

// tempName is a fresh, unpredictable temporary name for name.
func tempName(name string) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return tempPrefix(name) + hex.EncodeToString(b[:]) + tempSuffix
}

// tempDirName is a fresh temporary name for a directory made as name.
func tempDirName(name string) string {
	return strings.TrimSuffix(tempName(name), tempSuffix) + ".spice-mkdir"
}

// isTempOf reports whether entry is a temporary name tempName(name) makes,
// or the fixed one ".NAME.spice-tmp" that spice used before.
func isTempOf(entry, name string) bool {
	if entry == "."+name+tempSuffix {
		return true
	}
	rest, ok := strings.CutPrefix(entry, tempPrefix(name))
	if !ok {
		return false
	}
	random, ok := strings.CutSuffix(rest, tempSuffix)
	if !ok || len(random) != 16 {
		return false
	}
	_, err := hex.DecodeString(random)
	return err == nil
}

// splitPath returns the names of a slash-separated path, without empty ones.
func splitPath(p string) []string {
	return slices.DeleteFunc(strings.Split(p, "/"), func(s string) bool { return s == "" })
}
