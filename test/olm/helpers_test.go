// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package olm

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	operatorsv1alpha1 "github.com/operator-framework/api/pkg/operators/v1alpha1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/olm"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

// What catalog-source/ and the bundle name.
const (
	operatorNamespace = "mcp-operator-system"
	subscriptionName  = "mcp-operator"
	packageName       = "mcp-operator"
	managerName       = "mcp-operator-controller-manager"
	catalogPageName   = "mcp-operator-catalog"
	firstCSV          = "mcp-operator.v0.1.0"
)

// The customer's example, as config/samples holds it.
const (
	exampleNamespace = "default"
	exampleName      = "openshift-mcp-server"
)

// runKubectl runs kubectl against the bed's cluster from the repository's root.
func runKubectl(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, os.Getenv("TEST_ASSET_KUBECTL"), append([]string{"--kubeconfig", bed.Cluster.Kubeconfig}, args...)...)
	cmd.Dir = testenv.RepoRoot()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

func kubectl(t *testing.T, args ...string) string {
	t.Helper()
	out, err := runKubectl(context.Background(), args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// manifestField reads a string field of the first object of a kind in a manifest of the
// repository.
func manifestField(path, kind string, fields ...string) (string, error) {
	objects, err := testenv.DecodeManifests(filepath.Join(testenv.RepoRoot(), path))
	if err != nil {
		return "", err
	}
	for _, o := range objects {
		if o.GetKind() == kind {
			if v, ok, _ := unstructured.NestedString(o.Object, fields...); ok {
				return v, nil
			}
		}
	}
	return "", fmt.Errorf("%s has no %s with %s", path, kind, strings.Join(fields, "."))
}

// csvImage is the operator image the bundle's CSV deploys.
func csvImage(path string) (string, error) {
	objects, err := testenv.DecodeManifests(path)
	if err != nil {
		return "", err
	}
	for _, o := range objects {
		deployments, _, _ := unstructured.NestedSlice(o.Object, "spec", "install", "spec", "deployments")
		for _, d := range deployments {
			containers, _, _ := unstructured.NestedSlice(d.(map[string]any), "spec", "template", "spec", "containers")
			if len(containers) > 0 {
				return containers[0].(map[string]any)["image"].(string), nil
			}
		}
	}
	return "", fmt.Errorf("%s deploys no image", path)
}

// serveCatalog stores the operator image under the reference the CSV deploys and the catalog
// image under the one catalog-source/catalogsource.yaml names, applies that CatalogSource as
// shipped, and waits until OLM reads the catalog.
func serveCatalog(ctx context.Context) error {
	image, err := csvImage(filepath.Join(testenv.RepoRoot(), "bundle", "manifests", "mcp-operator.clusterserviceversion.yaml"))
	if err != nil {
		return err
	}
	if image != bed.OperatorImage {
		if err := bed.Registry.Tag(bed.OperatorImage, image); err != nil {
			return err
		}
	}
	ref, err := manifestField("catalog-source/catalogsource.yaml", "CatalogSource", "spec", "image")
	if err != nil {
		return err
	}
	if err := pushBundle(bundleImage("0.1.0"), filepath.Join(testenv.RepoRoot(), "bundle")); err != nil {
		return err
	}
	if err := pushCatalog(ref, filepath.Join(testenv.RepoRoot(), "catalog-source", "catalog")); err != nil {
		return err
	}
	if _, err := runKubectl(ctx, "apply", "--server-side", "-f", "catalog-source/catalogsource.yaml"); err != nil {
		return err
	}
	name, err := manifestField("catalog-source/catalogsource.yaml", "CatalogSource", "metadata", "name")
	if err != nil {
		return err
	}
	return lm.WaitCatalogReady(ctx, name, 4*time.Minute)
}

// bundleImage is the reference of a version's bundle image, as the catalogs name it.
func bundleImage(version string) string {
	return "quay.io/mcp-operator/mcp-operator-bundle:v" + version
}

// pushBundle builds the bundle image of a bundle folder and stores it as ref, for OLM's unpack
// Jobs.
func pushBundle(ref, dir string) error {
	img, err := olm.BundleImage(dir)
	if err != nil {
		return err
	}
	return bed.Registry.Push(ref, img)
}

// pushCatalog builds the catalog image of a file-based catalog folder and stores it as ref.
func pushCatalog(ref, dir string) error {
	img, err := olm.CatalogImage(dir)
	if err != nil {
		return err
	}
	return bed.Registry.Push(ref, img)
}

// waitSubscribed waits until a Subscription has installed the CSV and it has Succeeded.
func waitSubscribed(t *testing.T, namespace, csvName string, timeout time.Duration) *operatorsv1alpha1.ClusterServiceVersion {
	t.Helper()
	csv := &operatorsv1alpha1.ClusterServiceVersion{}
	check.Eventually(t, timeout, fmt.Sprintf("Subscription %s/%s installs %s", namespace, subscriptionName, csvName), func() (bool, string) {
		healthy(t)
		sub := &operatorsv1alpha1.Subscription{}
		if err := lm.Client.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: subscriptionName}, sub); err != nil {
			return false, err.Error()
		}
		if sub.Status.InstalledCSV != csvName {
			return false, fmt.Sprintf("state %s, installed %q, current %q, conditions %s", sub.Status.State, sub.Status.InstalledCSV, sub.Status.CurrentCSV, subscriptionConditions(sub))
		}
		if err := lm.Client.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: csvName}, csv); err != nil {
			return false, err.Error()
		}
		return csv.Status.Phase == operatorsv1alpha1.CSVPhaseSucceeded, fmt.Sprintf("CSV %s: %s %s", csvName, csv.Status.Phase, csv.Status.Message)
	})
	return csv
}

