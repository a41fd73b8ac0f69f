// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package testenv starts a real kube-apiserver and etcd (controller-runtime's envtest) with the
// project's CRDs installed, for tests of behaviour that the API server defines: CEL validation,
// defaulting, server-side apply, garbage collection.
//
// The binaries come from hack/control-plane.sh, which builds them from the Go module proxy and
// caches them outside the clone. `make test` builds them and exports their paths; a plain
// `go test` finds them in the cache.
package testenv

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	certutil "k8s.io/client-go/util/cert"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/webhook"
	"sigs.k8s.io/controller-runtime/pkg/webhook/conversion"
	"sigs.k8s.io/yaml"

	routev1 "github.com/openshift/api/route/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
)

// Env is a running test API server with a client for it.
type Env struct {
	// Config reaches the API server as an administrator.
	Config *rest.Config
	// Client is a controller-runtime client with the project's scheme.
	Client client.Client
	// Scheme knows the built-in types and the MCPServer API.
	Scheme *k8sruntime.Scheme
	// Webhook is where the API server sends MCPServer conversions, and the certificate to
	// serve them with (for ExternalConversion).
	Webhook WebhookServing

	env        *envtest.Environment
	stopServer context.CancelFunc
	serverDone chan error
}

// WebhookServing is the address and certificate folder (tls.crt, tls.key) of the conversion
// webhook the API server calls.
type WebhookServing struct {
	Host    string
	Port    int
	CertDir string
}

// Options adjust the test environment.
type Options struct {
	// ExtraCRDPaths are CRD files or folders to install besides the project's own.
	ExtraCRDPaths []string
	// APIServerArgs set kube-apiserver flags (name without dashes -> value).
	APIServerArgs map[string]string
	// WithoutProjectCRDs leaves the MCPServer CRD out, for a cluster the operator is not
	// installed in.
	WithoutProjectCRDs bool
	// ExternalConversion leaves serving MCPServer conversions to the caller: the operator
	// binary, started with Env.Webhook's host, port and certificates. Until it serves,
	// requests through v1alpha1 fail. Unset, the test process serves them itself.
	ExternalConversion bool
	// Serving, when set, is the API server's serving certificate, for clusters whose pods reach
	// it by the kubernetes Service's address, which envtest's own certificate does not name.
	Serving *ServingCert
}

// ServingCert is a serving certificate for the API server and the CA that signed it.
type ServingCert struct {
	// Dir is the API server's certificate folder; it must exist.
	Dir string
	// Cert and Key are PEM; CA is the PEM bundle clients trust.
	Cert, Key, CA []byte
}

