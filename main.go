// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Command manager runs the MCP operator: a controller-runtime manager that turns MCPServer
// resources into verified, hardened MCP endpoints.
package main

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/KimMachineGun/automemlimit/memlimit"
	"github.com/go-logr/logr"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/metrics/filters"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/webhook"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	routev1 "github.com/openshift/api/route/v1"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/controllers"
	"github.com/mcp-operator/mcp-operator/internal/imagepolicy"
	"github.com/mcp-operator/mcp-operator/internal/mcpprobe"
	"github.com/mcp-operator/mcp-operator/internal/monitoring"
	"github.com/mcp-operator/mcp-operator/internal/platform"
	"github.com/mcp-operator/mcp-operator/internal/render"
	"github.com/mcp-operator/mcp-operator/internal/servingcert"
)

// leaderElectionID names the Lease that replicas of the operator compete for.
const leaderElectionID = "mcp-operator.mcp.x-k8s.io"

// options are the command-line settings of the manager.
type options struct {
	metricsAddr          string
	secureMetrics        bool
	enableHTTP2          bool
	probeAddr            string
	enableLeaderElection bool
	// leaderElectionNamespace is needed only outside a cluster, where there is no "own" namespace.
	leaderElectionNamespace string
	operatorNamespace       string
	adminValuesConfigMap    string
	installImagePolicy      bool
	// metricsService names the Service in front of the metrics endpoint, for the ServiceMonitor.
	metricsService string
	// kubeAPIQPS and kubeAPIBurst bound the client's request rate to the API server.
	kubeAPIQPS   float64
	kubeAPIBurst int
	pprofAddr    string
	webhook      webhookOptions
	controllers  controllers.Options
	zap          zap.Options
}

// webhookOptions configure the conversion webhook server that every replica runs.
type webhookOptions struct {
	host    string
	port    int
	certDir string
	// provisioning is "operator" (the operator keeps its own certificate, see servingcert) or
	// "external" (OLM, cert-manager or the service CA put one in certDir and inject the CA).
	provisioning string
	serviceName  string
	secretName   string
	// caFile, with external provisioning, is the CA bundle of the certificate in certDir, which
	// the operator injects into the CRD (cert-manager's ca.crt, OpenShift's service CA).
	caFile string
}

// Webhook certificate provisioning modes.
const (
	provisionByOperator = "operator"
	provisionExternally = "external"
)

// mcpServerCRD is the CRD whose conversion webhook the operator serves.
const mcpServerCRD = "mcpservers.mcp.x-k8s.io"

// gcPercent is the operator's default GC target (Go's is 100). Its live heap is small and its CPU
// mostly idle, so collecting twice as often costs little and keeps the resident set close to the
// live heap. GOGC in the environment still wins.
const gcPercent = 50

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	opts := parseFlags(flag.CommandLine, os.Args[1:])
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&opts.zap)))
	setupLog := ctrl.Log.WithName("setup")
	// The heap is kept within 90% of the container's memory limit (its cgroup's), so that the
	// garbage collector works harder before the kernel would kill the operator. GOMEMLIMIT, when
	// set, wins; with no limit there is none.
	if _, err := memlimit.Set(memlimit.WithLogger(slog.New(logr.ToSlogHandler(setupLog)))); err != nil {
		setupLog.Error(err, "setting the Go memory limit from the container's; running without one")
	}
	profile, err := mcpprobe.TLSProfileFromEnv(os.Getenv)
	if err != nil {
		setupLog.Error(err, "reading the TLS profile of MCP handshakes")
		os.Exit(1)
	}
	opts.controllers.Probe.TLS = profile
	cfg, err := ctrl.GetConfig()
	if err != nil {
		setupLog.Error(err, "finding a cluster to talk to")
		os.Exit(1)
	}
	if err := run(ctrl.SetupSignalHandler(), cfg, opts); err != nil {
		setupLog.Error(err, "the manager stopped")
		os.Exit(1)
	}
}

