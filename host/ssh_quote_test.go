package host

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostile are strings a shell would act on if they reached it unquoted.
var hostile = []string{
	"", " ", "a b", "\t", "\n", "\r\n", "'", "''", "'''", `"`, `\`, `\\`, `\'`, `'\''`, `'"'"'`,
	"$(id)", "`id`", "${IFS}", "$HOME", "$", "$$", "$?", "$@", "$*", "$0", "$1",
	"; true", "&& false", "|| true", "| cat", "& echo bg", "> /tmp/spice-quote-test", "< /etc/passwd", "2>&1",
	"*", "?", "[a]", "[!a]", "~", "~root", "#", "a #b", "!", "!!", "!-1", "^a^b", "{a,b}", "{1..3}",
	"a=b", "-n", "-e", "--", "-", "--help", "(", ")", "((1))", "$((1+1))", "<(true)", ">(true)",
	"if", "then", "fi", "do", "done", "function", "alias", "exec", "eval",
	"line1\nline2", "\x01\x02\x03\x1b[31mred", "\x7f", "\xff\xfe\xfd", "ünïcødé ✓ 日本",
	"%s", "%%", "%n", "\\x41", "\\101", "\\u0041", `a\nb`,
	strings.Repeat("'", 100), strings.Repeat("x", 100000),
}

func TestShellQuote_form(t *testing.T) {
	assert.Equal(t, "''", shellQuote(""))
	assert.Equal(t, "'a b'", shellQuote("a b"))
	assert.Equal(t, `'it'\''s'`, shellQuote("it's"))
	assert.Equal(t, `''\'''\'''`, shellQuote("''"))

	line, err := shellJoin([]string{"printf", "%s\n", "$(id)"})
	require.NoError(t, err)
	assert.Equal(t, `'printf' '%s`+"\n"+`' '$(id)'`, line)
	_, err = shellJoin([]string{"echo", "a\x00b"})
	assert.ErrorContains(t, err, "argument 1 contains a NUL byte")
}

// unquote parses what shellQuote produces, by POSIX rules: single-quoted
// runs are literal, \' outside quotes is a quote. It rejects anything else,
// so a quoting that leaves a byte outside quotes fails the round trip.
func unquote(word string) (string, bool) {
	var out strings.Builder
	for i := 0; i < len(word); {
		switch {
		case word[i] == '\'':
			end := strings.IndexByte(word[i+1:], '\'')
			if end < 0 {
				return "", false
			}
			out.WriteString(word[i+1 : i+1+end])
			i += end + 2
		case strings.HasPrefix(word[i:], `\'`):
			out.WriteByte('\'')
			i += 2
		default:
			return "", false
		}
	}
	return out.String(), true
}

func TestShellQuote_roundTripsRandomBytes(t *testing.T) {
	alphabet := []byte("'\"\\$`!*?[]{}()<>|&;#~= \t\n\r\x00\x01\x7f\xffab-%")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, rng.IntN(24))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		s := string(b)
		got, ok := unquote(shellQuote(s))
		require.True(t, ok, "shellQuote(%q) = %q is not one quoted word", s, shellQuote(s))
		require.Equal(t, s, got)
	}
}

// shells are the POSIX shells a remote user may log in with, where
// installed here.
func shells(t *testing.T) []string {
	var found []string
	for _, sh := range []string{"/bin/sh", "/bin/dash", "/bin/bash", "/bin/zsh", "/bin/ksh", "/bin/mksh", "/bin/busybox"} {
		if _, err := os.Stat(sh); err == nil {
			found = append(found, sh)
		}
	}
	if len(found) == 0 {
		t.Skip("no shell to test quoting against")
	}
	return found
}

// TestShellJoin_realShells runs printf through each shell with -c, as sshd
// does, and compares every argument byte for byte.
func TestShellJoin_realShells(t *testing.T) {
	for _, sh := range shells(t) {
		t.Run(sh, func(t *testing.T) {
			args := []string{"-c"}
			if strings.HasSuffix(sh, "busybox") {
				args = []string{"sh", "-c"}
			}
			line, err := shellJoin(append([]string{"printf", "%s\\000"}, hostile...))
			require.NoError(t, err)
			out, err := exec.Command(sh, append(args, line)...).Output()
			require.NoError(t, err)
			got := bytes.Split(out, []byte{0})
			require.Len(t, got, len(hostile)+1)
			for i, want := range hostile {
				assert.Equal(t, want, string(got[i]))
			}
		})
	}
}

func FuzzShellQuote(f *testing.F) {
	for _, s := range hostile[:len(hostile)-1] {
		f.Add(s)
	}
	sh := "/bin/sh"
	f.Fuzz(func(t *testing.T, s string) {
		if strings.IndexByte(s, 0) >= 0 {
			return
		}
		got, ok := unquote(shellQuote(s))
		if !ok || got != s {
			t.Fatalf("shellQuote(%q) = %q", s, shellQuote(s))
		}
		out, err := exec.Command(sh, "-c", "printf %s "+shellQuote(s)).Output()
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != s {
			t.Fatalf("%s read %q back as %q", sh, s, out)
		}
	})
}
