// Package testsupport holds what spice's tests share: the in-process
// provider for terraform-plugin-testing, the real Terraform binary, checks
// on the managed tree, and cross-checks against real readers such as
// python-dotenv.
package testsupport

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/spice-harvester/terraform-provider-spice/provider"
)

// Require skips the test when a dependency is missing, or fails it when
// SPICE_TEST_STRICT is set (make test and CI set it): there, a skipped test
// would hide a missing install step.
func Require(t testing.TB, ok bool, format string, args ...any) {
	t.Helper()
	if ok {
		return
	}
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("SPICE_TEST_STRICT") != "" {
		t.Fatalf("missing test dependency: %s", msg)
	}
	t.Skipf("missing test dependency: %s", msg)
}

// RequireRoot is Require for tests that chown files to other users.
func RequireRoot(t testing.TB) {
	t.Helper()
	Require(t, os.Geteuid() == 0, "root privileges (run as root to test ownership)")
}

// ProviderFactories serves the provider in-process to terraform-plugin-testing.
func ProviderFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"spice": providerserver.NewProtocol6WithError(provider.New("test")()),
	}
}

// ProviderBlock is a provider configuration managing the tree below root.
func ProviderBlock(root string) string {
	return fmt.Sprintf("provider \"spice\" {\n  root = %q\n}\n", root)
}

// RepoDir is the repository's top directory.
func RepoDir(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate testsupport source")
	}
	return filepath.Dir(filepath.Dir(file))
}

// TerraformBinary is the Terraform that acceptance tests run
// (TF_ACC_TERRAFORM_PATH, set by make testacc; OpenTofu's tofu under make
// testacc-tofu).
func TerraformBinary(t testing.TB) string {
	t.Helper()
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	Require(t, tf != "" && os.Getenv("TF_ACC") != "", "TF_ACC and TF_ACC_TERRAFORM_PATH (run make testacc)")
	return tf
}

// The registry hosts under which Terraform and OpenTofu look up a provider
// source without one, such as "spice-harvester/spice".
const (
	TerraformRegistryHost = "registry.terraform.io"
	OpenTofuRegistryHost  = "registry.opentofu.org"
)

// ProviderHost is the registry host of the engine TerraformBinary names:
// TF_ACC_PROVIDER_HOST, the setting terraform-plugin-testing reads for the
// same purpose, so that one setting (make testacc-tofu sets it) moves both
// its in-process provider and these helpers' CLI configurations and
// mirrors to OpenTofu's host.
func ProviderHost() string {
	if host := os.Getenv("TF_ACC_PROVIDER_HOST"); host != "" {
		return host
	}
	return TerraformRegistryHost
}

// CheckFile verifies a managed file below root: its mode and, when content
// is not nil, its exact bytes.
func CheckFile(root, path, mode string, content *string) func(*terraform.State) error {
	return func(*terraform.State) error {
		real := filepath.Join(root, path)
		info, err := os.Stat(real)
		if err != nil {
			return err
		}
		if got := fmt.Sprintf("%04o", uint32(info.Mode().Perm())|specialBits(info.Mode())); got != mode {
			return fmt.Errorf("%s: mode %s, want %s", path, got, mode)
		}
		if content != nil {
			b, err := os.ReadFile(real)
			if err != nil {
				return err
			}
			if string(b) != *content {
				return fmt.Errorf("%s: content %q, want %q", path, b, *content)
			}
		}
		return nil
	}
}

func specialBits(m fs.FileMode) uint32 {
	var bits uint32
	if m&fs.ModeSetuid != 0 {
		bits |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		bits |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		bits |= 0o1000
	}
	return bits
}

// CheckAbsent verifies that nothing exists at path below root.
func CheckAbsent(root, path string) func(*terraform.State) error {
	return func(*terraform.State) error {
		if _, err := os.Lstat(filepath.Join(root, path)); err == nil {
			return fmt.Errorf("%s still exists", path)
		} else if !os.IsNotExist(err) {
			return err
		}
		return nil
	}
}

// systemPython is Debian's interpreter, where python3-dotenv is installed;
// a python3 earlier on PATH (pyenv, venv) does not see Debian's packages.
const systemPython = "/usr/bin/python3"

// PythonDotenv reads an env file with python-dotenv, the way the SPICE
// HARVESTER services load .env, and returns what it sees.
func PythonDotenv(t testing.TB, file string) map[string]string {
	t.Helper()
	probe := exec.Command(systemPython, "-c", "import dotenv")
	Require(t, probe.Run() == nil, "python3-dotenv for %s (scripts/install-test-deps.sh installs it)", systemPython)
	out, err := exec.Command(systemPython, "-c",
		"import json, sys, dotenv; print(json.dumps(dotenv.dotenv_values(sys.argv[1])))", file).Output()
	if err != nil {
		t.Fatalf("python-dotenv reading %s: %v", file, err)
	}
	var vars map[string]*string
	if err := json.Unmarshal(out, &vars); err != nil {
		t.Fatalf("python-dotenv output %q: %v", out, err)
	}
	result := map[string]string{}
	for k, v := range vars {
		if v == nil {
			t.Fatalf("python-dotenv read %s without a value", k)
		}
		result[k] = *v
	}
	return result
}

// Contains reports whether any of outputs contains needle; it names where.
func Contains(needle string, outputs map[string]string) (string, bool) {
	for name, out := range outputs {
		if strings.Contains(out, needle) {
			return name, true
		}
	}
	return "", false
}

// SHA256 is the hex digest spice reports for content.
func SHA256(content string) string {
	sum := sha256.Sum256([]byte(content))
	return hex.EncodeToString(sum[:])
}

// TestAccountID is the id of the user and group "spice" that WriteAccounts
// declares.
const TestAccountID = 4242

// WriteAccounts gives a managed tree its own /etc/passwd and /etc/group,
// which is where the provider resolves owner and group names.
func WriteAccounts(t testing.TB, root string) {
	t.Helper()
	etc := filepath.Join(root, "etc")
	if err := os.MkdirAll(etc, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"passwd": "root:x:0:0:root:/root:/bin/sh\nspice:x:4242:4242:spice:/nonexistent:/usr/sbin/nologin\n",
		"group":  "root:x:0:\nspice:x:4242:\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(etc, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// CheckOwner verifies the numeric owner and group of path below root.
func CheckOwner(root, path string, uid, gid int) func(*terraform.State) error {
	return func(*terraform.State) error {
		info, err := os.Lstat(filepath.Join(root, path))
		if err != nil {
			return err
		}
		st, ok := info.Sys().(*syscall.Stat_t)
		if !ok {
			return fmt.Errorf("%s: no owner information on this platform", path)
		}
		if int(st.Uid) != uid || int(st.Gid) != gid {
			return fmt.Errorf("%s: owner %d:%d, want %d:%d", path, st.Uid, st.Gid, uid, gid)
		}
		return nil
	}
}

// ErrorMatching matches phrase in Terraform's error output, which wraps
// long lines wherever a space is.
func ErrorMatching(phrase string) *regexp.Regexp {
	words := strings.Fields(phrase)
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	return regexp.MustCompile(strings.Join(words, `\s+`))
}

// ClosedPort is a loopback TCP port nothing listens on (it was free a
// moment ago), for connection-refused tests.
func ClosedPort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port, err := PortOf(l)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return port
}

// PortOf is the port of a TCP listener.
func PortOf(l net.Listener) (int, error) {
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, fmt.Errorf("listener on %v is not TCP", l.Addr())
	}
	return addr.Port, nil
}
