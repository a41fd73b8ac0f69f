// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	helmcharts "github.com/mcp-operator/mcp-operator/helm-charts"
	"github.com/mcp-operator/mcp-operator/internal/render"
)

// benchServer is the i-th MCPServer: the sample server's image, mounting the shared ConfigMap,
// as an MCP server with its configuration in a ConfigMap would be.
func benchServer(namespace string, i int) *mcpv1beta1.MCPServer {
	s := &mcpv1beta1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("bench-%05d", i), Namespace: namespace}}
	s.Spec.Source = mcpv1beta1.Source{Type: mcpv1beta1.SourceTypeContainerImage,
		ContainerImage: &mcpv1beta1.ContainerImageSource{Ref: "quay.io/mcp-operator/sample-mcp-server:0.1.0"}}
	s.Spec.Config = mcpv1beta1.ServerConfig{Port: 8080, Path: "/mcp",
		Storage: []mcpv1beta1.StorageMount{{Path: "/etc/bench", Source: mcpv1beta1.StorageSource{
			Type: mcpv1beta1.StorageTypeConfigMap, ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: sharedConfigMap}}}}}}
	return s
}

func benchServers(n int) []client.Object {
	objs := make([]client.Object, n)
	for i := range n {
		objs[i] = benchServer(benchNamespace, i)
	}
	return objs
}

// floorObjects are the Deployments and Services the operator renders for the same servers,
// without the operator: what a plain client must create for N servers to run.
func floorObjects(n int) ([]client.Object, error) {
	renderer, err := render.NewRenderer(helmcharts.MCPServer, helmcharts.MCPServerDir)
	if err != nil {
		return nil, err
	}
	var objs []client.Object
	for i := range n {
		rendered, err := renderer.Render(render.Request{Server: benchServer(floorNamespace, i), ConfigHash: "floor"})
		if err != nil {
			return nil, err
		}
		for _, obj := range rendered {
			switch o := obj.(type) {
			case *appsv1.Deployment:
				// The operator's readiness gate has nobody to set it without the operator: a plain
				// client's Deployment has none.
				o.Spec.Template.Spec.ReadinessGates = nil
				objs = append(objs, o)
			case *corev1.Service:
				objs = append(objs, o)
			}
		}
	}
	return objs, nil
}

// sharedConfig is the ConfigMap every bench server mounts.
func sharedConfig(generation string) *corev1.ConfigMap {
	return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: sharedConfigMap, Namespace: benchNamespace},
		Data: map[string]string{"config.toml": "generation = " + generation + "\n"}}
}

// createAll creates the objects with parallel clients, as fast as the API server takes them.
func createAll(ctx context.Context, cfg *rest.Config, scheme *runtime.Scheme, objs []client.Object, workers int) error {
	return forAll(ctx, cfg, scheme, objs, workers, "creating", func(ctx context.Context, c client.Client, obj client.Object) error {
		return c.Create(ctx, obj)
	})
}

// patchAll patches the objects with parallel clients.
func patchAll(ctx context.Context, cfg *rest.Config, scheme *runtime.Scheme, objs []client.Object, patch client.Patch, workers int) error {
	return forAll(ctx, cfg, scheme, objs, workers, "patching", func(ctx context.Context, c client.Client, obj client.Object) error {
		return c.Patch(ctx, obj, patch)
	})
}

// forAll does one request per object with parallel clients, and stops at the first error.
func forAll(ctx context.Context, cfg *rest.Config, scheme *runtime.Scheme, objs []client.Object, workers int, doing string,
	do func(context.Context, client.Client, client.Object) error) error {
	cfg = rest.CopyConfig(cfg)
	cfg.QPS, cfg.Burst = 5000, 10000
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan client.Object)
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for obj := range work {
				if err := do(ctx, c, obj); err != nil {
					once.Do(func() { firstErr = fmt.Errorf("%s %T %s: %w", doing, obj, obj.GetName(), err); cancel() })
				}
			}
		}()
	}
	for _, obj := range objs {
		select {
		case work <- obj:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
	return firstErr
}
