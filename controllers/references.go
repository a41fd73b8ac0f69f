// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package controllers

import (
	"context"
	"crypto/x509"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/sync/singleflight"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/mcpprobe"
	"github.com/mcp-operator/mcp-operator/internal/references"
)

// How referenced ConfigMaps and Secrets are read, and why.
//
// The operator must notice when a referenced ConfigMap or Secret appears, disappears or changes,
// and roll the pods when its data changes. Caching every Secret (and ConfigMap) in the cluster
// would put their contents in the operator's memory, so the manager caches only their metadata
// (a metadata-only watch: name, resourceVersion, labels; no data). Existence comes from that
// cache. The data is read directly from the API server, and only when an object's
// resourceVersion differs from the one last digested: the operator keeps a digest of each
// object's data and its key names, never the data itself, with one exception: the ca.crt of a
// Secret named by spec.transport.tls.caBundleSecret (public certificates), which the handshake
// trusts.

// referencedObject is what the operator remembers of one referenced object.
type referencedObject struct {
	uid             types.UID
	resourceVersion string
	digest          string
	keys            map[string]bool
	// kept are the values of the keys the operator itself reads: the ca.crt of a TLS CA bundle
	// Secret, the settings of a gateway ConfigMap; nil for every other object.
	kept map[string]string
}

// referenceReader looks up referenced objects: metadata from the cache, data from the API
// server when it changed.
type referenceReader struct {
	cache client.Reader // serves metav1.PartialObjectMetadata from the metadata-only informers
	api   client.Reader // uncached

	mu      sync.Mutex
	digests map[references.Object]map[types.NamespacedName]referencedObject
	flight  singleflight.Group
}

// readResult is what one read of an object's data found, shared by the reconciles waiting on it.
type readResult struct {
	object referencedObject
	exists bool
}

func newReferenceReader(cache, api client.Reader) *referenceReader {
	return &referenceReader{cache: cache, api: api, digests: map[references.Object]map[types.NamespacedName]referencedObject{}}
}

// referenceCheck is the outcome of step 2.
type referenceCheck struct {
	// problems make the spec unacceptable (Accepted=False).
	problems []string
	// configHash digests the data of every referenced object that exists.
	configHash string
	// tls is how the handshake verifies the server, when spec.transport.tls is enabled.
	tls mcpprobe.TLS
	// gateway is spec.gateway's ConfigMap (its settings and a digest of its data), when the
	// server has one and it exists.
	gateway *gatewayConfig
	// stdioCommand is what a stdio server without spec.stdio.command runs, read from its
	// image: the entrypoint, then the arguments (config.arguments, else the image's command).
	stdioCommand []string
}

// gatewayConfig is what spec.gateway's ConfigMap says.
type gatewayConfig struct {
	settings map[string]string
	digest   string
}

// keptKeys are the keys whose values the operator keeps, by the object's use.
func keptKeys(obj, caSecret, gatewayConfigMap references.Object) []string {
	switch obj {
	case caSecret:
		return []string{mcpv1beta1.CABundleKey}
	case gatewayConfigMap:
		return []string{references.GatewayNameKey, references.GatewayNamespaceKey, references.GatewayHostnameKey}
	}
	return nil
}

// checkReferences finds every ConfigMap and Secret the server references, reports the missing
// ones (and missing keys), and digests the data of those that exist.
func (r *referenceReader) checkReferences(ctx context.Context, server *mcpv1beta1.MCPServer) (referenceCheck, error) {
	refs := references.Collect(server)
	caSecret := references.Object{Kind: references.Secret, Name: references.CABundleSecret(server)}
	gatewayConfigMap := references.Object{Kind: references.ConfigMap, Name: references.GatewayConfigMap(server)}
	usedByPods := map[references.Object]bool{}
	for _, obj := range references.PodObjects(refs) {
		usedByPods[obj] = true
	}
	var caBundle string
	var gateway *gatewayConfig
	found := map[references.Object]references.Found{}
	var digests []references.Digest
	for _, obj := range references.Objects(refs) {
		if obj.Kind == references.ServiceAccount {
			exists, err := r.exists(ctx, server.Namespace, obj)
			if err != nil {
				return referenceCheck{}, err
			}
			found[obj] = references.Found{Exists: exists}
			continue
		}
		ro, exists, err := r.read(ctx, server.Namespace, obj, keptKeys(obj, caSecret, gatewayConfigMap))
		if err != nil {
			return referenceCheck{}, err
		}
		if obj == caSecret {
			caBundle = ro.kept[mcpv1beta1.CABundleKey]
		}
		if obj == gatewayConfigMap && exists {
			gateway = &gatewayConfig{settings: ro.kept, digest: ro.digest}
		}
		found[obj] = references.Found{Exists: exists, Keys: ro.keys}
		if exists && usedByPods[obj] {
			digests = append(digests, references.Digest{Object: obj, Value: ro.digest})
		}
	}
	problems := references.Problems(refs, func(o references.Object) references.Found { return found[o] })
	check := referenceCheck{problems: problems, configHash: references.Hash(digests), gateway: gateway}
	if t := server.Spec.Transport; t != nil && t.TLS != nil && t.TLS.Enabled {
		check.tls = mcpprobe.TLS{CABundle: caBundle, InsecureSkipVerify: t.TLS.InsecureSkipVerify}
		check.problems = append(check.problems, tlsProblems(t.TLS, found[caSecret], caBundle)...)
	}
	return check, nil
}