func parseFlags(fs *flag.FlagSet, args []string) options {
	var o options
	fs.StringVar(&o.metricsAddr, "metrics-bind-address", "0",
		"Address the metrics endpoint binds to, e.g. :8443 for HTTPS or :8080 for HTTP; 0 turns it off.")
	fs.BoolVar(&o.secureMetrics, "metrics-secure", true,
		"Serve metrics over HTTPS, to callers the API server authenticates and authorizes.")
	fs.BoolVar(&o.enableHTTP2, "enable-http2", false,
		"Allow HTTP/2 on the metrics server; off by default because of the HTTP/2 Stream "+
			"Cancellation and Rapid Reset CVEs.")
	fs.StringVar(&o.probeAddr, "health-probe-bind-address", ":8081", "Address the health and readiness probes bind to.")
	fs.BoolVar(&o.enableLeaderElection, "leader-elect", false,
		"Elect a leader, so that only one replica of the operator reconciles at a time.")
	fs.StringVar(&o.leaderElectionNamespace, "leader-election-namespace", "",
		"Namespace of the leader election Lease; defaults to the operator's own namespace in a cluster.")
	fs.StringVar(&o.operatorNamespace, "operator-namespace", defaultOperatorNamespace(),
		"The operator's own namespace, where the admin values ConfigMap lives.")
	fs.StringVar(&o.adminValuesConfigMap, "admin-values-configmap", "mcp-operator-values",
		"Name of the ConfigMap (in the operator's namespace) with admin chart values: defaults.yaml and overrides.yaml.")
	fs.Float64Var(&o.kubeAPIQPS, "kube-api-qps", 200,
		"Requests per second the operator may send to the API server, on average. A new MCPServer costs about 6 requests "+
			"(its Deployment, Service and NetworkPolicy, one status write, its pod's verification gate and one event), so this "+
			"bounds how fast thousands of them roll out; the API server's priority and fairness protects it beyond that.")
	fs.IntVar(&o.kubeAPIBurst, "kube-api-burst", 400, "Requests the operator may send to the API server in a burst.")
	fs.StringVar(&o.pprofAddr, "pprof-bind-address", "0",
		"Address to serve Go's pprof profiles on (/debug/pprof/), e.g. 127.0.0.1:6060; 0 turns it off. Unauthenticated: bind it to loopback.")
	fs.StringVar(&o.controllers.ClusterDomain, "cluster-domain", "cluster.local",
		"DNS suffix of Services in this cluster, for the address in MCPServer status.")
	fs.IntVar(&o.controllers.MaxConcurrentReconciles, "max-concurrent-reconciles", 16,
		"How many MCPServers are reconciled at once. A reconcile mostly waits for the API server, so this is more than the CPUs.")
	fs.IntVar(&o.controllers.Handshakes.Workers, "max-concurrent-handshakes", 10,
		"How many MCP handshakes run at once.")
	fs.DurationVar(&o.controllers.Handshakes.Interval, "reverify-interval", 5*time.Minute,
		"How often a Ready server's MCP endpoint is verified again (with 10% jitter).")
	fs.DurationVar(&o.controllers.Handshakes.MinInterval, "reverify-min-interval", time.Minute,
		"The shortest time between verifications of a Ready server whose tool list says it goes stale sooner than --reverify-interval (MCP 2026-07-28 ttlMs).")
	fs.StringVar(&o.controllers.NetworkPolicyDefaultPosture, "network-policy-default-posture", render.PostureOpen,
		"What the NetworkPolicy of a server whose spec sets no spec.network.ingressFrom allows: open (its port from anyone) "+
			"or restricted (only from the operator and the admin values' networkPolicy.allowedPeers, egress DNS only). "+
			"Admin values (networkPolicy.defaultPosture) win over it.")
	fs.StringVar(&o.controllers.StdioBridgeImage, "stdio-bridge-image", os.Getenv("RELATED_IMAGE_STDIO_BRIDGE"),
		"Image holding /mcp-stdio-bridge, which the pods of stdio MCP servers (spec.stdio) run: the operator's own image, "+
			"which its install manifests give in RELATED_IMAGE_STDIO_BRIDGE. Empty: stdio servers are not accepted.")
	fs.BoolVar(&o.installImagePolicy, "install-image-policy", os.Getenv("MCP_INSTALL_IMAGE_POLICY") == "true",
		"Install the MCPServer image admission policy (config/admission) at start, with its parameters ConfigMap in the "+
			"operator's namespace (created once, never overwritten). For OLM, whose bundles cannot carry it: set "+
			"MCP_INSTALL_IMAGE_POLICY=true in the Subscription's spec.config.env.")
	fs.StringVar(&o.metricsService, "metrics-service", "",
		"Name of the Service in the operator's namespace in front of the metrics endpoint. When set, and the cluster serves "+
			"the Prometheus Operator's monitoring.coreos.com/v1, the operator applies its ServiceMonitor and PrometheusRule "+
			"(config/prometheus) there, owned by that Service; empty: neither.")
	fs.StringVar(&o.webhook.host, "webhook-host", "", "Address the webhook server binds to; empty: every address.")
	fs.IntVar(&o.webhook.port, "webhook-port", 9443, "Port of the webhook server, which converts MCPServers between v1alpha1 and v1beta1; -1 turns it off "+
		"(outside the cluster, where the API server cannot call it).")
	fs.StringVar(&o.webhook.certDir, "webhook-cert-dir", "/tmp/k8s-webhook-server/serving-certs",
		"Folder of the webhook server's tls.crt and tls.key; reloaded when they change.")
	fs.StringVar(&o.webhook.provisioning, "webhook-cert-provisioning", provisionByOperator,
		"Where the webhook's certificate comes from: operator (it keeps a CA and a serving certificate in a Secret of its "+
			"namespace, renews them, and injects the CA into the MCPServer CRD) or external (OLM, cert-manager or "+
			"OpenShift's service CA writes --webhook-cert-dir and injects the CA).")
	fs.StringVar(&o.webhook.caFile, "webhook-ca-file", "",
		"With --webhook-cert-provisioning=external: the CA bundle of that certificate, which the operator then injects into "+
			"the MCPServer CRD with its webhook Service (cert-manager, OpenShift's service CA). Unset: the CRD is left as it "+
			"is (OLM points it at the certificate it makes).")
	fs.StringVar(&o.webhook.serviceName, "webhook-service-name", "mcp-operator-webhook-service",
		"The webhook Service in the operator's namespace, named in the certificate the operator provisions.")
	fs.StringVar(&o.webhook.secretName, "webhook-cert-secret", "mcp-operator-webhook-cert",
		"The Secret in the operator's namespace where the operator keeps the webhook's CA and certificate.")
	fs.DurationVar(&o.controllers.Probe.Timeout, "handshake-timeout", 10*time.Second,
		"Time limit of one MCP handshake, tool listing included.")
	o.controllers.Probe.Resolver = mcpprobe.NewResolver()
	fs.Var(o.controllers.Probe.Resolver, "resolve",
		"host:port:address (repeatable): dial address for host:port in MCP handshakes, like curl --resolve. "+
			"For running the operator outside the cluster, where Service names do not resolve.")
	// OLM passes the OperatorGroup's target namespaces this way (olm.targetNamespaces).
	o.controllers.WatchNamespaces = controllers.ParseWatchNamespaces(os.Getenv("WATCH_NAMESPACE"))
	o.zap = zap.Options{Development: false}
	o.zap.BindFlags(fs)
	_ = fs.Parse(args) // flag.ExitOnError: a bad flag ends the process with usage
	return o
}

