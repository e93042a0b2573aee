package schedule

import (
	"strings"
	"testing"
	"time"
)

// FuzzParse: whatever a schedule says, Parse does not panic; a refusal is
// an error quoting the schedule. An accepted schedule reads back the same
// from its own text, its OnCalendar lines are calendar expressions that
// parse and fire exactly when it does (a timer with those lines runs at
// its runs), its next run is always later, and its widest gap is positive.
// Seeds: every form TestParseValid and TestParseInvalid cover.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"minutely", "hourly", "daily", "Daily UTC", "weekly", "monthly", "quarterly", "semiannually", "yearly", "annually",
		"02:00", "*-*-* 02:00:00", "  *-*-*   02:00  utc ", "*-*-* 2:3:4", "*-*-*", "01-15", "*-1..3/2-*",
		"Mon..Fri 02:00", "mon-FRI 02:00", "Sat,Sun *-*-* 10:00", "Sat..Sun", "Monday,Wed..Thu,sun", "Mon *-*-01..07 03:30",
		"*-02-29", "*-*-* 0/15:00", "*-*-* 00:00:0/10", "*-*-* 1,3,5..9/2:7",
		"0 2 * * *", "*/15 * * * *", "0 0 1,15 * 1-5", "0 0 * * 0,7", "30 4 * 1-6/2 MON-FRI", "@daily", "@weekly", "@every 1h",
		"", "UTC", "*-*-* 25:00", "Fri..Mon", "Tues 02:00", "*-*-* 22..2:00", "*-*-* */2:00", "*-*-* *,5:00",
		"2025-*-* 00:00", "*-02-30", "*-*~01", "*-*-* 02:00:00.5", "CRON_TZ=UTC 0 2 * * *", "*-*-* 02:00 Europe/Berlin",
		"0 0 30 2 *", "60 * * * *", "* * * * * *",
	} {
		f.Add(s)
	}
	// Instants far apart: the turn of a leap day, a year's end, 2100
	// (not a leap year).
	starts := []time.Time{
		time.Date(2024, 2, 28, 23, 59, 59, 0, time.UTC),
		time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC),
		time.Date(2099, 12, 30, 12, 0, 0, 0, time.UTC),
	}
	f.Fuzz(func(t *testing.T, text string) {
		s, err := Parse(text)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "schedule ") {
				t.Fatalf("Parse(%q): the error does not name the schedule: %v", text, err)
			}
			return
		}
		again, err := Parse(s.String())
		if err != nil || !equalSchedules(s, again) {
			t.Fatalf("Parse(%q) does not read its own text %q back: %v", text, s.String(), err)
		}
		var timer unionOfCalendars
		for _, line := range s.OnCalendar() {
			c, err := Parse(line)
			if err != nil {
				t.Fatalf("%q: OnCalendar line %q does not parse: %v", text, line, err)
			}
			if len(c.OnCalendar()) != 1 || c.OnCalendar()[0] != line {
				t.Fatalf("%q: OnCalendar line %q is not normal: it reads back as %q", text, line, c.OnCalendar())
			}
			timer = append(timer, c)
		}
		for _, start := range starts {
			prev := start
			for range 5 {
				next := s.Next(prev)
				if !next.After(prev) {
					t.Fatalf("%q: Next(%s) = %s, not later", text, prev, next)
				}
				if fromTimer := timer.Next(prev); !fromTimer.Equal(next) {
					t.Fatalf("%q: after %s it runs at %s, its OnCalendar lines %q at %s", text, prev, next, s.OnCalendar(), fromTimer)
				}
				prev = next
			}
		}
		if gap := MaxGap(s, starts[0]); gap <= 0 {
			t.Fatalf("%q: MaxGap = %s", text, gap)
		}
	})
}

// equalSchedules compares what a schedule runs at, not how it was written.
func equalSchedules(a, b Schedule) bool {
	return a.hours == b.hours && a.minutes == b.minutes && a.seconds == b.seconds &&
		strings.Join(a.OnCalendar(), "\n") == strings.Join(b.OnCalendar(), "\n")
}
