// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package page

import (
	"context"
	"encoding/json"
	"net/http"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/catalog"
	"github.com/mcp-operator/mcp-operator/internal/catalog/deploy"
	"github.com/mcp-operator/mcp-operator/internal/status"
)

func (s *Server) deploy(w http.ResponseWriter, r *http.Request) {
	var req deploy.Request
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "the request is not valid JSON: " + err.Error()})
		return
	}
	e, ok := s.Store.Entry(req.EntryID)
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such catalog entry"})
		return
	}
	d := s.deployability(r.Context(), e)
	if !d.Enabled {
		writeJSON(w, http.StatusConflict, map[string]string{"error": d.Reason})
		return
	}
	c, err := s.Identity.ClientFor(r)
	if err != nil {
		writeClusterError(w, err)
		return
	}
	server, secret := req.Objects(e, *d.Run) // an enabled deployability says what runs
	if refused := validateDeployment(r.Context(), c, &req, e, server); refused != nil {
		refused(w)
		return
	}
	if secret != nil {
		if err := c.Create(r.Context(), secret); err != nil {
			writeDeployError(w, err, server)
			return
		}
	}
	if err := c.Create(r.Context(), server); err != nil {
		if secret != nil {
			// Leave nothing behind: the Secret was made for this MCPServer only.
			_ = c.Delete(r.Context(), secret)
		}
		writeDeployError(w, err, server)
		return
	}
	if secret != nil {
		adoptSecret(r.Context(), c, secret, server)
	}
	writeJSON(w, http.StatusCreated, map[string]string{"name": server.Name, "namespace": server.Namespace})
}

// validateDeployment gathers every problem of a deploy request at once: the catalog's own
// checks, and the API server's verdict on the MCPServer it would create (a server-side dry run
// with the person's identity, so the CRD's rules are the ones that apply). It returns how to
// answer a refusal, or nil when the request may go ahead.
func validateDeployment(ctx context.Context, c client.Client, req *deploy.Request, e catalog.Entry, server *mcpv1beta1.MCPServer) func(http.ResponseWriter) {
	errs := req.Validate(e)
	dryRunErr := c.Create(ctx, server.DeepCopy(), client.DryRunAll)
	if len(errs) == 0 {
		if dryRunErr == nil {
			return nil
		}
		// The API server's refusal alone: invalid (at the fields), not allowed, no namespace.
		return func(w http.ResponseWriter) { writeDeployError(w, dryRunErr, server) }
	}
	seen := map[string]bool{}
	for _, fe := range errs {
		seen[fe.Field] = true
	}
	if apierrors.IsInvalid(dryRunErr) {
		for _, fe := range deploy.FieldErrorsOf(dryRunErr, server) {
			if !seen[fe.Field] { // one problem per field: the catalog's own words first
				seen[fe.Field] = true
				errs = append(errs, fe)
			}
		}
	}
	return func(w http.ResponseWriter) {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "Correct the fields marked below.", "errors": errs})
	}
}

// adoptSecret makes the MCPServer own its Secret, so that deleting the server deletes it too.
func adoptSecret(ctx context.Context, c client.Client, secret *corev1.Secret, server *mcpv1beta1.MCPServer) {
	patch := client.MergeFrom(secret.DeepCopy())
	secret.OwnerReferences = []metav1.OwnerReference{{APIVersion: mcpv1beta1.GroupVersion.String(), Kind: "MCPServer", Name: server.Name, UID: server.UID}}
	if err := c.Patch(ctx, secret, patch); err != nil {
		log.FromContext(ctx).Info("could not make the MCPServer own its Secret; it stays when the server is deleted",
			"secret", secret.Name, "error", err.Error())
	}
}

// deploymentItem is an MCPServer as the Deployments tab shows it.
type deploymentItem struct {
	Name        string `json:"name"`
	Namespace   string `json:"namespace"`
	Status      string `json:"status"`
	Message     string `json:"message,omitempty"`
	URL         string `json:"url,omitempty"`
	ExternalURL string `json:"externalURL,omitempty"`
	Tools       *int32 `json:"tools,omitempty"`
	Image       string `json:"image,omitempty"`
}

