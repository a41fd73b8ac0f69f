// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package status

import (
	"fmt"
	"strings"

	routev1 "github.com/openshift/api/route/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
)

// Exposure is what the reconciler found about exposing the server outside the cluster.
type Exposure struct {
	// Wanted: spec.expose.route is set.
	Wanted bool
	// APIAvailable: the cluster serves the Route API.
	APIAvailable bool
	// Route is the server's Route, once it exists.
	Route *routev1.Route
	// Path is the MCP endpoint's path (spec.config.path), appended to the external host.
	Path string
}

// exposed sets the Exposed condition and the external URL; without a wanted Route, both go.
func exposed(s *mcpv1beta1.MCPServerStatus, e Exposure, accepted bool, generation int64, now metav1.Time) {
	setURL := func(url string) {
		if s.Address == nil {
			s.Address = &mcpv1beta1.MCPServerAddress{}
		}
		s.Address.ExternalURL = url
	}
	if !e.Wanted {
		meta.RemoveStatusCondition(&s.Conditions, mcpv1beta1.ConditionExposed)
		if s.Address != nil {
			s.Address.ExternalURL = ""
		}
		return
	}
	set := func(status metav1.ConditionStatus, reason, message string) {
		setCondition(s, mcpv1beta1.ConditionExposed, status, reason, message, generation, now)
	}
	switch {
	case !accepted:
		setURL("")
		set(metav1.ConditionUnknown, mcpv1beta1.ReasonRoutePending, "nothing is exposed until the spec is accepted")
	case !e.APIAvailable:
		setURL("")
		set(metav1.ConditionFalse, mcpv1beta1.ReasonRouteAPIUnavailable,
			"this cluster does not serve the OpenShift Route API (route.openshift.io/v1), so spec.expose.route cannot be honoured; "+
				"the server is reachable inside the cluster at status.address.url")
	case e.Route == nil:
		setURL("")
		set(metav1.ConditionUnknown, mcpv1beta1.ReasonRoutePending, "creating the Route")
	default:
		router, host, rejection := admission(e.Route)
		switch {
		case host != "":
			url := "https://" + host + e.Path
			setURL(url)
			set(metav1.ConditionTrue, mcpv1beta1.ReasonRouteAdmitted, fmt.Sprintf("router %s admitted the Route: %s", router, url))
		case rejection != "":
			setURL("")
			set(metav1.ConditionFalse, mcpv1beta1.ReasonRouteRejected, rejection)
		default:
			setURL("")
			set(metav1.ConditionUnknown, mcpv1beta1.ReasonRoutePending, "waiting for a router to admit the Route")
		}
	}
}

// admission reads a Route's status: the router and host of an admission, or why it was rejected.
func admission(route *routev1.Route) (router, host, rejection string) {
	var rejections []string
	for _, ingress := range route.Status.Ingress {
		for _, c := range ingress.Conditions {
			if c.Type != routev1.RouteAdmitted {
				continue
			}
			switch c.Status {
			case corev1.ConditionTrue:
				return ingress.RouterName, ingress.Host, ""
			case corev1.ConditionFalse:
				rejections = append(rejections, fmt.Sprintf("router %s rejected the Route: %s: %s", ingress.RouterName, c.Reason, oneLine(c.Message)))
			}
		}
	}
	return "", "", strings.Join(rejections, "; ")
}
