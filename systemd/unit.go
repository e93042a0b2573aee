// Package systemd talks to systemd on a host.Host and renders unit files:
// unit names checked by systemd's rules, unit files rendered from
// sections and keys with values escaped, one `systemctl show` per status
// read, the enable/disable/start/stop/restart verbs, and daemon-reloads
// shared by everything written to a host at the same time.
//
// In image mode (host.Root() other than "/") nothing is running: units are
// written and enabled by link (`systemctl --root=ROOT enable`), never
// started, stopped, reloaded or probed.
package systemd

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Unit is a unit file under construction. Sections keep systemd's order:
// [Unit] first, [Install] last, any other ([Service], [Timer], ...) in
// between in the order first used; keys keep the order they were added
// in, and a key may repeat (After=, Environment=).
type Unit struct {
	sections []section
}

type section struct {
	name    string
	entries [][2]string
}

// Add appends key=value to section. The value is written as given: escape
// it with Escape or EnvironmentValue where systemd would interpret it.
func (u *Unit) Add(sectionName, key, value string) {
	for i := range u.sections {
		if u.sections[i].name == sectionName {
			u.sections[i].entries = append(u.sections[i].entries, [2]string{key, value})
			return
		}
	}
	u.sections = append(u.sections, section{name: sectionName, entries: [][2]string{{key, value}}})
}

// sectionRank orders sections: [Unit], then the type's own, then [Install].
func sectionRank(name string) int {
	switch name {
	case "Unit":
		return 0
	case "Install":
		return 2
	}
	return 1
}

// Render returns the unit file. A value systemd would not read back as
// written is refused (see CheckValue): it could end its line early, or
// continue into the next one, and smuggle in keys or swallow them.
func (u *Unit) Render() ([]byte, error) {
	var b bytes.Buffer
	for rank := 0; rank <= 2; rank++ {
		for _, s := range u.sections {
			if sectionRank(s.name) != rank {
				continue
			}
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			fmt.Fprintf(&b, "[%s]\n", s.name)
			for _, e := range s.entries {
				if err := CheckValue(e[1]); err != nil {
					return nil, fmt.Errorf("[%s] %s=: %w", s.name, e[0], err)
				}
				fmt.Fprintf(&b, "%s=%s\n", e[0], e[1])
			}
		}
	}
	return b.Bytes(), nil
}

// maxLine is systemd's LONG_LINE_MAX: a longer line fails the whole unit.
const maxLine = 1 << 20

// CheckLine refuses what cannot stand on one line of a unit file: line
// ends, other control characters (a tab is fine), invalid UTF-8, and lines
// longer than systemd reads. Errors never quote the value: it may be a
// secret.
func CheckLine(v string) error {
	if !utf8.ValidString(v) {
		return errors.New("a unit file value must be valid UTF-8")
	}
	if len(v) >= maxLine {
		return fmt.Errorf("a unit file line must be shorter than %d bytes", maxLine)
	}
	for _, r := range v {
		if r == '\t' {
			continue
		}
		if unicode.IsControl(r) {
			if r == '\n' || r == '\r' {
				return errors.New("a newline cannot stand in a unit file value")
			}
			return fmt.Errorf("control character %U cannot stand in a unit file value", r)
		}
	}
	return nil
}

// CheckValue refuses a value that systemd would not read back exactly as
// written after "KEY=": besides what CheckLine refuses, a trailing
// backslash (systemd joins the next line to this one: the next keys would
// become part of this value) and leading or trailing whitespace (systemd
// strips it).
func CheckValue(v string) error {
	if err := CheckLine(v); err != nil {
		return err
	}
	if strings.HasSuffix(v, `\`) {
		return errors.New(`a unit file value cannot end in a backslash: systemd would continue it on the next line`)
	}
	if strings.TrimLeft(v, " \t") != v || strings.TrimRight(v, " \t") != v {
		return errors.New("a unit file value cannot start or end with whitespace: systemd strips it")
	}
	return nil
}

// Escape makes systemd read v literally where it expands specifiers
// (Description=, paths, User=): "%" becomes "%%".
func Escape(v string) string { return strings.ReplaceAll(v, "%", "%%") }

// EnvironmentValue is one Environment= assignment, quoted so that systemd
// reads key=value back exactly: the whole assignment in double quotes,
// backslashes and quotes escaped, "%" doubled against specifiers.
func EnvironmentValue(key, value string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "%", "%%")
	return `"` + r.Replace(key+"="+value) + `"`
}

// TimeSpan writes a duration as systemd reads time spans (RestartSec=,
// RandomizedDelaySec=): whole seconds as "90s", else milliseconds "100ms",
// else microseconds "1500us".
func TimeSpan(d time.Duration) string {
	switch {
	case d%time.Second == 0:
		return fmt.Sprintf("%ds", d/time.Second)
	case d%time.Millisecond == 0:
		return fmt.Sprintf("%dms", d/time.Millisecond)
	}
	return fmt.Sprintf("%dus", d/time.Microsecond)
}
