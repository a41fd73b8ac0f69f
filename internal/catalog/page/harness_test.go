// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package page_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zapcore"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/mcp-operator/mcp-operator/internal/catalog"
	"github.com/mcp-operator/mcp-operator/internal/catalog/deploy"
	"github.com/mcp-operator/mcp-operator/internal/catalog/page"
	"github.com/mcp-operator/mcp-operator/internal/catalog/sources"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

// The catalog tests run the catalog's HTTP server against a real kube-apiserver. People are
// service accounts whose tokens come from the TokenRequest API, passed as bearer tokens the way
// the OpenShift console and oauth-proxy pass them, so the API server's RBAC decides.
const (
	teamA        = "team-a"
	teamB        = "team-b"
	teamOne      = "team-one"
	usersNS      = "catalog-users"
	sampleID     = "tests--sample"
	hostedID     = "tests--hosted"
	stdioID      = "tests--stdio-tool"
	untaggedID   = "tests--untagged"
	weatherID    = "registry--io-example-weather"
	waitDuration = 20 * time.Second
	// testNPMRuntime runs the npm packages of the test catalogs; there is none for PyPI.
	testNPMRuntime = "registry.example.com/runtimes/node:22"
)

var (
	env *testenv.Env
	// catalogURL serves the test catalog against env.
	catalogURL string
	// tokens of the people: alice may deploy and delete in team-a and team-one (and sees
	// team-b's project, not its servers); bob may only look at team-a; carol may list every
	// namespace; erin may list team-a's servers but not watch them.
	tokens = map[string]string{}
)

func TestMain(m *testing.M) {
	os.Exit(runSuite(m))
}

func runSuite(m *testing.M) int {
	ctrl.SetLogger(zap.New(zap.WriteTo(os.Stderr), zap.Level(zapcore.ErrorLevel)))
	// Screenshots of this run only: a stale FAILED-*.png would mislead.
	_ = os.RemoveAll(filepath.Join(testenv.RepoRoot(), "bin", "test-artifacts", "catalog"))
	var err error
	env, err = testenv.Start(testenv.Options{ExtraCRDPaths: []string{"testdata/project-crd.yaml"}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = env.Stop() }()
	if err := createPeople(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "creating the test users:", err)
		return 1
	}
	store, err := testStore()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	srv, err := startCatalog(env.Config, store)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer srv.Close()
	catalogURL = srv.URL
	return m.Run()
}

// startBareCatalog starts a catalog page on its own API server that does not serve the
// MCPServer API, for as long as the test runs, and returns its URL.
func startBareCatalog(t *testing.T) string {
	t.Helper()
	bare, err := testenv.Start(testenv.Options{WithoutProjectCRDs: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bare.Stop() })
	store, err := testStore()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := startCatalog(bare.Config, store)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	bareEnv = bare
	return srv.URL
}

// bareEnv is the API server of the last startBareCatalog, for tests that install the API later.
var bareEnv *testenv.Env

// startCatalogOf serves the given store against the suite's API server for as long as the
// test runs, and returns its URL.
func startCatalogOf(t *testing.T, store *sources.Store) string {
	t.Helper()
	srv, err := startCatalog(env.Config, store)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv.URL
}

// testStore holds the test catalog sources: one entry per case the page must handle, and a
// malformed one that is skipped.
func testStore() (*sources.Store, error) {
	store := sources.NewStore()
	for source, file := range map[string]string{"tests": "testdata/catalog.yaml", "registry": "testdata/registry.json"} {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		store.SetSource(source, data)
	}
	return store, nil
}

// requests counts the API requests the catalog makes for each person, by token.
var requests = struct {
	sync.Mutex
	byToken map[string]int
}{byToken: map[string]int{}}

// requestsOf returns how many API requests the catalogs made so far with a person's token.
func requestsOf(person string) int {
	requests.Lock()
	defer requests.Unlock()
	return requests.byToken[tokens[person]]
}

type countingTransport struct{ next http.RoundTripper }

func (c countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	requests.Lock()
	requests.byToken[token]++
	requests.Unlock()
	return c.next.RoundTrip(r)
}

// startCatalog serves a store as cmd/mcp-catalog does, with each request's bearer token as
// identity, counting each person's API requests.
func startCatalog(cfg *rest.Config, store *sources.Store) (*httptest.Server, error) {
	httpClient, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return nil, err
	}
	mapper, err := apiutil.NewDynamicRESTMapper(cfg, httpClient)
	if err != nil {
		return nil, err
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, err
	}
	server := &page.Server{
		Store: store,
		Identity: &page.BearerIdentity{Base: cfg, Scheme: env.Scheme, Mapper: mapper,
			WrapTransport: func(rt http.RoundTripper) http.RoundTripper { return countingTransport{rt} }},
		CRDAvailable:  page.MCPServerAPIServed(disc),
		RuntimeImages: deploy.RuntimeImages{catalog.PackageNPM: testNPMRuntime},
	}
	return httptest.NewServer(server.Handler()), nil
}

