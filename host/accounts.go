package host

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Accounts resolves user and group names on one host. Names come from the
// host's own /etc/passwd and /etc/group (below root in image mode), read
// through the Host, so local, image and SSH hosts resolve alike. Accounts
// served only by NSS modules (LDAP, SSSD) are not listed there: use numeric
// ids for them.
type Accounts struct {
	host   string
	users  idTable
	groups idTable
}

type idTable struct {
	byName map[string]int
	byID   map[int]string
}

// accountsTTL bounds how long an AccountCache trusts what it read: long
// enough that one plan or apply reads each host's account files once, short
// enough that a long-running process sees accounts added meanwhile.
const accountsTTL = 10 * time.Second

// AccountCache is LoadAccounts for the many objects of one run on one
// host: every managed file and directory resolves owners on refresh, and
// over SSH each read of /etc/passwd and /etc/group costs round trips. Each
// provider configuration holds its own, so two configurations never share
// what they read. It is safe for concurrent use; concurrent callers share
// one read.
type AccountCache struct {
	host Host
	mu   sync.Mutex // held while the files are read
	acc  *Accounts
	read time.Time
}

// NewAccountCache caches the accounts of h.
func NewAccountCache(h Host) *AccountCache { return &AccountCache{host: h} }

// Accounts returns the accounts read within accountsTTL, or reads them.
func (c *AccountCache) Accounts(ctx context.Context) (*Accounts, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.acc != nil && time.Since(c.read) < accountsTTL {
		return c.acc, nil
	}
	acc, err := LoadAccounts(ctx, c.host)
	if err != nil {
		return nil, err
	}
	c.acc, c.read = acc, time.Now()
	return acc, nil
}

// Invalidate forgets what was read, so that the next lookup sees accounts
// that were just added or changed (by spice_user, spice_group).
func (c *AccountCache) Invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.acc = nil
}

// LoadAccounts reads the account database of h. A missing file is an empty
// database (an image tree without /etc yet): numeric ids still work.
func LoadAccounts(ctx context.Context, h Host) (*Accounts, error) {
	users, err := loadTable(ctx, h, "/etc/passwd")
	if err != nil {
		return nil, err
	}
	groups, err := loadTable(ctx, h, "/etc/group")
	if err != nil {
		return nil, err
	}
	return &Accounts{host: h.Name(), users: users, groups: groups}, nil
}

func loadTable(ctx context.Context, h Host, file string) (idTable, error) {
	t := idTable{byName: map[string]int{}, byID: map[int]string{}}
	content, err := h.ReadFile(ctx, file)
	if errors.Is(err, fs.ErrNotExist) {
		return t, nil
	}
	if err != nil {
		return t, err
	}
	// passwd and group share the leading "name:password:id:" fields.
	sc := bufio.NewScanner(bytes.NewReader(content))
	for sc.Scan() {
		fields := strings.SplitN(sc.Text(), ":", 4)
		if len(fields) < 3 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		id, err := strconv.Atoi(fields[2])
		if err != nil {
			continue
		}
		if _, seen := t.byName[fields[0]]; !seen {
			t.byName[fields[0]] = id
		}
		if _, seen := t.byID[id]; !seen {
			t.byID[id] = fields[0]
		}
	}
	return t, sc.Err()
}

// UID resolves a user given by name or numeric id.
func (a *Accounts) UID(user string) (int, error) {
	return a.users.resolve(user, "user", a.host)
}

// GID resolves a group given by name or numeric id.
func (a *Accounts) GID(group string) (int, error) {
	return a.groups.resolve(group, "group", a.host)
}

// UserName is the name of uid, or its decimal form when it has none.
func (a *Accounts) UserName(uid int) string { return a.users.name(uid) }

// GroupName is the name of gid, or its decimal form when it has none.
func (a *Accounts) GroupName(gid int) string { return a.groups.name(gid) }

func (t idTable) resolve(s, kind, host string) (int, error) {
	if id, err := strconv.Atoi(s); err == nil {
		if id < 0 {
			return 0, fmt.Errorf("%s id %d is negative", kind, id)
		}
		return id, nil
	}
	if id, ok := t.byName[s]; ok {
		return id, nil
	}
	return 0, fmt.Errorf("%s %q does not exist on %s", kind, s, host)
}

func (t idTable) name(id int) string {
	if n, ok := t.byID[id]; ok {
		return n
	}
	return strconv.Itoa(id)
}
