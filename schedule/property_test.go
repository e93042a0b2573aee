package schedule

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

// cronFieldSpec is one field of a cron line as the generator writes it.
type cronFieldSpec struct {
	min, max int
	names    []string // names for min..max, when the field has them
}

var randomCronFields = []cronFieldSpec{
	{min: 0, max: 59},
	{min: 0, max: 23},
	{min: 1, max: 31},
	{min: 1, max: 12, names: []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}},
	{min: 0, max: 6, names: []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}},
}

// randomCronLine writes a valid 5-field line out of *, ?, values, names,
// lists, ranges and steps.
func randomCronLine(r *rand.Rand) string {
	fields := make([]string, len(randomCronFields))
	for i, f := range randomCronFields {
		fields[i] = randomCronField(r, f, i >= 2)
	}
	return strings.Join(fields, " ")
}

func randomCronField(r *rand.Rand, f cronFieldSpec, dayField bool) string {
	switch r.IntN(7) {
	case 0:
		if dayField && r.IntN(4) == 0 {
			return "?"
		}
		return "*"
	case 1:
		return fmt.Sprintf("*/%d", 1+r.IntN(f.max-f.min+1))
	case 2:
		return fmt.Sprintf("%s/%d", randomCronValue(r, f, f.min+r.IntN(f.max-f.min+1)), 1+r.IntN(f.max-f.min+1))
	default:
		items := make([]string, 1+r.IntN(3))
		for i := range items {
			items[i] = randomCronItem(r, f)
		}
		return strings.Join(items, ",")
	}
}

func randomCronItem(r *rand.Rand, f cronFieldSpec) string {
	lo := f.min + r.IntN(f.max-f.min+1)
	switch r.IntN(3) {
	case 0:
		return randomCronValue(r, f, lo)
	case 1:
		hi := lo + r.IntN(f.max-lo+1)
		return randomCronValue(r, f, lo) + "-" + randomCronValue(r, f, hi)
	default:
		hi := lo + r.IntN(f.max-lo+1)
		return fmt.Sprintf("%d-%d/%d", lo, hi, 1+r.IntN(f.max-f.min+1))
	}
}

func randomCronValue(r *rand.Rand, f cronFieldSpec, v int) string {
	if f.names != nil && r.IntN(3) == 0 {
		name := f.names[v-f.min]
		if r.IntN(2) == 0 {
			name = strings.ToUpper(name)
		}
		return name
	}
	return fmt.Sprint(v)
}

// randomInstant is between 1995 and 2090 at any second and nanosecond;
// robfig/cron gives up after 5 years, so the 2100 non-leap year stays out.
func randomInstant(r *rand.Rand) time.Time {
	lo := time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(2090, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	return time.Unix(lo+r.Int64N(hi-lo), r.Int64N(int64(time.Second))).UTC()
}

// unionOfCalendars parses each OnCalendar line on its own, as systemd does
// for a timer with several OnCalendar= lines, and fires at the earliest.
type unionOfCalendars []Schedule

func (u unionOfCalendars) Next(after time.Time) time.Time {
	var earliest time.Time
	for _, s := range u {
		if n := s.Next(after); earliest.IsZero() || n.Before(earliest) {
			earliest = n
		}
	}
	return earliest
}

// The OnCalendar lines of a cron line fire exactly when robfig/cron does.
func TestPropertyCronMatchesItsOnCalendar(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 2026))
	const lines, steps = 500, 60
	tested := 0
	for tested < lines {
		line := randomCronLine(r)
		s, err := Parse(line)
		if err != nil {
			if !strings.Contains(err.Error(), "never elapses") {
				t.Fatalf("generated %q: %v", line, err)
			}
			continue // such as 0 0 30 2 *: robfig/cron accepts it, spice refuses it
		}
		tested++
		reference, err := cron.ParseStandard(line)
		if err != nil {
			t.Fatalf("robfig/cron refuses %q: %v", line, err)
		}
		var calendars unionOfCalendars
		for _, expr := range s.OnCalendar() {
			c, err := Parse(expr)
			if err != nil {
				t.Fatalf("%q: OnCalendar line %q does not parse: %v", line, expr, err)
			}
			calendars = append(calendars, c)
		}
		start := randomInstant(r)
		want, got := start, start
		for step := range steps {
			want, got = reference.Next(want), calendars.Next(got)
			if want.IsZero() {
				// robfig/cron looks 5 years ahead at most.
				if got.Sub(start) < 5*365*24*time.Hour {
					t.Fatalf("%q from %s step %d: robfig/cron finds no run, OnCalendar %q runs at %s", line, start, step, s.OnCalendar(), got)
				}
				break
			}
			if !got.Equal(want) {
				t.Fatalf("%q from %s step %d: robfig/cron %s, OnCalendar %q %s", line, start, step, want, s.OnCalendar(), got)
			}
			if direct := s.Next(want.Add(-time.Second)); !direct.Equal(want) {
				t.Fatalf("%q: Next(%s) = %s, want %s", line, want.Add(-time.Second), direct, want)
			}
		}
	}
}

// MaxGap's day-by-day shortcut agrees with walking every run with Next.
func TestPropertyMaxGapMatchesWalkingEveryRun(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 2026))
	const schedules, windowMonths = 150, 130
	tested := 0
	for tested < schedules {
		line := randomCronLine(r)
		s, err := Parse(line)
		if err != nil || bits.OnesCount64(uint64(s.hours))*bits.OnesCount64(uint64(s.minutes)) > 12 {
			continue // refused, or too many runs a day to walk 11 years of
		}
		from := randomInstant(r)
		want, ok := walkedMaxGap(s, from, windowMonths)
		if !ok {
			continue // no run in the window
		}
		tested++
		if got := s.maxGapWithin(from, windowMonths); got != want {
			t.Fatalf("%q (OnCalendar %q) from %s: maxGapWithin = %s, walking the runs = %s", line, s.OnCalendar(), from, got, want)
		}
	}
}

// walkedMaxGap walks every run from the start of from's day up to the first
// run at or after the start of the month months later.
func walkedMaxGap(s Schedule, from time.Time, months int) (time.Duration, bool) {
	y, m, d := from.UTC().Date()
	dayStart := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	end := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
	prev := s.Next(dayStart.Add(-time.Second))
	if !prev.Before(end) {
		return 0, false
	}
	var widest time.Duration
	for prev.Before(end) {
		run := s.Next(prev)
		widest = max(widest, run.Sub(prev))
		prev = run
	}
	return widest, true
}
