// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"
	"slices"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/mcpprobe"
)

// fieldManager is the operator's name in managedFields (controllers' fieldManager).
const fieldManager = "mcp-operator"

// violation is one way the cluster is not what the specs ask for.
type violation struct{ check, object, detail string }

// checks collects the violations of the checks after the faults, and how much they looked at.
type checks struct {
	objects    int
	violations []violation
	mu         sync.Mutex
}

func (k *checks) fail(check, object, format string, args ...any) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.violations = append(k.violations, violation{check, object, fmt.Sprintf(format, args...)})
}

// snapshot is one namespace's MCPServers and the kinds of objects the operator makes.
type snapshot struct {
	servers         []mcpv1beta1.MCPServer
	deployments     []appsv1.Deployment
	services        []corev1.Service
	networkPolicies []networkingv1.NetworkPolicy
}

func takeSnapshot(ctx context.Context, c client.Client, namespace string) (snapshot, error) {
	var s snapshot
	var (
		servers  mcpv1beta1.MCPServerList
		deps     appsv1.DeploymentList
		services corev1.ServiceList
		policies networkingv1.NetworkPolicyList
	)
	for _, list := range []client.ObjectList{&servers, &deps, &services, &policies} {
		if err := c.List(ctx, list, client.InNamespace(namespace)); err != nil {
			return s, err
		}
	}
	s.servers, s.deployments, s.services, s.networkPolicies = servers.Items, deps.Items, services.Items, policies.Items
	return s, nil
}

// foreignRecord is what a foreign object looked like before the faults.
type foreignRecord struct {
	kind       string
	key        client.ObjectKey
	uid        types.UID
	generation int64
}

// checkOwnership: every MCPServer has exactly one Deployment, Service and NetworkPolicy of its
// own, every owned object's owner still exists, and nothing else is there but the foreign objects.
func (k *checks) checkOwnership(s snapshot, foreign map[string]bool) {
	uids := map[types.UID]string{}
	for _, srv := range s.servers {
		uids[srv.UID] = srv.Name
	}
	owned := map[string]int{}
	visit := func(kind string, obj metav1.Object) {
		k.objects++
		ref := metav1.GetControllerOf(obj)
		id := kind + " " + obj.GetNamespace() + "/" + obj.GetName()
		switch {
		case ref == nil || ref.Kind != "MCPServer":
			if !foreign[id] {
				k.fail("no orphans or strays", id, "has no MCPServer owner and is not a foreign object")
			}
		case uids[ref.UID] == "":
			k.fail("no orphans or strays", id, "its owner MCPServer %s (uid %s) does not exist", ref.Name, ref.UID)
		default:
			owned[kind+" "+uids[ref.UID]]++
		}
	}
	for i := range s.deployments {
		visit("Deployment", &s.deployments[i])
	}
	for i := range s.services {
		visit("Service", &s.services[i])
	}
	for i := range s.networkPolicies {
		visit("NetworkPolicy", &s.networkPolicies[i])
	}
	for _, srv := range s.servers {
		if srv.Name == takenName {
			continue
		}
		for _, kind := range []string{"Deployment", "Service", "NetworkPolicy"} {
			if n := owned[kind+" "+srv.Name]; n != 1 {
				k.fail("one of each object per MCPServer", srv.Namespace+"/"+srv.Name, "owns %d %ss", n, kind)
			}
		}
	}
}

