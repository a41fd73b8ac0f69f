// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package nodebed is the test bed of real containers: a loopback registry holding the images
// this repository builds (the operator, the pause image, the real kubernetes-mcp-server of the
// customer's example, test programs), a local cluster with one real node whose containerd
// pulls every image reference of the manifests from that registry, and the operator installed
// from dist/install.yaml as a user installs it. The node suite and `make demo NODE=real` use it.
package nodebed

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/mcp-operator/mcp-operator/internal/testing/localcluster"
	"github.com/mcp-operator/mcp-operator/internal/testing/ociimage"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

// The references under which the bed serves its images. The operator's and the example's are
// read from the manifests, so that those apply verbatim.
const (
	// SampleServerImage is cmd/sample-mcp-server.
	SampleServerImage = "quay.io/mcp-operator/sample-mcp-server:test"
	// ClientImage is an MCP client that reports to its termination log (ociimage/mcpclient).
	ClientImage = "quay.io/mcp-operator/mcpclient:test"
	// OperatorNamespace is the namespace of dist/install.yaml.
	OperatorNamespace = "mcp-operator-system"
)

// mirrored are the registries the node pulls from the bed's registry instead.
var mirrored = []string{"quay.io", "registry.k8s.io", "ghcr.io", "docker.io", "gcr.io"}

// Bed is a running test bed.
type Bed struct {
	Cluster  *localcluster.Cluster
	Registry *ociimage.Registry
	// OperatorImage and ExampleImage are the references of dist/install.yaml and of the
	// customer's example.
	OperatorImage, ExampleImage string
	// PodRegistry is the bed's registry where pods reach it, on the node's address (the node
	// pulls from it as from every mirrored registry). Images named there can be read by the
	// operator from its pod, as from a cluster's own registry.
	PodRegistry string

	dir      string
	stopOnce sync.Once
	stopErr  error
}

// Start builds and serves the images, then starts the cluster with its real node.
func Start(ctx context.Context, dir string) (*Bed, error) {
	reg, err := ociimage.StartRegistry()
	if err != nil {
		return nil, err
	}
	_, port, _ := net.SplitHostPort(reg.Addr)
	b := &Bed{Registry: reg, dir: dir, PodRegistry: net.JoinHostPort(localcluster.RealNodeIP, port)}
	if err := b.pushImages(ctx); err != nil {
		_ = reg.Stop()
		return nil, err
	}
	b.Cluster, err = localcluster.Start(ctx, localcluster.Options{
		Dir: dir, WithoutProjectCRDs: true,
		RealNode: &localcluster.RealNodeOptions{Registry: reg.Addr, Mirrored: append(slices.Clone(mirrored), b.PodRegistry)},
	})
	if err != nil {
		_ = reg.Stop()
		return nil, err
	}
	// The node's address exists once the node has made its bridge.
	if err := reg.ServeAlsoOn(b.PodRegistry); err != nil {
		_ = b.Stop()
		return nil, err
	}
	return b, nil
}

// AtPodRegistry names an image of the bed (pushed under ref) at PodRegistry.
func (b *Bed) AtPodRegistry(ref string) (string, error) {
	parsed, err := name.ParseReference(ref)
	if err != nil {
		return "", err
	}
	separator := ":"
	if _, ok := parsed.(name.Digest); ok {
		separator = "@"
	}
	return b.PodRegistry + "/" + parsed.Context().RepositoryStr() + separator + parsed.Identifier(), nil
}

// pushImages builds every image of the bed and stores it in the registry.
func (b *Bed) pushImages(ctx context.Context) error {
	bin := filepath.Join(b.dir, "image-bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return err
	}
	var err error
	if b.OperatorImage, err = manifestImage("dist/install.yaml", "Deployment"); err != nil {
		return err
	}
	if b.ExampleImage, err = manifestImage("config/samples/openshift-mcp-server.yaml", "MCPServer"); err != nil {
		return err
	}
	kms := os.Getenv("TEST_ASSET_KUBERNETES_MCP_SERVER")
	if _, err := os.Stat(kms); err != nil {
		return fmt.Errorf("the kubernetes-mcp-server binary is not fetched (TEST_ASSET_KUBERNETES_MCP_SERVER=%q): run `hack/control-plane.sh node`", kms)
	}
	images := map[string]func() (v1.Image, error){
		b.OperatorImage: func() (v1.Image, error) { return ociimage.OperatorImage(ctx, bin) },
		b.ExampleImage:  func() (v1.Image, error) { return ociimage.BinaryImage(kms, "kubernetes-mcp-server") },
		localcluster.SandboxImage: func() (v1.Image, error) {
			return goImage(ctx, bin, "pause", "./internal/testing/ociimage/pause")
		},
		SampleServerImage: func() (v1.Image, error) {
			return goImage(ctx, bin, "sample-mcp-server", "./cmd/sample-mcp-server")
		},
		ClientImage: func() (v1.Image, error) {
			return goImage(ctx, bin, "mcpclient", "./internal/testing/ociimage/mcpclient")
		},
	}
	for ref, build := range images {
		img, err := build()
		if err != nil {
			return fmt.Errorf("building the image %s: %w", ref, err)
		}
		if err := b.Registry.Push(ref, img); err != nil {
			return err
		}
	}
	return nil
}

func goImage(ctx context.Context, dir, name, pkg string) (v1.Image, error) {
	binary, err := ociimage.GoBinary(ctx, dir, name, pkg)
	if err != nil {
		return nil, err
	}
	return ociimage.BinaryImage(binary, name)
}

