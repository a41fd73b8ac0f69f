// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package references finds the ConfigMaps, Secrets and ServiceAccount an MCPServer references,
// checks them against what exists, and digests the ConfigMaps' and Secrets' data so that a
// change rolls the pods. It is pure: the caller looks the objects up. Every reference is to an
// object in the MCPServer's own namespace: the API has no field that names another.
package references

import (
	"fmt"
	"sort"

	corev1 "k8s.io/api/core/v1"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
)

// Kind is the kind of a referenced object.
type Kind string

// The kinds an MCPServer can reference.
const (
	ConfigMap Kind = "ConfigMap"
	Secret    Kind = "Secret"
	// ServiceAccount is referenced by name only: it must exist, it has no data to digest.
	ServiceAccount Kind = "ServiceAccount"
)

// Reference is one use of a ConfigMap or Secret by an MCPServer.
type Reference struct {
	Kind Kind
	Name string
	// Key is the key the use needs, or "" when it needs the whole object.
	Key string
	// Optional uses do not stop a rollout when the object or key is missing.
	Optional bool
	// Where says which field of the spec holds the reference, in the user's terms.
	Where string
	// OutsidePods: the pods do not use the object (spec.gateway's ConfigMap configures the
	// gateway route): it must exist, but its data does not feed the config hash, so a change
	// to it does not roll the pods.
	OutsidePods bool
}

// Object identifies a referenced object regardless of how often it is used.
type Object struct {
	Kind Kind
	Name string
}

// Collect lists every reference of the server's spec, in spec order: storage, envFrom, env,
// then the service account.
func Collect(server *mcpv1beta1.MCPServer) []Reference {
	var refs []Reference
	for i, s := range server.Spec.Config.Storage {
		where := fmt.Sprintf("spec.config.storage[%d] (mounted at %s)", i, s.Path)
		switch {
		case s.Source.ConfigMap != nil:
			cm := s.Source.ConfigMap
			refs = append(refs, volumeRefs(ConfigMap, cm.Name, cm.Items, isTrue(cm.Optional), where)...)
		case s.Source.Secret != nil:
			sec := s.Source.Secret
			refs = append(refs, volumeRefs(Secret, sec.SecretName, sec.Items, isTrue(sec.Optional), where)...)
		}
	}
	for i, e := range server.Spec.Config.EnvFrom {
		switch {
		case e.ConfigMapRef != nil:
			refs = append(refs, Reference{Kind: ConfigMap, Name: e.ConfigMapRef.Name, Optional: isTrue(e.ConfigMapRef.Optional),
				Where: fmt.Sprintf("spec.config.envFrom[%d].configMapRef", i)})
		case e.SecretRef != nil:
			refs = append(refs, Reference{Kind: Secret, Name: e.SecretRef.Name, Optional: isTrue(e.SecretRef.Optional),
				Where: fmt.Sprintf("spec.config.envFrom[%d].secretRef", i)})
		}
	}
	for _, e := range server.Spec.Config.Env {
		if e.ValueFrom == nil {
			continue
		}
		switch {
		case e.ValueFrom.ConfigMapKeyRef != nil:
			r := e.ValueFrom.ConfigMapKeyRef
			refs = append(refs, Reference{Kind: ConfigMap, Name: r.Name, Key: r.Key, Optional: isTrue(r.Optional),
				Where: fmt.Sprintf("spec.config.env %s (valueFrom.configMapKeyRef)", e.Name)})
		case e.ValueFrom.SecretKeyRef != nil:
			r := e.ValueFrom.SecretKeyRef
			refs = append(refs, Reference{Kind: Secret, Name: r.Name, Key: r.Key, Optional: isTrue(r.Optional),
				Where: fmt.Sprintf("spec.config.env %s (valueFrom.secretKeyRef)", e.Name)})
		}
	}
	if ca := CABundleSecret(server); ca != "" {
		// The CA bundle feeds the config hash too, so that a rotation rolls the pods.
		refs = append(refs, Reference{Kind: Secret, Name: ca, Key: mcpv1beta1.CABundleKey, Where: "spec.transport.tls.caBundleSecret"})
	}
	if cm := GatewayConfigMap(server); cm != "" {
		refs = append(refs, Reference{Kind: ConfigMap, Name: cm, Key: GatewayNameKey, Where: "spec.gateway.configRef", OutsidePods: true})
	}
	if name := server.Spec.Runtime.Security.ServiceAccountName; name != "" {
		// A pod cannot start as a ServiceAccount that does not exist; saying so before the
		// rollout beats a ReplicaSet that fails to create pods.
		refs = append(refs, Reference{Kind: ServiceAccount, Name: name, Where: "spec.runtime.security.serviceAccountName"})
	}
	return refs
}

