package terminusdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// The prefixes TerminusDB gives a database whose creator named none.
const (
	DefaultBase   = "terminusdb:///data/"
	DefaultSchema = "terminusdb:///schema#"
)

// CreateDatabase is the body of POST /api/db/{org}/{db}.
type CreateDatabase struct {
	Label    string            `json:"label"`
	Comment  string            `json:"comment"`
	Public   bool              `json:"public"`
	Schema   bool              `json:"schema"`
	Prefixes map[string]string `json:"prefixes,omitempty"`
}

// UpdateDatabase is the body of PUT /api/db/{org}/{db}: the fields the
// server lets change in place.
type UpdateDatabase struct {
	Label    string            `json:"label"`
	Comment  string            `json:"comment"`
	Public   bool              `json:"public"`
	Prefixes map[string]string `json:"prefixes,omitempty"`
}

// Database is the record GET /api/db/{org}/{db}?verbose=true returns.
type Database struct {
	Path    string `json:"path"` // "org/db"
	Name    string `json:"name"`
	Label   string `json:"label"`
	Comment string `json:"comment"`
	State   string `json:"state"` // "finalized" once created
}

func dbPath(org, db string) string {
	return "/api/db/" + url.PathEscape(org) + "/" + url.PathEscape(db)
}

// documentPath is the main branch of the database, where the schema and
// the instance documents live.
func documentPath(org, db string) string {
	return "/api/document/" + url.PathEscape(org) + "/" + url.PathEscape(db) + "/local/branch/main"
}

// GetDatabase reads the database's record; found is false when the server
// says it does not exist.
func (c *Client) GetDatabase(ctx context.Context, org, db string) (info Database, found bool, err error) {
	err = c.do(ctx, http.MethodGet, dbPath(org, db), url.Values{"verbose": {"true"}}, nil, &info)
	if IsNotFound(err) {
		return Database{}, false, nil
	}
	return info, err == nil, err
}

// CreateDatabase makes the database; an existing one is an error of type
// api:DatabaseAlreadyExists.
func (c *Client) CreateDatabase(ctx context.Context, org, db string, req CreateDatabase) error {
	return c.do(ctx, http.MethodPost, dbPath(org, db), nil, req, nil)
}

// UpdateDatabase changes label, comment, public and prefixes in place.
func (c *Client) UpdateDatabase(ctx context.Context, org, db string, req UpdateDatabase) error {
	return c.do(ctx, http.MethodPut, dbPath(org, db), nil, req, nil)
}

// DeleteDatabase deletes the database with all its data; one already gone
// is no error.
func (c *Client) DeleteDatabase(ctx context.Context, org, db string) error {
	err := c.do(ctx, http.MethodDelete, dbPath(org, db), nil, nil, nil)
	if IsNotFound(err) {
		return nil
	}
	return err
}

// Schema reads the schema graph as a list of documents, the @context
// document (the prefixes) first.
func (c *Client) Schema(ctx context.Context, org, db string) ([]map[string]any, error) {
	var docs []map[string]any
	err := c.do(ctx, http.MethodGet, documentPath(org, db), url.Values{"graph_type": {"schema"}, "as_list": {"true"}}, nil, &docs)
	return docs, err
}

// ReplaceSchema replaces the whole schema graph with docs (the @context
// document included) in one commit by Author with message.
func (c *Client) ReplaceSchema(ctx context.Context, org, db string, docs []map[string]any, message string) error {
	q := url.Values{"graph_type": {"schema"}, "full_replace": {"true"}, "author": {Author}, "message": {message}}
	return c.do(ctx, http.MethodPost, documentPath(org, db), q, docs, nil)
}

// CountDocuments counts the instance documents of the database: the data
// a delete would lose. The documents are streamed, never held.
func (c *Client) CountDocuments(ctx context.Context, org, db string) (int, error) {
	var counter documentCounter
	if err := c.do(ctx, http.MethodGet, documentPath(org, db), url.Values{"graph_type": {"instance"}}, nil, &counter); err != nil {
		return 0, err
	}
	return counter.n, nil
}

// documentCounter counts the JSON values of a stream of documents (the
// server's default output: one document after another).
type documentCounter struct{ n int }

func (d *documentCounter) decodeStream(r io.Reader) error {
	dec := json.NewDecoder(r)
	for {
		var skip json.RawMessage
		err := dec.Decode(&skip)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read document %d: %w", d.n+1, err)
		}
		d.n++
	}
}
