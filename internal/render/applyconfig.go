// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package render

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// AppliedHashAnnotation records a digest of what the operator last applied to an object, so that
// a reconcile can tell "unchanged" from "changed" without a write.
const AppliedHashAnnotation = "mcp.x-k8s.io/applied-hash"

// ApplyConfiguration turns a rendered object into the unstructured apply configuration the
// operator sends: only the fields it sets, stamped with their digest.
func ApplyConfiguration(obj client.Object, gvk schema.GroupVersionKind) (*unstructured.Unstructured, error) {
	content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{Object: content}
	u.SetGroupVersionKind(gvk)
	delete(u.Object, "status")
	unstructured.RemoveNestedField(u.Object, "metadata", "creationTimestamp")
	raw, err := json.Marshal(u.Object)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	annotations := u.GetAnnotations()
	if annotations == nil {
		annotations = map[string]string{}
	}
	annotations[AppliedHashAnnotation] = hex.EncodeToString(sum[:16])
	u.SetAnnotations(annotations)
	return u, nil
}

// UpToDate reports whether the live object already holds what the operator would apply: the
// digest matches (nothing in the spec or values changed, removals included) and every field the
// operator sets still has its value (nobody edited it since).
func UpToDate(desired *unstructured.Unstructured, existing client.Object) bool {
	if existing.GetAnnotations()[AppliedHashAnnotation] != desired.GetAnnotations()[AppliedHashAnnotation] {
		return false
	}
	live, err := runtime.DefaultUnstructuredConverter.ToUnstructured(existing)
	if err != nil {
		return false
	}
	// Objects from the cache carry no apiVersion and kind; they are the same by construction.
	live["apiVersion"], live["kind"] = desired.Object["apiVersion"], desired.Object["kind"]
	return equality.Semantic.DeepDerivative(desired.Object, live)
}