// CABundleSecret names the Secret of the server's TLS CA bundle, or "" when it has none or TLS
// is off (then a stale reference is ignored).
func CABundleSecret(server *mcpv1beta1.MCPServer) string {
	t := server.Spec.Transport
	if t == nil || t.TLS == nil || !t.TLS.Enabled || t.TLS.CABundleSecret == nil {
		return ""
	}
	return t.TLS.CABundleSecret.Name
}

// Keys of spec.gateway's ConfigMap, as upstream's httproute provider reads them.
const (
	// GatewayNameKey names the Gateway the route attaches to (required).
	GatewayNameKey = "gateway-name"
	// GatewayNamespaceKey is the Gateway's namespace (default: the server's).
	GatewayNamespaceKey = "gateway-namespace"
	// GatewayHostnameKey is the route's host name, and the public address's (optional).
	GatewayHostnameKey = "hostname"
)

// GatewayConfigMap names the ConfigMap of the server's gateway settings, or "" when it has
// none.
func GatewayConfigMap(server *mcpv1beta1.MCPServer) string {
	if g := server.Spec.Gateway; g != nil {
		return g.ConfigRef
	}
	return ""
}

// PodObjects lists the distinct objects the pods use, which feed the config hash.
func PodObjects(refs []Reference) []Object {
	var used []Reference
	for _, r := range refs {
		if !r.OutsidePods {
			used = append(used, r)
		}
	}
	return Objects(used)
}

// Objects lists the distinct objects among refs, sorted by kind and name.
func Objects(refs []Reference) []Object {
	seen := map[Object]bool{}
	var objs []Object
	for _, r := range refs {
		o := Object{Kind: r.Kind, Name: r.Name}
		if r.Name == "" || seen[o] {
			continue
		}
		seen[o] = true
		objs = append(objs, o)
	}
	sort.Slice(objs, func(i, j int) bool {
		if objs[i].Kind != objs[j].Kind {
			return objs[i].Kind < objs[j].Kind
		}
		return objs[i].Name < objs[j].Name
	})
	return objs
}

// IndexKeys are the values under which an MCPServer is indexed, so that a change to a
// ConfigMap or Secret finds the servers that use it.
func IndexKeys(server *mcpv1beta1.MCPServer) []string {
	objs := Objects(Collect(server))
	keys := make([]string, len(objs))
	for i, o := range objs {
		keys[i] = IndexKey(o.Kind, o.Name)
	}
	return keys
}

// IndexKey is the index value for one referenced object.
func IndexKey(kind Kind, name string) string {
	return string(kind) + "/" + name
}

// volumeRefs is one reference per projected key of a volume, or one for the whole object.
func volumeRefs(kind Kind, name string, items []corev1.KeyToPath, optional bool, where string) []Reference {
	if len(items) == 0 {
		return []Reference{{Kind: kind, Name: name, Optional: optional, Where: where}}
	}
	refs := make([]Reference, len(items))
	for i, item := range items {
		refs[i] = Reference{Kind: kind, Name: name, Key: item.Key, Optional: optional, Where: where}
	}
	return refs
}

func isTrue(b *bool) bool { return b != nil && *b }
