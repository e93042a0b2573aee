package systemd_test

import (
	"strings"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/systemd"
)

// FuzzUnitRender: whatever a value holds, a unit either refuses it at
// Render or is read back with the value exactly as given, both as an
// escaped Description= and as an Environment= assignment, and every key
// written after it is still there. The reader is readUnitModel, a fake of
// systemd's unit file parser written from its documentation: a real
// systemd cannot run per fuzz input; TestUnitValuesReadBack asks a real
// one about the same seeds.
func FuzzUnitRender(f *testing.F) {
	for _, s := range readbackSeeds {
		f.Add(s)
	}
	f.Add("%" + strings.Repeat("%", 3) + `\"\\`)
	f.Fuzz(func(t *testing.T, v string) {
		var u systemd.Unit
		description := systemd.CheckValue(systemd.Escape(v)) == nil
		if description {
			u.Add("Unit", "Description", systemd.Escape(v))
		}
		u.Add("Unit", "After", "spice-marker.target")
		environment := systemd.CheckLine(v) == nil
		if environment {
			u.Add("Service", "Environment", systemd.EnvironmentValue("V", v))
		}
		u.Add("Service", "ExecStart", "/bin/true")
		content, err := u.Render()
		if err != nil {
			t.Fatalf("%q: checked values refused by Render: %v", v, err)
		}
		var refused systemd.Unit
		refused.Add("Unit", "Description", v)
		if _, err := refused.Render(); (err == nil) != (systemd.CheckValue(v) == nil) {
			t.Fatalf("%q: Render and CheckValue disagree: %v", v, err)
		}

		read := readUnitModel(string(content))
		want := map[string][]string{"Unit/After": {"spice-marker.target"}, "Service/ExecStart": {"/bin/true"}}
		if description {
			want["Unit/Description"] = []string{systemd.Escape(v)}
		}
		if environment {
			want["Service/Environment"] = []string{systemd.EnvironmentValue("V", v)}
		}
		if len(read) != len(want) {
			t.Fatalf("%q: read back %q from\n%s", v, read, content)
		}
		for k, w := range want {
			if strings.Join(read[k], "\x00") != strings.Join(w, "\x00") {
				t.Fatalf("%q: %s read back as %q, want %q, from\n%s", v, k, read[k], w, content)
			}
		}
		if description {
			if got := unescapeSpecifiers(read["Unit/Description"][0]); got != v {
				t.Fatalf("%q: Description= reads as %q", v, got)
			}
		}
		if environment {
			got, ok := unquoteEnvironment(unescapeSpecifiers(read["Service/Environment"][0]))
			if !ok || got != "V="+v {
				t.Fatalf("%q: Environment= reads as %q (%v)", v, got, ok)
			}
		}
	})
}

// readUnitModel reads a unit file as systemd's config parser does: blank
// lines and lines starting with '#' or ';' are skipped, a line ending in a
// backslash continues on the next (the backslash read as a space), keys
// and values are stripped of surrounding white space. Keys are
// "Section/Key"; a repeated key keeps every value.
func readUnitModel(content string) map[string][]string {
	out := map[string][]string{}
	section, continued := "", ""
	for _, raw := range strings.Split(content, "\n") {
		line := strings.Trim(raw, " \t\r")
		if continued == "" && (line == "" || line[0] == '#' || line[0] == ';') {
			continue
		}
		if strings.HasSuffix(line, `\`) {
			continued += strings.TrimSuffix(line, `\`) + " "
			continue
		}
		line, continued = continued+line, ""
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			section = line[1 : len(line)-1]
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			out["invalid"] = append(out["invalid"], line)
			continue
		}
		key := section + "/" + strings.Trim(k, " \t")
		out[key] = append(out[key], strings.Trim(v, " \t"))
	}
	return out
}

// unescapeSpecifiers expands "%%", the one specifier Escape writes; any
// other '%' would be a specifier systemd expands, so it is kept marked.
func unescapeSpecifiers(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '%' {
			if i+1 < len(v) && v[i+1] == '%' {
				i++
				b.WriteByte('%')
				continue
			}
			b.WriteString("<specifier>")
			continue
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// unquoteEnvironment reads one double-quoted word as systemd reads an
// Environment= assignment (C escapes inside the quotes); ok is false for
// anything that is not exactly one such word or holds another escape.
func unquoteEnvironment(v string) (string, bool) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", false
	}
	var b strings.Builder
	body := v[1 : len(v)-1]
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == '\\' && i+1 < len(body) && (body[i+1] == '\\' || body[i+1] == '"'):
			b.WriteByte(body[i+1])
			i++
		case c == '\\' || c == '"':
			return "", false
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}
