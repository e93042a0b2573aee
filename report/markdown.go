package report

import (
	"fmt"
	"html"
	"io"
	"strings"
	"time"
)

// Markdown writes GitHub-flavoured Markdown for a CI job summary or a
// merge-request comment: the summary as a heading, short tables of hosts,
// of the resources that are not OK and of the objectives, and the details
// (findings, backups) folded in <details>.
func Markdown(w io.Writer, r *Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### spice drift\n\n%s\n", cell(r.Summary()))
	for _, e := range r.Errors {
		fmt.Fprintf(&b, "\n> **Error:** %s\n", cell(e))
	}

	b.WriteString("\n| host | address | reachable |\n| --- | --- | --- |\n")
	for _, h := range r.Hosts {
		reach := "yes"
		if !h.Reachable {
			reach = "**no**: " + cell(h.Error)
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", cell(h.Name), cell(h.Address), reach)
	}

	var listed []Resource
	for _, res := range r.Resources {
		if res.Status != OK {
			listed = append(listed, res)
		}
	}
	if len(listed) > 0 {
		b.WriteString("\n| resource | host | status | attributes |\n| --- | --- | --- | --- |\n")
		for _, res := range listed {
			var attrs []string
			for _, f := range res.Findings {
				attrs = append(attrs, code(f.Attribute))
			}
			status := string(res.Status)
			if res.Action != "" {
				status += " (" + res.Action + ")"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", code(res.Address), cell(res.Host), status, strings.Join(attrs, ", "))
		}
		b.WriteString("\n<details><summary>Findings</summary>\n\n| resource | attribute | declared | actual | since |\n| --- | --- | --- | --- | --- |\n")
		for _, res := range listed {
			for _, f := range res.Findings {
				at := ""
				if f.Since != nil {
					at = f.Since.UTC().Format(time.RFC3339)
				}
				fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", code(res.Address), code(f.Attribute), code(f.Declared), code(f.Actual), at)
			}
		}
		b.WriteString("\n</details>\n")
	}

	if len(r.Objectives) > 0 {
		b.WriteString("\n| scenario | host | priority | RTO | achievable RTO | RPO | achievable RPO | observed RPO | status |\n" +
			"| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
		for _, o := range r.Objectives {
			status := string(o.Status)
			if o.Status == Breached {
				status = "**breached**"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", cell(o.Scenario), cell(o.Host), cell(o.Priority),
				cell(o.RTO), cell(orDash(o.AchievableRTO)), cell(o.RPO), cell(orDash(o.AchievableRPO)), cell(orDash(o.ObservedRPO)), status)
		}
		var findings []string
		for _, o := range r.Objectives {
			for _, f := range o.Findings {
				findings = append(findings, fmt.Sprintf("- **%s**: %s", cell(o.Scenario), cell(f)))
			}
		}
		if len(findings) > 0 {
			fmt.Fprintf(&b, "\n<details><summary>Objective findings</summary>\n\n%s\n\n</details>\n", strings.Join(findings, "\n"))
		}
	}

	if len(r.Backups) > 0 {
		b.WriteString("\n<details><summary>Backups</summary>\n\n| policy | host | backup | time | complete | bytes |\n| --- | --- | --- | --- | --- | --- |\n")
		for _, p := range r.Backups {
			switch {
			case p.Error != "":
				fmt.Fprintf(&b, "| %s | %s | cannot list: %s | | | |\n", cell(p.Policy), cell(p.Host), cell(p.Error))
			case len(p.Backups) == 0:
				fmt.Fprintf(&b, "| %s | %s | none | | | |\n", cell(p.Policy), cell(p.Host))
			}
			for _, bk := range p.Backups {
				fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %d |\n", cell(p.Policy), cell(p.Host), cell(bk.ID),
					bk.Time.UTC().Format(time.RFC3339), completeness(bk.Complete), bk.Bytes)
			}
		}
		b.WriteString("\n</details>\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cell makes text safe inside a table cell: HTML escaped (Markdown
// renderers pass HTML through), pipes escaped, lines joined.
func cell(s string) string {
	s = html.EscapeString(s)
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r", ""), "\n", "<br>")
}

// code renders s as inline code in a table cell. <code> rather than
// backticks: a value may hold backticks itself.
func code(s string) string {
	if s == "" {
		return ""
	}
	return "<code>" + cell(s) + "</code>"
}
