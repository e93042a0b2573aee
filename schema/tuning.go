package schema

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// sysctlSegment is one dotted component of a sysctl name. The alphabet
// keeps names free of '/' and '.' tricks, so a name always maps to a path
// strictly below /proc/sys.
var sysctlSegment = regexp.MustCompile(`^[a-z0-9_-]+$`)

// CheckSysctlName accepts dotted sysctl names such as "net.core.somaxconn":
// segments of [a-z0-9_-], no empty segment (so no ".."), no slashes.
func CheckSysctlName(name string) error {
	if name == "" {
		return fmt.Errorf("empty sysctl name")
	}
	if len(name) > 255 {
		return fmt.Errorf("sysctl name %.40q... is longer than 255 characters", name)
	}
	for _, seg := range strings.Split(name, ".") {
		if !sysctlSegment.MatchString(seg) {
			return fmt.Errorf("%q is not a sysctl name: dotted segments of a-z, 0-9, '_' and '-' only, such as \"net.core.somaxconn\"", name)
		}
	}
	return nil
}

// SysctlName validates a sysctl name at plan time (see CheckSysctlName).
func SysctlName() validator.String {
	return stringCheck{
		description: "must be a dotted sysctl name such as `net.core.somaxconn`",
		check:       CheckSysctlName,
		summary:     "Invalid sysctl name",
	}
}

// LimitsItems are the items pam_limits(8) knows, as limits.conf(5) lists them.
var LimitsItems = []string{
	"core", "data", "fsize", "memlock", "nofile", "rss", "stack", "cpu", "nproc", "as",
	"maxlogins", "maxsyslogins", "nonewprivs", "priority", "locks", "sigpending",
	"msgqueue", "nice", "rtprio",
}

var limitsValue = regexp.MustCompile(`^(-?[0-9]+|unlimited|infinity)$`)

// CheckLimitsValue accepts what limits.conf takes as a value: an integer
// (negative for nice and priority) or "unlimited"/"infinity".
func CheckLimitsValue(v string) error {
	if !limitsValue.MatchString(v) {
		return fmt.Errorf("%q is not a limit: an integer or \"unlimited\"", v)
	}
	return nil
}

// limitsDomain is limits.conf(5)'s domain grammar: "*", a user name, a
// group as "@group" or "%group" (maxlogins), "%" alone, or a uid or gid
// range such as "1000:", ":999", "1000:2000", "@500:" or "%:1000". An
// allowlist: pam_limits splits fields at any isspace() character (\v and
// \f too) and cuts comments at '#', so anything else could end the
// field and make the rest of the line read as other fields.
var limitsDomain = regexp.MustCompile(`^(\*|%|[@%]?[A-Za-z_][A-Za-z0-9_.-]{0,31}\$?|[@%]?[0-9]*:[0-9]*)$`)

// CheckLimitsDomain accepts a limits.conf domain (see limitsDomain).
func CheckLimitsDomain(d string) error {
	if !limitsDomain.MatchString(d) || d == ":" || d == "@:" || d == "%:" {
		return fmt.Errorf("%q is not a limits domain: a user, @group, %%group, \"*\" or a uid range such as \"1000:\"", d)
	}
	return nil
}

// CheckLimitsItem accepts the items of LimitsItems.
func CheckLimitsItem(item string) error {
	if !slices.Contains(LimitsItems, item) {
		return fmt.Errorf("%q is not a PAM limits item; one of %s", item, strings.Join(LimitsItems, ", "))
	}
	return nil
}

// LimitsValue, LimitsDomain and LimitsItem validate spice_limits at plan time.
func LimitsValue() validator.String {
	return stringCheck{description: "an integer or `unlimited`", check: CheckLimitsValue, summary: "Invalid limit value"}
}

func LimitsDomain() validator.String {
	return stringCheck{description: "a limits.conf domain", check: CheckLimitsDomain, summary: "Invalid limits domain"}
}

func LimitsItem() validator.String {
	return stringCheck{description: "a PAM limits item", check: CheckLimitsItem, summary: "Invalid limits item"}
}

// ConfFileIn accepts an absolute clean path of a "*.conf" file directly in
// one of dirs: the only files systemd-sysctl and pam_limits read there.
func ConfFileIn(dirs ...string) validator.String {
	return stringCheck{
		description: "a `.conf` file directly in " + strings.Join(dirs, " or "),
		summary:     "Invalid file",
		check: func(p string) error {
			if !strings.HasSuffix(p, ".conf") || strings.ContainsAny(p, "\n\r") {
				return fmt.Errorf("%q must end in .conf (other names are not read)", p)
			}
			for _, d := range dirs {
				if rest, ok := strings.CutPrefix(p, d+"/"); ok && rest != ".conf" && !strings.Contains(rest, "/") && !strings.HasPrefix(rest, ".") {
					return nil
				}
			}
			return fmt.Errorf("%q must be a .conf file directly in %s", p, strings.Join(dirs, " or "))
		},
	}
}