// defaultOperatorNamespace is the namespace the operator runs in: from the downward API
// (POD_NAMESPACE), else from the service account mount, else the install manifests' default.
func defaultOperatorNamespace() string {
	if ns := os.Getenv("POD_NAMESPACE"); ns != "" {
		return ns
	}
	if ns, err := os.ReadFile("/var/run/secrets/kubernetes.io/serviceaccount/namespace"); err == nil && len(ns) > 0 {
		return strings.TrimSpace(string(ns))
	}
	return "mcp-operator-system"
}

func newScheme() (*runtime.Scheme, error) {
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return nil, err
	}
	if err := mcpv1beta1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	if err := mcpv1alpha1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	if err := routev1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	if err := gatewayv1.Install(scheme); err != nil {
		return nil, err
	}
	// The CRD itself, whose conversion webhook the operator points at its certificate.
	if err := apiextensionsv1.AddToScheme(scheme); err != nil {
		return nil, err
	}
	return scheme, nil
}

// webhookCertificates makes the webhook's serving certificate good before the webhook server
// starts (it reads the files at start), when the operator provisions it or injects its CA, and
// returns the Rotator that keeps it so; with nothing to do (OLM) it returns nil.
func webhookCertificates(ctx context.Context, cfg *rest.Config, scheme *runtime.Scheme, o options) (*servingcert.Rotator, error) {
	certOpts := servingcert.Options{Namespace: o.operatorNamespace, SecretName: o.webhook.secretName,
		ServiceName: o.webhook.serviceName, CertDir: o.webhook.certDir, CRDs: []string{mcpServerCRD}}
	if o.webhook.port < 0 {
		return nil, nil // no webhook server, so no certificate (make run, outside the cluster)
	}
	switch o.webhook.provisioning {
	case provisionExternally:
		if o.webhook.caFile == "" {
			return nil, nil
		}
		certOpts.CAFile = o.webhook.caFile
	case provisionByOperator:
	default:
		return nil, fmt.Errorf("--webhook-cert-provisioning is %q: it must be %s or %s", o.webhook.provisioning, provisionByOperator, provisionExternally)
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return nil, err
	}
	if err := servingcert.Ensure(ctx, c, certOpts, time.Now()); err != nil {
		return nil, fmt.Errorf("provisioning the webhook's serving certificate (or run with --webhook-cert-provisioning=external): %w", err)
	}
	return &servingcert.Rotator{Client: c, Options: certOpts, Interval: time.Hour}, nil
}

