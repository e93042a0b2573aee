package terminusdb

import (
	"context"
	"net/http"
	"net/url"
	"sort"
)

// User is what GET /api/users/{name}?capability=true returns, without the
// password hash (the server never sends it).
type User struct {
	Name       string       `json:"name"`
	Capability []capability `json:"capability"`
}

type capability struct {
	Role  []named `json:"role"`
	Scope struct {
		Type string `json:"@type"` // "Organization" or "UserDatabase"
		Name string `json:"name"`
	} `json:"scope"`
}

type named struct {
	Name string `json:"name"`
}

// OrganizationRoles maps each organization the user has a capability on to
// the names of its roles there, sorted.
func (u User) OrganizationRoles() map[string][]string {
	out := map[string][]string{}
	for _, c := range u.Capability {
		if c.Scope.Type != "Organization" {
			continue
		}
		for _, r := range c.Role {
			out[c.Scope.Name] = append(out[c.Scope.Name], r.Name)
		}
	}
	for _, roles := range out {
		sort.Strings(roles)
	}
	return out
}

type userBody struct {
	Name     string `json:"name"`
	Password string `json:"password"`
}

func userPath(name string) string { return "/api/users/" + url.PathEscape(name) }

// GetUser reads the user with its capabilities; found is false when there
// is no user of that name.
func (c *Client) GetUser(ctx context.Context, name string) (u User, found bool, err error) {
	err = c.do(ctx, http.MethodGet, userPath(name), url.Values{"capability": {"true"}}, nil, &u)
	if IsNotFound(err) {
		return User{}, false, nil
	}
	return u, err == nil, err
}

// CreateUser adds a user who signs in with password.
func (c *Client) CreateUser(ctx context.Context, name, password string) error {
	return c.do(ctx, http.MethodPost, "/api/users", nil, userBody{name, password}, nil)
}

// SetPassword changes the user's password.
func (c *Client) SetPassword(ctx context.Context, name, password string) error {
	return c.do(ctx, http.MethodPut, "/api/users", nil, userBody{name, password}, nil)
}

// DeleteUser removes the user; one already gone is no error.
func (c *Client) DeleteUser(ctx context.Context, name string) error {
	err := c.do(ctx, http.MethodDelete, userPath(name), nil, nil, nil)
	if IsNotFound(err) {
		return nil
	}
	return err
}

// Grant gives the user roles (by name, such as "Consumer Role") on an
// organization; Revoke takes them away.
func (c *Client) Grant(ctx context.Context, user, organization string, roles []string) error {
	return c.capability(ctx, "grant", user, organization, roles)
}

// Revoke takes roles on an organization away from the user.
func (c *Client) Revoke(ctx context.Context, user, organization string, roles []string) error {
	return c.capability(ctx, "revoke", user, organization, roles)
}

func (c *Client) capability(ctx context.Context, op, user, organization string, roles []string) error {
	body := map[string]any{"operation": op, "scope": organization, "scope_type": "organization", "user": user, "roles": roles}
	return c.do(ctx, http.MethodPost, "/api/capabilities", nil, body, nil)
}
