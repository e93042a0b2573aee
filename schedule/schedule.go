// Package schedule reads the `schedule` of a spice_backup_policy: a systemd
// calendar expression or a 5-field cron line. It computes run times, the
// systemd OnCalendar= lines a timer needs, and the longest gap between runs
// (what achievable_rpo of spice_recovery_objective is made of).
//
// # Systemd calendar expressions
//
// The CALENDAR EVENTS of systemd.time(7), as systemd 252 accepts them:
//
//	[WEEKDAYS] [[YEAR-]MONTH-DAY] [HOUR:MINUTE[:SECOND]] [UTC]
//
// with at least one of the three parts, in that order. A missing date means
// every day, a missing time 00:00:00, missing seconds :00. Each number
// component is `*`, or a comma list of N, N..M, N/STEP (N, N+STEP, ... up to
// the component's maximum) and N..M/STEP. Weekdays are names (Mon or Monday,
// any case), lists and ascending ranges (Mon..Fri or Mon-Fri; weeks start on
// Monday, so Sat..Sun works and Sun..Mon does not). A weekday and a date must
// both match. The shorthands minutely, hourly, daily, weekly (Monday),
// monthly, quarterly, semiannually, yearly and annually stand alone.
//
// Refused, each with an error naming the problem: a year other than `*` (a
// backup schedule repeats forever, so a schedule that stops would have no
// worst-case gap), the last-days syntax `~`, `*/STEP` (systemd 252 refuses
// it too: write 0/STEP), fractional seconds, and expressions that never
// elapse such as *-02-30.
//
// # Cron lines
//
// Exactly 5 whitespace-separated fields (minute hour day-of-month month
// day-of-week) or a descriptor such as @daily, parsed by
// github.com/robfig/cron/v3 (ParseStandard) with its semantics: when neither
// day field is `*` or `?`, a day matches either of them. @every is refused:
// it counts from when the timer started, which no calendar can express.
// Anything else is read as a calendar expression; a calendar expression has
// at most 4 fields, so the two forms never overlap.
//
// # Time zone: UTC
//
// Every schedule is evaluated in UTC, whatever the host's time zone: Next
// and MaxGap compute in UTC, and OnCalendar ends each expression with " UTC"
// so systemd fires the timer at exactly those instants. A calendar
// expression may end in UTC (any case); any other zone, and cron's
// TZ=/CRON_TZ= prefixes, are refused rather than silently reinterpreted. UTC
// has no daylight saving time, so no run is skipped or doubled twice a year.
package schedule

import (
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"time"
)

// Schedule is a parsed backup schedule. The zero Schedule never runs.
type Schedule struct {
	text string
	// A day is a run day when any rule matches it: one rule for a calendar
	// expression, up to two for a cron line whose day fields are OR-ed.
	dayRules                []dayRule
	hours, minutes, seconds bitset
}

// dayRule matches a day when its month, day of month and weekday all match.
type dayRule struct {
	months   bitset // 1..12
	days     bitset // 1..31
	weekdays bitset // time.Weekday: Sunday is 0
}

// Parse reads a 5-field cron line or cron descriptor (@daily) as cron and
// anything else as a systemd calendar expression. Errors quote the schedule
// and name the component at fault.
func Parse(text string) (Schedule, error) {
	trimmed := strings.TrimSpace(text)
	var (
		s   Schedule
		err error
	)
	if isCron(trimmed) {
		s, err = parseCron(trimmed)
	} else {
		s, err = parseCalendar(trimmed)
	}
	if err == nil {
		err = s.dropNeverElapsing()
	}
	if err != nil {
		return Schedule{}, fmt.Errorf("schedule %q: %w", text, err)
	}
	s.text = trimmed
	return s, nil
}

// String is the schedule as written (surrounding space removed).
func (s Schedule) String() string { return s.text }

// OnCalendar is the systemd OnCalendar= value for each line a timer needs to
// fire exactly at this schedule's runs, normalised and ending in " UTC". A
// cron line whose day-of-month and day-of-week are OR-ed needs two lines.
func (s Schedule) OnCalendar() []string {
	timeOfDay := fmt.Sprintf("%s:%s:%s", s.hours.format(hourField), s.minutes.format(minuteField), s.seconds.format(secondField))
	lines := make([]string, 0, len(s.dayRules))
	for _, r := range s.dayRules {
		date := fmt.Sprintf("*-%s-%s", r.months.format(monthField), r.days.format(dayField))
		line := date + " " + timeOfDay + " UTC"
		if r.weekdays != allWeekdays {
			line = formatWeekdays(r.weekdays) + " " + line
		}
		lines = append(lines, line)
	}
	return lines
}

// Next is the first run strictly after the given instant, in UTC; the zero
// time for the zero Schedule.
func (s Schedule) Next(after time.Time) time.Time {
	t := after.UTC().Truncate(time.Second).Add(time.Second)
	month := monthOf(t)
	days := s.runDays(month)
	if days.has(t.Day()) {
		if h, m, sec, ok := s.nextTimeOfDay(t.Hour(), t.Minute(), t.Second()); ok {
			return month.at(t.Day(), h, m, sec)
		}
	}
	from := t.Day() + 1
	for range gregorianCycleMonths + 1 {
		if day := days.next(from); day >= 0 {
			return month.at(day, s.hours.first(), s.minutes.first(), s.seconds.first())
		}
		month = month.next()
		days, from = s.runDays(month), 1
	}
	return time.Time{}
}

