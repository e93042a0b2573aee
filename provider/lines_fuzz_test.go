package provider

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/spice-harvester/terraform-provider-spice/host"
	spiceschema "github.com/spice-harvester/terraform-provider-spice/schema"
)

// lineFileSeeds are sysctl.d and limits.d files as operators and packages
// write them: comments, blank lines, both separators, "-" prefixes,
// duplicates, trailing comments, no final newline, CRLF.
var lineFileSeeds = []string{
	"# head\nnet.core.somaxconn = 1\nvm.swappiness=10\nnet.core.somaxconn = 3\n",
	"-net/core/somaxconn=1\n; comment\n\n  kernel.printk = 4 4\t1   7",
	"*\tsoft\tnofile\t65536\n@staff hard nproc 100 # comment\n# * soft nofile 1\n* soft nofile\n",
	"net.core.somaxconn = 1\r\nvm.swappiness = 5\r\n", "\n\n\n", "", "=\n= =\n==x\n", "* soft nofile 1 extra\n",
}

// editLinesChecked runs editLines on content and checks what every line
// editor must keep: the lines others own stay, in their order; the owned
// line is there exactly once (or not at all for a removal); a file left
// blank is removed; editing again changes nothing.
func editLinesChecked(t *testing.T, content []byte, owns func(string) bool, line string) []string {
	t.Helper()
	ctx := context.Background()
	h, err := host.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	const p = "/etc/fuzz.d/60-spice.conf"
	if err := h.WriteFile(ctx, p, content, host.Attrs{Perm: 0o640, UID: host.KeepID, GID: host.KeepID}); err != nil {
		t.Fatal(err)
	}
	before, _, err := readLines(ctx, h, p)
	if err != nil {
		t.Fatal(err)
	}
	hc := newHostContext(h)
	if err := hc.editLines(ctx, p, owns, line); err != nil {
		t.Fatalf("edit %q into %q: %v", line, content, err)
	}
	after, found, err := readLines(ctx, h, p)
	if err != nil {
		t.Fatal(err)
	}
	others := slices.DeleteFunc(slices.Clone(before), owns)
	if !found {
		if line != "" || strings.TrimSpace(strings.Join(others, "")) != "" {
			t.Fatalf("file removed; it had lines of others %q", others)
		}
		return nil
	}
	if got := slices.DeleteFunc(slices.Clone(after), owns); !slices.Equal(got, others) {
		t.Fatalf("lines of others %q became %q (edit %q into %q)", others, got, line, content)
	}
	owned := slices.DeleteFunc(slices.Clone(after), func(l string) bool { return !owns(l) })
	if want := []string{line}; line == "" && len(owned) != 0 || line != "" && !slices.Equal(owned, want) {
		t.Fatalf("owned lines %q after writing %q into %q", owned, line, content)
	}
	if info, err := h.Stat(ctx, p); err != nil || info.Perm != 0o640 {
		t.Fatalf("mode not kept: %v %v", info.Perm, err)
	}
	written, _ := h.ReadFile(ctx, p)
	if err := hc.editLines(ctx, p, owns, line); err != nil {
		t.Fatal(err)
	}
	if again, _ := h.ReadFile(ctx, p); string(again) != string(written) {
		t.Fatalf("a second edit changed %q into %q", written, again)
	}
	return after
}

// FuzzSysctlLines: whatever a sysctl.d file holds, spice_sysctl's edit
// keeps every other line and leaves one line for its key, which reads back
// as the value written (the last line for a key wins, as for
// systemd-sysctl); removing it leaves no line for the key.
func FuzzSysctlLines(f *testing.F) {
	for _, s := range lineFileSeeds {
		f.Add([]byte(s), "net.core.somaxconn", "4096")
	}
	f.Add([]byte("vm.swappiness = 1\n"), "vm.swappiness", "  32768\t60999\n ")
	f.Add([]byte("a.b = 1\n"), "a.b", "x = y # not a comment")
	f.Fuzz(func(t *testing.T, content []byte, name, value string) {
		if spiceschema.CheckSysctlName(name) != nil {
			return
		}
		owns := func(l string) bool { k, _ := sysctlLineKey(l); return k == name }
		after := editLinesChecked(t, content, owns, name+" = "+normalSysctl(value))
		read, found := "", false
		for _, l := range after {
			if k, v := sysctlLineKey(l); k == name {
				read, found = normalSysctl(v), true
			}
		}
		if !found || read != normalSysctl(value) {
			t.Fatalf("%s = %q reads back as %q (%v)", name, normalSysctl(value), read, found)
		}
		editLinesChecked(t, content, owns, "")
	})
}