// createPeople makes the namespaces, the service accounts that stand for people, their RBAC,
// and a token for each.
func createPeople(ctx context.Context) error {
	c := env.Client
	for _, ns := range []string{teamA, teamB, teamOne, usersNS} {
		if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
			return err
		}
	}
	for _, project := range []string{teamA, teamB, teamOne} {
		p := &unstructured.Unstructured{}
		p.SetAPIVersion("project.openshift.io/v1")
		p.SetKind("Project")
		p.SetName(project)
		if err := c.Create(ctx, p); err != nil {
			return err
		}
	}
	mcpAll := rbacv1.PolicyRule{APIGroups: []string{"mcp.x-k8s.io"}, Resources: []string{"mcpservers"}, Verbs: []string{"*"}}
	mcpRead := rbacv1.PolicyRule{APIGroups: []string{"mcp.x-k8s.io"}, Resources: []string{"mcpservers"}, Verbs: []string{"get", "list", "watch"}}
	secrets := rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"create", "patch", "delete"}}
	events := rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"events"}, Verbs: []string{"list"}}
	projects := rbacv1.PolicyRule{APIGroups: []string{"project.openshift.io"}, Resources: []string{"projects"}, Verbs: []string{"list"}}
	grants := []struct {
		person, namespace string // namespace "" grants cluster-wide
		rules             []rbacv1.PolicyRule
	}{
		{"alice", teamA, []rbacv1.PolicyRule{mcpAll, secrets, events}},
		{"alice", teamOne, []rbacv1.PolicyRule{mcpAll, secrets, events}},
		{"alice", "", []rbacv1.PolicyRule{projects}},
		{"bob", teamA, []rbacv1.PolicyRule{mcpRead}},
		{"carol", "", []rbacv1.PolicyRule{mcpRead}},
		{"erin", teamA, []rbacv1.PolicyRule{{APIGroups: []string{"mcp.x-k8s.io"}, Resources: []string{"mcpservers"}, Verbs: []string{"list"}}}},
	}
	for _, g := range grants {
		if err := grant(ctx, c, g.person, g.namespace, g.rules); err != nil {
			return err
		}
	}
	clientset, err := kubernetes.NewForConfig(env.Config)
	if err != nil {
		return err
	}
	for _, person := range []string{"alice", "bob", "carol", "erin"} {
		if err := c.Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: person, Namespace: usersNS}}); err != nil {
			return err
		}
		tr, err := clientset.CoreV1().ServiceAccounts(usersNS).CreateToken(ctx, person,
			&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{}}, metav1.CreateOptions{})
		if err != nil {
			return err
		}
		tokens[person] = tr.Status.Token
	}
	return nil
}

func grant(ctx context.Context, c client.Client, person, namespace string, rules []rbacv1.PolicyRule) error {
	name := "catalog-test-" + person
	subject := []rbacv1.Subject{{Kind: "ServiceAccount", Name: person, Namespace: usersNS}}
	if namespace == "" {
		if err := c.Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}); err != nil {
			return err
		}
		return c.Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name}, Subjects: subject,
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name}})
	}
	if err := c.Create(ctx, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace}, Rules: rules}); err != nil {
		return err
	}
	return c.Create(ctx, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace}, Subjects: subject,
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: name}})
}

// session is one person's browser session with the catalog: their token, the CSRF cookie and
// token the page gets from /api/session.
type session struct {
	t       *testing.T
	base    string
	token   string
	csrf    string
	browser *http.Client
}

func newSession(t *testing.T, base, person string) *session {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	s := &session{t: t, base: base, token: tokens[person], browser: &http.Client{Jar: jar}}
	var answer struct {
		CSRFToken string `json:"csrfToken"`
	}
	s.expect("GET", "/api/session", nil, http.StatusOK, &answer)
	s.csrf = answer.CSRFToken
	return s
}

// do sends a request as the session's person and returns the status and the body.
func (s *session) do(method, path string, body any) (int, []byte) {
	s.t.Helper()
	var reader io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			s.t.Fatal(err)
		}
		reader = strings.NewReader(string(raw))
	}
	req, err := http.NewRequest(method, s.base+path, reader)
	if err != nil {
		s.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	req.Header.Set("X-CSRF-Token", s.csrf)
	resp, err := s.browser.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return resp.StatusCode, raw
}

// expect sends a request, fails the test unless the status is want, and decodes the answer
// into into (when not nil).
func (s *session) expect(method, path string, body any, want int, into any) {
	s.t.Helper()
	status, raw := s.do(method, path, body)
	if status != want {
		s.t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, raw)
	}
	if into != nil {
		if err := json.Unmarshal(raw, into); err != nil {
			s.t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
}
