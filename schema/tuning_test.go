package schema

import (
	"math/rand"
	"strings"
	"testing"
)

// pamLimitsFields reads a limits.conf line as pam_limits does: the part
// before '#', split into at most four fields at isspace() characters
// (space, \t, \n, \v, \f, \r) like sscanf("%s%s%s%s"); n is how many
// fields the line holds.
func pamLimitsFields(line string) (fields []string, n int) {
	if i := strings.IndexByte(line, '#'); i >= 0 {
		line = line[:i]
	}
	all := strings.FieldsFunc(line, func(r rune) bool { return strings.ContainsRune(" \t\n\v\f\r", r) })
	return all, len(all)
}

// limitsDomainAttacks once walked around CheckLimitsDomain (issue 20,
// finding 9), or are variants of it.
var limitsDomainAttacks = []string{
	"oms\vhard\tnofile\t1\n*", "oms\fhard", "oms\rx", "oms\u0085x", "oms\u00a0x", "oms#", "#", "", " oms", "oms ",
	"@", "%%", ":", "@:", "*x", "oms\x00", "o\nms", "-oms", "ø",
}

// TestLimitsDomainLinesReadBack writes the line spice_limits writes for
// seed and random domains and reads it like pam_limits: every domain
// CheckLimitsDomain accepts comes back as exactly the four fields.
func TestLimitsDomainLinesReadBack(t *testing.T) {
	for _, d := range limitsDomainAttacks {
		if CheckLimitsDomain(d) == nil {
			t.Errorf("%q accepted", d)
		}
	}
	domains := []string{"*", "oms", "@staff", "%admins", "%", "1000:", ":999", "1000:2000", "@500:", "%:1000", "svc$", "a.b-c_d"}
	r := rand.New(rand.NewSource(20))
	const chars = "ab0:@%*$#._- \t\n\v\f\r\u0085\u00a0"
	runes := []rune(chars)
	for range 2000 {
		var b strings.Builder
		for range r.Intn(8) {
			b.WriteRune(runes[r.Intn(len(runes))])
		}
		domains = append(domains, b.String())
	}
	accepted := 0
	for _, d := range domains {
		if CheckLimitsDomain(d) != nil {
			continue
		}
		accepted++
		line := strings.Join([]string{d, "soft", "nofile", "65536"}, "\t")
		if got, n := pamLimitsFields(line); n != 4 || got[0] != d || got[1] != "soft" || got[2] != "nofile" || got[3] != "65536" {
			t.Errorf("domain %q: pam_limits reads %q", d, got)
		}
	}
	if accepted < 50 {
		t.Fatalf("only %d domains accepted: the generator tests too little", accepted)
	}
}
