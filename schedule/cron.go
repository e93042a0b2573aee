package schedule

import (
	"errors"
	"fmt"
	"strings"

	"github.com/robfig/cron/v3"
)

// cronStarBit is robfig/cron's mark on a field written as * or ?: when
// either day field carries it, both day fields must match; otherwise either
// may (SpecSchedule's dayMatches).
const cronStarBit = 1 << 63

var cronFieldNames = []string{"minute", "hour", "day-of-month", "month", "day-of-week"}

func isCron(text string) bool {
	return strings.HasPrefix(text, "@") || hasCronTimeZone(text) || len(strings.Fields(text)) == len(cronFieldNames)
}

func hasCronTimeZone(text string) bool {
	return strings.HasPrefix(text, "TZ=") || strings.HasPrefix(text, "CRON_TZ=")
}

// parseCron reads a cron line with robfig/cron and turns its field sets into
// calendar rules, so both forms share Next, OnCalendar and MaxGap.
func parseCron(text string) (Schedule, error) {
	if hasCronTimeZone(text) {
		return Schedule{}, errors.New("cron time zone prefixes are not accepted: schedules are evaluated in UTC")
	}
	parsed, err := cron.ParseStandard(text)
	if err != nil {
		return Schedule{}, cronFieldError(text, err)
	}
	spec, ok := parsed.(*cron.SpecSchedule)
	if !ok {
		return Schedule{}, errors.New("@every counts from when the timer started, which no calendar can express: write a calendar expression or a 5-field cron line")
	}
	months := bitset(spec.Month) & rangeBits(1, 12, 1)
	days := bitset(spec.Dom) & rangeBits(1, 31, 1)
	weekdays := bitset(spec.Dow) & allWeekdays
	s := Schedule{
		hours:   bitset(spec.Hour) & rangeBits(0, 23, 1),
		minutes: bitset(spec.Minute) & rangeBits(0, 59, 1),
		seconds: bitset(spec.Second) & rangeBits(0, 59, 1),
	}
	// robfig/cron reads a list of nothing (",") as a field that selects
	// no value: such a line never runs, and its OnCalendar would not parse.
	for i, set := range []bitset{s.minutes, s.hours, days, months, weekdays} {
		if set == 0 {
			return Schedule{}, fmt.Errorf("cron %s field %q: selects no value", cronFieldNames[i], strings.Fields(text)[i])
		}
	}
	if spec.Dom&cronStarBit != 0 || spec.Dow&cronStarBit != 0 {
		s.dayRules = []dayRule{{months: months, days: days, weekdays: weekdays}}
		return s, nil
	}
	byDay := dayRule{months: months, days: days, weekdays: allWeekdays}
	byWeekday := dayRule{months: months, days: rangeBits(1, 31, 1), weekdays: weekdays}
	switch {
	case byDay.covers(byWeekday):
		s.dayRules = []dayRule{byDay}
	case byWeekday.covers(byDay):
		s.dayRules = []dayRule{byWeekday}
	default:
		s.dayRules = []dayRule{byDay, byWeekday}
	}
	return s, nil
}

// covers reports whether every day other matches, r matches too.
func (r dayRule) covers(other dayRule) bool {
	return other.months&^r.months == 0 && other.days&^r.days == 0 && other.weekdays&^r.weekdays == 0
}

// cronFieldError names the field robfig/cron rejected: its messages do not.
func cronFieldError(text string, err error) error {
	fields := strings.Fields(text)
	if len(fields) != len(cronFieldNames) {
		return fmt.Errorf("cron: %w", err)
	}
	for i, f := range fields {
		probe := []string{"*", "*", "*", "*", "*"}
		probe[i] = f
		if _, fieldErr := cron.ParseStandard(strings.Join(probe, " ")); fieldErr != nil {
			return fmt.Errorf("cron %s field %q: %w", cronFieldNames[i], f, fieldErr)
		}
	}
	return fmt.Errorf("cron: %w", err)
}
