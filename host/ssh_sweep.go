package host

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/pkg/sftp"
)

// Stale temporary entries over SSH.
//
// Every temporary name a connection makes carries the process id of its
// SFTP server on the host (see tempname.go), read from /proc/self when the
// connection starts. That server lives as long as the connection: a write,
// link swap or mkdir is under way only while it runs. Before a
// connection's first write, link or mkdir into a directory, the directory
// and its ancestors (up to Root) are swept, once each per connection. An
// entry is removed only when all of these hold:
//   - its name has exactly the temporary form: ".X.<16 hex>.spice-tmp" or
//     ".X.<16 hex>.spice-mkdir";
//   - its creator is known (not 00000000), is not this connection's
//     server, and has no /proc/<pid> on the host: it has exited;
//   - it is owned by the user the SFTP server runs as;
//   - lstat (which never follows a link) shows a regular file for
//     .spice-tmp, a directory for .spice-mkdir; a directory is removed
//     with rmdir, which removes only an empty one.
//
// So no sweep removes what a write of the same process is doing on the
// live connection, nor what another live spice process (its connection's
// server still runs) is doing, nor anything planted by another user, nor
// a link or a non-empty directory. Limits:
//   - a host whose /proc is missing, or mounted with hidepid while spice
//     connects as a user other than root (the other connections' servers
//     are then invisible), is never swept;
//   - two hosts writing one shared directory (NFS) do not see each other's
//     processes: one may remove the other's live temporary file. The
//     write then finds its temporary file gone at the rename and starts
//     again under a new name (errTempLost), as Local's writes do;
//   - a temporary file already given another owner (attrs set, before
//     the content) when its link broke stays, as on Local; so does a
//     temporary link of a cut link swap;
//   - a directory that no later run writes into is not swept: what a
//     broken link keeps the same process from removing is removed
//     through its next connection instead (leftovers);
//   - a server of a cut connection that still carries out requests it
//     had received after the next run swept their directory (sshd has
//     not yet noticed the cut) can leave entries that wait for a later
//     run;
//   - a process id reused by another process keeps its entries until
//     that process exits;
//   - a directory being made by a live spice whose server this host does
//     not show in /proc (another PID namespace, another host on NFS) can
//     be removed: that mkdir then fails, and the next apply makes it.

// identify reads, through the SFTP server itself, its process id and
// effective user (from /proc/self/status), and whether this host lets
// its other servers be seen in /proc. Without them nothing is swept.
func (c *sshConn) identify() {
	c.creator = unknownCreator
	status, err := readSFTPFile(c.sftp, "/proc/self/status")
	if err != nil {
		return
	}
	pid, euid := -1, -1
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		key, value, _ := strings.Cut(sc.Text(), ":")
		fields := strings.Fields(value)
		switch {
		case key == "Pid" && len(fields) == 1:
			pid, _ = strconv.Atoi(fields[0])
		case key == "Uid" && len(fields) >= 2:
			euid, _ = strconv.Atoi(fields[1])
		}
	}
	if pid <= 0 || euid < 0 {
		return
	}
	c.creator, c.serverPID, c.euid = creatorTag(pid), pid, euid
	if c.creator == unknownCreator {
		return
	}
	if euid != 0 {
		mounts, err := readSFTPFile(c.sftp, "/proc/self/mounts")
		if err != nil || procHidesPIDs(mounts) {
			return
		}
	}
	c.sweeps = true
}

// procHidesPIDs reports whether /proc is mounted with hidepid, so that a
// user other than root may not see other processes of its own.
func procHidesPIDs(mounts []byte) bool {
	sc := bufio.NewScanner(bytes.NewReader(mounts))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || f[1] != "/proc" || f[2] != "proc" {
			continue
		}
		for _, opt := range strings.Split(f[3], ",") {
			if v, ok := strings.CutPrefix(opt, "hidepid="); ok && v != "0" && v != "off" {
				return true
			}
		}
	}
	return false
}

// readSFTPFile reads a whole file, also one (in /proc) whose size says 0.
func readSFTPFile(sc *sftp.Client, p string) ([]byte, error) {
	f, err := sc.Open(p)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	return io.ReadAll(io.LimitReader(f, 1<<20))
}

// sweep removes the stale temporary entries of dir and its ancestors up
// to Root, each directory once per connection (see the top of this file).
// Failures only mean that less was removed.
func (s *SSH) sweep(c *sshConn, dir string) {
	if !c.sweeps {
		return
	}
	top := "/"
	if s.root != "" {
		top = s.root
	}
	gone := map[int]bool{} // creator pid -> exited
	for {
		if _, done := c.swept.LoadOrStore(dir, true); !done {
			if err := c.sweepDir(dir, gone); isTransport(err) {
				c.swept.Delete(dir) // tried again through the next connection
			}
		}
		if dir == top || dir == "/" || dir == "." || !strings.HasPrefix(dir, top) {
			return
		}
		dir = path.Dir(dir)
	}
}

// sweepDir removes dir's stale temporary entries. Its error is the
// listing's: a directory this user may not list is not swept.
func (c *sshConn) sweepDir(dir string, gone map[int]bool) error {
	entries, err := c.sftp.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !c.staleTemp(e, gone) {
			continue
		}
		if e.IsDir() {
			_ = c.sftp.RemoveDirectory(path.Join(dir, e.Name()))
		} else {
			_ = c.sftp.Remove(path.Join(dir, e.Name()))
		}
	}
	return nil
}

// staleTemp decides for one listed entry (its lstat attributes).
func (c *sshConn) staleTemp(e fs.FileInfo, gone map[int]bool) bool {
	suffix, creator, ok := parseTemp(e.Name())
	if !ok || creator == 0 || creator == c.serverPID {
		return false
	}
	st, ok := e.Sys().(*sftp.FileStat)
	if !ok || int(st.UID) != c.euid {
		return false
	}
	if suffix == tempSuffix && !e.Mode().IsRegular() || suffix == mkdirSuffix && !e.IsDir() {
		return false
	}
	exited, checked := gone[creator]
	if !checked {
		_, err := c.sftp.Lstat("/proc/" + strconv.Itoa(creator))
		exited = errors.Is(err, fs.ErrNotExist)
		gone[creator] = exited
	}
	return exited
}

// leftover remembers a temporary entry that a broken link kept an
// operation from removing; it is removed through the next connection.
func (s *SSH) leftover(tmp string) {
	s.leftoverMu.Lock()
	defer s.leftoverMu.Unlock()
	s.leftovers = append(s.leftovers, tmp)
}

// removeLeftovers removes, through c, what earlier connections left (see
// leftover): a file or link by unlink, a directory by rmdir (only when
// empty). What the link keeps from being removed now is kept for later.
func (s *SSH) removeLeftovers(c *sshConn) {
	s.leftoverMu.Lock()
	todo := s.leftovers
	s.leftovers = nil
	s.leftoverMu.Unlock()
	for _, tmp := range todo {
		info, err := c.sftp.Lstat(tmp)
		if err == nil {
			if info.IsDir() {
				err = c.sftp.RemoveDirectory(tmp)
			} else {
				err = c.sftp.Remove(tmp)
			}
		}
		if isTransport(err) {
			s.leftover(tmp)
		}
	}
}
