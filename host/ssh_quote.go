package host

import (
	"fmt"
	"strings"
)

// SSH's exec request carries one string that the remote user's login shell
// runs with "-c". These two functions are the only way spice builds such a
// string: every argv element becomes one single-quoted word, so no value is
// ever interpreted by the remote shell.
//
// Inside single quotes a POSIX shell (sh, dash, bash, ksh, zsh) treats every
// byte literally except the closing quote, so a quote in the value ends the
// word, adds an escaped quote and starts a new word: ' becomes '\''.
// Non-POSIX login shells (csh, fish) quote differently and are not
// supported.

// shellQuote renders s as exactly one shell word with s's bytes.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shellJoin renders argv as a command line for a POSIX shell. A NUL byte
// cannot be passed in an argument at all (exec would truncate it), so it is
// refused rather than silently cut.
func shellJoin(argv []string) (string, error) {
	var b strings.Builder
	for i, arg := range argv {
		if strings.IndexByte(arg, 0) >= 0 {
			return "", fmt.Errorf("argument %d contains a NUL byte", i)
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(shellQuote(arg))
	}
	return b.String(), nil
}