// manifestImage returns the first image reference of a kind in a manifest of this repository:
// a container image of a Deployment, or spec.source.containerImage.ref of an MCPServer.
func manifestImage(path, kind string) (string, error) {
	objects, err := testenv.DecodeManifests(filepath.Join(testenv.RepoRoot(), path))
	if err != nil {
		return "", err
	}
	for _, o := range objects {
		if o.GetKind() != kind {
			continue
		}
		if kind == "MCPServer" {
			if ref, ok, _ := unstructured.NestedString(o.Object, "spec", "source", "containerImage", "ref"); ok {
				return ref, nil
			}
			continue
		}
		containers, _, _ := unstructured.NestedSlice(o.Object, "spec", "template", "spec", "containers")
		if len(containers) > 0 {
			if ref, ok := containers[0].(map[string]any)["image"].(string); ok {
				return ref, nil
			}
		}
	}
	return "", fmt.Errorf("%s has no %s with an image", path, kind)
}

// InstallOperator applies dist/install.yaml as a user does and waits until the operator and
// the catalog page are Available and the API server reaches the conversion webhook.
func (b *Bed) InstallOperator(ctx context.Context) error {
	kubectl := os.Getenv("TEST_ASSET_KUBECTL")
	cmd := exec.CommandContext(ctx, kubectl, "--kubeconfig", b.Cluster.Kubeconfig, "apply", "--server-side",
		"-f", filepath.Join(testenv.RepoRoot(), "dist", "install.yaml"))
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("kubectl apply -f dist/install.yaml: %v\n%s", err, out)
	}
	for _, name := range []string{"mcp-operator-controller-manager", "mcp-operator-catalog"} {
		if err := b.WaitAvailable(ctx, OperatorNamespace, name, 3*time.Minute); err != nil {
			return err
		}
	}
	return b.WaitConverting(ctx, time.Minute)
}

// WaitConverting waits until the API server converts MCPServers through the operator's webhook:
// an Available operator is not yet reachable at its Service's address until kube-proxy has
// programmed the new endpoint, and until then v1alpha1 writes fail with "connection refused".
// A dry-run create of a v1alpha1 MCPServer is converted to the stored version and writes
// nothing.
func (b *Bed) WaitConverting(ctx context.Context, timeout time.Duration) error {
	probe := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "mcp.x-k8s.io/v1alpha1",
		"kind":       "MCPServer",
		"metadata":   map[string]any{"generateName": "conversion-probe-", "namespace": "default"},
		"spec": map[string]any{
			"source": map[string]any{"type": "ContainerImage", "containerImage": map[string]any{"ref": SampleServerImage}},
			"config": map[string]any{"port": int64(8080)},
		},
	}}
	var last error
	err := wait.PollUntilContextTimeout(ctx, 250*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		last = b.Cluster.Client.Create(ctx, probe.DeepCopy(), client.DryRunAll)
		return last == nil, nil
	})
	if err != nil {
		return fmt.Errorf("the API server does not convert MCPServers through the operator's webhook (%v): %w", last, err)
	}
	return nil
}

// WaitAvailable waits until a Deployment is Available, and otherwise says what its pods wait on.
func (b *Bed) WaitAvailable(ctx context.Context, namespace, name string, timeout time.Duration) error {
	var last string
	err := wait.PollUntilContextTimeout(ctx, 500*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		if err := b.Cluster.Node.Healthy(); err != nil {
			return false, err
		}
		d := &appsv1.Deployment{}
		if err := b.Cluster.Client.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, d); err != nil {
			last = err.Error()
			return false, nil
		}
		for _, c := range d.Status.Conditions {
			if c.Type == appsv1.DeploymentAvailable && c.Status == corev1.ConditionTrue && d.Status.ObservedGeneration == d.Generation {
				return true, nil
			}
		}
		last = b.podStates(ctx, namespace, d.Spec.Selector.MatchLabels)
		return false, nil
	})
	if err != nil {
		return fmt.Errorf("Deployment %s/%s is not Available (%s): %w", namespace, name, last, err)
	}
	return nil
}

// podStates describes the pods of a selector, for failure messages.
func (b *Bed) podStates(ctx context.Context, namespace string, selector map[string]string) string {
	pods := &corev1.PodList{}
	if err := b.Cluster.Client.List(ctx, pods, client.InNamespace(namespace), client.MatchingLabels(selector)); err != nil {
		return err.Error()
	}
	out := fmt.Sprintf("%d pods", len(pods.Items))
	for _, p := range pods.Items {
		out += fmt.Sprintf("; %s %s", p.Name, p.Status.Phase)
		for _, c := range p.Status.Conditions {
			if c.Status != corev1.ConditionTrue && c.Message != "" {
				out += " " + c.Message
			}
		}
		for _, cs := range p.Status.ContainerStatuses {
			if w := cs.State.Waiting; w != nil {
				out += fmt.Sprintf(" %s: %s %s", cs.Name, w.Reason, w.Message)
			}
		}
	}
	return out
}

// Stop stops the cluster (and with it the node, removing all it made) and the registry. It is
// safe to call more than once, and from a signal handler while a test runs.
func (b *Bed) Stop() error {
	b.stopOnce.Do(func() {
		if b.Cluster != nil {
			b.stopErr = b.Cluster.Stop()
		}
		_ = b.Registry.Stop()
	})
	return b.stopErr
}

// StopOnSignal stops the bed when the process gets SIGINT or SIGTERM (Ctrl-C), then exits, so
// that an interrupted run leaves nothing behind. A process killed outright (SIGKILL, go test's
// -timeout panic) leaves what the next bed's start removes.
func (b *Bed) StopOnSignal() {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		sig := <-signals
		fmt.Fprintf(os.Stderr, "%s: stopping the test bed\n", sig)
		_ = b.Stop()
		os.Exit(1)
	}()
}
