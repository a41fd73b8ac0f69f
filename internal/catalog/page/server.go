// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package page serves the MCP catalog page and its JSON API: browse the catalog, deploy an
// entry as an MCPServer, and follow and delete deployments, every cluster action with the
// identity of the person using the page (their bearer token), behind CSRF protection.
package page

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/catalog"
	"github.com/mcp-operator/mcp-operator/internal/catalog/deploy"
	"github.com/mcp-operator/mcp-operator/internal/catalog/sources"
)

//go:embed web
var webFiles embed.FS

const csrfCookie = "mcp_catalog_csrf"

// Server serves the catalog page and its JSON API.
type Server struct {
	Store    *sources.Store
	Identity Identity
	// CRDAvailable reports whether the cluster serves the MCPServer API.
	CRDAvailable func(ctx context.Context) bool
	// RuntimeImages run the entries published as npm or PyPI packages; a type without one
	// cannot be deployed.
	RuntimeImages deploy.RuntimeImages

	readme *bluemonday.Policy
}

// Handler returns the HTTP handler of the page and the API.
func (s *Server) Handler() http.Handler {
	s.readme = bluemonday.UGCPolicy()
	static, err := fs.Sub(webFiles, "web")
	if err != nil {
		panic(err) // the embedded folder is part of the binary
	}
	mux := http.NewServeMux()
	mux.Handle("GET /", http.FileServerFS(static))
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		// Browsers ask for /favicon.ico whatever the page links: answer with the page's icon.
		w.Header().Set("Content-Type", "image/svg+xml")
		http.ServeFileFS(w, r, static, "favicon.svg")
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.HandleFunc("GET /api/session", s.session)
	mux.HandleFunc("GET /api/catalog", s.listCatalog)
	mux.HandleFunc("GET /api/catalog/{id}", s.getEntry)
	mux.HandleFunc("GET /api/deployments", s.listDeployments)
	mux.HandleFunc("GET /api/deployments/watch", s.watchDeployments)
	mux.HandleFunc("GET /api/deployments/{namespace}/{name}", s.getDeployment)
	mux.HandleFunc("GET /api/namespaces", s.listNamespaces)
	mux.Handle("POST /api/deployments", csrfProtected(http.HandlerFunc(s.deploy)))
	mux.Handle("DELETE /api/deployments/{namespace}/{name}", csrfProtected(http.HandlerFunc(s.deleteDeployment)))
	return securityHeaders(mux)
}

// securityHeaders: nothing but the page's own scripts and styles run, and the page cannot be
// framed. Images may also be https URLs: catalog entries may name their icons so.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// csrfProtected accepts a state-changing request only with the session's CSRF token in a
// header (a cross-site form or image cannot set it), a JSON body where there is one, and an
// Origin, when given, of this very host.
func csrfProtected(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cookie, err := r.Cookie(csrfCookie)
		header := r.Header.Get("X-CSRF-Token")
		switch {
		case err != nil || cookie.Value == "" || subtle.ConstantTimeCompare([]byte(cookie.Value), []byte(header)) != 1:
			writeJSON(w, http.StatusForbidden, map[string]string{"error": "missing or wrong CSRF token: reload the page"})
		case r.Method == http.MethodPost && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json"):
			writeJSON(w, http.StatusUnsupportedMediaType, map[string]string{"error": "send JSON"})
		case r.Header.Get("Origin") != "" && !sameOrigin(r):
			writeJSON(w, http.StatusForbidden, map[string]string{"error": "cross-origin request refused"})
		default:
			next.ServeHTTP(w, r)
		}
	})
}

func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	return origin == "http://"+r.Host || origin == "https://"+r.Host
}

// session gives the page its CSRF token (also set as a cookie) and says whose identity is used.
func (s *Server) session(w http.ResponseWriter, r *http.Request) {
	token := ""
	if c, err := r.Cookie(csrfCookie); err == nil && c.Value != "" {
		token = c.Value
	} else {
		raw := make([]byte, 32)
		_, _ = rand.Read(raw)
		token = base64.RawURLEncoding.EncodeToString(raw)
		http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	}
	writeJSON(w, http.StatusOK, map[string]string{"csrfToken": token, "identity": s.Identity.Describe()})
}

// entrySummary is an entry as a card shows it.
type entrySummary struct {
	catalog.Entry
	Deploy deployability `json:"deploy"`
}

// deployability says whether the page can deploy an entry, why not, and what will run.
type deployability struct {
	Enabled bool   `json:"enabled"`
	Reason  string `json:"reason,omitempty"`
	// Run is what a deployment runs: the image and, for stdio servers, the command.
	Run *deploy.Launch `json:"run,omitempty"`
}

