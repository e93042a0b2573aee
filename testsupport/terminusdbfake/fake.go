// Package terminusdbfake is a FAKE TerminusDB: a contract fake of the
// parts of TerminusDB v11's HTTP API that spice uses, for tests on machines
// where no TerminusDB can run. It is written from TerminusDB's published
// API and its server source (src/server/routes.pl, src/core/api/
// api_error.pl): the same paths, methods, status codes and error bodies
// (api:DatabaseAlreadyExists with 400, api:UnknownDatabase with 404,
// api:IncorrectAuthenticationError with 401), checked by TerminusDB's
// official JavaScript client (see the tests).
//
// What it holds: databases (label, comment, public, prefixes, whether they
// have a schema graph), their schema documents and instance documents on
// the main branch, and the commits that changed them. What it does not do:
// check documents against the schema, WOQL, branches other than main,
// roles other than TerminusDB's two built-in ones ("Admin Role",
// "Consumer Role"), capabilities on databases, creating organizations
// (known: admin and those of existing databases), and permissions: admin is
// the only super user and other users may only sign in.
//
// Serve it in-process with httptest (Start), or as a process inside a
// test container (cmd/terminusdb-fake) on the container's loopback.
package terminusdbfake

import (
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Commit is one change of a database's documents.
type Commit struct {
	Author, Message, Graph string
}

type database struct {
	label, comment string
	public, schema bool
	prefixes       map[string]string
	created        time.Time
	graphs         map[string]map[string]map[string]any // graph type -> @id -> document
	commits        []Commit
}

// Fake is the fake server's state; its Handler serves the API.
type Fake struct {
	mu    sync.Mutex
	users map[string]*user     // by name
	dbs   map[string]*database // "org/db"
}

type user struct {
	password string
	roles    map[string]map[string]bool // organization -> role names
}

// roleIDs are TerminusDB's built-in roles, by name.
var roleIDs = map[string]string{"Admin Role": "Role/admin", "Consumer Role": "Role/consumer"}

// New returns a fake whose only user is admin with password.
func New(password string) *Fake {
	return &Fake{users: map[string]*user{"admin": {password: password, roles: map[string]map[string]bool{}}}, dbs: map[string]*database{}}
}

// Start serves a new fake on this machine's loopback until the test ends;
// it returns the fake and its base URL.
func Start(t testing.TB, password string) (*Fake, string) {
	t.Helper()
	f := New(password)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv.URL
}

// StartTLS is Start over HTTPS. It also returns a file holding the
// server's certificate in PEM, for SSL_CERT_FILE of the process that
// should trust it.
func StartTLS(t testing.TB, password string) (f *Fake, url, certFile string) {
	t.Helper()
	f = New(password)
	srv := httptest.NewTLSServer(f)
	t.Cleanup(srv.Close)
	certFile = filepath.Join(t.TempDir(), "terminusdb-fake.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(certFile, pemBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	return f, srv.URL, certFile
}

// Commits lists the commits of org/db, oldest first.
func (f *Fake) Commits(org, db string) []Commit {
	f.mu.Lock()
	defer f.mu.Unlock()
	if d := f.dbs[org+"/"+db]; d != nil {
		return append([]Commit(nil), d.commits...)
	}
	return nil
}

// Exists tells whether org/db exists.
func (f *Fake) Exists(org, db string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dbs[org+"/"+db] != nil
}

// CreateOutOfBand creates org/db with a schema graph, as someone outside
// spice would.
func (f *Fake) CreateOutOfBand(org, db, label string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dbs[org+"/"+db] = &database{label: label, schema: true, created: time.Now(),
		prefixes: map[string]string{"@base": "terminusdb:///data/", "@schema": "terminusdb:///schema#"},
		graphs:   map[string]map[string]map[string]any{"schema": {}, "instance": {}}}
}

// DeleteOutOfBand deletes org/db as someone outside spice would.
func (f *Fake) DeleteOutOfBand(org, db string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.dbs, org+"/"+db)
}

// Label is the label of org/db.
func (f *Fake) Label(org, db string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if d := f.dbs[org+"/"+db]; d != nil {
		return d.label
	}
	return ""
}

// reply writes a JSON answer.
func reply(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// fail writes TerminusDB's error body: the response @type of the
// endpoint, api:status, the api:error object and api:message.
func fail(w http.ResponseWriter, status int, responseType, errorType, message string, extra map[string]any) {
	apiStatus := map[int]string{400: "api:failure", 401: "api:failure", 403: "api:forbidden", 404: "api:not_found", 405: "api:method_not_allowed"}[status]
	errObj := map[string]any{"@type": errorType}
	for k, v := range extra {
		errObj[k] = v
	}
	reply(w, status, map[string]any{"@type": responseType, "api:status": apiStatus, "api:error": errObj, "api:message": message})
}

// ServeHTTP routes as TerminusDB's routes.pl does.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Method == http.MethodOptions { // CORS preflight, as the server answers it
		w.WriteHeader(http.StatusOK)
		return
	}
	if r.URL.Path == "/api/ok" {
		w.Header().Set("Content-Type", "application/octets")
		w.WriteHeader(http.StatusOK)
		return
	}
	name, pass, ok := r.BasicAuth()
	if u := f.users[name]; !ok || u == nil || u.password != pass {
		fail(w, http.StatusUnauthorized, "api:ErrorResponse", "api:IncorrectAuthenticationError", "Incorrect authentication information", nil)
		return
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/api/"), "/")
	for i, p := range parts {
		if u, err := url.PathUnescape(p); err == nil {
			parts[i] = u
		}
	}
	switch {
	case len(parts) == 1 && parts[0] == "info" && r.Method == http.MethodGet:
		reply(w, http.StatusOK, map[string]any{"@type": "api:InfoResponse", "api:status": "api:success",
			"api:info": map[string]any{"authority": "User/" + name, "storage": map[string]any{"version": "2"},
				"terminusdb": map[string]any{"git_hash": "fake", "version": "11.1.0-fake"}, "terminusdb_store": map[string]any{"version": "0.19"}}})
	case (parts[0] == "users" || parts[0] == "capabilities") && name != "admin":
		fail(w, http.StatusForbidden, "api:UserErrorResponse", "api:NotASuperUser", "The action 'Action/manage_capabilities' was not authorised", nil)
	case len(parts) <= 2 && parts[0] == "users":
		f.serveUsers(w, r, parts[1:])
	case len(parts) == 1 && parts[0] == "capabilities" && r.Method == http.MethodPost:
		f.serveCapabilities(w, r)
	case len(parts) == 3 && parts[0] == "db":
		f.serveDB(w, r, parts[1], parts[2])
	case len(parts) >= 3 && parts[0] == "document":
		mainBranch := len(parts) == 6 && parts[3] == "local" && parts[4] == "branch" && parts[5] == "main"
		if len(parts) != 3 && !mainBranch {
			fail(w, http.StatusBadRequest, "api:GetDocumentErrorResponse", "api:BadDescriptorPath", "The fake knows only the main branch", map[string]any{"api:descriptor": strings.Join(parts[1:], "/")})
			return
		}
		f.serveDocuments(w, r, parts[1], parts[2])
	default:
		reply(w, http.StatusNotFound, map[string]any{"api:status": "api:not_found", "api:path": r.URL.Path, "api:message": "Path not found: " + r.URL.Path})
	}
}

func (f *Fake) serveDB(w http.ResponseWriter, r *http.Request, org, name string) {
	key := org + "/" + name
	d := f.dbs[key]
	unknown := func(responseType string) {
		fail(w, http.StatusNotFound, responseType, "api:UnknownDatabase", fmt.Sprintf("Unknown database: %s/%s", org, name),
			map[string]any{"api:database_name": name, "api:organization_name": org})
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		if d == nil {
			reply(w, http.StatusNotFound, map[string]any{"@type": "api:DbListErrorResponse", "api:status": "api:failure",
				"api:message": "Database does not exist, or you do not have permission"})
			return
		}
		if r.Method == http.MethodHead {
			reply(w, http.StatusOK, map[string]any{"@type": "api:DbExistsResponse", "api:status": "api:success"})
			return
		}
		obj := map[string]any{"path": key}
		if r.URL.Query().Get("verbose") == "true" {
			obj["@id"] = "UserDatabase/" + name
			obj["@type"] = "UserDatabase"
			obj["name"] = name
			obj["label"] = d.label
			obj["comment"] = d.comment
			obj["creation_date"] = d.created.UTC().Format("2006-01-02T15:04:05.000Z")
			obj["state"] = "finalized"
		}
		reply(w, http.StatusOK, obj)
	case http.MethodPost:
		var body struct {
			Label    *string           `json:"label"`
			Comment  string            `json:"comment"`
			Public   bool              `json:"public"`
			Schema   *bool             `json:"schema"`
			Prefixes map[string]string `json:"prefixes"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			fail(w, http.StatusBadRequest, "api:DbCreateErrorResponse", "api:MissingContentTypeError", "Missing or malformed JSON body: "+err.Error(), nil)
			return
		}
		if body.Label == nil || *body.Label == "" {
			fail(w, http.StatusBadRequest, "api:DbCreateErrorResponse", "api:BadParameterType", "Expected parameter 'label' to be non_empty_string", map[string]any{"api:parameter": "label"})
			return
		}
		if d != nil {
			fail(w, http.StatusBadRequest, "api:DbCreateErrorResponse", "api:DatabaseAlreadyExists", "Database already exists.",
				map[string]any{"api:database_name": name, "api:organization_name": org})
			return
		}
		prefixes := map[string]string{"@base": "terminusdb:///data/", "@schema": "terminusdb:///schema#"}
		for k, v := range body.Prefixes {
			prefixes[k] = v
		}
		f.dbs[key] = &database{label: *body.Label, comment: body.Comment, public: body.Public, schema: body.Schema == nil || *body.Schema,
			prefixes: prefixes, created: time.Now(), graphs: map[string]map[string]map[string]any{"schema": {}, "instance": {}}}
		reply(w, http.StatusOK, map[string]any{"@type": "api:DbCreateResponse", "api:database_uri": "UserDatabase/" + name, "api:status": "api:success"})
	case http.MethodPut:
		if d == nil {
			unknown("api:DbUpdateErrorResponse")
			return
		}
		var body map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			fail(w, http.StatusBadRequest, "api:DbUpdateErrorResponse", "api:MissingContentTypeError", "Missing or malformed JSON body: "+err.Error(), nil)
			return
		}
		_ = json.Unmarshal(body["label"], &d.label)
		_ = json.Unmarshal(body["comment"], &d.comment)
		_ = json.Unmarshal(body["public"], &d.public)
		var prefixes map[string]string
		if json.Unmarshal(body["prefixes"], &prefixes) == nil {
			for k, v := range prefixes {
				d.prefixes[k] = v
			}
		}
		reply(w, http.StatusOK, map[string]any{"@type": "api:DbUpdatedResponse", "api:status": "api:success"})
	case http.MethodDelete:
		if d == nil {
			unknown("api:DbDeleteErrorResponse")
			return
		}
		delete(f.dbs, key)
		reply(w, http.StatusOK, map[string]any{"@type": "api:DbDeleteResponse", "api:status": "api:success"})
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

// contextDocument is the schema graph's @context document.
func (d *database) contextDocument() map[string]any {
	doc := map[string]any{"@type": "@context"}
	for k, v := range d.prefixes {
		doc[k] = v
	}
	return doc
}

func (f *Fake) serveDocuments(w http.ResponseWriter, r *http.Request, org, name string) {
	q := r.URL.Query()
	graph := q.Get("graph_type")
	if graph == "" {
		graph = "instance"
	}
	d := f.dbs[org+"/"+name]
	responseType := map[string]string{http.MethodGet: "api:GetDocumentErrorResponse", http.MethodPost: "api:InsertDocumentErrorResponse",
		http.MethodPut: "api:ReplaceDocumentErrorResponse", http.MethodDelete: "api:DeleteDocumentErrorResponse"}[r.Method]
	if d == nil {
		fail(w, http.StatusNotFound, responseType, "api:UnknownDatabase", fmt.Sprintf("Unknown database: %s/%s", org, name),
			map[string]any{"api:database_name": name, "api:organization_name": org})
		return
	}
	if graph != "schema" && graph != "instance" {
		fail(w, http.StatusBadRequest, responseType, "api:BadParameterValue", "Expected parameter 'graph_type' to be schema or instance", nil)
		return
	}
	if graph == "schema" && !d.schema && r.Method != http.MethodGet {
		// The server keeps a schema graph holding only the @context and a
		// schemaless marker; what it answers to schema writes there is not
		// documented, so the fake refuses them in words of its own.
		fail(w, http.StatusBadRequest, responseType, "api:FakeSchemalessDatabase", "The fake takes no schema documents in a database created with schema: false", nil)
		return
	}
	docs := d.graphs[graph]
	switch r.Method {
	case http.MethodGet:
		if id := q.Get("id"); id != "" {
			doc, ok := docs[id]
			if !ok {
				fail(w, http.StatusNotFound, responseType, "api:DocumentNotFound", fmt.Sprintf("Document not found: %q", id), map[string]any{"api:document_id": id})
				return
			}
			reply(w, http.StatusOK, doc)
			return
		}
		var all []any
		if graph == "schema" {
			all = append(all, d.contextDocument())
		}
		ids := make([]string, 0, len(docs))
		for id := range docs {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			all = append(all, docs[id])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		if q.Get("as_list") == "true" {
			if all == nil {
				all = []any{}
			}
			_ = json.NewEncoder(w).Encode(all)
			return
		}
		enc := json.NewEncoder(w) // a stream: one document after another
		for _, doc := range all {
			_ = enc.Encode(doc)
		}
	case http.MethodPost, http.MethodPut:
		author, message := q.Get("author"), q.Get("message")
		if r.Method == http.MethodPost && (author == "" || message == "") {
			fail(w, http.StatusBadRequest, responseType, "api:MissingParameter", "Missing parameter: author or message", nil)
			return
		}
		posted, err := decodeDocuments(r)
		if err != nil {
			fail(w, http.StatusBadRequest, responseType, "api:NotAValidJSONDocument", err.Error(), nil)
			return
		}
		replaceAll := r.Method == http.MethodPost && q.Get("full_replace") == "true"
		next := map[string]map[string]any{}
		if !replaceAll {
			for id, doc := range docs {
				next[id] = doc
			}
		}
		var ids []string
		prefixes := d.prefixes
		for _, doc := range posted {
			if doc["@type"] == "@context" && graph == "schema" {
				prefixes = map[string]string{}
				for k, v := range doc {
					if s, ok := v.(string); ok && k != "@type" {
						prefixes[k] = s
					}
				}
				continue
			}
			id, _ := doc["@id"].(string)
			if id == "" {
				fail(w, http.StatusBadRequest, responseType, "api:SubmittedDocumentMissingId", "The submitted document has no @id", map[string]any{"api:document": doc})
				return
			}
			_, exists := next[id]
			switch {
			case r.Method == http.MethodPost && exists:
				fail(w, http.StatusBadRequest, responseType, "api:DocumentIdAlreadyExists", fmt.Sprintf("Document already exists with id: %s", id), map[string]any{"api:document_id": id})
				return
			case r.Method == http.MethodPut && !exists && q.Get("create") != "true":
				fail(w, http.StatusNotFound, responseType, "api:DocumentNotFound", fmt.Sprintf("Document not found: %q", id), map[string]any{"api:document_id": id})
				return
			}
			next[id] = doc
			ids = append(ids, id)
		}
		d.graphs[graph] = next
		d.prefixes = prefixes
		d.commits = append(d.commits, Commit{Author: author, Message: message, Graph: graph})
		if ids == nil {
			ids = []string{}
		}
		reply(w, http.StatusOK, ids)
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

// decodeDocuments reads a posted body: one document, a list of them, or a
// stream of them, as the server accepts.
func decodeDocuments(r *http.Request) ([]map[string]any, error) {
	dec := json.NewDecoder(r.Body)
	var out []map[string]any
	for dec.More() {
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("not JSON: %w", err)
		}
		switch v := v.(type) {
		case map[string]any:
			out = append(out, v)
		case []any:
			for _, e := range v {
				m, ok := e.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("not a document: %v", e)
				}
				out = append(out, m)
			}
		default:
			return nil, fmt.Errorf("not a document: %v", v)
		}
	}
	return out, nil
}

// Password is the password of user name; ok is false when there is no
// such user.
func (f *Fake) Password(name string) (password string, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if u := f.users[name]; u != nil {
		return u.password, true
	}
	return "", false
}

func (f *Fake) serveUsers(w http.ResponseWriter, r *http.Request, rest []string) {
	noUser := func(name string) {
		fail(w, http.StatusNotFound, "api:UserErrorResponse", "api:NoIdForUserName", "No id associated with user name "+name, map[string]any{"api:user_name": name})
	}
	if len(rest) == 1 {
		name := rest[0]
		u := f.users[name]
		if u == nil {
			noUser(name)
			return
		}
		switch r.Method {
		case http.MethodGet:
			doc := map[string]any{"@id": "User/" + name, "@type": "User", "name": name}
			if r.URL.Query().Get("capability") == "true" {
				doc["capability"] = u.capabilities()
			}
			reply(w, http.StatusOK, doc)
		case http.MethodDelete:
			if name == "admin" {
				fail(w, http.StatusBadRequest, "api:UserErrorResponse", "api:CanNotDeleteSuperUser", "You can not delete the super user!", nil)
				return
			}
			delete(f.users, name)
			reply(w, http.StatusOK, map[string]any{"@type": "api:UsersResponse", "api:status": "api:success"})
		default:
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
		return
	}
	var body struct {
		Name     *string `json:"name"`
		Password *string `json:"password"`
	}
	if r.Method != http.MethodGet {
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Name == nil || (r.Method == http.MethodPut && body.Password == nil) {
			fail(w, http.StatusBadRequest, "api:UserErrorResponse", "api:BadAPIDocument", "The user document needs name (and password to change it)", nil)
			return
		}
	}
	switch r.Method {
	case http.MethodGet:
		names := make([]string, 0, len(f.users))
		for n := range f.users {
			names = append(names, n)
		}
		sort.Strings(names)
		var docs []any
		for _, n := range names {
			docs = append(docs, map[string]any{"@id": "User/" + n, "@type": "User", "name": n})
		}
		reply(w, http.StatusOK, docs)
	case http.MethodPost:
		if f.users[*body.Name] != nil {
			fail(w, http.StatusBadRequest, "api:UserErrorResponse", "api:NoUniqueIdForUser", "A user with this name already exists with id User/"+*body.Name, map[string]any{"api:user_id": "User/" + *body.Name})
			return
		}
		u := &user{roles: map[string]map[string]bool{}}
		if body.Password != nil {
			u.password = *body.Password
		}
		f.users[*body.Name] = u
		reply(w, http.StatusOK, "User/"+*body.Name)
	case http.MethodPut:
		u := f.users[*body.Name]
		if u == nil {
			noUser(*body.Name)
			return
		}
		u.password = *body.Password
		reply(w, http.StatusOK, map[string]any{"@type": "api:UsersResponse", "api:status": "api:success"})
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

// capabilities is a user's capability list as the server expands it.
func (u *user) capabilities() []any {
	orgs := make([]string, 0, len(u.roles))
	for org := range u.roles {
		orgs = append(orgs, org)
	}
	sort.Strings(orgs)
	caps := []any{}
	for _, org := range orgs {
		var roles []any
		for name := range u.roles[org] {
			roles = append(roles, map[string]any{"@id": roleIDs[name], "@type": "Role", "name": name})
		}
		caps = append(caps, map[string]any{"@id": "Capability/" + org, "@type": "Capability", "role": roles,
			"scope": map[string]any{"@id": "Organization/" + org, "@type": "Organization", "name": org}})
	}
	return caps
}

func (f *Fake) serveCapabilities(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Operation, Scope, ScopeType, User string
		Roles                             []string
	}
	var raw map[string]json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
		fail(w, http.StatusBadRequest, "api:CapabilityErrorResponse", "api:BadAPIDocument", "Not JSON: "+err.Error(), nil)
		return
	}
	for k, dst := range map[string]any{"operation": &body.Operation, "scope": &body.Scope, "scope_type": &body.ScopeType, "user": &body.User, "roles": &body.Roles} {
		if err := json.Unmarshal(raw[k], dst); err != nil && k != "scope_type" {
			fail(w, http.StatusBadRequest, "api:CapabilityErrorResponse", "api:BadAPIDocument", "The capability document needs operation, scope, user and roles", nil)
			return
		}
	}
	if body.ScopeType != "organization" {
		fail(w, http.StatusBadRequest, "api:CapabilityErrorResponse", "api:BadAPIDocument", "The fake grants by name on organizations only (scope_type organization)", nil)
		return
	}
	u := f.users[body.User]
	if u == nil {
		fail(w, http.StatusNotFound, "api:CapabilityErrorResponse", "api:NoIdForUserName", "No id associated with user name "+body.User, map[string]any{"api:user_name": body.User})
		return
	}
	if !f.organizationExists(body.Scope) {
		fail(w, http.StatusNotFound, "api:CapabilityErrorResponse", "api:NoIdForResourceName", "No id associated with resource name "+body.Scope, map[string]any{"api:resource_name": body.Scope})
		return
	}
	for _, role := range body.Roles {
		if roleIDs[role] == "" {
			fail(w, http.StatusNotFound, "api:CapabilityErrorResponse", "api:NoIdForRoleName", "No id associated with role name "+role, map[string]any{"api:role_name": role})
			return
		}
	}
	held := u.roles[body.Scope]
	switch body.Operation {
	case "grant":
		if held == nil {
			held = map[string]bool{}
			u.roles[body.Scope] = held
		}
		for _, role := range body.Roles {
			held[role] = true
		}
	case "revoke":
		for _, role := range body.Roles {
			delete(held, role)
		}
		if len(held) == 0 {
			delete(u.roles, body.Scope)
		}
	default:
		fail(w, http.StatusBadRequest, "api:CapabilityErrorResponse", "api:UnknownCapabilitiesOperation", "Unknown operation "+body.Operation, nil)
		return
	}
	reply(w, http.StatusOK, map[string]any{"@type": "api:CapabilityResponse", "api:status": "api:success"})
}

// organizationExists: admin, and the organizations of existing databases.
func (f *Fake) organizationExists(org string) bool {
	if org == "admin" {
		return true
	}
	for key := range f.dbs {
		if strings.HasPrefix(key, org+"/") {
			return true
		}
	}
	return false
}