// FuzzLimitsLines: the same for spice_limits and limits.d files, with
// every domain, type, item and value its validators accept.
func FuzzLimitsLines(f *testing.F) {
	for _, s := range lineFileSeeds {
		f.Add([]byte(s), "*", "soft", "nofile", "65536")
	}
	f.Add([]byte("@staff - nproc 1\n"), "@staff", "-", "nproc", "unlimited")
	f.Add([]byte("1000: hard core 0\n"), "1000:", "hard", "core", "-1")
	f.Fuzz(func(t *testing.T, content []byte, domain, typ, item, value string) {
		if spiceschema.CheckLimitsDomain(domain) != nil || !slices.Contains([]string{"soft", "hard", "-"}, typ) ||
			spiceschema.CheckLimitsItem(item) != nil || spiceschema.CheckLimitsValue(value) != nil {
			return
		}
		m := limitsModel{Domain: types.StringValue(domain), Type: types.StringValue(typ), Item: types.StringValue(item), Value: types.StringValue(value)}
		after := editLinesChecked(t, content, m.owns, m.line())
		for _, l := range after {
			if m.owns(l) {
				if fields, _ := limitsFields(l); fields[3] != value {
					t.Fatalf("limit %s reads back as %q", value, fields[3])
				}
			}
		}
		editLinesChecked(t, content, m.owns, "")
	})
}

// FuzzLogrotate: every policy spice_logrotate's validators accept renders
// to a file that reads back as the same policy (else spice would report
// its own file as drift forever), and whatever a file holds, reading it
// does not panic and accepts only what it would write itself.
func FuzzLogrotate(f *testing.F) {
	f.Add("/var/log/app/*.log /var/log/app/x.log", "daily", int64(7), "0640 www-data adm", "root adm", "systemctl reload app\n", uint8(0b10101))
	f.Add("/var/log/a.log", "weekly", int64(0), "", "", "", uint8(0))
	f.Add("/var/log/a.log", "monthly", int64(-1), "644", "", "  if true; then\n\tkill -HUP 1\n  fi\n\n", uint8(0b11111))
	f.Add("/var/log/a.log", "yearly", int64(3), "0600 root", "a b", "endscript\n", uint8(2))
	f.Add("/var/log/a.log", "daily", int64(1), "", "", "echo \\\n", uint8(1))
	f.Fuzz(func(t *testing.T, paths, frequency string, rotate int64, create, su, postrotate string, flags uint8) {
		m := logrotateModel{
			Paths: strings.Fields(paths), Frequency: types.StringValue(frequency), Rotate: types.Int64Value(rotate),
			Compress: types.BoolValue(flags&1 != 0), DelayCompress: types.BoolValue(flags&2 != 0), MissingOK: types.BoolValue(flags&4 != 0),
			NotIfEmpty: types.BoolValue(flags&8 != 0), CopyTruncate: types.BoolValue(flags&16 != 0),
			Create: types.StringNull(), Su: types.StringNull(), Postrotate: types.StringNull(),
		}
		if create != "" {
			m.Create = types.StringValue(create)
		}
		if su != "" {
			m.Su = types.StringValue(su)
		}
		if postrotate != "" {
			m.Postrotate = types.StringValue(postrotate)
		}
		if got, ok := parseLogrotate(paths); ok && got.render() != paths {
			t.Fatalf("parseLogrotate accepted %q, which it renders as %q", paths, got.render())
		}
		valid := len(m.Paths) > 0 && slices.Contains([]string{"daily", "weekly", "monthly", "yearly"}, frequency) && rotate >= 0 && rotate <= 100000 &&
			(create == "" || logrotateCreate.MatchString(create)) && (su == "" || logrotateSu.MatchString(su)) &&
			(postrotate == "" || checkPostrotate(postrotate) == nil)
		for _, p := range m.Paths {
			valid = valid && checkLogrotatePath(p) == nil
		}
		if !valid {
			return
		}
		rendered := m.render()
		if _, ok := parseLogrotate(rendered); !ok {
			t.Fatalf("spice does not read its own file back:\n%s", rendered)
		}
	})
}
