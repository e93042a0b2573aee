package schedule

import "time"

// MaxGap is the longest time between two consecutive runs of s, scanning one
// whole 400-year Gregorian cycle of run days from from. The calendar repeats
// after a cycle, so this is the worst gap the schedule ever leaves: 24h for
// daily, 72h for Mon..Fri 02:00 (Friday to Monday), 8 years for *-02-29
// (2096 to 2104). The zero Schedule gives 0.
//
// Every run day has the same run times, so the scan only walks run days,
// a month at a time: the widest gap is either inside a day or from a day's
// last run to the next run day's first.
func MaxGap(s Schedule, from time.Time) time.Duration {
	return s.maxGapWithin(from, gregorianCycleMonths)
}

// maxGapWithin is the widest gap between consecutive runs on the run days
// from from's day to the end of the given number of months, the gap to the
// first run day after them included.
func (s Schedule) maxGapWithin(from time.Time, months int) time.Duration {
	if len(s.dayRules) == 0 {
		return 0
	}
	from = from.UTC()
	widestDays, previousRunDay, monthStart := 0, -1, 0
	month, daysBefore := monthOf(from), bitset(1)<<from.Day()-1
	for i := 0; i < months+gregorianCycleMonths; i++ {
		if days := s.runDays(month) &^ daysBefore; days != 0 {
			if previousRunDay >= 0 {
				widestDays = max(widestDays, monthStart+days.first()-previousRunDay)
			}
			if i >= months {
				break
			}
			widestDays = max(widestDays, days.widestStep())
			previousRunDay = monthStart + days.last()
		}
		monthStart += daysIn(month.month, month.year)
		month, daysBefore = month.next(), 0
	}
	firstRun := secondOfDay(s.hours.first(), s.minutes.first(), s.seconds.first())
	lastRun := secondOfDay(s.hours.last(), s.minutes.last(), s.seconds.last())
	widest := max(
		widestDays*secondOfDay(24, 0, 0)-(lastRun-firstRun),
		s.widestGapInsideDay(),
	)
	return time.Duration(widest) * time.Second
}

// widestGapInsideDay is, in seconds, the widest gap between runs on one day:
// within a minute, from a minute's last second to the next run minute's
// first, or from an hour's last run to the next run hour's first.
func (s Schedule) widestGapInsideDay() int {
	secondsSpan := s.seconds.last() - s.seconds.first()
	minuteSpan := secondOfDay(0, s.minutes.last(), s.seconds.last()) - secondOfDay(0, s.minutes.first(), s.seconds.first())
	widest := s.seconds.widestStep()
	if step := s.minutes.widestStep(); step > 0 {
		widest = max(widest, secondOfDay(0, step, 0)-secondsSpan)
	}
	if step := s.hours.widestStep(); step > 0 {
		widest = max(widest, secondOfDay(step, 0, 0)-minuteSpan)
	}
	return widest
}

func secondOfDay(hour, minute, second int) int { return hour*3600 + minute*60 + second }
