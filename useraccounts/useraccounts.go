// Package useraccounts manages users and groups through a host's own
// tools (useradd, usermod, userdel, groupadd, groupmod, groupdel, gpasswd),
// never by editing /etc/passwd or /etc/group, and reads them back through
// getent, so that the shadow files, nscd and the tools' locks stay right.
package useraccounts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spice-harvester/terraform-provider-spice/host"
)

// FirstNormalID is login.defs' default UID_MIN and GID_MIN: ids below it
// are system users and groups.
const FirstNormalID = 1000

// User is one passwd entry with the supplementary groups it belongs to.
type User struct {
	Name   string
	UID    int64
	GID    int64
	Group  string // the primary group's name; "" when it has none
	Home   string
	Shell  string
	Groups []string // supplementary groups, sorted
}

// Group is one group entry.
type Group struct {
	Name    string
	GID     int64
	Members []string
}

// getent runs getent DATABASE [KEYS...]; found is false when a key is
// not there (exit status 2).
func getent(ctx context.Context, h host.Host, db string, keys ...string) (out string, found bool, err error) {
	res, err := h.Run(ctx, host.Command{Argv: append([]string{"getent", db}, keys...)})
	var exit *host.ExitError
	if errors.As(err, &exit) && exit.Result.ExitCode == 2 {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("getent %s on %s: %w", db, h.Name(), err)
	}
	return string(res.Stdout), true, nil
}

// ParseGroups reads group(5) lines.
func ParseGroups(out string) []Group {
	var groups []Group
	for _, line := range strings.Split(out, "\n") {
		f := strings.Split(line, ":")
		if len(f) != 4 {
			continue
		}
		gid, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil {
			continue
		}
		g := Group{Name: f[0], GID: gid}
		if f[3] != "" {
			g.Members = strings.Split(f[3], ",")
		}
		groups = append(groups, g)
	}
	return groups
}

// ParseUser reads one passwd(5) line.
func ParseUser(line string) (User, error) {
	f := strings.Split(strings.TrimSpace(line), ":")
	if len(f) != 7 {
		return User{}, fmt.Errorf("passwd entry %q has %d fields, not 7", line, len(f))
	}
	uid, err1 := strconv.ParseInt(f[2], 10, 64)
	gid, err2 := strconv.ParseInt(f[3], 10, 64)
	if err1 != nil || err2 != nil {
		return User{}, fmt.Errorf("passwd entry %q: uid or gid not a number", line)
	}
	return User{Name: f[0], UID: uid, GID: gid, Home: f[5], Shell: f[6]}, nil
}

// MemberOf lists the groups that name user as a member, sorted.
func MemberOf(groups []Group, user string) []string {
	var names []string
	for _, g := range groups {
		if slices.Contains(g.Members, user) {
			names = append(names, g.Name)
		}
	}
	slices.Sort(names)
	return names
}

// ReadUser reads a user and its supplementary groups: two getent calls.
func ReadUser(ctx context.Context, h host.Host, name string) (User, bool, error) {
	out, found, err := getent(ctx, h, "passwd", name)
	if err != nil || !found {
		return User{}, found, err
	}
	u, err := ParseUser(out)
	if err != nil {
		return User{}, false, fmt.Errorf("user %s on %s: %w", name, h.Name(), err)
	}
	all, _, err := getent(ctx, h, "group")
	if err != nil {
		return User{}, false, err
	}
	groups := ParseGroups(all)
	u.Groups = MemberOf(groups, name)
	for _, g := range groups {
		if g.GID == u.GID {
			u.Group = g.Name
			break
		}
	}
	return u, true, nil
}

// ReadGroup reads one group.
func ReadGroup(ctx context.Context, h host.Host, name string) (Group, bool, error) {
	out, found, err := getent(ctx, h, "group", name)
	if err != nil || !found {
		return Group{}, found, err
	}
	groups := ParseGroups(out)
	if len(groups) != 1 {
		return Group{}, false, fmt.Errorf("group %s on %s: unreadable entry %q", name, h.Name(), out)
	}
	return groups[0], true, nil
}

