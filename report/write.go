package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// writers are the report formats by name: the one list -format and
// -report choose from.
var writers = map[string]func(io.Writer, *Report) error{
	"text":     Text,
	"json":     JSON,
	"markdown": Markdown,
	"junit":    JUnit,
	"html":     HTML,
}

// Formats lists the format names, sorted.
func Formats() []string {
	out := make([]string, 0, len(writers))
	for name := range writers {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// Write renders r in the named format.
func Write(w io.Writer, format string, r *Report) error {
	write, ok := writers[format]
	if !ok {
		return fmt.Errorf("report format %q is not available (available: %v)", format, Formats())
	}
	return write(w, r)
}

// Known reports whether format names an available format.
func Known(format string) bool {
	_, ok := writers[format]
	return ok
}

// Summary is the report in one sentence, as the text and Markdown
// renderings end or begin.
func (r *Report) Summary() string {
	counts := map[Status]int{}
	for _, res := range r.Resources {
		counts[res.Status]++
	}
	breached := 0
	for _, o := range r.Objectives {
		if o.Status == Breached {
			breached++
		}
	}
	unreachable := 0
	for _, h := range r.Hosts {
		if !h.Reachable {
			unreachable++
		}
	}
	var parts []string
	add := func(n int, one, many string) {
		switch {
		case n == 1:
			parts = append(parts, "1 "+one)
		case n > 1:
			parts = append(parts, fmt.Sprintf("%d %s", n, many))
		}
	}
	add(counts[Drifted], "drifted", "drifted")
	add(counts[Pending], "pending change", "pending changes")
	add(breached, "objective breached", "objectives breached")
	add(unreachable, "host unreachable", "hosts unreachable")
	add(len(r.Errors), "error", "errors")
	if len(parts) == 0 {
		return fmt.Sprintf("No drift: the hosts match the configuration (%s on %s; %s, none breached).",
			count(len(r.Resources), "resource"), count(len(r.Hosts), "host"), count(len(r.Objectives), "objective"))
	}
	return fmt.Sprintf("Drift: %s (%s, %s, %s).", strings.Join(parts, ", "),
		count(len(r.Resources), "resource"), count(len(r.Objectives), "objective"), count(len(r.Hosts), "host"))
}

// count is "1 thing" or "N things".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
