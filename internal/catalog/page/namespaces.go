// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package page

import (
	"context"
	"net/http"
	"sort"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
)

// namespaceChoices is what the namespace selector offers.
type namespaceChoices struct {
	Namespaces []string `json:"namespaces"`
	// Complete is false when the person may list neither namespaces, nor projects, nor every
	// namespace's MCPServers: the page then lets them type a namespace.
	Complete bool `json:"complete"`
}

func (s *Server) listNamespaces(w http.ResponseWriter, r *http.Request) {
	c, err := s.Identity.ClientFor(r)
	if err != nil {
		writeClusterError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, visibleNamespaces(r.Context(), c))
}

// visibleNamespaces lists the namespaces a person may see: every namespace when RBAC lets them
// list namespaces, else their OpenShift projects, else the namespaces of the MCPServers they
// may list cluster-wide.
func visibleNamespaces(ctx context.Context, c client.Client) namespaceChoices {
	if names, err := metadataNames(ctx, c, schema.GroupVersionKind{Version: "v1", Kind: "NamespaceList"}); err == nil {
		return namespaceChoices{Namespaces: names, Complete: true}
	}
	if names, err := projectsOf(ctx, c); err == nil {
		sort.Strings(names)
		return namespaceChoices{Namespaces: names, Complete: true}
	}
	servers := &mcpv1beta1.MCPServerList{}
	if err := c.List(ctx, servers); err != nil {
		return namespaceChoices{Namespaces: []string{}}
	}
	seen := map[string]bool{}
	for _, s := range servers.Items {
		seen[s.Namespace] = true
	}
	names := make([]string, 0, len(seen))
	for ns := range seen {
		names = append(names, ns)
	}
	sort.Strings(names)
	return namespaceChoices{Namespaces: names, Complete: true}
}

// metadataNames lists the names of the objects of a list kind, reading metadata only.
func metadataNames(ctx context.Context, c client.Client, listKind schema.GroupVersionKind) ([]string, error) {
	list := &metav1.PartialObjectMetadataList{}
	list.SetGroupVersionKind(listKind)
	if err := c.List(ctx, list); err != nil {
		return nil, err
	}
	names := make([]string, len(list.Items))
	for i, item := range list.Items {
		names[i] = item.Name
	}
	return names, nil
}
