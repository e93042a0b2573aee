package sysprep

import (
	"fmt"
	"strings"
	"testing"

	"github.com/spice-harvester/terraform-provider-spice/testsupport/testhosts"
)

// fakeApp is a FAKE of the SPICE HARVESTER backend, committed by AppRepo
// in place of the real application (which test hosts cannot fetch): each
// service answers GET /health on its port with 200 and the commit's
// VERSION, nothing else. The port comes from the service's module name,
// as in the manual's Appendix A.
const fakeApp = `"""FAKE SPICE HARVESTER service (spice tests): GET /health answers 200."""
import http.server
import json
import os

PORTS = {"bff": 8002, "oms": 8000, "funnel": 8003}
VERSION = open(os.path.join(os.path.dirname(__file__), "..", "VERSION")).read().strip()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        status = 200 if self.path == "/health" else 404
        body = json.dumps({"status": "healthy" if status == 200 else "not found", "version": VERSION}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve(name):
    http.server.ThreadingHTTPServer(("127.0.0.1", PORTS[name]), Handler).serve_forever()
`

// AppRepo creates a bare repository at dir inside h holding a FAKE of the
// SPICE HARVESTER application (backend/{bff,oms,funnel}/main.py, each
// answering /health on its port, run as `python -m NAME.main` in
// backend/, __pycache__/ ignored as a real repository does), one commit
// with VERSION v1, tagged v1 and the head of main. It returns the commit
// id.
func AppRepo(t testing.TB, h *testhosts.Host, dir string) string {
	t.Helper()
	script := fmt.Sprintf(`set -eu
export GIT_AUTHOR_NAME=spice GIT_AUTHOR_EMAIL=tests@spice.invalid GIT_COMMITTER_NAME=spice GIT_COMMITTER_EMAIL=tests@spice.invalid
export GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z'
git init --quiet --bare --initial-branch=main %[1]s
w=$(mktemp -d)
git init --quiet --initial-branch=main "$w"
cd "$w"
echo v1 > VERSION
echo __pycache__/ > .gitignore
mkdir backend
cat > backend/fake_app.py <<'PY'
%[2]sPY
for name in bff oms funnel; do
	mkdir "backend/$name"
	: > "backend/$name/__init__.py"
	printf 'import fake_app\n\nfake_app.serve("%%s")\n' "$name" > "backend/$name/main.py"
done
git add -A
git commit --quiet -m v1
git tag -a -m v1 v1
git push --quiet %[1]s main v1
git rev-parse HEAD
rm -rf "$w"
`, dir, fakeApp)
	return strings.TrimSpace(RunScript(t, h, script))
}
