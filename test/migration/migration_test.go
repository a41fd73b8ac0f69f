// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package migration checks the storage-version migration of MCPServers from v1alpha1 to
// v1beta1, as `make migrate-storage` runs it, on the local control plane: objects written while
// v1alpha1 was the stored version are rewritten as v1beta1 by kube-controller-manager's
// storage version migrator, through the conversion webhook, and keep every field.
package migration

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/localcluster"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

const crdName = "mcpservers.mcp.x-k8s.io"

func TestMigrateStorageToV1beta1(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cluster, err := localcluster.Start(ctx, localcluster.Options{Dir: t.TempDir(), Nodes: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cluster.Stop() })
	c := cluster.Client
	etcd := etcdClient(t, cluster.EtcdURL())

	// As a cluster that ran the operator before it served v1beta1: v1alpha1 is stored.
	setStorageVersion(t, c, etcd, "v1alpha1")
	names := []string{"first", "second", "third"}
	for _, name := range names {
		s := &mcpv1alpha1.MCPServer{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"},
			Spec: mcpv1alpha1.MCPServerSpec{
				Source: mcpv1alpha1.Source{Type: mcpv1alpha1.SourceTypeContainerImage, ContainerImage: &mcpv1alpha1.ContainerImageSource{Ref: "quay.io/a/" + name + ":1"}},
				Config: mcpv1alpha1.ServerConfig{Port: 8080, Arguments: []string{"--name", name}},
			},
		}
		if err := c.Create(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	setStorageVersion(t, c, etcd, "v1beta1")
	for _, name := range names {
		if got := storedVersion(t, etcd, name); got != "mcp.x-k8s.io/v1alpha1" {
			t.Fatalf("%s is stored as %s before the migration", name, got)
		}
	}
	if got := storedVersions(t, c); len(got) != 2 {
		t.Fatalf("storedVersions %v before the migration, want v1alpha1 and v1beta1", got)
	}

	migrate := exec.CommandContext(ctx, filepath.Join(testenv.RepoRoot(), "hack", "migrate-storage.sh"))
	migrate.Env = append(os.Environ(), "KUBECONFIG="+cluster.Kubeconfig, "KUBECTL="+os.Getenv("TEST_ASSET_KUBECTL"), "TIMEOUT=3m")
	if out, err := migrate.CombinedOutput(); err != nil {
		t.Fatalf("hack/migrate-storage.sh: %v\n%s", err, out)
	}

	for _, name := range names {
		if got := storedVersion(t, etcd, name); got != "mcp.x-k8s.io/v1beta1" {
			t.Errorf("%s is stored as %s after the migration", name, got)
		}
		s := &mcpv1beta1.MCPServer{}
		if err := c.Get(ctx, client.ObjectKey{Namespace: "default", Name: name}, s); err != nil {
			t.Fatal(err)
		}
		if s.Spec.Source.ContainerImage.Ref != "quay.io/a/"+name+":1" || len(s.Spec.Config.Arguments) != 2 {
			t.Errorf("%s after the migration: %+v", name, s.Spec)
		}
		old := &mcpv1alpha1.MCPServer{}
		if err := c.Get(ctx, client.ObjectKey{Namespace: "default", Name: name}, old); err != nil {
			t.Errorf("reading %s through v1alpha1 after the migration: %v", name, err)
		}
	}
	if got := storedVersions(t, c); len(got) != 1 || got[0] != "v1beta1" {
		t.Errorf("storedVersions %v after the migration, want [v1beta1]", got)
	}
}

// setStorageVersion makes version the CRD's storage version, and waits until the API server
// writes with it.
func setStorageVersion(t *testing.T, c client.Client, etcd *clientv3.Client, version string) {
	t.Helper()
	ctx := context.Background()
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := c.Get(ctx, client.ObjectKey{Name: crdName}, crd); err != nil {
			return err
		}
		for i := range crd.Spec.Versions {
			crd.Spec.Versions[i].Storage = crd.Spec.Versions[i].Name == version
		}
		return c.Update(ctx, crd)
	})
	if err != nil {
		t.Fatal(err)
	}
	// The API server swaps its storage for the CRD a moment after the CRD says so: write a probe
	// until etcd holds it in that version.
	probe := &mcpv1beta1.MCPServer{
		ObjectMeta: metav1.ObjectMeta{Name: "probe", Namespace: "default"},
		Spec: mcpv1beta1.MCPServerSpec{
			Source: mcpv1beta1.Source{Type: mcpv1beta1.SourceTypeContainerImage, ContainerImage: &mcpv1beta1.ContainerImageSource{Ref: "quay.io/a/probe:1"}},
			Config: mcpv1beta1.ServerConfig{Port: 8080},
		},
	}
	check.Eventually(t, time.Minute, "the API server to store "+version, func() (bool, string) {
		p := probe.DeepCopy()
		if err := c.Create(ctx, p); err != nil {
			return false, err.Error()
		}
		got := storedVersion(t, etcd, p.Name)
		if err := c.Delete(ctx, p); err != nil {
			return false, err.Error()
		}
		check.Eventually(t, time.Minute, "the probe to go", func() (bool, string) {
			err := c.Get(ctx, client.ObjectKeyFromObject(p), &mcpv1beta1.MCPServer{})
			return apierrors.IsNotFound(err), fmt.Sprint(err)
		})
		return got == "mcp.x-k8s.io/"+version, "stored as " + got
	})
}

func storedVersions(t *testing.T, c client.Client) []string {
	t.Helper()
	crd := &apiextensionsv1.CustomResourceDefinition{}
	if err := c.Get(context.Background(), client.ObjectKey{Name: crdName}, crd); err != nil {
		t.Fatal(err)
	}
	return crd.Status.StoredVersions
}

func etcdClient(t *testing.T, url string) *clientv3.Client {
	t.Helper()
	etcd, err := clientv3.New(clientv3.Config{Endpoints: []string{url}, DialTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = etcd.Close() })
	return etcd
}

// storedVersion is the apiVersion an MCPServer in default has in etcd.
func storedVersion(t *testing.T, etcd *clientv3.Client, name string) string {
	t.Helper()
	resp, err := etcd.Get(context.Background(), "/registry/mcp.x-k8s.io/mcpservers/default/"+name)
	if err != nil || len(resp.Kvs) != 1 {
		t.Fatalf("reading %s from etcd: %v (%d keys)", name, err, len(resp.Kvs))
	}
	var obj struct {
		APIVersion string `json:"apiVersion"`
	}
	if err := json.Unmarshal(resp.Kvs[0].Value, &obj); err != nil {
		t.Fatal(err)
	}
	return obj.APIVersion
}
