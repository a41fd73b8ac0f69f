// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

// Package rendermemo remembers, per MCPServer, what the last reconcile that found every object
// as rendered depended on and saw, so that settled servers skip rendering and applying.
package rendermemo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"sync"

	"github.com/mcp-operator/mcp-operator/internal/platform"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/render"
)

// Why the reconciler remembers what it last found up to date.
//
// Most reconciles of an MCPServer change nothing in its objects: the Deployment controller
// reports progress, a pod becomes ready, a handshake result arrives. Rendering the chart and
// comparing every object costs about a millisecond and half a megabyte of garbage; with
// thousands of servers that is most of the operator's CPU and memory. So after a reconcile finds
// every object as rendered, the reconciler notes what the render depended on (Inputs) and
// how the live objects looked (liveMarks). While neither changes, the objects are still as
// rendered, and the next reconciles skip rendering and applying.
//
// A live object counts as unchanged when its resourceVersion is the same. A Deployment's
// resourceVersion also moves with every status update, so for it the generation (which moves
// with spec changes) and a digest of its labels and annotations (which do not move the
// generation) stand in. Anyone editing an object the operator manages changes one of these, and
// the next reconcile renders and repairs it as before.

// Inputs are everything a render depends on.
type Inputs struct {
	UID        types.UID
	Generation int64
	ConfigHash string
	// Admin is the version of the admin values used.
	Admin uint64
	// APIs are the optional APIs the render could use.
	APIs platform.APIs
	// Gateway digests spec.gateway's ConfigMap, which the render reads.
	Gateway string
}

// liveMark is what the reconciler saw of one live object.
type liveMark struct {
	resourceVersion string
	generation      int64
	metadata        string
	// statusMoves: another controller writes the object's status (a Deployment's).
	statusMoves bool
}

type renderMemoEntry struct {
	inputs Inputs
	marks  map[string]liveMark // by Go type
	// replicas is the replica count the render gave the Deployment.
	replicas int32
}

// Memo holds, per MCPServer, the inputs and live objects of the last reconcile that found
// every object as rendered. It is small: a few strings per server.
type Memo struct {
	mu      sync.Mutex
	entries map[types.NamespacedName]renderMemoEntry
}

// New returns an empty memo.
func New() *Memo {
	return &Memo{entries: map[types.NamespacedName]renderMemoEntry{}}
}

// Current reports whether the server's objects are known to be as the inputs render them, and
// the Deployment's replica count in that render.
func (m *Memo) Current(ctx context.Context, c client.Reader, server *mcpv1beta1.MCPServer, in Inputs, managed []client.Object) (int32, bool) {
	key := client.ObjectKeyFromObject(server)
	m.mu.Lock()
	entry, ok := m.entries[key]
	m.mu.Unlock()
	if !ok || entry.inputs != in {
		return 0, false
	}
	marks, ok := readMarks(ctx, c, server, managed)
	if !ok || len(marks) != len(entry.marks) {
		return 0, false
	}
	for kind, mark := range marks {
		if !sameObject(entry.marks[kind], mark) {
			return 0, false
		}
	}
	return entry.replicas, true
}

// Remember notes that the server's objects are as the inputs render them.
func (m *Memo) Remember(ctx context.Context, c client.Reader, server *mcpv1beta1.MCPServer, in Inputs, managed []client.Object, replicas int32) {
	marks, ok := readMarks(ctx, c, server, managed)
	if !ok {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.entries[client.ObjectKeyFromObject(server)] = renderMemoEntry{inputs: in, marks: marks, replicas: replicas}
}

// Forget drops what is known of a server: it is gone, or its objects must be rendered again.
func (m *Memo) Forget(key types.NamespacedName) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.entries, key)
}

// readMarks reads the live objects of the managed kinds that the server owns, from the cache.
func readMarks(ctx context.Context, c client.Reader, server *mcpv1beta1.MCPServer, managed []client.Object) (map[string]liveMark, bool) {
	marks := map[string]liveMark{}
	for _, typ := range managed {
		obj := typ.DeepCopyObject().(client.Object)
		if err := c.Get(ctx, client.ObjectKeyFromObject(server), obj); err != nil {
			if client.IgnoreNotFound(err) != nil {
				return nil, false
			}
			continue
		}
		if !render.ControlledBy(obj, server) {
			return nil, false
		}
		_, isDeployment := obj.(*appsv1.Deployment)
		marks[fmt.Sprintf("%T", obj)] = liveMark{resourceVersion: obj.GetResourceVersion(), generation: obj.GetGeneration(),
			metadata: metadataDigest(obj.GetLabels(), obj.GetAnnotations()), statusMoves: isDeployment}
	}
	return marks, true
}

// sameObject: the same resourceVersion, or for a Deployment, whose status moves on its own, the
// same generation and metadata.
func sameObject(was, now liveMark) bool {
	if was.resourceVersion == now.resourceVersion {
		return true
	}
	return now.statusMoves && was.generation == now.generation && was.metadata == now.metadata
}

// metadataDigest digests labels and annotations.
func metadataDigest(labels, annotations map[string]string) string {
	h := sha256.New()
	for _, m := range []map[string]string{labels, annotations} {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			h.Write([]byte(k))
			h.Write([]byte{0})
			h.Write([]byte(m[k]))
			h.Write([]byte{0})
		}
		h.Write([]byte{1})
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}