// checkConverged: each MCPServer's status describes its current generation, and its Deployment
// runs what its spec says.
func (k *checks) checkConverged(s snapshot) {
	deployments := map[string]*appsv1.Deployment{}
	for i := range s.deployments {
		deployments[s.deployments[i].Name] = &s.deployments[i]
	}
	for _, srv := range s.servers {
		k.objects++
		id := srv.Namespace + "/" + srv.Name
		if srv.Status.ObservedGeneration != srv.Generation {
			k.fail("status describes the current spec", id, "status.observedGeneration %d, generation %d", srv.Status.ObservedGeneration, srv.Generation)
		}
		for _, t := range []string{mcpv1beta1.ConditionAccepted, mcpv1beta1.ConditionAvailable, mcpv1beta1.ConditionVerified} {
			if c := meta.FindStatusCondition(srv.Status.Conditions, t); c == nil || c.ObservedGeneration != srv.Generation {
				k.fail("status describes the current spec", id, "condition %s is missing or describes an older generation", t)
			}
		}
		if srv.Name == takenName {
			continue
		}
		d := deployments[srv.Name]
		if d == nil || len(d.Spec.Template.Spec.Containers) == 0 {
			k.fail("Deployment as the spec asks", id, "no Deployment")
			continue
		}
		container := d.Spec.Template.Spec.Containers[0]
		if container.Image != srv.Spec.Source.ContainerImage.Ref {
			k.fail("Deployment as the spec asks", id, "image %q, spec %q", container.Image, srv.Spec.Source.ContainerImage.Ref)
		}
		if want, got := envValue(srv.Spec.Config.Env, editEnv), envValue(container.Env, editEnv); want != got {
			k.fail("Deployment as the spec asks", id, "%s=%q in the Deployment, %q in the spec", editEnv, got, want)
		}
	}
}

func envValue(env []corev1.EnvVar, name string) string {
	i := slices.IndexFunc(env, func(e corev1.EnvVar) bool { return e.Name == name })
	if i < 0 {
		return "(unset)"
	}
	return env[i].Value
}

// checkForeign: the objects the operator does not own are still there, unchanged, and the
// operator never wrote a field of theirs.
func (k *checks) checkForeign(ctx context.Context, c client.Client, records []foreignRecord, objs []client.Object) {
	for i, rec := range records {
		k.objects++
		obj := objs[i].DeepCopyObject().(client.Object)
		id := rec.kind + " " + rec.key.String()
		if err := c.Get(ctx, rec.key, obj); err != nil {
			k.fail("foreign objects untouched", id, "%v", err)
			continue
		}
		if obj.GetUID() != rec.uid || obj.GetGeneration() != rec.generation || len(obj.GetOwnerReferences()) > 0 {
			k.fail("foreign objects untouched", id, "uid %s generation %d owners %d, was uid %s generation %d",
				obj.GetUID(), obj.GetGeneration(), len(obj.GetOwnerReferences()), rec.uid, rec.generation)
		}
		for _, mf := range obj.GetManagedFields() {
			if mf.Manager == fieldManager {
				k.fail("foreign objects untouched", id, "the operator manages fields of it")
			}
		}
	}
}

// checkTruth handshakes with every server directly and compares what it finds with the
// MCPServer's Ready condition and server info.
func (k *checks) checkTruth(ctx context.Context, servers []mcpv1beta1.MCPServer, b behaviour) {
	prober := mcpprobe.New(mcpprobe.Config{})
	sem := make(chan struct{}, 20)
	var wg sync.WaitGroup
	for _, srv := range servers {
		if srv.Name == takenName {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			k.mu.Lock()
			k.objects++
			k.mu.Unlock()
			id := srv.Namespace + "/" + srv.Name
			res := prober.Probe(ctx, "http://"+b.addr+srv.Spec.Config.Path, mcpprobe.TLS{})
			ready := mcpv1alpha1.IsReady(srv.Status.Conditions)
			reachable := res.Outcome == mcpprobe.OutcomeReady
			switch {
			case ready != reachable:
				k.fail("status tells the truth", id, "Ready=%v, but a direct handshake says %s %s", ready, res.Outcome, res.Message)
			case ready && (srv.Status.ServerInfo == nil || srv.Status.ServerInfo.Name != res.Server.Name):
				k.fail("status tells the truth", id, "status.serverInfo %+v, the server says %q", srv.Status.ServerInfo, res.Server.Name)
			}
		}()
	}
	wg.Wait()
}

// checkTakenName: the MCPServer whose Deployment name was taken says so, and has not taken it.
func (k *checks) checkTakenName(servers []mcpv1beta1.MCPServer) {
	for _, srv := range servers {
		if srv.Name != takenName {
			continue
		}
		k.objects++
		if c := mcpv1alpha1.ReadyFrom(srv.Status.Conditions); c == nil || c.Status != metav1.ConditionFalse {
			k.fail("a taken name is reported", srv.Namespace+"/"+srv.Name, "Ready is not False: %+v", c)
		}
	}
}
