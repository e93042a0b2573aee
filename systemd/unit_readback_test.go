package systemd_test

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/systemd"
)

// readbackSeeds are values that once walked around CheckValue, or nearly
// do: line continuations, quotes, specifiers, comment signs, whitespace.
var readbackSeeds = []string{
	`x \`, `x \\`, `\`, `a\ b`, `"quoted`, `'`, `%h %n %%`, `$HOME ${X}`, `# not a comment`, `; nor this`,
	" lead", "trail ", "tab\tinside", "tab\t", "a\\\nAfter=evil.target", "v\vt", "\u00e9t\u00e9 \u2028", "[Unit]", "K=V", "",
}

// readbackValue draws a value from the characters systemd's parsers treat
// specially, with some plain letters between them.
func readbackValue(r *rand.Rand) string {
	const special = "\\\"' %$#;=[]\t\n\r\v\f{}ab"
	var b strings.Builder
	for range r.Intn(12) {
		b.WriteByte(special[r.Intn(len(special))])
	}
	return b.String()
}

// TestUnitValuesReadBack renders units from seeds and random values and
// asks a real systemd what it read: every value CheckValue accepts comes
// back exactly (Description= as written, Environment= through the
// process's environment), and the keys after it are still there, never
// swallowed by a continued line. Values refused must be refused by
// Render too, so nothing unchecked reaches a unit file.
func TestUnitValuesReadBack(t *testing.T) {
	values := append([]string(nil), readbackSeeds...)
	r := rand.New(rand.NewSource(20))
	for range 40 {
		values = append(values, readbackValue(r))
	}
	h, th := containerHost(t)
	m := systemd.NewManager(h)
	ctx := context.Background()
	type written struct {
		unit        string
		value       string
		description bool
	}
	var units []written
	for i, v := range values {
		w := written{unit: fmt.Sprintf("spice-readback-%d.service", i), value: v}
		var u systemd.Unit
		if systemd.CheckValue(systemd.Escape(v)) == nil {
			u.Add("Unit", "Description", systemd.Escape(v))
			w.description = true
		}
		u.Add("Unit", "After", fmt.Sprintf("spice-marker-%d.target", i))
		envErr := systemd.CheckLine(v)
		if envErr == nil {
			u.Add("Service", "Environment", systemd.EnvironmentValue("V", v))
		}
		u.Add("Service", "EnvironmentFile", fmt.Sprintf("-/etc/spice-marker-%d", i))
		u.Add("Service", "Type", "oneshot")
		u.Add("Service", "ExecStart", "/usr/bin/printenv V")
		u.Add("Service", "StandardOutput", fmt.Sprintf("file:/run/spice-readback-%d", i))
		content, err := u.Render()
		if err != nil {
			t.Fatalf("%q: checked values failed to render: %v", v, err)
		}
		var refused systemd.Unit
		refused.Add("Unit", "Description", systemd.Escape(v))
		if _, err := refused.Render(); (err == nil) != w.description {
			t.Fatalf("%q: Render and CheckValue disagree: %v", v, err)
		}
		if envErr != nil {
			continue // refused as a value: nothing to read back
		}
		if _, err := m.WriteUnit(ctx, w.unit, content); err != nil {
			t.Fatal(err)
		}
		units = append(units, w)
	}
	if err := m.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	start := []string{"systemctl", "start"}
	for _, w := range units {
		start = append(start, w.unit)
	}
	th.Exec(t, start...)
	for i, w := range units {
		props := map[string]string{}
		for _, l := range strings.Split(th.Exec(t, "systemctl", "show", "-p", "Description", "-p", "After", "-p", "EnvironmentFiles", w.unit), "\n") {
			k, v, _ := strings.Cut(l, "=")
			props[k] = v
		}
		n := strings.TrimPrefix(strings.TrimSuffix(w.unit, ".service"), "spice-readback-")
		// An empty Description= means the default, the unit's name.
		if w.description && w.value != "" && props["Description"] != w.value {
			t.Errorf("%d %q: systemd read Description=%q", i, w.value, props["Description"])
		}
		if !strings.Contains(" "+props["After"]+" ", " spice-marker-"+n+".target ") {
			t.Errorf("%d %q: After= swallowed, systemd read After=%q", i, w.value, props["After"])
		}
		if !strings.Contains(props["EnvironmentFiles"], "/etc/spice-marker-"+n+" ") {
			t.Errorf("%d %q: EnvironmentFile= swallowed, systemd read EnvironmentFiles=%q", i, w.value, props["EnvironmentFiles"])
		}
		if got := th.Exec(t, "cat", "/run/spice-readback-"+n); got != w.value+"\n" {
			t.Errorf("%d %q: the service's environment holds V=%q", i, w.value, strings.TrimSuffix(got, "\n"))
		}
	}
}