func (s *Server) listDeployments(w http.ResponseWriter, r *http.Request) {
	c, err := s.Identity.ClientFor(r)
	if err != nil {
		writeClusterError(w, err)
		return
	}
	servers, err := listVisibleServers(r.Context(), c, r.URL.Query().Get("namespace"))
	if err != nil {
		writeClusterError(w, err)
		return
	}
	items := make([]deploymentItem, 0, len(servers))
	for i := range servers {
		items = append(items, describeDeployment(&servers[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// listVisibleServers lists the MCPServers of one namespace or, with none given, of every
// namespace the user can see (see visibleScopes), skipping projects where listing is not allowed.
func listVisibleServers(ctx context.Context, c client.Client, namespace string) ([]mcpv1beta1.MCPServer, error) {
	scopes, first, err := visibleScopes(ctx, c, namespace)
	if err != nil {
		return nil, err
	}
	if first != nil {
		return first.Items, nil
	}
	var servers []mcpv1beta1.MCPServer
	for _, ns := range scopes {
		inProject := &mcpv1beta1.MCPServerList{}
		if err := c.List(ctx, inProject, client.InNamespace(ns)); err != nil {
			if apierrors.IsForbidden(err) {
				continue
			}
			return nil, err
		}
		servers = append(servers, inProject.Items...)
	}
	return servers, nil
}

// visibleScopes decides where to look for a person's MCPServers: one namespace when asked for
// one; every namespace when RBAC allows it (that first list is returned, to be used rather than
// repeated); otherwise each of the person's OpenShift projects, whose servers are still to be
// listed.
func visibleScopes(ctx context.Context, c client.Client, namespace string) ([]string, *mcpv1beta1.MCPServerList, error) {
	list := &mcpv1beta1.MCPServerList{}
	err := c.List(ctx, list, client.InNamespace(namespace))
	if err == nil {
		return []string{namespace}, list, nil
	}
	if namespace != "" || !apierrors.IsForbidden(err) {
		return nil, nil, err
	}
	projects, projectErr := projectsOf(ctx, c)
	if projectErr != nil {
		return nil, nil, err // no project API either: the original "forbidden" says what to do
	}
	return projects, nil, nil
}

// projectsOf lists the names of the user's OpenShift projects.
func projectsOf(ctx context.Context, c client.Client) ([]string, error) {
	return metadataNames(ctx, c, schema.GroupVersionKind{Group: "project.openshift.io", Version: "v1", Kind: "ProjectList"})
}

// describeDeployment shows the server's phase (Available, Pending or Failed) and the message a
// v1alpha1 reader sees in Ready, derived from Available and Verified.
func describeDeployment(s *mcpv1beta1.MCPServer) deploymentItem {
	item := deploymentItem{Name: s.Name, Namespace: s.Namespace, Status: string(mcpv1beta1.PhasePending), Message: "waiting for the operator"}
	if s.Spec.Source.ContainerImage != nil {
		item.Image = s.Spec.Source.ContainerImage.Ref
	}
	if a := s.Status.Address; a != nil {
		item.URL, item.ExternalURL = a.URL, a.ExternalURL
	}
	if s.Status.Tools != nil {
		item.Tools = &s.Status.Tools.Count
	}
	if len(s.Status.Conditions) > 0 {
		item.Status = string(status.PhaseOf(s.Status.Conditions))
	}
	accepted := meta.FindStatusCondition(s.Status.Conditions, mcpv1beta1.ConditionAccepted)
	if accepted != nil && accepted.Status == metav1.ConditionFalse {
		item.Message = accepted.Message
	} else if ready := mcpv1alpha1.ReadyFrom(s.Status.Conditions); ready != nil {
		item.Message = ready.Message
	}
	return item
}

func (s *Server) deleteDeployment(w http.ResponseWriter, r *http.Request) {
	c, err := s.Identity.ClientFor(r)
	if err != nil {
		writeClusterError(w, err)
		return
	}
	server := &mcpv1beta1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: r.PathValue("name"), Namespace: r.PathValue("namespace")}}
	if err := c.Delete(r.Context(), server, client.PropagationPolicy(metav1.DeletePropagationBackground)); err != nil {
		writeClusterError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
