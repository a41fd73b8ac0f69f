// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package render

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
)

// ReservedAnnotationPrefix marks annotation keys that belong to the operator. Users may write
// them in spec.extraAnnotations (so that existing manifests still apply) but they are not applied.
const ReservedAnnotationPrefix = "mcp.x-k8s.io/"

// SpecValues maps an MCPServer's spec to chart values: the third of the four value layers.
// Only what the spec sets appears, so that lower layers (admin defaults, chart defaults) fill
// the rest. configHash digests the referenced ConfigMaps' and Secrets' data ("" for none).
func SpecValues(server *mcpv1beta1.MCPServer, configHash string) (map[string]any, error) {
	spec := &server.Spec
	v := map[string]any{"port": int64(spec.Config.Port)}
	if img := spec.Source.ContainerImage; img != nil {
		image := map[string]any{"ref": img.Ref}
		if img.PullPolicy != "" {
			image["pullPolicy"] = string(img.PullPolicy)
		}
		v["image"] = image
		if err := setJSON(v, "imagePullSecrets", img.ImagePullSecrets); err != nil {
			return nil, err
		}
	}
	if configHash != "" {
		v["configHash"] = configHash
	}
	if spec.Runtime.Replicas != nil {
		v["replicas"] = int64(*spec.Runtime.Replicas)
	}
	if name := spec.Runtime.Security.ServiceAccountName; name != "" {
		v["serviceAccountName"] = name
	}
	if r := spec.Rollout; r != nil && r.Verify != "" {
		v["rollout"] = map[string]any{"verify": string(r.Verify)}
	}
	if stdio := stdioValues(spec); stdio != nil {
		v["stdio"] = stdio
	}
	if spec.MCP.Stateless != nil {
		v["stateless"] = *spec.MCP.Stateless
	}
	if len(spec.ExtraLabels) > 0 {
		v["extraLabels"] = stringMap(spec.ExtraLabels)
	}
	if kept, _ := SplitReservedAnnotations(spec.ExtraAnnotations); len(kept) > 0 {
		v["extraAnnotations"] = stringMap(kept)
	}
	if route := routeValues(spec.Expose); route != nil {
		v["route"] = route
	}
	if n := spec.Network; n != nil {
		np := map[string]any{}
		for key, field := range map[string]any{
			"ingressFrom": n.IngressFrom, "egressTo": n.EgressTo, "egressPorts": n.EgressPorts, "dnsEgressPeer": n.DNSEgressPeer,
		} {
			if err := setJSON(np, key, field); err != nil {
				return nil, err
			}
		}
		if len(np) > 0 {
			v["networkPolicy"] = np
		}
	}
	for key, field := range map[string]any{
		"arguments":          spec.Config.Arguments,
		"env":                spec.Config.Env,
		"envFrom":            spec.Config.EnvFrom,
		"storage":            spec.Config.Storage,
		"podSecurityContext": spec.Runtime.Security.PodSecurityContext,
		"securityContext":    spec.Runtime.Security.SecurityContext,
		"resources":          spec.Runtime.Resources,
		"livenessProbe":      spec.Runtime.Health.LivenessProbe,
		"readinessProbe":     spec.Runtime.Health.ReadinessProbe,
	} {
		if err := setJSON(v, key, field); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// stdioValues are the bridge's settings of a stdio server (nil for one that serves HTTP).
func stdioValues(spec *mcpv1beta1.MCPServerSpec) map[string]any {
	st := spec.Stdio
	if st == nil {
		return nil
	}
	command := make([]any, len(st.Command))
	for i, c := range st.Command {
		command[i] = c
	}
	v := map[string]any{"command": command, "path": spec.Config.Path}
	if spec.Config.Path == "" {
		v["path"] = "/mcp" // the API's default
	}
	if st.Sessions != "" {
		v["sessions"] = string(st.Sessions)
	}
	if st.MaxSessions != nil {
		v["maxSessions"] = int64(*st.MaxSessions)
	}
	if st.IdleTimeoutSeconds != nil {
		v["idleTimeoutSeconds"] = int64(*st.IdleTimeoutSeconds)
	}
	return v
}

// SplitReservedAnnotations separates the annotations a user may set from those with the
// operator's reserved prefix, which are returned sorted by key.
func SplitReservedAnnotations(annotations map[string]string) (kept map[string]string, reserved []string) {
	kept = make(map[string]string, len(annotations))
	for k, val := range annotations {
		if strings.HasPrefix(k, ReservedAnnotationPrefix) {
			reserved = append(reserved, k)
			continue
		}
		kept[k] = val
	}
	sort.Strings(reserved)
	return kept, reserved
}

// setJSON stores field under key in its JSON form, the shape the chart's templates expect, and
// leaves key unset when the field is nil or empty.
func setJSON(values map[string]any, key string, field any) error {
	raw, err := json.Marshal(field)
	if err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	switch string(raw) {
	case "null", "[]", "{}":
		return nil
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	values[key] = out
	return nil
}

func stringMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// routeValues maps spec.expose.route to the chart's route values, with the API's defaults (edge
// termination, plain HTTP redirected) where TLS is left out.
func routeValues(expose *mcpv1beta1.ExposeConfig) map[string]any {
	if expose == nil || expose.Route == nil {
		return nil
	}
	r := expose.Route
	route := map[string]any{"enabled": true, "termination": "edge", "insecureEdgeTerminationPolicy": "Redirect"}
	if r.Host != "" {
		route["host"] = r.Host
	}
	if r.Path != "" {
		route["path"] = r.Path
	}
	if r.TLS != nil && r.TLS.Termination != "" {
		route["termination"] = r.TLS.Termination
	}
	if r.TLS != nil && r.TLS.InsecureEdgeTerminationPolicy != "" {
		route["insecureEdgeTerminationPolicy"] = r.TLS.InsecureEdgeTerminationPolicy
	}
	if len(r.Annotations) > 0 {
		route["annotations"] = stringMap(r.Annotations)
	}
	return route
}
