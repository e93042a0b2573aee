package schedule

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseValid(t *testing.T) {
	days135 := "01,03,05,07,09,11,13,15,17,19,21,23,25,27,29,31"
	tests := []struct {
		schedule   string
		onCalendar []string
	}{
		// systemd shorthands, as systemd-analyze normalises them.
		{"minutely", []string{"*-*-* *:*:00 UTC"}},
		{"hourly", []string{"*-*-* *:00:00 UTC"}},
		{"daily", []string{"*-*-* 00:00:00 UTC"}},
		{"Daily UTC", []string{"*-*-* 00:00:00 UTC"}},
		{"weekly", []string{"Mon *-*-* 00:00:00 UTC"}},
		{"monthly", []string{"*-*-01 00:00:00 UTC"}},
		{"quarterly", []string{"*-01,04,07,10-01 00:00:00 UTC"}},
		{"semiannually", []string{"*-01,07-01 00:00:00 UTC"}},
		{"yearly", []string{"*-01-01 00:00:00 UTC"}},
		{"annually", []string{"*-01-01 00:00:00 UTC"}},
		// full calendar expressions
		{"02:00", []string{"*-*-* 02:00:00 UTC"}},
		{"*-*-* 02:00:00", []string{"*-*-* 02:00:00 UTC"}},
		{"  *-*-*   02:00  utc ", []string{"*-*-* 02:00:00 UTC"}},
		{"*-*-* 2:3:4", []string{"*-*-* 02:03:04 UTC"}},
		{"*-*-*", []string{"*-*-* 00:00:00 UTC"}},
		{"01-15", []string{"*-01-15 00:00:00 UTC"}},
		{"*-1..3/2-*", []string{"*-01,03-* 00:00:00 UTC"}},
		{"Mon..Fri 02:00", []string{"Mon..Fri *-*-* 02:00:00 UTC"}},
		{"mon-FRI 02:00", []string{"Mon..Fri *-*-* 02:00:00 UTC"}},
		{"Sat,Sun *-*-* 10:00", []string{"Sat,Sun *-*-* 10:00:00 UTC"}},
		{"Sat..Sun", []string{"Sat,Sun *-*-* 00:00:00 UTC"}},
		{"Monday,Wed..Thu,sun", []string{"Mon,Wed,Thu,Sun *-*-* 00:00:00 UTC"}},
		{"Mon *-*-01..07 03:30", []string{"Mon *-*-01..07 03:30:00 UTC"}},
		{"*-*-* 02,14:00", []string{"*-*-* 02,14:00:00 UTC"}},
		{"*-*-* 1,1,3:00", []string{"*-*-* 01,03:00:00 UTC"}},
		{"*-*-* 9..17:00", []string{"*-*-* 09..17:00:00 UTC"}},
		{"*-*-* 2..5/2:00", []string{"*-*-* 02,04:00:00 UTC"}},
		{"*-*-* 0..23/5:00", []string{"*-*-* 00,05,10,15,20:00:00 UTC"}},
		{"*:0/15", []string{"*-*-* *:00,15,30,45:00 UTC"}},
		{"*:*:0/10", []string{"*-*-* *:*:00,10,20,30,40,50 UTC"}},
		{"*-02-29 12:00", []string{"*-02-29 12:00:00 UTC"}},
		// cron lines
		{"0 2 * * *", []string{"*-*-* 02:00:00 UTC"}},
		{"*/15 * * * *", []string{"*-*-* *:00,15,30,45:00 UTC"}},
		{"0 */6 * * *", []string{"*-*-* 00,06,12,18:00:00 UTC"}},
		{"30 4 * * 1-5", []string{"Mon..Fri *-*-* 04:30:00 UTC"}},
		{"30 4 * * MON,wed", []string{"Mon,Wed *-*-* 04:30:00 UTC"}},
		{"5 4 * jan-mar sun", []string{"Sun *-01..03-* 04:05:00 UTC"}},
		{"0 0 1 */3 *", []string{"*-01,04,07,10-01 00:00:00 UTC"}},
		{"0 0 ? * 0", []string{"Sun *-*-* 00:00:00 UTC"}},
		{"0 12 29 2 *", []string{"*-02-29 12:00:00 UTC"}},
		// Neither day field is a plain *: either one matching is enough.
		{"30 4 1,15 * 5", []string{"*-*-01,15 04:30:00 UTC", "Fri *-*-* 04:30:00 UTC"}},
		{"0 0 */2 * */2", []string{"*-*-" + days135 + " 00:00:00 UTC", "Tue,Thu,Sat,Sun *-*-* 00:00:00 UTC"}},
		{"0 0 1-31 * 1-5", []string{"*-*-* 00:00:00 UTC"}},
		{"0 0 1 * 0-6", []string{"*-*-* 00:00:00 UTC"}},
		// April has no 31st: only the Monday half remains.
		{"0 0 31 4 mon", []string{"Mon *-04-* 00:00:00 UTC"}},
		// cron descriptors; robfig/cron's weeks start on Sunday
		{"@daily", []string{"*-*-* 00:00:00 UTC"}},
		{"@midnight", []string{"*-*-* 00:00:00 UTC"}},
		{"@hourly", []string{"*-*-* *:00:00 UTC"}},
		{"@weekly", []string{"Sun *-*-* 00:00:00 UTC"}},
		{"@monthly", []string{"*-*-01 00:00:00 UTC"}},
		{"@yearly", []string{"*-01-01 00:00:00 UTC"}},
	}
	for _, tt := range tests {
		t.Run(tt.schedule, func(t *testing.T) {
			s, err := Parse(tt.schedule)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := s.OnCalendar(); !slices.Equal(got, tt.onCalendar) {
				t.Errorf("OnCalendar() = %q, want %q", got, tt.onCalendar)
			}
			if got, want := s.String(), strings.TrimSpace(tt.schedule); got != want {
				t.Errorf("String() = %q, want %q", got, want)
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct{ schedule, err string }{
		{"", `schedule "": empty: write a calendar expression such as daily or *-*-* 02:00, or a 5-field cron line`},
		{"UTC", `schedule "UTC": empty: write a calendar expression such as daily or *-*-* 02:00, or a 5-field cron line`},
		{"*-*-* 25:00", `schedule "*-*-* 25:00": hour 25 out of range 0..23`},
		{"*-*-* 02:60", `schedule "*-*-* 02:60": minute 60 out of range 0..59`},
		{"*-*-* 02:00:60", `schedule "*-*-* 02:00:60": second 60 out of range 0..59`},
		{"*-13-01", `schedule "*-13-01": month 13 out of range 1..12`},
		{"*-*-00", `schedule "*-*-00": day 00 out of range 1..31`},
		{"*-*-32", `schedule "*-*-32": day 32 out of range 1..31`},
		{"Fri..Mon", `schedule "Fri..Mon": weekday range "Fri..Mon" runs backwards (weeks start on Monday)`},
		{"Tues 02:00", `schedule "Tues 02:00": weekday "Tues" unknown: use Mon..Sun or Monday..Sunday`},
		{"Mon,,Tue", `schedule "Mon,,Tue": weekday "" unknown: use Mon..Sun or Monday..Sunday`},
		{"*-*-* 22..2:00", `schedule "*-*-* 22..2:00": hour range "22..2" runs backwards`},
		{"*-*-* 5/0:00", `schedule "*-*-* 5/0:00": hour "5/0": the repetition must be a whole number of at least 1`},
		{"*-*-* 5/x:00", `schedule "*-*-* 5/x:00": hour "5/x": the repetition must be a whole number of at least 1`},
		{"*-*-* */2:00", `schedule "*-*-* */2:00": hour "*/2": a repetition needs a start value, such as 0/2`},
		{"*-*-* *,5:00", `schedule "*-*-* *,5:00": hour "*,5": * stands alone, not in a list or range`},
		{"*-*-* x:00", `schedule "*-*-* x:00": hour "x": "x" is not a number`},
		{"*-*-* -1:00", `schedule "*-*-* -1:00": hour "-1": "-1" is not a number`},
		{"2025-*-* 00:00", `schedule "2025-*-* 00:00": year "2025": only * is accepted (a backup schedule repeats every year)`},
		{"*-*-1~", `schedule "*-*-1~": date "*-*-1~": the last-days syntax ~ is not supported`},
		{"*-*-*-* 00:00", `schedule "*-*-*-* 00:00": date "*-*-*-*": write YEAR-MONTH-DAY or MONTH-DAY`},
		{"*-*-* 1:2:3:4", `schedule "*-*-* 1:2:3:4": time "1:2:3:4": write HOUR:MINUTE or HOUR:MINUTE:SECOND`},
		{"*-*-* 02", `schedule "*-*-* 02": unexpected "02": the order is WEEKDAYS YEAR-MONTH-DAY HOUR:MINUTE:SECOND UTC`},
		{"00:00:00.5", `schedule "00:00:00.5": second "00.5": fractional seconds are not supported`},
		{"* 02:00", `schedule "* 02:00": "*" is neither a weekday, a date (YEAR-MONTH-DAY) nor a time (HOUR:MINUTE), and a cron line has exactly 5 fields`},
		{"0 2 * *", `schedule "0 2 * *": "0" is neither a weekday, a date (YEAR-MONTH-DAY) nor a time (HOUR:MINUTE), and a cron line has exactly 5 fields`},
		{"02:00 CET", `schedule "02:00 CET": time zone "CET" is not accepted: schedules are evaluated in UTC, so write UTC or no zone`},
		{"daily Europe/Berlin", `schedule "daily Europe/Berlin": time zone "Europe/Berlin" is not accepted: schedules are evaluated in UTC, so write UTC or no zone`},
		{"daily Mon", `schedule "daily Mon": "daily" stands alone (optionally followed by UTC), found "Mon" after it`},
		{"02:00 Mon", `schedule "02:00 Mon": weekday "Mon" must come first`},
		{"*-02-30", `schedule "*-02-30": never elapses: no month in 02 has a day 30`},
		{"*-04,06-31 12:00", `schedule "*-04,06-31 12:00": never elapses: no month in 04,06 has a day 31`},
		{"0 25 * * *", `schedule "0 25 * * *": cron hour field "25": end of range (25) above maximum (23): 25`},
		{"0 0 * * 8", `schedule "0 0 * * 8": cron day-of-week field "8": end of range (8) above maximum (6): 8`},
		{"0 0 30 2 *", `schedule "0 0 30 2 *": never elapses: no month in 02 has a day 30`},
		// Found by FuzzParse: robfig/cron reads "," as a field selecting nothing.
		{"00 0 , 1,1,1 MON,FRI", `schedule "00 0 , 1,1,1 MON,FRI": cron day-of-month field ",": selects no value`},
		{"0 , * * *", `schedule "0 , * * *": cron hour field ",": selects no value`},
		{"0 0 * , *", `schedule "0 0 * , *": cron month field ",": selects no value`},
		{"0 0 1 * ,", `schedule "0 0 1 * ,": cron day-of-week field ",": selects no value`},
		{"@every 1h", `schedule "@every 1h": @every counts from when the timer started, which no calendar can express: write a calendar expression or a 5-field cron line`},
		{"@reboot", `schedule "@reboot": cron: unrecognized descriptor: @reboot`},
		{"CRON_TZ=UTC 0 2 * * *", `schedule "CRON_TZ=UTC 0 2 * * *": cron time zone prefixes are not accepted: schedules are evaluated in UTC`},
	}
	for _, tt := range tests {
		t.Run(tt.schedule, func(t *testing.T) {
			s, err := Parse(tt.schedule)
			if err == nil {
				t.Fatalf("Parse accepted it: OnCalendar %q", s.OnCalendar())
			}
			if err.Error() != tt.err {
				t.Errorf("error\n got: %s\nwant: %s", err, tt.err)
			}
		})
	}
}

func TestNext(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse(time.DateTime, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	berlin := time.FixedZone("CET", 3600)
	tests := []struct {
		schedule string
		after    time.Time
		want     []string // consecutive runs
	}{
		{"daily", utc("2026-01-01 00:00:00"), []string{"2026-01-02 00:00:00", "2026-01-03 00:00:00"}},
		// Times are UTC whatever the zone of the instant given.
		{"daily", time.Date(2026, 1, 1, 0, 30, 0, 0, berlin), []string{"2026-01-01 00:00:00"}},
		{"Mon..Fri 02:00", utc("2026-01-02 02:00:00"), []string{"2026-01-05 02:00:00", "2026-01-06 02:00:00"}},
		{"monthly", utc("2026-01-31 12:00:00"), []string{"2026-02-01 00:00:00", "2026-03-01 00:00:00"}},
		{"*-*-31", utc("2026-01-31 00:00:00"), []string{"2026-03-31 00:00:00", "2026-05-31 00:00:00", "2026-07-31 00:00:00", "2026-08-31 00:00:00"}},
		{"*-02-29 12:00", utc("2026-03-01 00:00:00"), []string{"2028-02-29 12:00:00", "2032-02-29 12:00:00"}},
		{"*-02-29", utc("2096-03-01 00:00:00"), []string{"2104-02-29 00:00:00"}},
		{"Mon *-02-29", utc("2026-01-01 00:00:00"), []string{"2044-02-29 00:00:00", "2072-02-29 00:00:00", "2112-02-29 00:00:00"}},
		{"*:0/15", utc("2026-12-31 23:44:59"), []string{"2026-12-31 23:45:00", "2027-01-01 00:00:00", "2027-01-01 00:15:00"}},
		{"*-12-31 23:59:59", utc("2026-12-31 23:59:59"), []string{"2027-12-31 23:59:59"}},
		{"*-*-* 02,14:00", utc("2026-06-30 14:00:00"), []string{"2026-07-01 02:00:00", "2026-07-01 14:00:00"}},
		{"*:*:0/20", utc("2026-06-30 23:59:40"), []string{"2026-07-01 00:00:00", "2026-07-01 00:00:20"}},
		// 2026-01-01 is a Thursday: Fridays, and the 1st and 15th.
		{"30 4 1,15 * 5", utc("2026-01-01 04:30:00"), []string{"2026-01-02 04:30:00", "2026-01-09 04:30:00", "2026-01-15 04:30:00", "2026-01-16 04:30:00"}},
		{"@weekly", utc("2026-01-01 00:00:00"), []string{"2026-01-04 00:00:00", "2026-01-11 00:00:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.schedule, func(t *testing.T) {
			s, err := Parse(tt.schedule)
			if err != nil {
				t.Fatal(err)
			}
			at := tt.after
			for i, want := range tt.want {
				at = s.Next(at)
				if !at.Equal(utc(want)) || at.Location() != time.UTC {
					t.Fatalf("run %d after %s: got %s, want %s UTC", i+1, tt.after, at, want)
				}
			}
		})
	}
}

// Next rounds up to whole seconds: a run is never before or at the instant.
func TestNextSubSecond(t *testing.T) {
	s, err := Parse("minutely")
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		after time.Duration
		want  time.Duration
	}{
		{-time.Nanosecond, 0},
		{0, time.Minute},
		{59*time.Second + 999*time.Millisecond, time.Minute},
		{time.Minute, 2 * time.Minute},
	}
	for _, tt := range tests {
		if got := s.Next(base.Add(tt.after)); !got.Equal(base.Add(tt.want)) {
			t.Errorf("Next(10:00 + %s) = %s, want 10:00 + %s", tt.after, got, tt.want)
		}
	}
}

func TestZeroScheduleNeverRuns(t *testing.T) {
	var s Schedule
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := s.Next(from); !got.IsZero() {
		t.Errorf("Next = %s, want the zero time", got)
	}
	if got := MaxGap(s, from); got != 0 {
		t.Errorf("MaxGap = %s, want 0", got)
	}
}
