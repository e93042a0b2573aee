// Package dotenv renders and reads the env files spice manages.
//
// One rendering has to mean the same thing to two readers: python-dotenv
// (how the SPICE HARVESTER services load .env) and systemd's
// EnvironmentFile=. Every value is written in double quotes with exactly two
// escapes, \\ for a backslash and \" for a quote. Both readers undo those two
// escapes and take every other character literally inside double quotes,
// including spaces, '#', '=', '$' and single quotes. What neither can carry
// is refused by ValidateValue instead of being written as a broken file:
// line breaks, control characters, ${...} and a trailing backslash.
package dotenv

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Header opens every rendered file, for the operator who finds it.
const Header = "# Managed by spice. Manual changes are reported as drift and overwritten.\n"

var (
	keyPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	// python-dotenv expands ${NAME} and ${NAME:-default} in every quoting
	// style, so such a value cannot be read back literally.
	interpolation = regexp.MustCompile(`\$\{[^}]*\}`)
)

// ValidateKey checks a variable name.
func ValidateKey(key string) error {
	if !keyPattern.MatchString(key) {
		return fmt.Errorf("%q is not a valid variable name: use letters, digits and underscores, not starting with a digit", key)
	}
	return nil
}

// ValidateValue checks that a value survives the round trip through both
// readers. The error never quotes the value: it may be a secret.
func ValidateValue(value string) error {
	switch {
	case !utf8.ValidString(value):
		return errors.New("value is not valid UTF-8")
	case strings.ContainsAny(value, "\n\r"):
		return errors.New("value contains a line break; env files hold one variable per line")
	case strings.ContainsFunc(value, func(r rune) bool { return unicode.IsControl(r) && r != '\t' }):
		return errors.New("value contains a control character, which systemd rejects")
	case strings.HasSuffix(value, `\`):
		// Rendered as \\ before the closing quote, which python-dotenv's
		// pattern reads as an escaped quote, swallowing the next lines.
		return errors.New("value ends with a backslash, which python-dotenv misreads as an escaped closing quote")
	case interpolation.MatchString(value):
		return errors.New("value contains ${...}, which python-dotenv would expand instead of reading literally")
	}
	return nil
}

// Render writes vars in a stable order: sorted by name, one per line.
func Render(vars map[string]string) []byte {
	var b bytes.Buffer
	b.WriteString(Header)
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		b.WriteString(k)
		b.WriteString(`="`)
		b.WriteString(quoteEscaper.Replace(vars[k]))
		b.WriteString("\"\n")
	}
	return b.Bytes()
}

var quoteEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

// Parse reads an env file back: spice's own rendering and the common forms
// an operator may have edited in (single quotes, unquoted values, "export ",
// comments). Errors name the line, never its value.
func Parse(content []byte) (map[string]string, error) {
	vars := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(content))
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimLeft(sc.Text(), " \t")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		key, raw, ok := strings.Cut(line, "=")
		key = strings.TrimSpace(key)
		if !ok || ValidateKey(key) != nil {
			return nil, fmt.Errorf("line %d: expected NAME=value", n)
		}
		value, err := parseValue(strings.TrimLeft(raw, " \t"))
		if err != nil {
			return nil, fmt.Errorf("line %d (%s): %w", n, key, err)
		}
		vars[key] = value
	}
	return vars, sc.Err()
}

func parseValue(raw string) (string, error) {
	switch {
	case strings.HasPrefix(raw, `"`):
		var b strings.Builder
		for i := 1; i < len(raw); i++ {
			switch c := raw[i]; {
			case c == '"':
				return b.String(), trailingComment(raw[i+1:])
			case c == '\\' && i+1 < len(raw) && (raw[i+1] == '\\' || raw[i+1] == '"'):
				b.WriteByte(raw[i+1])
				i++
			default:
				b.WriteByte(c)
			}
		}
		return "", errors.New("unterminated double quote")
	case strings.HasPrefix(raw, "'"):
		end := strings.IndexByte(raw[1:], '\'')
		if end < 0 {
			return "", errors.New("unterminated single quote")
		}
		return raw[1 : end+1], trailingComment(raw[end+2:])
	default:
		if i := strings.Index(raw, " #"); i >= 0 {
			raw = raw[:i]
		}
		return strings.TrimRight(raw, " \t"), nil
	}
}

func trailingComment(rest string) error {
	rest = strings.TrimLeft(rest, " \t")
	if rest != "" && !strings.HasPrefix(rest, "#") {
		return errors.New("unexpected text after closing quote")
	}
	return nil
}
