package host

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// errTempLost: the temporary file was taken or removed before the rename
// (a name collision, or a stale-file cleanup that raced the write); the
// write starts again under a new name.
var errTempLost = errors.New("temporary file lost")

// Temporary names of atomic writes, link swaps and directories being made,
// and the bound on links followed, shared by the local and SSH transports.
//
// A temporary name is ".NAME.<creator><random>.spice-tmp" (a file or link)
// or ".NAME.<creator><random>.spice-mkdir" (a directory), both 8 hex
// digits: creator is the process id, on the host, of the process that
// creates the entry (Local: spice itself; SSH: the connection's SFTP
// server), or 00000000 when it is not known. It is what tells a stale
// entry from a live one (see ssh_sweep.go, and sweptDirs in localfs.go):
// a write or mkdir is live only while its creator runs, so an entry whose
// creator has exited was left by a cut link or a killed spice, and the
// next write into its directory removes it.

// maxSymlinks bounds the links one resolution follows, as the kernel's 40.
const maxSymlinks = 40

// tempSuffix ends the temporary name of an atomic write or link swap.
const tempSuffix = ".spice-tmp"

// mkdirSuffix ends the temporary name of a directory being made.
const mkdirSuffix = ".spice-mkdir"

// maxTempBase keeps a temporary name within NAME_MAX (255 bytes).
const maxTempBase = 200

// unknownCreator is the creator of temporary names made where the
// creator's process id is not known; they are never taken for stale.
const unknownCreator = "00000000"

// creatorTag is the creator part of a temporary name for process pid.
func creatorTag(pid int) string {
	if pid <= 0 || pid > 0xffffffff {
		return unknownCreator
	}
	return fmt.Sprintf("%08x", pid)
}

// tempPrefix is what every temporary name of name starts with.
func tempPrefix(name string) string {
	if len(name) > maxTempBase {
		name = name[:maxTempBase]
	}
	return "." + name + "."
}

// tempName is a fresh, unpredictable temporary name for name, made by
// creator (see creatorTag).
func tempName(name, creator string) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return tempPrefix(name) + creator + hex.EncodeToString(b[:]) + tempSuffix
}

// tempDirName is a fresh temporary name for a directory made as name.
func tempDirName(name, creator string) string {
	return strings.TrimSuffix(tempName(name, creator), tempSuffix) + mkdirSuffix
}

// parseTemp reports whether entry has exactly the form of a temporary
// name (".X.<16 hex digits>" then tempSuffix or mkdirSuffix), which
// suffix, and the process id of its creator (0 when not known).
func parseTemp(entry string) (suffix string, creator int, ok bool) {
	for _, suffix := range []string{tempSuffix, mkdirSuffix} {
		rest, found := strings.CutSuffix(entry, suffix)
		if !found || !strings.HasPrefix(rest, ".") || len(rest) < 19 || rest[len(rest)-17] != '.' {
			continue
		}
		digits := rest[len(rest)-16:]
		if strings.ToLower(digits) != digits {
			continue // hex.EncodeToString writes lower case only
		}
		if _, err := hex.DecodeString(digits); err != nil {
			continue
		}
		pid, _ := strconv.ParseUint(digits[:8], 16, 32)
		return suffix, int(pid), true
	}
	return "", 0, false
}

// splitPath returns the names of a slash-separated path, without empty ones.
func splitPath(p string) []string {
	return slices.DeleteFunc(strings.Split(p, "/"), func(s string) bool { return s == "" })
}
