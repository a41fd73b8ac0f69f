// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package page

import (
	"context"
	"net/http"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
)

// deploymentDetails is one deployed MCPServer as its details view shows it.
type deploymentDetails struct {
	deploymentItem
	Generation int64           `json:"generation"`
	Created    time.Time       `json:"created"`
	Conditions []conditionView `json:"conditions"`
	ServerInfo *serverInfoView `json:"serverInfo,omitempty"`
	ToolNames  []string        `json:"toolNames"`
	Events     []eventView     `json:"events"`
	// EventsError says why the events could not be read (the person may not be allowed to).
	EventsError string `json:"eventsError,omitempty"`
}

type conditionView struct {
	Type               string    `json:"type"`
	Status             string    `json:"status"`
	Reason             string    `json:"reason"`
	Message            string    `json:"message"`
	LastTransitionTime time.Time `json:"lastTransitionTime"`
}

type serverInfoView struct {
	Name            string `json:"name"`
	Version         string `json:"version"`
	ProtocolVersion string `json:"protocolVersion"`
	// SupportedProtocolVersions and DeprecatedFeatures are as status.serverInfo has them.
	SupportedProtocolVersions []string `json:"supportedProtocolVersions"`
	DeprecatedFeatures        []string `json:"deprecatedFeatures"`
}

type eventView struct {
	Type     string    `json:"type"`
	Reason   string    `json:"reason"`
	Message  string    `json:"message"`
	Count    int32     `json:"count"`
	LastSeen time.Time `json:"lastSeen"`
}

// maxEvents bounds the events the details view shows: the most recent ones.
const maxEvents = 20

func (s *Server) getDeployment(w http.ResponseWriter, r *http.Request) {
	c, err := s.Identity.ClientFor(r)
	if err != nil {
		writeClusterError(w, err)
		return
	}
	server := &mcpv1beta1.MCPServer{}
	if err := c.Get(r.Context(), client.ObjectKey{Namespace: r.PathValue("namespace"), Name: r.PathValue("name")}, server); err != nil {
		writeClusterError(w, err)
		return
	}
	details := describeDetails(server)
	details.Events, err = recentEvents(r.Context(), c, server)
	if err != nil {
		details.Events = []eventView{}
		details.EventsError = "The events could not be read: " + apiMessage(err)
		if apierrors.IsForbidden(err) {
			details.EventsError = "You may not read the events of this namespace."
		}
	}
	writeJSON(w, http.StatusOK, details)
}

// describeDetails derives the details view from an MCPServer.
func describeDetails(server *mcpv1beta1.MCPServer) deploymentDetails {
	d := deploymentDetails{deploymentItem: describeDeployment(server), Generation: server.Generation,
		Created: server.CreationTimestamp.Time, Conditions: []conditionView{}, ToolNames: []string{}}
	for _, c := range server.Status.Conditions {
		d.Conditions = append(d.Conditions, conditionView{Type: c.Type, Status: string(c.Status), Reason: c.Reason,
			Message: c.Message, LastTransitionTime: c.LastTransitionTime.Time})
	}
	if i := server.Status.ServerInfo; i != nil {
		d.ServerInfo = &serverInfoView{Name: i.Name, Version: i.Version, ProtocolVersion: i.ProtocolVersion,
			SupportedProtocolVersions: nonNil(i.SupportedProtocolVersions), DeprecatedFeatures: nonNil(i.DeprecatedFeatures)}
	}
	if t := server.Status.Tools; t != nil && t.Names != nil {
		d.ToolNames = t.Names
	}
	return d
}

// nonNil gives the page an empty list rather than null.
func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

// recentEvents lists the events about one MCPServer, newest first.
func recentEvents(ctx context.Context, c client.Client, server *mcpv1beta1.MCPServer) ([]eventView, error) {
	list := &corev1.EventList{}
	if err := c.List(ctx, list, client.InNamespace(server.Namespace), client.MatchingFields{
		"involvedObject.kind": "MCPServer", "involvedObject.name": server.Name, "involvedObject.uid": string(server.UID),
	}); err != nil {
		return nil, err
	}
	events := make([]eventView, 0, len(list.Items))
	for _, e := range list.Items {
		events = append(events, eventView{Type: e.Type, Reason: e.Reason, Message: e.Message, Count: max(e.Count, 1), LastSeen: lastSeen(&e)})
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].LastSeen.After(events[j].LastSeen) })
	return events[:min(len(events), maxEvents)], nil
}

// lastSeen is when an event last happened, whichever API (core or events.k8s.io) wrote it.
func lastSeen(e *corev1.Event) time.Time {
	switch {
	case e.Series != nil:
		return e.Series.LastObservedTime.Time
	case !e.LastTimestamp.IsZero():
		return e.LastTimestamp.Time
	case !e.EventTime.IsZero():
		return e.EventTime.Time
	}
	return e.CreationTimestamp.Time
}
