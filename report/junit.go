package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// JUnit class names: CI systems group test cases by them.
const (
	junitResources  = "spice.resources"
	junitObjectives = "spice.objectives"
	junitHosts      = "spice.hosts"
	junitRun        = "spice.run"
)

// junitRunSuite holds the run's errors that belong to no host. Host names
// are "spice" or "spice.ALIAS", so it cannot collide with one.
const junitRunSuite = "spice drift"

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitProblem `xml:"skipped,omitempty"`
}

// junitProblem is a <failure>, <error> or <skipped>: a one-line message,
// a type, and the details as text.
type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// JUnit writes r as JUnit XML: one <testsuite> per host, one <testcase>
// per resource and per objective. Drift, a pending change and a breached
// objective are <failure>s, every test case of an unreachable host is an
// <error>, and an objective not judged yet is <skipped>. Errors of the run
// that belong to no host are <error>s of a suite of their own.
func JUnit(w io.Writer, r *Report) error {
	doc := junitSuites{Name: "spice drift", Time: "0"}
	timestamp := ""
	if !r.GeneratedAt.IsZero() {
		timestamp = r.GeneratedAt.UTC().Format(time.DateOnly + "T" + time.TimeOnly)
	}
	for _, h := range r.allHosts() {
		suite := junitSuite{Name: h.Name, Time: "0", Timestamp: timestamp, Properties: []junitProperty{
			{Name: "address", Value: h.Address},
			{Name: "spice_version", Value: r.Version},
		}}
		if !h.Reachable {
			suite.Cases = append(suite.Cases, junitCase{Classname: junitHosts, Name: h.Name, Time: "0"})
		}
		for _, res := range r.Resources {
			if res.Host == h.Name {
				suite.Cases = append(suite.Cases, resourceCase(res))
			}
		}
		for _, o := range r.Objectives {
			if o.Host == h.Name {
				suite.Cases = append(suite.Cases, objectiveCase(o))
			}
		}
		if !h.Reachable {
			markUnreachable(suite.Cases, h)
		}
		doc.add(suite)
	}
	if len(r.Errors) > 0 {
		suite := junitSuite{Name: junitRunSuite, Time: "0", Timestamp: timestamp}
		for i, e := range r.Errors {
			suite.Cases = append(suite.Cases, junitCase{Classname: junitRun, Name: fmt.Sprintf("error %d", i+1), Time: "0",
				Error: &junitProblem{Message: firstLine(e), Type: "error", Text: e}})
		}
		doc.add(suite)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("junit report: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("junit report: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("junit report: %w", err)
	}
	return nil
}

// allHosts are r.Hosts, then any host a resource or an objective names
// that r.Hosts lacks, so that no finding goes unreported.
func (r *Report) allHosts() []Host {
	hosts := slices.Clone(r.Hosts)
	known := map[string]bool{}
	for _, h := range hosts {
		known[h.Name] = true
	}
	named := make([]string, 0, len(r.Resources)+len(r.Objectives))
	for _, res := range r.Resources {
		named = append(named, res.Host)
	}
	for _, o := range r.Objectives {
		named = append(named, o.Host)
	}
	for _, name := range named {
		if !known[name] {
			known[name] = true
			hosts = append(hosts, Host{Name: name, Reachable: true})
		}
	}
	return hosts
}

// add counts suite's cases into it and into the document.
func (d *junitSuites) add(suite junitSuite) {
	suite.Tests = len(suite.Cases)
	for _, c := range suite.Cases {
		switch {
		case c.Error != nil:
			suite.Errors++
		case c.Failure != nil:
			suite.Failures++
		case c.Skipped != nil:
			suite.Skipped++
		}
	}
	d.Tests += suite.Tests
	d.Failures += suite.Failures
	d.Errors += suite.Errors
	d.Skipped += suite.Skipped
	d.Suites = append(d.Suites, suite)
}

// markUnreachable turns every case of an unreachable host into an error:
// nothing on it was checked, so nothing passed or failed.
func markUnreachable(cases []junitCase, h Host) {
	for i := range cases {
		cases[i].Failure, cases[i].Skipped = nil, nil
		cases[i].Error = &junitProblem{
			Message: fmt.Sprintf("host %s (%s) is unreachable", h.Name, h.Address),
			Type:    string(Unreachable),
			Text:    h.Error,
		}
	}
}

func resourceCase(res Resource) junitCase {
	c := junitCase{Classname: junitResources, Name: res.Address, Time: "0"}
	switch res.Status {
	case OK:
	case Unreachable:
		c.Error = &junitProblem{Message: res.Address + " could not be read: its host is unreachable", Type: string(res.Status)}
	default:
		c.Failure = &junitProblem{Message: resourceMessage(res), Type: string(res.Status), Text: findingsText(res.Findings)}
	}
	return c
}

// resourceMessage is the one line a CI system shows for a failed resource.
func resourceMessage(res Resource) string {
	msg := fmt.Sprintf("%s is %s", res.Address, res.Status)
	if res.Status == Drifted {
		msg = fmt.Sprintf("%s changed outside spice", res.Address)
	}
	if res.Action != "" {
		msg += fmt.Sprintf("; an apply would %s it", res.Action)
	}
	switch n := len(res.Findings); n {
	case 0:
	case 1:
		msg += fmt.Sprintf(" (%s differs)", res.Findings[0].Attribute)
	default:
		msg += fmt.Sprintf(" (%d attributes differ)", n)
	}
	return msg
}

// findingsText is one line per finding: attribute, declared, actual, since.
func findingsText(findings []Finding) string {
	var b strings.Builder
	for _, f := range findings {
		fmt.Fprintf(&b, "%s: declared %s, actual %s", f.Attribute, f.Declared, f.Actual)
		if f.Since != nil {
			fmt.Fprintf(&b, " (since %s)", f.Since.UTC().Format(time.RFC3339))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func objectiveCase(o Objective) junitCase {
	c := junitCase{Classname: junitObjectives, Name: o.Scenario, Time: "0"}
	text := objectiveText(o)
	switch o.Status {
	case Met:
	case Breached:
		c.Failure = &junitProblem{Message: fmt.Sprintf("objective %q (%s) is breached", o.Scenario, o.Address), Type: string(o.Status), Text: text}
	default:
		c.Skipped = &junitProblem{Message: fmt.Sprintf("objective %q (%s) is %s: not judged yet", o.Scenario, o.Address, o.Status), Text: text}
	}
	return c
}

// objectiveText is the RTO/RPO row in words, then the reasons.
func objectiveText(o Objective) string {
	var b strings.Builder
	fmt.Fprintf(&b, "RTO declared %s, achievable %s\n", o.RTO, orUnknown(o.AchievableRTO))
	fmt.Fprintf(&b, "RPO declared %s, achievable %s, observed %s\n", o.RPO, orUnknown(o.AchievableRPO), orUnknown(o.ObservedRPO))
	for _, f := range o.Findings {
		b.WriteString(f + "\n")
	}
	return b.String()
}

func orUnknown(measured string) string {
	if measured == "" {
		return "not known yet"
	}
	return measured
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
