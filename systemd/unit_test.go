package systemd

import (
	"strings"
	"testing"
	"time"
)

func TestUnitRender(t *testing.T) {
	type entry struct{ section, key, value string }
	tests := []struct {
		name    string
		entries []entry
		want    string
		wantErr string
	}{
		{
			name: "sections in systemd's order whatever the order of use, keys as added, repeated keys kept",
			entries: []entry{
				{"Install", "WantedBy", "multi-user.target"},
				{"Service", "ExecStart", "/usr/bin/app --port 8002"},
				{"Unit", "After", "network.target"},
				{"Service", "Environment", EnvironmentValue("A", "1")},
				{"Unit", "After", "postgresql.service"},
				{"Install", "WantedBy", "graphical.target"},
			},
			want: "[Unit]\nAfter=network.target\nAfter=postgresql.service\n\n" +
				"[Service]\nExecStart=/usr/bin/app --port 8002\nEnvironment=\"A=1\"\n\n" +
				"[Install]\nWantedBy=multi-user.target\nWantedBy=graphical.target\n",
		},
		{
			name:    "another unit type's section between [Unit] and [Install]",
			entries: []entry{{"Install", "WantedBy", "timers.target"}, {"Timer", "OnCalendar", "daily"}, {"Timer", "Persistent", "true"}, {"Unit", "Description", Escape("backup 100%")}},
			want:    "[Unit]\nDescription=backup 100%%\n\n[Timer]\nOnCalendar=daily\nPersistent=true\n\n[Install]\nWantedBy=timers.target\n",
		},
		{
			name:    "specifiers escaped, quotes and backslashes in environment values escaped",
			entries: []entry{{"Service", "Environment", EnvironmentValue("TRICKY", `a "b" \ %h $x`)}, {"Service", "WorkingDirectory", Escape("/srv/100%")}},
			want:    "[Service]\nEnvironment=\"TRICKY=a \\\"b\\\" \\\\ %%h $x\"\nWorkingDirectory=/srv/100%%\n",
		},
		{
			name:    "a tab is fine",
			entries: []entry{{"Unit", "Description", "a\tb"}},
			want:    "[Unit]\nDescription=a\tb\n",
		},
		{
			name:    "newline refused",
			entries: []entry{{"Service", "ExecStart", "/bin/true\nExecStartPost=/bin/evil"}},
			wantErr: "[Service] ExecStart=: a newline cannot stand in a unit file value",
		},
		{
			name:    "carriage return refused",
			entries: []entry{{"Service", "Environment", EnvironmentValue("A", "1\r2")}},
			wantErr: "a newline cannot stand",
		},
		{
			name:    "other control characters refused",
			entries: []entry{{"Unit", "Description", "bell\a"}},
			wantErr: "control character U+0007",
		},
		{
			// Issue 20, finding 9: systemd joined the next line to a value
			// ending in a backslash, swallowing After= and EnvironmentFile=.
			name:    "trailing backslash refused",
			entries: []entry{{"Unit", "Description", `x \`}, {"Unit", "After", "network.target"}},
			wantErr: `[Unit] Description=: a unit file value cannot end in a backslash`,
		},
		{
			name:    "escaped trailing backslash refused too",
			entries: []entry{{"Service", "WorkingDirectory", `/srv/x\\`}},
			wantErr: `cannot end in a backslash`,
		},
		{
			name:    "a backslash inside a value is fine",
			entries: []entry{{"Service", "ExecStart", `/bin/echo a\ b`}},
			want:    "[Service]\nExecStart=/bin/echo a\\ b\n",
		},
		{
			name:    "a quoted environment value may end in a backslash or a space",
			entries: []entry{{"Service", "Environment", EnvironmentValue("A", `x\ `)}},
			want:    "[Service]\nEnvironment=\"A=x\\\\ \"\n",
		},
		{
			name:    "leading whitespace refused",
			entries: []entry{{"Unit", "Description", " x"}},
			wantErr: "cannot start or end with whitespace",
		},
		{
			name:    "trailing tab refused",
			entries: []entry{{"Unit", "Description", "x\t"}},
			wantErr: "cannot start or end with whitespace",
		},
		{
			name:    "vertical tab refused",
			entries: []entry{{"Unit", "Description", "x\vy"}},
			wantErr: "control character U+000B",
		},
		{
			name:    "invalid UTF-8 refused",
			entries: []entry{{"Unit", "Description", "x\xffy"}},
			wantErr: "valid UTF-8",
		},
		{
			name:    "unicode line separators refused",
			entries: []entry{{"Unit", "Description", "x\u0085y"}},
			wantErr: "control character U+0085",
		},
		{name: "empty unit", want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var u Unit
			for _, e := range tc.entries {
				u.Add(e.section, e.key, e.value)
			}
			got, err := u.Render()
			switch {
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
			case err != nil:
				t.Fatal(err)
			case string(got) != tc.want:
				t.Fatalf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestTimeSpan(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Second:             "1s",
		90 * time.Second:        "90s",
		100 * time.Millisecond:  "100ms",
		1500 * time.Millisecond: "1500ms",
		1500 * time.Microsecond: "1500us",
	} {
		if got := TimeSpan(d); got != want {
			t.Errorf("TimeSpan(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestUnitNames(t *testing.T) {
	long := strings.Repeat("a", 248)
	tests := []struct {
		name    string
		service bool // checked as a bare service name
		wantErr string
	}{
		{"network-online.target", false, ""},
		{"spice-backup-db.timer", false, ""},
		{"getty@tty1.service", false, ""},
		{"network", false, "no unit type suffix"},
		{".service", false, "empty before its suffix"},
		{"a b.service", false, `holds ' '`},
		{"getty@.service", false, "is a template"},
		{"a@b@c.service", false, "one @"},
		{"spice-harvester-bff", true, ""},
		{"spice-harvester-bff.service", true, `without the .service suffix ("spice-harvester-bff")`},
		{"x/../../etc/passwd", true, `holds '/'`},
		{long, true, "256 characters long; systemd allows 255"}, // 248 + ".service"
		{long[:247], true, ""},
	}
	for _, tc := range tests {
		check := CheckUnitName
		if tc.service {
			check = CheckServiceName
		}
		err := check(tc.name)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%q: %v", tc.name, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%q: error %v, want one containing %q", tc.name, err, tc.wantErr)
		}
	}
}

func TestParseShow(t *testing.T) {
	out := "LoadState=loaded\nActiveState=active\nSubState=running\nUnitFileState=enabled\nMainPID=4242\n" +
		"FragmentPath=/etc/systemd/system/a.service\nNeedDaemonReload=yes\nResult=success\nExecMainCode=0\nExecMainStatus=0\nNRestarts=2\n"
	s, err := parseShow(out)
	if err != nil {
		t.Fatal(err)
	}
	want := Status{LoadState: "loaded", ActiveState: "active", SubState: "running", UnitFileState: "enabled",
		MainPID: 4242, FragmentPath: "/etc/systemd/system/a.service", NeedDaemonReload: true,
		Result: "success", NRestarts: 2}
	if s != want {
		t.Fatalf("got %+v, want %+v", s, want)
	}
	if en, known := s.Enabled(); !en || !known || !s.Running() {
		t.Errorf("Enabled() = %v, %v; Running() = %v", en, known, s.Running())
	}
	for _, bad := range []string{"", "MainPID=x\nLoadState=loaded\nActiveState=active\n", "NRestarts=\nLoadState=loaded\nActiveState=active\n"} {
		if _, err := parseShow(bad); err == nil {
			t.Errorf("parseShow(%q) accepted", bad)
		}
	}
}

func TestStatusOutcome(t *testing.T) {
	tests := []struct {
		name string
		s    Status
		want string
	}{
		{"missing binary", Status{Result: "start-limit-hit", ExecMainCode: 1, ExecMainStatus: 203, NRestarts: 4},
			"result start-limit-hit, code=exited, status=203/EXEC, 4 restarts"},
		{"plain exit", Status{Result: "exit-code", ExecMainCode: 1, ExecMainStatus: 3}, "result exit-code, code=exited, status=3"},
		{"killed", Status{Result: "signal", ExecMainCode: 2, ExecMainStatus: 9}, "result signal, code=killed, status=9/KILL"},
		{"core dump", Status{Result: "core-dump", ExecMainCode: 3, ExecMainStatus: 11}, "result core-dump, code=dumped, status=11/SEGV"},
		{"never ran", Status{Result: "resources"}, "result resources"},
	}
	for _, tc := range tests {
		if got := tc.s.Outcome(); got != tc.want {
			t.Errorf("%s: Outcome() = %q, want %q", tc.name, got, tc.want)
		}
	}
}