func subscriptionConditions(sub *operatorsv1alpha1.Subscription) string {
	var out []string
	for _, c := range sub.Status.Conditions {
		if c.Status == corev1.ConditionTrue {
			out = append(out, fmt.Sprintf("%s: %s", c.Type, c.Message))
		}
	}
	return strings.Join(out, "; ")
}

// healthy fails the test when the real node has failed.
func healthy(t *testing.T) {
	t.Helper()
	if err := bed.Cluster.Node.Healthy(); err != nil {
		t.Fatal(err)
	}
}

// waitReady waits until the customer's example is Ready for its current generation, read as
// v1alpha1 (through the conversion webhook OLM installed) and as v1beta1.
func waitReady(t *testing.T, timeout time.Duration) {
	t.Helper()
	check.Eventually(t, timeout, "the customer's example Ready", func() (bool, string) {
		healthy(t)
		if problem := readiness(context.Background()); problem != "" {
			return false, problem
		}
		return true, ""
	})
}

// readiness says what keeps the example from reading as Ready in either version, or "".
func readiness(ctx context.Context) string {
	if problem := readinessV1beta1(ctx); problem != "" {
		return problem
	}
	return readinessV1alpha1(ctx)
}

// readinessV1beta1 reads the stored version: no conversion is involved.
func readinessV1beta1(ctx context.Context) string {
	s := &mcpv1beta1.MCPServer{}
	if err := bed.Cluster.Client.Get(ctx, client.ObjectKey{Namespace: exampleNamespace, Name: exampleName}, s); err != nil {
		return "v1beta1: " + err.Error()
	}
	if c := check.Condition(s.Status.Conditions, mcpv1alpha1.ConditionReady); c == nil || c.Status != metav1.ConditionTrue || c.ObservedGeneration != s.Generation {
		return fmt.Sprintf("v1beta1 Ready: %+v (generation %d)", c, s.Generation)
	}
	return ""
}

// readinessV1alpha1 reads through the conversion webhook.
func readinessV1alpha1(ctx context.Context) string {
	old := &mcpv1alpha1.MCPServer{}
	if err := bed.Cluster.Client.Get(ctx, client.ObjectKey{Namespace: exampleNamespace, Name: exampleName}, old); err != nil {
		return "v1alpha1: " + err.Error()
	}
	c := apimeta.FindStatusCondition(old.Status.Conditions, mcpv1alpha1.ConditionReady)
	if c == nil || c.Status != metav1.ConditionTrue || c.ObservedGeneration != old.Generation {
		return fmt.Sprintf("v1alpha1 Ready: %+v (generation %d)", c, old.Generation)
	}
	return ""
}

// watchReady reads the example in both versions every 200ms until the returned function is
// called, which says how many reads of each there were and what those that did not read Ready
// met.
func watchReady(ctx context.Context) func() (int, []string, []string) {
	ctx, cancel := context.WithCancel(ctx)
	var mu sync.Mutex
	var total int
	var stored, converted []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			beta, alpha := readinessV1beta1(ctx), readinessV1alpha1(ctx)
			mu.Lock()
			total++
			at := time.Now().Format("15:04:05.000") + " "
			if beta != "" && ctx.Err() == nil {
				stored = append(stored, at+beta)
			}
			if alpha != "" && ctx.Err() == nil {
				converted = append(converted, at+alpha)
			}
			mu.Unlock()
			select {
			case <-ctx.Done():
			case <-time.After(200 * time.Millisecond):
			}
		}
	}()
	return func() (int, []string, []string) {
		cancel()
		<-done
		mu.Lock()
		defer mu.Unlock()
		return total, stored, converted
	}
}

// servingState is what a rollout of the example would change: its Deployment's generation and
// its pods with their restart counts.
func servingState(t *testing.T) string {
	t.Helper()
	d := &appsv1.Deployment{}
	if err := bed.Cluster.Client.Get(context.Background(), client.ObjectKey{Namespace: exampleNamespace, Name: exampleName}, d); err != nil {
		t.Fatal(err)
	}
	pods := check.RunningPods(t, bed.Cluster.Client, exampleNamespace, exampleName)
	var out []string
	for _, p := range pods {
		restarts := int32(0)
		for _, cs := range p.Status.ContainerStatuses {
			restarts += cs.RestartCount
		}
		out = append(out, fmt.Sprintf("pod %s (uid %s, %d restarts)", p.Name, p.UID, restarts))
	}
	sort.Strings(out)
	return fmt.Sprintf("Deployment generation %d; %s", d.Generation, strings.Join(out, ", "))
}

// waitGone waits until an object no longer exists.
func waitGone(t *testing.T, obj client.Object, timeout time.Duration) {
	t.Helper()
	check.Eventually(t, timeout, fmt.Sprintf("%T %s/%s gone", obj, obj.GetNamespace(), obj.GetName()), func() (bool, string) {
		err := lm.Client.Get(context.Background(), client.ObjectKeyFromObject(obj), obj)
		return apierrors.IsNotFound(err), fmt.Sprint(err)
	})
}

// operatorPods are the running pods of the operator's Deployment.
func operatorPods(t *testing.T) []corev1.Pod {
	t.Helper()
	pods := &corev1.PodList{}
	if err := bed.Cluster.Client.List(context.Background(), pods, client.InNamespace(operatorNamespace),
		client.MatchingLabels{"control-plane": "controller-manager"}); err != nil {
		t.Fatal(err)
	}
	var running []corev1.Pod
	for _, p := range pods.Items {
		if p.DeletionTimestamp == nil && p.Status.Phase == corev1.PodRunning {
			running = append(running, p)
		}
	}
	return running
}
