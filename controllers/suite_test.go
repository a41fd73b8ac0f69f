// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zapcore"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/controllers"
	"github.com/mcp-operator/mcp-operator/internal/handshake"
	"github.com/mcp-operator/mcp-operator/internal/mcpprobe"
	"github.com/mcp-operator/mcp-operator/internal/platform"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/mcptest"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

// The suite runs the real controllers, through controllers.Setup as main does, against a real
// kube-apiserver. There is no kube-controller-manager here, so tests play its part where they
// need to (a Deployment's status), and MCP servers run on loopback, reached through --resolve.
const (
	clusterDomain     = "test.local"
	operatorNamespace = "mcp-operator-system"
	adminConfigMap    = "mcp-operator-values"
	timeout           = 20 * time.Second
)

var (
	env      *testenv.Env
	k8s      client.Client
	resolver = mcpprobe.NewResolver()
	writes   = &writeCounter{}
)

func TestMain(m *testing.M) {
	mcptest.ServeStdioIfAsked()
	ctrl.SetLogger(zap.New(zap.Level(zapcore.Level(zapLevel())), zap.StacktraceLevel(zapcore.PanicLevel)))
	var err error
	env, err = testenv.Start(testenv.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	k8s = env.Client
	ctx, cancel := context.WithCancel(context.Background())
	done, err := startOperator(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	cancel()
	<-done
	_ = env.Stop()
	os.Exit(code)
}

// startOperator runs the operator's manager as main does, with short intervals so that
// re-verification and retries happen within a test's patience.
func startOperator(ctx context.Context) (<-chan struct{}, error) {
	cfg := rest.CopyConfig(env.Config)
	cfg.WrapTransport = writes.wrap
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:  env.Scheme,
		Cache:   controllers.CacheOptions(nil, operatorNamespace, platform.APIs{}),
		Metrics: metricsserver.Options{BindAddress: "0"},
	})
	if err != nil {
		return nil, err
	}
	if err := k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: operatorNamespace}}); err != nil {
		return nil, err
	}
	err = controllers.Setup(ctx, mgr, controllers.Options{
		ClusterDomain: clusterDomain,
		AdminValues:   types.NamespacedName{Namespace: operatorNamespace, Name: adminConfigMap},
		Handshakes: handshake.Options{
			Workers: 4, Interval: time.Second, InitialBackoff: 200 * time.Millisecond, MaxBackoff: time.Second,
		},
		Probe:            mcpprobe.Config{Timeout: 2 * time.Second, Resolver: resolver},
		RouteAPIRecheck:  500 * time.Millisecond,
		StdioBridgeImage: testBridgeImage,
	})
	if err != nil {
		return nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := mgr.Start(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "manager:", err)
		}
	}()
	return done, nil
}

func zapLevel() int8 {
	if os.Getenv("TEST_VERBOSE") != "" {
		return -1 // debug
	}
	return 2 // errors only
}

// writeCounter counts the operator's mutating API requests, by namespace.
type writeCounter struct {
	mu     sync.Mutex
	counts map[string]int
	paths  map[string][]string
}

func (w *writeCounter) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		if req.Method != http.MethodGet {
			w.mu.Lock()
			if w.counts == nil {
				w.counts, w.paths = map[string]int{}, map[string][]string{}
			}
			ns := namespaceOf(req.URL.Path)
			w.counts[ns]++
			w.paths[ns] = append(w.paths[ns], req.Method+" "+req.URL.Path)
			w.mu.Unlock()
		}
		return rt.RoundTrip(req)
	})
}

// in returns the writes made so far in namespace ns, and what they were.
func (w *writeCounter) in(ns string) (int, []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.counts[ns], append([]string(nil), w.paths[ns]...)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func namespaceOf(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if p == "namespaces" && i+1 < len(parts) {
			return parts[i+1]
		}
	}
	return ""
}