// UserSpec is what a user should be. Zero values are "let the tools
// choose" (on create) and "leave as it is" (on change); Groups nil leaves
// the supplementary groups alone, empty removes all.
type UserSpec struct {
	Name   string
	System bool
	UID    int64
	Group  string // primary group; "": a group of the user's name (useradd's default)
	Home   string
	Shell  string
	Groups []string
}

// UseraddArgv creates the user with a home directory.
func UseraddArgv(s UserSpec) []string {
	argv := []string{"useradd", "--create-home"}
	if s.System {
		argv = append(argv, "--system")
	}
	if s.UID > 0 {
		argv = append(argv, "--uid", strconv.FormatInt(s.UID, 10))
	}
	if s.Group != "" {
		argv = append(argv, "--gid", s.Group)
	}
	if s.Home != "" {
		argv = append(argv, "--home-dir", s.Home)
	}
	if s.Shell != "" {
		argv = append(argv, "--shell", s.Shell)
	}
	if len(s.Groups) > 0 {
		argv = append(argv, "--groups", strings.Join(s.Groups, ","))
	}
	return append(argv, "--", s.Name)
}

// UsermodArgv changes what differs between have and want; nil when
// nothing does. A new home is moved there (--move-home).
func UsermodArgv(have User, want UserSpec) []string {
	var argv []string
	if want.UID > 0 && want.UID != have.UID {
		argv = append(argv, "--uid", strconv.FormatInt(want.UID, 10))
	}
	if want.Group != "" && want.Group != have.Group {
		argv = append(argv, "--gid", want.Group)
	}
	if want.Home != "" && want.Home != have.Home {
		argv = append(argv, "--home", want.Home, "--move-home")
	}
	if want.Shell != "" && want.Shell != have.Shell {
		argv = append(argv, "--shell", want.Shell)
	}
	if want.Groups != nil && !slices.Equal(sortedCopy(want.Groups), have.Groups) {
		argv = append(argv, "--groups", strings.Join(sortedCopy(want.Groups), ","))
	}
	if argv == nil {
		return nil
	}
	return append(append([]string{"usermod"}, argv...), "--", have.Name)
}

func sortedCopy(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// UserdelArgv deletes the user, and its home and mail spool only when
// removeHome.
func UserdelArgv(name string, removeHome bool) []string {
	if removeHome {
		return []string{"userdel", "--remove", "--", name}
	}
	return []string{"userdel", "--", name}
}

// GroupaddArgv creates a group.
func GroupaddArgv(name string, system bool, gid int64) []string {
	argv := []string{"groupadd"}
	if system {
		argv = append(argv, "--system")
	}
	if gid > 0 {
		argv = append(argv, "--gid", strconv.FormatInt(gid, 10))
	}
	return append(argv, "--", name)
}

// GroupmodGIDArgv changes a group's id.
func GroupmodGIDArgv(name string, gid int64) []string {
	return []string{"groupmod", "--gid", strconv.FormatInt(gid, 10), "--", name}
}

// GroupdelArgv deletes a group.
func GroupdelArgv(name string) []string { return []string{"groupdel", "--", name} }

// MembershipArgv adds user to group, or removes it.
func MembershipArgv(user, group string, member bool) []string {
	if member {
		return []string{"gpasswd", "--add", user, group}
	}
	return []string{"gpasswd", "--delete", user, group}
}

// Run runs one of the commands above on h.
func Run(ctx context.Context, h host.Host, argv []string) error {
	if _, err := h.Run(ctx, host.Command{Argv: argv}); err != nil {
		return fmt.Errorf("%s on %s: %w", strings.Join(argv, " "), h.Name(), err)
	}
	return nil
}
