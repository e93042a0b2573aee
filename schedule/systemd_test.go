package schedule_test

import (
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/spice-harvester/terraform-provider-spice/schedule"
	"github.com/spice-harvester/terraform-provider-spice/testsupport"
)

// systemdHorizon: systemd computes no elapse past the year 2199.
var systemdHorizon = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)

const crossCheckRuns = 25

// Next agrees with systemd's own calendar code (systemd-analyze only
// computes), both for the expressions as written and for the OnCalendar
// lines a timer gets.
func TestNextMatchesSystemdAnalyze(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	testsupport.Require(t, err == nil, "systemd-analyze (systemd) to cross-check calendar expressions")

	calendars := []string{
		"minutely", "hourly", "daily", "weekly", "monthly", "quarterly", "semiannually", "yearly", "annually",
		"02:00", "*-*-* 02:00:00 UTC", "Mon..Fri 02:00", "mon-FRI 02:00", "Sat,Sun *-*-* 10:00",
		"Sat..Sun 4:5 utc", "Monday,Wed..Thu,sun", "Mon *-*-01..07 03:30", "*-*-* 02,14:00",
		"*-*-* 2..5/2:00", "*-*-* 0..23/5:00", "*:0/15", "*:*:0/10", "*-*-1/10 6:07:08",
		"*-1..3/2-* 23:59:59", "01-15", "*-*-31", "*-02-29 12:00", "Mon *-02-29", "Fri *-*-13",
	}
	cronLines := []string{
		"0 2 * * *", "*/15 * * * *", "30 4 1,15 * 5", "0 0 */2 * */2", "5 4 * jan-mar sun",
		"0 0 31 4 mon", "@weekly", "0 12 29 2 *", "7-9/2 */5 10-20/3 2,8 fri", "59 23 * * 6",
	}
	bases := []time.Time{
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 6, 15, 13, 37, 42, 0, time.UTC),
		time.Date(2095, 12, 31, 23, 59, 59, 0, time.UTC),
	}
	check := func(t *testing.T, text string, asWritten bool) {
		s, err := schedule.Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		for _, base := range bases {
			want := ours(s, base)
			if asWritten {
				if got := systemdRuns(t, analyze, text, base); !slices.Equal(got, want) {
					t.Errorf("from %s, systemd-analyze %q:\n%s\nschedule.Next:\n%s", base, text, got, want)
				}
			}
			var timer []time.Time
			for _, line := range s.OnCalendar() {
				timer = append(timer, systemdRuns(t, analyze, line, base)...)
			}
			slices.SortFunc(timer, time.Time.Compare)
			timer = slices.CompactFunc(timer, time.Time.Equal)
			timer = timer[:min(len(timer), crossCheckRuns)]
			if !slices.Equal(timer, want) {
				t.Errorf("from %s, systemd-analyze on OnCalendar %q:\n%s\nschedule.Next:\n%s", base, s.OnCalendar(), timer, want)
			}
		}
	}
	for _, text := range calendars {
		t.Run(text, func(t *testing.T) { check(t, text, true) })
	}
	for _, text := range cronLines {
		t.Run(text, func(t *testing.T) { check(t, text, false) })
	}
}

// ours is the first runs after base, up to systemd's horizon.
func ours(s schedule.Schedule, base time.Time) []time.Time {
	var runs []time.Time
	for at := s.Next(base); len(runs) < crossCheckRuns && at.Before(systemdHorizon); at = s.Next(at) {
		runs = append(runs, at)
	}
	return runs
}

var elapseLine = regexp.MustCompile(`(?m)^\s*(?:Next elapse|Iter\. #\d+): \w{3} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC$`)

func systemdRuns(t *testing.T, analyze, expr string, base time.Time) []time.Time {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), analyze, "calendar",
		"--iterations="+strconv.Itoa(crossCheckRuns), "--base-time=@"+strconv.FormatInt(base.Unix(), 10), expr)
	cmd.Env = []string{"TZ=UTC", "LC_ALL=C"} // expressions without a zone: UTC, as spice reads them
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze calendar %q: %v\n%s", expr, err, out)
	}
	var runs []time.Time
	for _, m := range elapseLine.FindAllStringSubmatch(string(out), -1) {
		at, err := time.Parse(time.DateTime, m[1])
		if err != nil {
			t.Fatalf("systemd-analyze calendar %q printed %q: %v", expr, m[0], err)
		}
		runs = append(runs, at)
	}
	if len(runs) == 0 {
		t.Fatalf("systemd-analyze calendar %q printed no elapse:\n%s", expr, out)
	}
	return runs
}
