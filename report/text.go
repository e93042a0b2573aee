package report

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Text writes a compact listing in Terraform's manner: the hosts, every
// resource that is not OK with its findings, the objectives, the newest
// backup of each policy, and a summary line.
func Text(w io.Writer, r *Report) error {
	var b strings.Builder
	b.WriteString("Hosts:\n")
	for _, h := range r.Hosts {
		if h.Reachable {
			fmt.Fprintf(&b, "  %s (%s): reachable\n", h.Name, h.Address)
		} else {
			fmt.Fprintf(&b, "  %s (%s): UNREACHABLE: %s\n", h.Name, h.Address, h.Error)
		}
	}
	ok := 0
	var listed []Resource
	for _, res := range r.Resources {
		if res.Status == OK {
			ok++
		} else {
			listed = append(listed, res)
		}
	}
	if len(listed) > 0 {
		b.WriteString("\nResources:\n")
	}
	for _, res := range listed {
		fmt.Fprintf(&b, "  %s %s (%s): %s", statusSymbol(res.Status), res.Address, res.Host, res.Status)
		if res.Action != "" {
			fmt.Fprintf(&b, ", an apply would %s it", res.Action)
		}
		b.WriteString("\n")
		for _, f := range res.Findings {
			fmt.Fprintf(&b, "      %s: declared %s, actual %s%s\n", f.Attribute, f.Declared, f.Actual, since(f.Since))
		}
	}
	if ok > 0 {
		fmt.Fprintf(&b, "\n%d resources match the configuration.\n", ok)
	}
	if len(r.Objectives) > 0 {
		b.WriteString("\nRecovery objectives:\n")
	}
	for _, o := range r.Objectives {
		fmt.Fprintf(&b, "  %s %s (%s, %s): %s\n", statusSymbol(o.Status), o.Scenario, o.Address, o.Host, o.Status)
		fmt.Fprintf(&b, "      rto %s, achievable %s; rpo %s, achievable %s, observed %s\n",
			o.RTO, orDash(o.AchievableRTO), o.RPO, orDash(o.AchievableRPO), orDash(o.ObservedRPO))
		for _, f := range o.Findings {
			fmt.Fprintf(&b, "      - %s\n", f)
		}
	}
	if len(r.Backups) > 0 {
		b.WriteString("\nBackups (newest):\n")
	}
	for _, p := range r.Backups {
		newest := "none"
		switch {
		case p.Error != "":
			newest = "cannot list: " + p.Error
		case len(p.Backups) > 0:
			nb := p.Backups[0]
			newest = fmt.Sprintf("%s (%s)", nb.ID, completeness(nb.Complete))
		}
		fmt.Fprintf(&b, "  %s (%s): %s, %d listed\n", p.Policy, p.Host, newest, len(p.Backups))
	}
	for _, e := range r.Errors {
		fmt.Fprintf(&b, "\nError: %s\n", e)
	}
	fmt.Fprintf(&b, "\n%s\n", r.Summary())
	_, err := io.WriteString(w, b.String())
	return err
}

func statusSymbol(s Status) string {
	switch s {
	case OK, Met:
		return " "
	case Drifted, Pending:
		return "~"
	case Breached:
		return "!"
	}
	return "?"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func since(t *time.Time) string {
	if t == nil {
		return ""
	}
	return " since " + t.UTC().Format(time.RFC3339)
}

func completeness(complete bool) string {
	if complete {
		return "complete"
	}
	return "incomplete"
}
