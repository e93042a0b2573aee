package schedule

import (
	"testing"
	"time"
)

func TestMaxGap(t *testing.T) {
	const day = 24 * time.Hour
	tests := []struct {
		schedule string
		want     time.Duration
	}{
		{"daily", day},
		{"hourly", time.Hour},
		{"minutely", time.Minute},
		{"*:*:0/20", 20 * time.Second},
		{"*:0/15", 15 * time.Minute},
		{"*-*-* 02,14:00", 12 * time.Hour},
		{"*-*-* 09..17:00", 16 * time.Hour},                     // 17:00 to 09:00
		{"Mon..Fri 02:00", 3 * day},                             // Friday to Monday
		{"weekly", 7 * day},                                     //
		{"monthly", 31 * day},                                   //
		{"*-*-31", 61 * day},                                    // August 31 to October 31
		{"quarterly", 92 * day},                                 // October 1 to January 1
		{"yearly", 366 * day},                                   // across February 29
		{"Fri *-*-13", 427 * day},                               // 14 months, such as 2001-07-13 to 2002-09-13
		{"*-02-29", (8*365 + 1) * day},                          // 2096 to 2104: 2100 is no leap year
		{"Mon *-02-29", (40*365 + 9) * day},                     // 2072 to 2112
		{"0 */6 * * *", 6 * time.Hour},                          //
		{"30 4 * * 1-5", 3 * day},                               //
		{"0 0 1,15 * 1", 7 * day},                               // Mondays, and the 1st and 15th
		{"@weekly", 7 * day},                                    //
		{"0 2,3 * * *", 23 * time.Hour},                         // 03:00 to 02:00
		{"*-*-* 00,23:00,59:00,59", 22*time.Hour + time.Second}, // 00:59:59 to 23:00:00
	}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.schedule, func(t *testing.T) {
			s, err := Parse(tt.schedule)
			if err != nil {
				t.Fatal(err)
			}
			if got := MaxGap(s, from); got != tt.want {
				t.Errorf("MaxGap = %s (%.2f days), want %s", got, got.Hours()/24, tt.want)
			}
		})
	}
}

// A 400-year cycle is the whole story: where it starts does not matter.
func TestMaxGapDoesNotDependOnStart(t *testing.T) {
	s, err := Parse("Mon *-02-29")
	if err != nil {
		t.Fatal(err)
	}
	want := MaxGap(s, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	for _, from := range []time.Time{
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2099, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(2400, 2, 29, 12, 0, 0, 0, time.FixedZone("X", -5*3600)),
	} {
		if got := MaxGap(s, from); got != want {
			t.Errorf("MaxGap from %s = %s, from 2026 %s", from, got, want)
		}
	}
}

func BenchmarkMaxGap(b *testing.B) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, schedule := range []string{"minutely", "daily", "Fri *-*-13", "30 4 1,15 * 5"} {
		s, err := Parse(schedule)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(schedule, func(b *testing.B) {
			for b.Loop() {
				MaxGap(s, from)
			}
		})
	}
}