// newNamespace creates a namespace for one test, and deletes the test's MCPServers at its end
// so that the operator stops working on them (there is no namespace controller to do it).
func newNamespace(t *testing.T) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "t-"}}
	if err := k8s.Create(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = k8s.DeleteAllOf(context.Background(), &mcpv1beta1.MCPServer{}, client.InNamespace(ns.Name))
	})
	return ns.Name
}

// newServer returns a valid MCPServer spec in ns, which mutate may change before it is created.
func newServer(t *testing.T, ns, name string, mutate func(*mcpv1beta1.MCPServer)) *mcpv1beta1.MCPServer {
	t.Helper()
	s := &mcpv1beta1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}}
	s.Spec.Source = mcpv1beta1.Source{
		Type:           mcpv1beta1.SourceTypeContainerImage,
		ContainerImage: &mcpv1beta1.ContainerImageSource{Ref: "quay.io/example/mcp-server:1.0.0"},
	}
	s.Spec.Config.Port = 8080
	if mutate != nil {
		mutate(s)
	}
	if err := k8s.Create(context.Background(), s); err != nil {
		t.Fatalf("creating MCPServer %s/%s: %v", ns, name, err)
	}
	return s
}

// startMCPServerFor runs an MCP server on loopback and routes the server's cluster address to it.
func startMCPServerFor(t *testing.T, s *mcpv1beta1.MCPServer, opts mcptest.ServerOptions) *mcptest.Server {
	t.Helper()
	if opts.Path == "" {
		opts.Path = "/mcp"
	}
	srv, err := mcptest.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	route(t, s, srv.Addr)
	return srv
}

// route points the server's Service address at addr.
func route(t *testing.T, s *mcpv1beta1.MCPServer, addr string) {
	t.Helper()
	if err := resolver.Set(fmt.Sprintf("%s.%s.svc.%s:%d:%s", s.Name, s.Namespace, clusterDomain, s.Spec.Config.Port, addr)); err != nil {
		t.Fatal(err)
	}
}

func key(s *mcpv1beta1.MCPServer) types.NamespacedName { return client.ObjectKeyFromObject(s) }

// getServer reads the MCPServer's current state.
func getServer(t *testing.T, k types.NamespacedName) *mcpv1beta1.MCPServer {
	t.Helper()
	s := &mcpv1beta1.MCPServer{}
	if err := k8s.Get(context.Background(), k, s); err != nil {
		t.Fatal(err)
	}
	return s
}

// waitForCondition waits until the server's condition has the status and reason (and its
// observedGeneration is current), and returns the server.
func waitForCondition(t *testing.T, k types.NamespacedName, condType string, status metav1.ConditionStatus, reason string) *mcpv1beta1.MCPServer {
	t.Helper()
	var s *mcpv1beta1.MCPServer
	check.Eventually(t, timeout, fmt.Sprintf("%s %s=%s/%s", k, condType, status, reason), func() (bool, string) {
		s = getServer(t, k)
		c := check.Condition(s.Status.Conditions, condType)
		if c == nil {
			return false, "no such condition"
		}
		return c.Status == status && c.Reason == reason && c.ObservedGeneration == s.Generation,
			fmt.Sprintf("%s/%s gen %d (object gen %d): %s", c.Status, c.Reason, c.ObservedGeneration, s.Generation, c.Message)
	})
	return s
}

// condition returns the server's condition of a type, failing the test when it is missing.
func condition(t *testing.T, s *mcpv1beta1.MCPServer, condType string) metav1.Condition {
	t.Helper()
	c := check.Condition(s.Status.Conditions, condType)
	if c == nil {
		t.Fatalf("%s has no %s condition", s.Name, condType)
	}
	return *c
}

// waitForDeployment waits until the operator has created the server's Deployment.
func waitForDeployment(t *testing.T, k types.NamespacedName) *appsv1.Deployment {
	t.Helper()
	d := &appsv1.Deployment{}
	check.Eventually(t, timeout, "Deployment "+k.String(), func() (bool, string) {
		err := k8s.Get(context.Background(), k, d)
		return err == nil, fmt.Sprint(err)
	})
	return d
}

