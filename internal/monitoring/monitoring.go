// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package monitoring installs the operator's ServiceMonitor and PrometheusRule (config/prometheus)
// from the operator, in its own namespace, where the cluster serves the Prometheus Operator's
// monitoring.coreos.com/v1. The operator does it rather than its packaging because an OLM bundle
// that holds a ServiceMonitor fails to install on a cluster without that API, and a kustomize or
// Helm install would fail the same way; here each install method gets them where they can exist
// and a log line where they cannot. Both are owned by the metrics Service they watch, so they go
// when the operator is uninstalled.
package monitoring

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/discovery"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/mcp-operator/mcp-operator/config/prometheus"
)

// GroupVersion is the Prometheus Operator's API.
const GroupVersion = "monitoring.coreos.com/v1"

// fieldOwner is the server-side apply field manager of what the operator installs.
const fieldOwner = "mcp-operator"

// Installer applies the ServiceMonitor and PrometheusRule once the cluster serves their API.
type Installer struct {
	// Client applies; Reader reads the Service past the manager's cache, which holds only the
	// Services of MCPServers.
	Client    client.Client
	Reader    client.Reader
	Discovery discovery.DiscoveryInterface
	// Namespace and Service name the operator's metrics Service.
	Namespace, Service string
	// Recheck is how often a missing API is looked for again.
	Recheck time.Duration
}

// Start applies the objects when the API is served, looking again every Recheck until it is,
// then returns. A manager Runnable: the leader runs it.
func (in *Installer) Start(ctx context.Context) error {
	log := ctrl.Log.WithName("monitoring")
	said := false
	for {
		served, err := in.served()
		switch {
		case err != nil:
			log.Error(err, "looking for the Prometheus Operator's API")
		case served:
			if err := in.Install(ctx); err != nil {
				log.Error(err, "installing the ServiceMonitor and PrometheusRule")
			} else {
				log.Info("installed the ServiceMonitor and PrometheusRule", "namespace", in.Namespace)
				return nil
			}
		case !said:
			log.Info(GroupVersion + " is not served: no ServiceMonitor or PrometheusRule (looked for again periodically)")
			said = true
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(in.Recheck):
		}
	}
}

// served says whether the cluster serves both kinds.
func (in *Installer) served() (bool, error) {
	resources, err := in.Discovery.ServerResourcesForGroupVersion(GroupVersion)
	if err != nil {
		if apierrors.IsNotFound(err) {
			return false, nil
		}
		return false, err
	}
	found := map[string]bool{}
	for _, r := range resources.APIResources {
		found[r.Name] = true
	}
	return found["servicemonitors"] && found["prometheusrules"], nil
}

// Install applies both objects into the metrics Service's namespace, owned by it, the
// ServiceMonitor selecting the Service by its labels.
func (in *Installer) Install(ctx context.Context) error {
	svc := &corev1.Service{}
	if err := in.Reader.Get(ctx, client.ObjectKey{Namespace: in.Namespace, Name: in.Service}, svc); err != nil {
		return fmt.Errorf("reading the metrics Service %s/%s: %w", in.Namespace, in.Service, err)
	}
	objects, err := Objects(svc)
	if err != nil {
		return err
	}
	for _, obj := range objects {
		if err := in.Client.Apply(ctx, client.ApplyConfigurationFromUnstructured(obj), client.FieldOwner(fieldOwner), client.ForceOwnership); err != nil {
			return fmt.Errorf("applying %s %s/%s: %w", obj.GetKind(), obj.GetNamespace(), obj.GetName(), err)
		}
	}
	return nil
}

// Objects are the ServiceMonitor and PrometheusRule for a metrics Service.
func Objects(svc *corev1.Service) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	for _, raw := range [][]byte{prometheus.Monitor, prometheus.Rules} {
		obj := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(raw, &obj.Object); err != nil {
			return nil, fmt.Errorf("the embedded monitoring manifests: %w", err)
		}
		obj.SetNamespace(svc.Namespace)
		obj.SetOwnerReferences([]metav1.OwnerReference{{
			APIVersion: "v1", Kind: "Service", Name: svc.Name, UID: svc.UID,
		}})
		if obj.GetKind() == "ServiceMonitor" {
			labels := map[string]any{}
			for k, v := range svc.Labels {
				labels[k] = v
			}
			if err := unstructured.SetNestedMap(obj.Object, labels, "spec", "selector", "matchLabels"); err != nil {
				return nil, err
			}
		}
		out = append(out, obj)
	}
	return out, nil
}
