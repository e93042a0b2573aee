package schedule

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// field is one numeric component of a calendar expression.
type field struct {
	name     string
	min, max int
}

var (
	monthField  = field{"month", 1, 12}
	dayField    = field{"day", 1, 31}
	hourField   = field{"hour", 0, 23}
	minuteField = field{"minute", 0, 59}
	secondField = field{"second", 0, 59}
)

// shorthands are systemd.time(7)'s names, as systemd normalises them.
var shorthands = map[string]string{
	"minutely":     "*-*-* *:*:00",
	"hourly":       "*-*-* *:00:00",
	"daily":        "*-*-* 00:00:00",
	"weekly":       "Mon *-*-* 00:00:00",
	"monthly":      "*-*-01 00:00:00",
	"quarterly":    "*-01,04,07,10-01 00:00:00",
	"semiannually": "*-01,07-01 00:00:00",
	"yearly":       "*-01-01 00:00:00",
	"annually":     "*-01-01 00:00:00",
}

// weekdayNames in systemd's order: weeks start on Monday.
var weekdayNames = []struct {
	short, long string
	weekday     time.Weekday
}{
	{"Mon", "Monday", time.Monday},
	{"Tue", "Tuesday", time.Tuesday},
	{"Wed", "Wednesday", time.Wednesday},
	{"Thu", "Thursday", time.Thursday},
	{"Fri", "Friday", time.Friday},
	{"Sat", "Saturday", time.Saturday},
	{"Sun", "Sunday", time.Sunday},
}

func parseCalendar(text string) (Schedule, error) {
	tokens := strings.Fields(text)
	if len(tokens) > 0 && strings.EqualFold(tokens[len(tokens)-1], "UTC") {
		tokens = tokens[:len(tokens)-1]
	}
	if len(tokens) == 0 {
		return Schedule{}, errors.New("empty: write a calendar expression such as daily or *-*-* 02:00, or a 5-field cron line")
	}
	if expansion, ok := shorthands[strings.ToLower(tokens[0])]; ok {
		if len(tokens) > 1 {
			if isTimeZoneLike(tokens[1:]) {
				return Schedule{}, timeZoneError(tokens[1])
			}
			return Schedule{}, fmt.Errorf("%q stands alone (optionally followed by UTC), found %q after it", tokens[0], tokens[1])
		}
		return parseCalendar(expansion)
	}

	s := Schedule{hours: 1, minutes: 1, seconds: 1} // 00:00:00
	rule := dayRule{months: rangeBits(1, 12, 1), days: rangeBits(1, 31, 1), weekdays: allWeekdays}
	rest := tokens
	var err error
	if isLetter(rest[0][0]) {
		if rule.weekdays, err = parseWeekdays(rest[0]); err != nil {
			return Schedule{}, err
		}
		rest = rest[1:]
	}
	if len(rest) > 0 && strings.Contains(rest[0], "-") {
		if rule.months, rule.days, err = parseDate(rest[0]); err != nil {
			return Schedule{}, err
		}
		rest = rest[1:]
	}
	if len(rest) > 0 && strings.Contains(rest[0], ":") {
		if s.hours, s.minutes, s.seconds, err = parseTime(rest[0]); err != nil {
			return Schedule{}, err
		}
		rest = rest[1:]
	}
	if len(rest) > 0 {
		return Schedule{}, unexpectedToken(rest, len(rest) < len(tokens))
	}
	s.dayRules = []dayRule{rule}
	return s, nil
}

// unexpectedToken explains what is left over after the expression's parts.
func unexpectedToken(rest []string, partsSeen bool) error {
	token := rest[0]
	switch {
	case !partsSeen:
		return fmt.Errorf("%q is neither a weekday, a date (YEAR-MONTH-DAY) nor a time (HOUR:MINUTE), and a cron line has exactly 5 fields", token)
	case isTimeZoneLike(rest):
		return timeZoneError(token)
	case isLetter(token[0]):
		return fmt.Errorf("weekday %q must come first", token)
	default:
		return fmt.Errorf("unexpected %q: the order is WEEKDAYS YEAR-MONTH-DAY HOUR:MINUTE:SECOND UTC", token)
	}
}

// isTimeZoneLike reports whether the last token is a word that is no
// weekday: systemd would read it as a time zone.
func isTimeZoneLike(rest []string) bool {
	if len(rest) != 1 || !isLetter(rest[0][0]) {
		return false
	}
	_, err := parseWeekdays(rest[0])
	return err != nil
}

func timeZoneError(zone string) error {
	return fmt.Errorf("time zone %q is not accepted: schedules are evaluated in UTC, so write UTC or no zone", zone)
}