// makeAvailable does what the Deployment controller would: report the Deployment's current
// generation rolled out with all its replicas available.
func makeAvailable(t *testing.T, k types.NamespacedName) {
	t.Helper()
	check.Eventually(t, timeout, "Deployment "+k.String()+" marked available", func() (bool, string) {
		d := &appsv1.Deployment{}
		if err := k8s.Get(context.Background(), k, d); err != nil {
			return false, err.Error()
		}
		n := int32(1)
		if d.Spec.Replicas != nil {
			n = *d.Spec.Replicas
		}
		d.Status = appsv1.DeploymentStatus{
			ObservedGeneration: d.Generation, Replicas: n, UpdatedReplicas: n, ReadyReplicas: n, AvailableReplicas: n,
			Conditions: []appsv1.DeploymentCondition{{
				Type: appsv1.DeploymentAvailable, Status: corev1.ConditionTrue, Reason: "MinimumReplicasAvailable",
				LastUpdateTime: metav1.Now(), LastTransitionTime: metav1.Now(),
			}},
		}
		err := k8s.Status().Update(context.Background(), d)
		return err == nil, fmt.Sprint(err)
	})
}

// eventsFor lists the events about the named object.
func eventsFor(t *testing.T, ns, name string) []eventsv1.Event {
	t.Helper()
	list := &eventsv1.EventList{}
	if err := k8s.List(context.Background(), list, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	var out []eventsv1.Event
	for _, e := range list.Items {
		if e.Regarding.Name == name {
			out = append(out, e)
		}
	}
	return out
}

// waitForEvent waits for an event with the reason about the named object, whose note contains
// text.
func waitForEvent(t *testing.T, ns, name, eventType, reason, text string) {
	t.Helper()
	check.Eventually(t, timeout, fmt.Sprintf("a %s event %s about %s/%s", eventType, reason, ns, name), func() (bool, string) {
		var seen []string
		for _, e := range eventsFor(t, ns, name) {
			if e.Type == eventType && e.Reason == reason && strings.Contains(e.Note, text) {
				return true, ""
			}
			seen = append(seen, e.Type+"/"+e.Reason+": "+e.Note)
		}
		return false, strings.Join(seen, " | ")
	})
}

// requireAbsent fails when an object of that type and key exists.
func requireAbsent(t *testing.T, obj client.Object, k types.NamespacedName) {
	t.Helper()
	if err := k8s.Get(context.Background(), k, obj); !apierrors.IsNotFound(err) {
		t.Fatalf("%T %s exists (err %v), want none", obj, k, err)
	}
}

// metricSum adds up a metric of the controller-runtime registry (gauge and counter values, or
// histogram sample counts) over the series whose label has the given value; label "" takes all.
func metricSum(t *testing.T, name, label, value string) float64 {
	t.Helper()
	families, err := metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			match := label == ""
			for _, l := range m.GetLabel() {
				if l.GetName() == label && l.GetValue() == value {
					match = true
				}
			}
			if !match {
				continue
			}
			if m.GetGauge() != nil {
				sum += m.GetGauge().GetValue()
			}
			if m.GetCounter() != nil {
				sum += m.GetCounter().GetValue()
			}
			if m.GetHistogram() != nil {
				sum += float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return sum
}

// requireExists fails when the server's object of obj's type does not exist.
func requireExists(t *testing.T, obj client.Object, s *mcpv1beta1.MCPServer) {
	t.Helper()
	if err := k8s.Get(context.Background(), key(s), obj); err != nil {
		t.Fatalf("%T %s: %v", obj, key(s), err)
	}
}

func key2(obj client.Object) types.NamespacedName { return client.ObjectKeyFromObject(obj) }

func itoa(n int32) string { return fmt.Sprint(n) }

func toString(v any) string { return fmt.Sprint(v) }
