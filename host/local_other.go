//go:build !linux && !darwin

package host

import (
	"fmt"
	"runtime"
)

// Local is the machine spice runs on. Outside Linux and macOS it cannot be
// made: NewLocal always fails, so its Host methods are never reached.
type Local struct{ Host }

// NewLocal fails, naming the OS and the way out: a host over SSH.
func NewLocal(string) (*Local, error) {
	if runtime.GOOS == "windows" {
		return nil, fmt.Errorf("%w, not on Windows; set the provider's host to manage a machine over SSH", ErrLocalUnsupported)
	}
	return nil, fmt.Errorf("%w, not yet on %s; set the provider's host to manage a machine over SSH", ErrLocalUnsupported, runtime.GOOS)
}

// Close lets code that closes a Local build on every OS; no Local is ever
// made here, so there is nothing to close.
func (*Local) Close() error { return nil }
