#!/bin/sh
# A FAKE of the SPICE HARVESTER application, for hosts that do not have the
# real one (such as the test hosts of `make testhosts-up`): it puts in
# place what examples/services expects of the host and nothing more,
#
#   - the `spice` user and group the services run as;
#   - /opt/spice-harvester/venv/bin/python (this host's python3);
#   - /opt/spice-harvester/backend/{bff,oms,funnel}/main.py, each answering
#     GET /health with 200 on the service's port (8002, 8000, 8003).
#
# Run it as root on the host, e.g. over the SSH line testhosts-up prints:
#   ssh -i KEY -o UserKnownHostsFile=FILE -p PORT root@127.0.0.1 sh -s < fake-app/install.sh
# It leaves a real installation alone: it stops if a venv is already there.
set -eu

app=/opt/spice-harvester
if [ -e "$app/venv" ]; then
	echo "fake-app: $app/venv exists; not replacing an installed application" >&2
	exit 1
fi
command -v python3 >/dev/null || { echo "fake-app: needs python3 on the host" >&2; exit 1; }

getent group spice >/dev/null || groupadd --system spice
getent passwd spice >/dev/null || useradd --system --gid spice --home-dir "$app" --no-create-home --shell /usr/sbin/nologin spice

mkdir -p "$app/venv/bin" "$app/backend"
ln -s "$(command -v python3)" "$app/venv/bin/python"

cat >"$app/backend/fake_app.py" <<'PY'
"""FAKE SPICE HARVESTER service: answers GET /health with 200, nothing else."""
import http.server
import json


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        status = 200 if self.path == "/health" else 404
        body = json.dumps({"status": "healthy" if status == 200 else "not found"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(port):
    http.server.ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()
PY

for service in bff:8002 oms:8000 funnel:8003; do
	name=${service%:*}
	mkdir -p "$app/backend/$name"
	: >"$app/backend/$name/__init__.py"
	printf 'import fake_app\n\nfake_app.serve(%s)\n' "${service#*:}" >"$app/backend/$name/main.py"
done
echo "fake-app: installed in $app (user spice; /health on 8000, 8002, 8003)"