// write puts the certificate where envtest keeps an apiserver.crt it finds (and then trusts
// SecureServing.CA), with the ServiceAccount signing key that envtest makes only together with
// its own serving certificate.
func (s *ServingCert) write() error {
	saCert, saKey, err := certutil.GenerateSelfSignedCertKey("service-accounts", nil, nil)
	if err != nil {
		return err
	}
	for name, data := range map[string][]byte{"apiserver.crt": s.Cert, "apiserver.key": s.Key, "sa-signer.crt": saCert, "sa-signer.key": saKey} {
		if err := os.WriteFile(filepath.Join(s.Dir, name), data, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// RepoRoot is the root folder of this repository.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// Scheme knows the built-in types, the MCPServer API, OpenShift Routes, the Gateway API and CRDs.
func Scheme() *k8sruntime.Scheme {
	scheme := k8sruntime.NewScheme()
	for _, add := range []func(*k8sruntime.Scheme) error{
		clientgoscheme.AddToScheme, mcpv1alpha1.AddToScheme, mcpv1beta1.AddToScheme, routev1.AddToScheme, gatewayv1.Install, apiextensionsv1.AddToScheme,
	} {
		if err := add(scheme); err != nil {
			panic(err) // the types' own registration: cannot fail
		}
	}
	return scheme
}

// Start runs etcd and kube-apiserver with the project's CRDs installed.
func Start(opts Options) (*Env, error) {
	if err := LocateBinaries(); err != nil {
		return nil, err
	}
	scheme := Scheme()
	crdPaths := opts.ExtraCRDPaths
	if !opts.WithoutProjectCRDs {
		crdPaths = append([]string{filepath.Join(RepoRoot(), "config", "crd", "bases")}, crdPaths...)
	}
	env := &envtest.Environment{
		CRDDirectoryPaths:     crdPaths,
		ErrorIfCRDPathMissing: true,
		Scheme:                scheme,
	}
	apiServer := env.ControlPlane.GetAPIServer()
	for name, value := range opts.APIServerArgs {
		apiServer.Configure().Set(name, value)
	}
	if s := opts.Serving; s != nil {
		if err := s.write(); err != nil {
			return nil, err
		}
		apiServer.CertDir, apiServer.SecureServing.CA = s.Dir, s.CA
	}
	cfg, err := env.Start()
	if err != nil {
		// envtest leaves etcd and kube-apiserver running when it fails after starting them
		// (a CRD the API server refuses, say).
		_ = env.Stop()
		return nil, fmt.Errorf("starting the test control plane: %w", err)
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		_ = env.Stop()
		return nil, err
	}
	w := env.WebhookInstallOptions
	e := &Env{Config: cfg, Client: c, Scheme: scheme, env: env,
		Webhook: WebhookServing{Host: w.LocalServingHost, Port: w.LocalServingPort, CertDir: w.LocalServingCertDir}}
	if !opts.ExternalConversion && !opts.WithoutProjectCRDs {
		if err := e.serveConversion(); err != nil {
			_ = env.Stop()
			return nil, err
		}
	}
	return e, nil
}

// serveConversion runs the MCPServer conversion webhook in this process, as the operator does,
// and returns once it answers.
func (e *Env) serveConversion() error {
	server := webhook.NewServer(webhook.Options{Host: e.Webhook.Host, Port: e.Webhook.Port, CertDir: e.Webhook.CertDir})
	server.Register("/convert", conversion.NewWebhookHandler(e.Scheme, conversion.NewRegistry()))
	ctx, cancel := context.WithCancel(context.Background())
	e.stopServer, e.serverDone = cancel, make(chan error, 1)
	go func() { e.serverDone <- server.Start(ctx) }()
	address := net.JoinHostPort(e.Webhook.Host, strconv.Itoa(e.Webhook.Port))
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := tls.Dial("tcp", address, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // only to see it listen
		if err == nil {
			return conn.Close()
		}
		select {
		case err := <-e.serverDone:
			return fmt.Errorf("serving MCPServer conversions on %s: %w", address, err)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the conversion webhook on %s did not start: %w", address, err)
		}
	}
}

// AdminKubeconfig returns a kubeconfig for a new user in system:masters, for programs that run
// as separate processes (kube-controller-manager, the operator binary, kubectl).
func (e *Env) AdminKubeconfig() ([]byte, error) {
	return e.UserKubeconfig("local-admin", "system:masters")
}

// UserKubeconfig returns a kubeconfig for a new user with a client certificate, so that the API
// server (its audit log, its RBAC) tells that user's requests apart.
func (e *Env) UserKubeconfig(name string, groups ...string) ([]byte, error) {
	user, err := e.env.ControlPlane.AddUser(envtest.User{Name: name, Groups: groups}, nil)
	if err != nil {
		return nil, err
	}
	return user.KubeConfig()
}

// Stop shuts the API server, etcd and the conversion webhook down.
func (e *Env) Stop() error {
	var serveErr error
	if e.stopServer != nil {
		e.stopServer() // before envtest removes its certificates
		serveErr = <-e.serverDone
	}
	if err := e.env.Stop(); err != nil {
		return err
	}
	return serveErr
}

// GVK returns the GroupVersionKind of an MCPServer.
func GVK() schema.GroupVersionKind {
	return mcpv1beta1.GroupVersion.WithKind("MCPServer")
}

// LocateBinaries sets envtest's TEST_ASSET_* variables from the control-plane cache when the
// caller (normally `make test`) has not set them, and fails with a clear way out when the
// binaries were never built.
func LocateBinaries() error {
	out, err := exec.Command(filepath.Join(RepoRoot(), "hack", "control-plane.sh"), "print-env").Output()
	if err != nil {
		return fmt.Errorf("asking hack/control-plane.sh where the binaries are: %w", err)
	}
	scanner := bufio.NewScanner(bytes.NewReader(out))
	for scanner.Scan() {
		name, path, ok := strings.Cut(scanner.Text(), "=")
		if !ok || os.Getenv(name) != "" {
			continue
		}
		if err := os.Setenv(name, path); err != nil {
			return err
		}
	}
	for _, name := range []string{"TEST_ASSET_KUBE_APISERVER", "TEST_ASSET_ETCD"} {
		if _, err := os.Stat(os.Getenv(name)); err != nil {
			return fmt.Errorf("the test control plane is not built (%s: %v): run `make test`, or "+
				"`hack/control-plane.sh` once (about 10 minutes the first time on 2 cores)", name, err)
		}
	}
	return nil
}

// RouteCRDPath is the OpenShift Route CRD in the github.com/openshift/api module this project
// depends on. On a plain kube-apiserver it stands in for OpenShift's built-in Route API.
func RouteCRDPath() (string, error) {
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/openshift/api")
	cmd.Dir = RepoRoot()
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("locating github.com/openshift/api in the module cache: %w", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "route", "v1", "zz_generated.crd-manifests", "routes.crd.yaml"), nil
}

// GatewayCRDPaths are the Gateway API's Gateway and HTTPRoute CRDs (standard channel) in the
// sigs.k8s.io/gateway-api module this project builds with.
func GatewayCRDPaths() ([]string, error) {
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "sigs.k8s.io/gateway-api")
	cmd.Dir = RepoRoot()
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("locating sigs.k8s.io/gateway-api in the module cache: %w", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "config", "crd", "standard")
	return []string{filepath.Join(dir, "gateway.networking.k8s.io_gateways.yaml"), filepath.Join(dir, "gateway.networking.k8s.io_httproutes.yaml")}, nil
}

// DecodeManifests decodes every document of a YAML file into unstructured objects.
func DecodeManifests(path string) ([]*unstructured.Unstructured, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var objs []*unstructured.Unstructured
	for _, doc := range strings.Split(string(raw), "\n---") {
		js, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if string(js) == "null" {
			continue
		}
		obj := &unstructured.Unstructured{}
		if err := obj.UnmarshalJSON(js); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		objs = append(objs, obj)
	}
	return objs, nil
}

// EtcdURL is where etcd serves, for tests that look at what the API server stored.
func (e *Env) EtcdURL() string {
	return e.env.ControlPlane.Etcd.URL.String()
}
