package controllers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
)

// appliedHashAnnotation records a digest of what the operator last applied to an object, so that
// a reconcile can tell "unchanged" from "changed" without a write.
const appliedHashAnnotation = "mcp.x-k8s.io/applied-hash"

// applyObjects applies the rendered objects with server-side apply and deletes the managed
// objects the chart no longer renders. An object of the same name that this MCPServer does not
// own is never taken over: it is returned as a conflict for the user to resolve. An object
// already as rendered is not written at all.
func (r *MCPServerReconciler) applyObjects(ctx context.Context, server *mcpv1alpha1.MCPServer, objs, managed []client.Object) ([]string, error) {
	var conflicts []string
	rendered := map[schema.GroupVersionKind]bool{}
	for _, obj := range objs {
		gvk, err := apiutil.GVKForObject(obj, r.Scheme)
		if err != nil {
			return nil, err
		}
		rendered[gvk] = true
		if obj.GetName() != server.Name || obj.GetNamespace() != server.Namespace {
			return nil, fmt.Errorf("the chart rendered %s %s/%s; every object must be named after the MCPServer",
				gvk.Kind, obj.GetNamespace(), obj.GetName())
		}
		conflict, err := r.applyObject(ctx, server, obj, gvk)
		if err != nil {
			return nil, err
		}
		if conflict != "" {
			conflicts = append(conflicts, conflict)
		}
	}
	if len(conflicts) > 0 {
		return conflicts, nil
	}
	return nil, r.prune(ctx, server, rendered, managed)
}

// applyObject applies one object unless it is already as rendered, and returns a conflict
// message when an object of that name belongs to someone else.
func (r *MCPServerReconciler) applyObject(ctx context.Context, server *mcpv1alpha1.MCPServer, obj client.Object, gvk schema.GroupVersionKind) (string, error) {
	existing, err := r.getExisting(ctx, obj, gvk)
	if err != nil {
		return "", err
	}
	if existing != nil && !ownedBy(existing, server) && !adoptable(existing, server) {
		return fmt.Sprintf("%s %s/%s already exists and is not managed by this MCPServer; the operator does not take over "+
			"objects it does not own: delete or rename that %s, or rename the MCPServer",
			gvk.Kind, obj.GetNamespace(), obj.GetName(), gvk.Kind), nil
	}
	if err := controllerutil.SetControllerReference(server, obj, r.Scheme); err != nil {
		return "", err
	}
	desired, err := applyConfiguration(obj, gvk)
	if err != nil {
		return "", err
	}
	if existing != nil && ownedBy(existing, server) && upToDate(desired, existing) {
		return "", nil
	}
	if err := r.Apply(ctx, client.ApplyConfigurationFromUnstructured(desired), client.FieldOwner(fieldManager), client.ForceOwnership); err != nil {
		return "", fmt.Errorf("applying %s %s/%s: %w", gvk.Kind, obj.GetNamespace(), obj.GetName(), err)
	}
	objectWrites.WithLabelValues(gvk.Kind, "apply").Inc()
	return "", nil
}

// getExisting returns the live object of the same kind and name, or nil. The cache holds only
// objects labelled as MCP servers', so an object missing from it is looked up on the API server
// before the operator believes it does not exist: a same-named object without the label must
// still be seen (and not taken over).
func (r *MCPServerReconciler) getExisting(ctx context.Context, obj client.Object, gvk schema.GroupVersionKind) (client.Object, error) {
	existing, err := r.Scheme.New(gvk)
	if err != nil {
		return nil, err
	}
	eobj := existing.(client.Object)
	key := client.ObjectKeyFromObject(obj)
	err = r.Get(ctx, key, eobj)
	if apierrors.IsNotFound(err) {
		err = r.APIReader.Get(ctx, key, eobj)
	}
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s %s: %w", gvk.Kind, key, err)
	}
	return eobj, nil
}

// prune deletes the managed objects of kinds the chart did not render this time (for example a
// NetworkPolicy an admin turned off), if this MCPServer owns them.
func (r *MCPServerReconciler) prune(ctx context.Context, server *mcpv1alpha1.MCPServer, rendered map[schema.GroupVersionKind]bool, managed []client.Object) error {
	for _, obj := range managed {
		gvk, err := apiutil.GVKForObject(obj, r.Scheme)
		if err != nil {
			return err
		}
		if rendered[gvk] {
			continue
		}
		err = r.Get(ctx, client.ObjectKeyFromObject(server), obj)
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		if !ownedBy(obj, server) {
			continue
		}
		uid := obj.GetUID()
		if err := r.Delete(ctx, obj, client.Preconditions{UID: &uid}); client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("pruning %s %s: %w", gvk.Kind, client.ObjectKeyFromObject(obj), err)
		}
		objectWrites.WithLabelValues(gvk.Kind, "delete").Inc()
	}
	return nil
}

// ownedBy reports whether obj's controller is this very MCPServer.
func ownedBy(obj client.Object, server *mcpv1alpha1.MCPServer) bool {
	ref := metav1.GetControllerOf(obj)
	return ref != nil && ref.UID == server.UID
}

// adoptable reports whether obj was made for an earlier MCPServer of the same name (deleted
// with orphaning, then recreated): that is the same server, so the operator takes it back.
func adoptable(obj client.Object, server *mcpv1alpha1.MCPServer) bool {
	ref := metav1.GetControllerOf(obj)
	if ref == nil || ref.Kind != "MCPServer" || ref.Name != server.Name {
		return false
	}
	gv, err := schema.ParseGroupVersion(ref.APIVersion)
	return err == nil && gv.Group == mcpv1alpha1.GroupVersion.Group
}

// applyConfiguration turns a rendered object into the unstructured apply configuration the
// operator sends: only the fields it sets, stamped with their digest.
func applyConfiguration(obj client.Object, gvk schema.GroupVersionKind) (*unstructured.Unstructured, error) {
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
	annotations[appliedHashAnnotation] = hex.EncodeToString(sum[:16])
	u.SetAnnotations(annotations)
	return u, nil
}

// upToDate reports whether the live object already holds what the operator would apply: the
// digest matches (nothing in the spec or values changed, removals included) and every field the
// operator sets still has its value (nobody edited it since).
func upToDate(desired *unstructured.Unstructured, existing client.Object) bool {
	if existing.GetAnnotations()[appliedHashAnnotation] != desired.GetAnnotations()[appliedHashAnnotation] {
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
