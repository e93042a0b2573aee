// Package osfile opens local files without following symbolic links and
// locks them, on every OS spice builds for. The engine's state, its lock and
// the backup agent's archives go through it: a link planted at such a path
// must be refused, never written or read through.
package osfile

import "errors"

// ErrSymlink is returned for a path that is a symbolic link.
var ErrSymlink = errors.New("is a symbolic link")

// ErrLocked is returned by TryLock for a file another process has locked.
var ErrLocked = errors.New("locked by another process")