// run starts the manager and blocks until ctx ends or the manager fails.
func run(ctx context.Context, cfg *rest.Config, o options) error {
	scheme, err := newScheme()
	if err != nil {
		return err
	}
	cfg = rest.CopyConfig(cfg)
	cfg.QPS, cfg.Burst = float32(o.kubeAPIQPS), o.kubeAPIBurst
	var tlsOpts []func(*tls.Config)
	if !o.enableHTTP2 {
		tlsOpts = append(tlsOpts, func(c *tls.Config) { c.NextProtos = []string{"http/1.1"} })
	}
	metricsOpts := metricsserver.Options{
		BindAddress:   o.metricsAddr,
		SecureServing: o.secureMetrics,
		TLSOpts:       tlsOpts,
	}
	if o.secureMetrics {
		metricsOpts.FilterProvider = filters.WithAuthenticationAndAuthorization
	}

	// The platform is known before the manager: its cache filters Routes only if the cluster
	// serves them when the cache starts.
	discoveryClient, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return err
	}
	o.controllers.Platform = platform.New(discoveryClient, time.Minute)
	certs, err := webhookCertificates(ctx, cfg, scheme, o)
	if err != nil {
		return err
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		WebhookServer:                 webhook.NewServer(webhook.Options{Host: o.webhook.host, Port: o.webhook.port, CertDir: o.webhook.certDir, TLSOpts: tlsOpts}),
		Scheme:                        scheme,
		Cache:                         controllers.CacheOptions(o.controllers.WatchNamespaces, o.operatorNamespace, o.controllers.Platform.Served(platform.APIs{})),
		Metrics:                       metricsOpts,
		HealthProbeBindAddress:        o.probeAddr,
		PprofBindAddress:              o.pprofAddr,
		LeaderElection:                o.enableLeaderElection,
		LeaderElectionID:              leaderElectionID,
		LeaderElectionNamespace:       o.leaderElectionNamespace,
		LeaderElectionReleaseOnCancel: true,
	})
	if err != nil {
		return fmt.Errorf("creating the manager: %w", err)
	}
	// Every replica serves conversions, the leader or not, so that reads through v1alpha1 keep
	// working while one replica restarts.
	if err := ctrl.NewWebhookManagedBy(mgr, &mcpv1beta1.MCPServer{}).Complete(); err != nil {
		return fmt.Errorf("registering the conversion webhook: %w", err)
	}
	if certs != nil {
		if err := mgr.Add(certs); err != nil {
			return err
		}
	}
	o.controllers.AdminValues = types.NamespacedName{Namespace: o.operatorNamespace, Name: o.adminValuesConfigMap}
	if err := controllers.Setup(ctx, mgr, o.controllers); err != nil {
		return fmt.Errorf("setting up the controllers: %w", err)
	}
	if o.installImagePolicy {
		// The leader installs it (a Runnable needs leader election unless it says otherwise).
		install := manager.RunnableFunc(func(ctx context.Context) error {
			return imagepolicy.Install(ctx, mgr.GetClient(), o.operatorNamespace)
		})
		if err := mgr.Add(install); err != nil {
			return err
		}
	}
	if o.metricsService != "" && o.metricsAddr != "0" {
		// The leader installs them (a Runnable needs leader election unless it says otherwise).
		if err := mgr.Add(&monitoring.Installer{Client: mgr.GetClient(), Reader: mgr.GetAPIReader(), Discovery: discoveryClient,
			Namespace: o.operatorNamespace, Service: o.metricsService, Recheck: 5 * time.Minute}); err != nil {
			return err
		}
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return err
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		return err
	}
	// A replica takes webhook traffic (its Service's endpoints) only once it serves.
	if err := mgr.AddReadyzCheck("webhook", mgr.GetWebhookServer().StartedChecker()); err != nil {
		return err
	}
	ctrl.Log.WithName("setup").Info("starting the manager")
	return mgr.Start(ctx)
}