func (s *Server) deployability(ctx context.Context, e catalog.Entry) deployability {
	if e.Remote {
		return deployability{Reason: "This server runs elsewhere: connect an MCP client to its endpoint instead."}
	}
	launch, err := deploy.LaunchOf(e, s.RuntimeImages)
	switch {
	case err != nil:
		return deployability{Reason: capitalised(err.Error()) + "."}
	case !s.CRDAvailable(ctx):
		return deployability{Reason: "The MCPServer API (mcp.x-k8s.io) is not installed in this cluster: install the MCP operator first.", Run: &launch}
	}
	return deployability{Enabled: true, Run: &launch}
}

func capitalised(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// catalogPage is the answer of GET /api/catalog. Every list is a list, never null.
type catalogPage struct {
	Items    []entrySummary `json:"items"`
	Total    int            `json:"total"`
	Shown    int            `json:"shown"`
	Facets   catalog.Facets `json:"facets"`
	Problems []string       `json:"problems"`
}

func (s *Server) listCatalog(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	all := s.Store.Entries()
	shown := catalog.Filter(all, catalog.Query{Text: q.Get("q"), Transports: q["transport"], Labels: q["label"],
		Providers: q["provider"], Modes: q["mode"], Sort: q.Get("sort")})
	items := make([]entrySummary, len(shown))
	for i, e := range shown {
		items[i] = entrySummary{Entry: e, Deploy: s.deployability(r.Context(), e)}
	}
	writeJSON(w, http.StatusOK, catalogPage{
		Items: items, Total: len(all), Shown: len(shown), Facets: catalog.FacetsOf(all), Problems: s.Store.Problems(),
	})
}

func (s *Server) getEntry(w http.ResponseWriter, r *http.Request) {
	e, ok := s.Store.Entry(r.PathValue("id"))
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such catalog entry"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"entry": entrySummary{Entry: e, Deploy: s.deployability(r.Context(), e)}, "readmeHTML": s.renderReadme(e.Readme),
	})
}

// renderReadme renders Markdown to HTML that cannot run anything: goldmark drops raw HTML and
// dangerous link targets, and bluemonday's policy for user content removes what is left.
func (s *Server) renderReadme(markdown string) string {
	var buf bytes.Buffer
	if err := goldmark.Convert([]byte(markdown), &buf); err != nil {
		return ""
	}
	return s.readme.Sanitize(buf.String())
}

// writeClusterError turns an error from the cluster into an answer a person understands.
func writeClusterError(w http.ResponseWriter, err error) {
	writeDeployError(w, err, nil)
}

// writeDeployError is writeClusterError for the objects of a deployment: a refusal of the
// MCPServer names the form's fields.
func writeDeployError(w http.ResponseWriter, err error, server *mcpv1beta1.MCPServer) {
	switch {
	case errors.Is(err, errNoIdentity):
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": err.Error()})
	case apierrors.IsForbidden(err):
		writeJSON(w, http.StatusForbidden, map[string]string{"error": "Not allowed: " + apiMessage(err)})
	case apierrors.IsUnauthorized(err):
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "Your session is not valid any more: sign in again."})
	case apierrors.IsNotFound(err):
		writeJSON(w, http.StatusNotFound, map[string]string{"error": apiMessage(err)})
	case apierrors.IsAlreadyExists(err):
		writeJSON(w, http.StatusConflict, map[string]string{"error": apiMessage(err)})
	case apierrors.IsInvalid(err):
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": "The cluster rejected the MCPServer.", "errors": deploy.FieldErrorsOf(err, server)})
	default:
		writeJSON(w, http.StatusBadGateway, map[string]string{"error": "The cluster could not do that: " + err.Error()})
	}
}

func asStatus(err error, status *apierrors.APIStatus) bool {
	return errors.As(err, status)
}

func apiMessage(err error) string {
	var status apierrors.APIStatus
	if asStatus(err, &status) {
		return status.Status().Message
	}
	return err.Error()
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// CachedDiscovery caches a yes/no answer for ttl, so that listing the catalog does not ask the
// API server every time.
func CachedDiscovery(ttl time.Duration, ask func(ctx context.Context) bool) func(ctx context.Context) bool {
	var (
		answer bool
		at     time.Time
		mu     sync.Mutex
	)
	return func(ctx context.Context) bool {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(at) > ttl {
			answer, at = ask(ctx), time.Now()
		}
		return answer
	}
}
