package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"time"
)

// The page is one file that CI keeps as an artifact and people open from
// disk: its CSS is inline, it has no script, and its Content-Security-Policy
// forbids every fetch, so opening it reaches no network.
//
//go:embed html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"when": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"size": humanBytes,
	"measured": func(s string) string {
		if s == "" {
			return "—"
		}
		return s
	},
}).Parse(htmlSource))

// HTML writes r as one self-contained HTML page: the verdict and counts,
// unreachable hosts and run errors first, the drift table, the RTO/RPO
// table as it stands on the hosts, and a timeline of each policy's last
// backups.
func HTML(w io.Writer, r *Report) error {
	if err := htmlTemplate.Execute(w, newHTMLPage(r)); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	return nil
}

// htmlPage is what the template shows, worked out beforehand so that the
// template only lays it out.
type htmlPage struct {
	*Report
	ExitCode    int
	Verdict     string
	Unreachable []Host
	Changed     []Resource // every resource that is not OK
	Counts      []htmlCount
	Timelines   []htmlTimeline
}

type htmlCount struct {
	Label string
	N     int
	Class string // the status class colouring a count that needs attention
}

func newHTMLPage(r *Report) htmlPage {
	p := htmlPage{Report: r, ExitCode: r.ExitCode()}
	p.Verdict = map[int]string{
		0: "No drift: the hosts match the configuration and every judged objective is met.",
		1: "Error: a host or the run failed; the report covers what could be read.",
		2: "Drift: something changed outside spice, a change is pending or an objective is breached.",
	}[p.ExitCode]
	for _, h := range r.allHosts() {
		if !h.Reachable {
			p.Unreachable = append(p.Unreachable, h)
		}
	}
	byStatus := map[Status]int{}
	for _, res := range r.Resources {
		byStatus[res.Status]++
		if res.Status != OK {
			p.Changed = append(p.Changed, res)
		}
	}
	for _, o := range r.Objectives {
		byStatus["objective "+o.Status]++
	}
	attention := func(n int, class string) string {
		if n == 0 {
			return ""
		}
		return class
	}
	p.Counts = []htmlCount{
		{"hosts", len(r.allHosts()), ""},
		{"unreachable", len(p.Unreachable), attention(len(p.Unreachable), "status-unreachable")},
		{"resources", len(r.Resources), ""},
		{"drifted", byStatus[Drifted], attention(byStatus[Drifted], "status-drifted")},
		{"pending", byStatus[Pending], attention(byStatus[Pending], "status-pending")},
		{"objectives", len(r.Objectives), ""},
		{"met", byStatus["objective "+Met], ""},
		{"breached", byStatus["objective "+Breached], attention(byStatus["objective "+Breached], "status-breached")},
		{"unknown", byStatus["objective "+Unknown], ""},
	}
	for _, pb := range r.Backups {
		p.Timelines = append(p.Timelines, newHTMLTimeline(pb, r.GeneratedAt))
	}
	return p
}

// htmlTimeline places a policy's backups on a time axis that ends at the
// report's time, as an inline SVG.
type htmlTimeline struct {
	PolicyBackups
	Start, End time.Time
	Marks      []htmlMark
}

type htmlMark struct {
	Backup
	X float64
}

// Timeline geometry, in SVG user units.
const (
	timelineWidth  = 600.0
	timelineMargin = 12.0
)

func newHTMLTimeline(pb PolicyBackups, now time.Time) htmlTimeline {
	tl := htmlTimeline{PolicyBackups: pb, End: now}
	if len(pb.Backups) == 0 {
		return tl
	}
	tl.Start = pb.Backups[0].Time
	for _, b := range pb.Backups {
		tl.Start = minTime(tl.Start, b.Time)
		tl.End = maxTime(tl.End, b.Time)
	}
	span := tl.End.Sub(tl.Start)
	for _, b := range pb.Backups {
		x := timelineWidth - timelineMargin
		if span > 0 {
			x = timelineMargin + (timelineWidth-2*timelineMargin)*float64(b.Time.Sub(tl.Start))/float64(span)
		}
		tl.Marks = append(tl.Marks, htmlMark{Backup: b, X: x})
	}
	return tl
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// humanBytes is a size in binary units, as backup tools print them.
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}