// nextTimeOfDay is the first run time at or after h:m:sec on a run day.
func (s Schedule) nextTimeOfDay(h, m, sec int) (hour, minute, second int, ok bool) {
	for hour = s.hours.next(h); hour >= 0; hour = s.hours.next(hour + 1) {
		minuteFrom := 0
		if hour == h {
			minuteFrom = m
		}
		for minute = s.minutes.next(minuteFrom); minute >= 0; minute = s.minutes.next(minute + 1) {
			secondFrom := 0
			if hour == h && minute == m {
				secondFrom = sec
			}
			if second = s.seconds.next(secondFrom); second >= 0 {
				return hour, minute, second, true
			}
		}
	}
	return 0, 0, 0, false
}

// gregorianCycleMonths is 400 years: the calendar, weekdays included,
// repeats after it, so every pattern of run days shows within one cycle.
const gregorianCycleMonths = 400 * 12

// runDays is the set of run days in a month.
func (s Schedule) runDays(m calendarMonth) bitset {
	var days bitset
	for _, r := range s.dayRules {
		if r.months.has(int(m.month)) {
			days |= r.days & m.daysOn(r.weekdays)
		}
	}
	return days & (bitset(1)<<(daysIn(m.month, m.year)+1) - 2)
}

// dropNeverElapsing removes day rules with no day at all, such as the
// *-04-31 half of cron's "0 0 31 4 Mon", and refuses a schedule left without
// one (*-02-30): systemd would accept it and never fire.
func (s *Schedule) dropNeverElapsing() error {
	never := s.dayRules[0]
	s.dayRules = slices.DeleteFunc(s.dayRules, func(r dayRule) bool { return !r.elapses() })
	if len(s.dayRules) == 0 {
		return fmt.Errorf("never elapses: no month in %s has a day %s", never.months.format(monthField), never.days.format(dayField))
	}
	return nil
}

func (r dayRule) elapses() bool {
	for m := r.months.first(); m >= 0; m = r.months.next(m + 1) {
		if r.days.first() <= daysIn(time.Month(m), 2000) { // a leap year: February 29 exists
			return true
		}
	}
	return false
}

// calendarMonth is a UTC month with the weekday of its 1st, stepped
// without time.Time arithmetic so scanning a 400-year cycle stays cheap.
type calendarMonth struct {
	year         int
	month        time.Month
	firstWeekday time.Weekday
}

func monthOf(t time.Time) calendarMonth {
	y, m, d := t.Date()
	return calendarMonth{year: y, month: m, firstWeekday: (t.Weekday() + 7 - time.Weekday((d-1)%7)) % 7}
}

func (m calendarMonth) next() calendarMonth {
	m.firstWeekday = time.Weekday((int(m.firstWeekday) + daysIn(m.month, m.year)) % 7)
	m.month++
	if m.month > time.December {
		m.month = time.January
		m.year++
	}
	return m
}

// weekStride[k] holds the days 1+k, 8+k, 15+k, 22+k and 29+k: the days of
// a month falling on the weekday k days after the 1st's.
var weekStride = func() (strides [7]bitset) {
	for k := range strides {
		strides[k] = rangeBits(1+k, 31, 7)
	}
	return strides
}()

// daysOn is the set of days of the month falling on the given weekdays.
func (m calendarMonth) daysOn(weekdays bitset) bitset {
	var days bitset
	for w := weekdays.first(); w >= 0; w = weekdays.next(w + 1) {
		days |= weekStride[(w-int(m.firstWeekday)+7)%7]
	}
	return days
}

func (m calendarMonth) at(day, hour, minute, second int) time.Time {
	return time.Date(m.year, m.month, day, hour, minute, second, 0, time.UTC)
}

func daysIn(m time.Month, year int) int {
	switch m {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	default:
		return 31
	}
}

// bitset holds the values of one schedule component, bit i for value i.
type bitset uint64

func rangeBits(lo, hi, step int) bitset {
	var b bitset
	for v := lo; v <= hi; v += step {
		b |= 1 << v
	}
	return b
}

var allWeekdays = rangeBits(0, 6, 1)

func (b bitset) has(v int) bool { return v >= 0 && v < 64 && b&(1<<v) != 0 }

// next is the smallest member at or above from, or -1.
func (b bitset) next(from int) int {
	if from >= 64 {
		return -1
	}
	rest := b >> from
	if rest == 0 {
		return -1
	}
	return from + bits.TrailingZeros64(uint64(rest))
}

func (b bitset) first() int { return b.next(0) }

func (b bitset) last() int { return 63 - bits.LeadingZeros64(uint64(b)) }

// widestStep is the largest difference between consecutive members; 0 with
// fewer than two members.
func (b bitset) widestStep() int {
	if b == 0 {
		return 0
	}
	if run := b >> b.first(); run&(run+1) == 0 { // one run of consecutive values
		return min(1, b.last()-b.first())
	}
	widest := 0
	for v := b.first(); v >= 0; {
		n := b.next(v + 1)
		if n < 0 {
			break
		}
		widest = max(widest, n-v)
		v = n
	}
	return widest
}

// format writes the set as systemd's normal form does: * when complete,
// else two-digit values, runs of three or more as N..M.
func (b bitset) format(f field) string {
	if b == rangeBits(f.min, f.max, 1) {
		return "*"
	}
	return formatRuns(b, func(v int) string { return fmt.Sprintf("%02d", v) })
}

func formatRuns(b bitset, name func(int) string) string {
	var items []string
	for v := b.first(); v >= 0; {
		end := v
		for b.has(end + 1) {
			end++
		}
		switch {
		case end-v >= 2:
			items = append(items, name(v)+".."+name(end))
		case end > v:
			items = append(items, name(v), name(end))
		default:
			items = append(items, name(v))
		}
		v = b.next(end + 1)
	}
	return strings.Join(items, ",")
}