// tlsProblems: what the API's CEL rules cannot see of spec.transport.tls: a CA bundle that
// holds no certificate (a missing Secret or key is reported with the other references).
func tlsProblems(t *mcpv1beta1.TransportTLS, ca references.Found, bundle string) []string {
	var problems []string
	if t.InsecureSkipVerify && t.CABundleSecret != nil {
		// CEL refuses this at admission; objects stored before the rule existed are told here.
		problems = append(problems, "spec.transport.tls: insecureSkipVerify and caBundleSecret are mutually exclusive")
	}
	if t.CABundleSecret != nil && ca.Exists && ca.Keys[mcpv1beta1.CABundleKey] && !x509.NewCertPool().AppendCertsFromPEM([]byte(bundle)) {
		problems = append(problems, fmt.Sprintf("spec.transport.tls.caBundleSecret: Secret %q key %s contains no valid PEM certificates",
			t.CABundleSecret.Name, mcpv1beta1.CABundleKey))
	}
	return problems
}

// exists looks a referenced object up in the metadata-only cache.
func (r *referenceReader) exists(ctx context.Context, namespace string, obj references.Object) (bool, error) {
	meta := &metav1.PartialObjectMetadata{}
	meta.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind(string(obj.Kind)))
	err := r.cache.Get(ctx, types.NamespacedName{Namespace: namespace, Name: obj.Name}, meta)
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("looking up %s %s/%s: %w", obj.Kind, namespace, obj.Name, err)
	}
	return true, nil
}

// read returns what is known of one referenced object, reading its data only when it changed
// since the last read.
func (r *referenceReader) read(ctx context.Context, namespace string, obj references.Object, keep []string) (referencedObject, bool, error) {
	key := types.NamespacedName{Namespace: namespace, Name: obj.Name}
	meta := &metav1.PartialObjectMetadata{}
	meta.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind(string(obj.Kind)))
	if err := r.cache.Get(ctx, key, meta); apierrors.IsNotFound(err) {
		return referencedObject{}, false, nil
	} else if err != nil {
		return referencedObject{}, false, fmt.Errorf("looking up %s %s: %w", obj.Kind, key, err)
	}

	r.mu.Lock()
	known, ok := r.digests[obj][key]
	r.mu.Unlock()
	if ok && known.uid == meta.UID && known.resourceVersion == meta.ResourceVersion && keepsAll(known, keep) {
		return known, true, nil
	}

	// Servers sharing an object that changed, or one not read yet, read it once between them.
	flight := fmt.Sprintf("%s/%s/%s/%s/%s", obj.Kind, key, meta.UID, meta.ResourceVersion, strings.Join(keep, ","))
	v, err, _ := r.flight.Do(flight, func() (any, error) {
		ro, exists, err := r.readData(ctx, key, obj.Kind, keep)
		return readResult{ro, exists}, err
	})
	if err != nil || !v.(readResult).exists {
		return referencedObject{}, false, err
	}
	ro := v.(readResult).object
	r.mu.Lock()
	if r.digests[obj] == nil {
		r.digests[obj] = map[types.NamespacedName]referencedObject{}
	}
	r.digests[obj][key] = ro
	r.mu.Unlock()
	return ro, true, nil
}

// readData reads one object from the API server and digests its data.
func (r *referenceReader) readData(ctx context.Context, key types.NamespacedName, kind references.Kind, keep []string) (referencedObject, bool, error) {
	var (
		meta   metav1.Object
		values = map[string][]byte{}
		err    error
	)
	switch kind {
	case references.ConfigMap:
		cm := &corev1.ConfigMap{}
		err = r.api.Get(ctx, key, cm)
		for k, v := range cm.Data {
			values[k] = []byte(v)
		}
		for k, v := range cm.BinaryData {
			values[k] = v
		}
		meta = cm
	case references.Secret:
		secret := &corev1.Secret{}
		err = r.api.Get(ctx, key, secret)
		for k, v := range secret.Data {
			values[k] = v
		}
		meta = secret
	default:
		return referencedObject{}, false, fmt.Errorf("unknown reference kind %s", kind)
	}
	if apierrors.IsNotFound(err) {
		return referencedObject{}, false, nil
	}
	if err != nil {
		return referencedObject{}, false, fmt.Errorf("reading %s %s: %w", kind, key, err)
	}
	keys := make(map[string]bool, len(values))
	for k := range values {
		keys[k] = true
	}
	ro := referencedObject{
		uid: meta.GetUID(), resourceVersion: meta.GetResourceVersion(),
		digest: references.DigestData(values), keys: keys,
	}
	for _, k := range keep {
		if v, found := values[k]; found {
			if ro.kept == nil {
				ro.kept = map[string]string{}
			}
			ro.kept[k] = string(v)
		}
	}
	return ro, true, nil
}

// keepsAll: what is remembered of an object holds every present key of keep (an object first
// read for another use kept none).
func keepsAll(known referencedObject, keep []string) bool {
	for _, k := range keep {
		if _, kept := known.kept[k]; known.keys[k] && !kept {
			return false
		}
	}
	return true
}