func parseWeekdays(text string) (bitset, error) {
	var set bitset
	for item := range strings.SplitSeq(text, ",") {
		lo, hi, isRange := strings.Cut(item, "..")
		if !isRange {
			lo, hi, isRange = strings.Cut(item, "-")
		}
		if !isRange {
			hi = lo
		}
		from, err := weekdayIndex(lo)
		if err != nil {
			return 0, err
		}
		to, err := weekdayIndex(hi)
		if err != nil {
			return 0, err
		}
		if from > to {
			return 0, fmt.Errorf("weekday range %q runs backwards (weeks start on Monday)", item)
		}
		for i := from; i <= to; i++ {
			set |= 1 << weekdayNames[i].weekday
		}
	}
	return set, nil
}

// weekdayIndex is the position of a weekday name in a Monday-first week.
func weekdayIndex(name string) (int, error) {
	for i, w := range weekdayNames {
		if strings.EqualFold(name, w.short) || strings.EqualFold(name, w.long) {
			return i, nil
		}
	}
	return 0, fmt.Errorf("weekday %q unknown: use Mon..Sun or Monday..Sunday", name)
}

func formatWeekdays(set bitset) string {
	var mondayFirst bitset
	for i, w := range weekdayNames {
		if set.has(int(w.weekday)) {
			mondayFirst |= 1 << i
		}
	}
	return formatRuns(mondayFirst, func(i int) string { return weekdayNames[i].short })
}

func parseDate(text string) (months, days bitset, err error) {
	if strings.Contains(text, "~") {
		return 0, 0, fmt.Errorf("date %q: the last-days syntax ~ is not supported", text)
	}
	parts := strings.Split(text, "-")
	switch len(parts) {
	case 2:
	case 3:
		if parts[0] != "*" {
			return 0, 0, fmt.Errorf("year %q: only * is accepted (a backup schedule repeats every year)", parts[0])
		}
		parts = parts[1:]
	default:
		return 0, 0, fmt.Errorf("date %q: write YEAR-MONTH-DAY or MONTH-DAY", text)
	}
	if months, err = parseComponent(parts[0], monthField); err != nil {
		return 0, 0, err
	}
	if days, err = parseComponent(parts[1], dayField); err != nil {
		return 0, 0, err
	}
	return months, days, nil
}

func parseTime(text string) (hours, minutes, seconds bitset, err error) {
	parts := strings.Split(text, ":")
	switch len(parts) {
	case 2:
		parts = append(parts, "00")
	case 3:
		if strings.Contains(parts[2], ".") {
			return 0, 0, 0, fmt.Errorf("second %q: fractional seconds are not supported", parts[2])
		}
	default:
		return 0, 0, 0, fmt.Errorf("time %q: write HOUR:MINUTE or HOUR:MINUTE:SECOND", text)
	}
	if hours, err = parseComponent(parts[0], hourField); err != nil {
		return 0, 0, 0, err
	}
	if minutes, err = parseComponent(parts[1], minuteField); err != nil {
		return 0, 0, 0, err
	}
	if seconds, err = parseComponent(parts[2], secondField); err != nil {
		return 0, 0, 0, err
	}
	return hours, minutes, seconds, nil
}

// parseComponent reads *, or a comma list of N, N..M, N/STEP and N..M/STEP.
func parseComponent(text string, f field) (bitset, error) {
	if text == "*" {
		return rangeBits(f.min, f.max, 1), nil
	}
	var set bitset
	for item := range strings.SplitSeq(text, ",") {
		span, stepText, hasStep := strings.Cut(item, "/")
		loText, hiText, isRange := strings.Cut(span, "..")
		if loText == "*" {
			if hasStep {
				return 0, fmt.Errorf("%s %q: a repetition needs a start value, such as %d/%s", f.name, item, f.min, stepText)
			}
			return 0, fmt.Errorf("%s %q: * stands alone, not in a list or range", f.name, text)
		}
		lo, err := parseValue(loText, item, f)
		if err != nil {
			return 0, err
		}
		hi := lo
		switch {
		case isRange:
			if hi, err = parseValue(hiText, item, f); err != nil {
				return 0, err
			}
			if lo > hi {
				return 0, fmt.Errorf("%s range %q runs backwards", f.name, item)
			}
		case hasStep:
			hi = f.max
		}
		step := 1
		if hasStep {
			if step, err = strconv.Atoi(stepText); err != nil || !isDigits(stepText) || step < 1 {
				return 0, fmt.Errorf("%s %q: the repetition must be a whole number of at least 1", f.name, item)
			}
		}
		set |= rangeBits(lo, hi, step)
	}
	return set, nil
}

func parseValue(text, item string, f field) (int, error) {
	if !isDigits(text) {
		return 0, fmt.Errorf("%s %q: %q is not a number", f.name, item, text)
	}
	v, err := strconv.Atoi(text)
	if err != nil || v < f.min || v > f.max {
		return 0, fmt.Errorf("%s %s out of range %d..%d", f.name, text, f.min, f.max)
	}
	return v, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
