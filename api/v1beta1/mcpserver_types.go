// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package v1beta1

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// MCPServerSpec is what a user asks for: an MCP server, where it comes from, how it is configured,
// how it runs, and how it behaves as an MCP server.
type MCPServerSpec struct {
	// ExtraLabels are added to the Deployment, its pod template and the Service.
	// The operator's own keys ("app", "mcp-server") cannot be overridden: those entries are ignored.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Extra Labels",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:advanced"}
	ExtraLabels map[string]string `json:"extraLabels,omitempty"`

	// ExtraAnnotations are added to the Deployment, its pod template and the Service.
	// Keys with the "mcp.x-k8s.io/" prefix are reserved for the operator: they are accepted here,
	// so existing manifests still apply, but not applied, and the operator says so in an event.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Extra Annotations",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:advanced"}
	ExtraAnnotations map[string]string `json:"extraAnnotations,omitempty"`

	// Source says where the MCP server comes from.
	// +required
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Source"
	Source Source `json:"source,omitzero"`

	// Config says how the MCP server is configured when it runs: its port and path, arguments,
	// environment and mounted storage.
	// +required
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Configuration"
	Config ServerConfig `json:"config,omitzero"`

	// Runtime says how the MCP server runs: replicas, security, resources and health probes.
	// When present it must not be empty. Unset, secure defaults apply.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Runtime"
	Runtime RuntimeConfig `json:"runtime,omitzero"`

	// MCP describes how the server behaves as an MCP server, for example whether it keeps
	// session state.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="MCP Behaviour"
	MCP MCPConfig `json:"mcp,omitzero"`

	// Expose makes the server reachable from outside the cluster. Unset, the server is
	// reachable inside the cluster only, at status.address.url.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Expose"
	Expose *ExposeConfig `json:"expose,omitempty"`

	// Network restricts who may reach the server and where it may connect, through the
	// NetworkPolicy the operator renders for it. Unset, the server takes traffic on its port from
	// anywhere (unless the operator runs with a restricted default posture) and may connect
	// anywhere. Only a network plugin that enforces NetworkPolicies makes this effective.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Network"
	Network *NetworkConfig `json:"network,omitempty"`

	// Transport says how the operator (and clients) speak to the server: over TLS, and which
	// roots to trust.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Transport"
	Transport *TransportConfig `json:"transport,omitempty"`

	// Rollout says how a new revision of the server is rolled out: each pod verified with an MCP
	// handshake (its tools included) before it takes traffic, and a revision that is not verified
	// in time rolled back. An addition of this operator.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Rollout"
	Rollout *RolloutConfig `json:"rollout,omitempty"`

	// Stdio says the server speaks MCP over stdio only, and how to start it: the operator runs
	// it behind its stdio bridge, which serves streamable HTTP on config.port and config.path.
	// An addition of this operator.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Stdio"
	Stdio *StdioConfig `json:"stdio,omitempty"`

	// Gateway registers the server with a gateway through an MCPGatewayBinding-style provider.
	// The provider "httproute" routes a Gateway API Gateway (named in the ConfigMap configRef,
	// keys gateway-name and gateway-namespace, optional hostname) to the server's Service on
	// config.path; other providers are refused in Accepted. Only in v1beta1: a v1alpha1 write
	// keeps it (see the conversion).
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Gateway"
	Gateway *GatewayConfig `json:"gateway,omitempty"`
}

// GatewayConfig says which gateway provider publishes the server, and with what settings.
type GatewayConfig struct {
	// Provider names the gateway integration, for example httproute.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Gateway Provider",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:text"}
	Provider string `json:"provider"`

	// ConfigRef names a ConfigMap in the server's namespace holding the provider's settings.
	// Optional in the schema; the httproute provider requires it.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Gateway Config",xDescriptors={"urn:alm:descriptor:io.kubernetes:ConfigMap"}
	ConfigRef string `json:"configRef,omitempty"`
}

// TransportConfig is how the server is spoken to.
type TransportConfig struct {
	// TLS makes the operator's handshake, and the address in status, use HTTPS. The server's
	// image serves TLS itself; the operator is only a client.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="TLS"
	TLS *TransportTLS `json:"tls,omitempty"`
}

// TransportTLS configures HTTPS to the server.
// +kubebuilder:validation:XValidation:rule="!has(self.caBundleSecret) || !has(self.insecureSkipVerify) || !self.insecureSkipVerify",message="insecureSkipVerify and caBundleSecret are mutually exclusive"
type TransportTLS struct {
	// Enabled switches the handshake and status.address.url to https. Off, the rest of this
	// section is ignored.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Enabled",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:booleanSwitch"}
	Enabled bool `json:"enabled,omitempty"`

	// CABundleSecret names a Secret in the server's namespace whose key ca.crt holds the PEM
	// certificates the operator trusts for the server, and only those. Unset: the system roots.
	// A change of ca.crt rolls the server's pods and verifies it again.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="CA Bundle Secret",xDescriptors={"urn:alm:descriptor:io.kubernetes:Secret"}
	CABundleSecret *CABundleSecretReference `json:"caBundleSecret,omitempty"`

	// InsecureSkipVerify turns certificate verification off, for development only: the
	// operator then warns with an event. Not allowed with CABundleSecret.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Insecure Skip Verify",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:booleanSwitch"}
	InsecureSkipVerify bool `json:"insecureSkipVerify,omitempty"`
}

// CABundleSecretReference names the Secret holding a CA bundle under the key ca.crt.
type CABundleSecretReference struct {
	// Name of the Secret, in the MCPServer's namespace.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`
}

// CABundleKey is the key of the CA bundle in a TransportTLS.CABundleSecret.
const CABundleKey = "ca.crt"

// NetworkConfig shapes the server's NetworkPolicy. Peers and ports are Kubernetes'
// NetworkPolicyPeer and NetworkPolicyPort. What a CEL rule can check is refused at admission,
// with the item's field path; CIDRs (which Kubernetes parses more leniently than CEL's cidr())
// and port names (a regex on an int-or-string exceeds the CEL cost budget) are checked by the
// operator and reported in Accepted=False.
type NetworkConfig struct {
	// IngressFrom are the peers allowed to reach the server's port. Empty: any source (under
	// the operator's default posture). Once set, include the operator itself (its namespace
	// and pods) or the server is never verified.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=100
	// +kubebuilder:validation:items:XValidation:rule="has(self.podSelector) || has(self.namespaceSelector) || has(self.ipBlock)",message="must specify at least one of podSelector, namespaceSelector, or ipBlock"
	// +kubebuilder:validation:items:XValidation:rule="!has(self.ipBlock) || (!has(self.podSelector) && !has(self.namespaceSelector))",message="ipBlock cannot be combined with podSelector or namespaceSelector"
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Ingress From",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:advanced"}
	IngressFrom []networkingv1.NetworkPolicyPeer `json:"ingressFrom,omitempty"`

	// EgressTo are the peers the server may connect to. With EgressTo or EgressPorts set, the
	// server may connect only to DNS (see DNSEgressPeer) and to these peers on these ports.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=100
	// +kubebuilder:validation:items:XValidation:rule="has(self.podSelector) || has(self.namespaceSelector) || has(self.ipBlock)",message="must specify at least one of podSelector, namespaceSelector, or ipBlock"
	// +kubebuilder:validation:items:XValidation:rule="!has(self.ipBlock) || (!has(self.podSelector) && !has(self.namespaceSelector))",message="ipBlock cannot be combined with podSelector or namespaceSelector"
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Egress To",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:advanced"}
	EgressTo []networkingv1.NetworkPolicyPeer `json:"egressTo,omitempty"`

	// EgressPorts are the ports the server may connect to on EgressTo's peers (any peer when
	// EgressTo is empty). Empty: every port.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=100
	// +kubebuilder:validation:items:XValidation:rule="!has(self.protocol) || self.protocol in ['TCP', 'UDP', 'SCTP']",message="protocol must be TCP, UDP or SCTP"
	// +kubebuilder:validation:items:XValidation:rule="!has(self.port) || type(self.port) != int || (self.port >= 1 && self.port <= 65535)",message="port must be between 1 and 65535"
	// +kubebuilder:validation:items:XValidation:rule="!has(self.endPort) || (has(self.port) && type(self.port) == int)",message="endPort needs a numeric port"
	// +kubebuilder:validation:items:XValidation:rule="!has(self.endPort) || !has(self.port) || type(self.port) != int || (self.endPort >= int(self.port) && self.endPort <= 65535)",message="endPort must be at least port and at most 65535"
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Egress Ports",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:advanced"}
	EgressPorts []networkingv1.NetworkPolicyPort `json:"egressPorts,omitempty"`

	// DNSEgressPeer is where the server may send DNS queries (port 53, UDP and TCP) once
	// egress is restricted; unset, any destination. It takes effect only when EgressTo or
	// EgressPorts is set.
	// +optional
	// +kubebuilder:validation:XValidation:rule="has(self.podSelector) || has(self.namespaceSelector) || has(self.ipBlock)",message="must specify at least one of podSelector, namespaceSelector, or ipBlock"
	// +kubebuilder:validation:XValidation:rule="!has(self.ipBlock) || (!has(self.podSelector) && !has(self.namespaceSelector))",message="ipBlock cannot be combined with podSelector or namespaceSelector"
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="DNS Egress Peer",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:advanced"}
	DNSEgressPeer *networkingv1.NetworkPolicyPeer `json:"dnsEgressPeer,omitempty"`
}

// ExposeConfig says how the server is reached from outside the cluster.
// +kubebuilder:validation:MinProperties=1
type ExposeConfig struct {
	// Route exposes the server through an OpenShift Route, when the cluster serves the Route API
	// (route.openshift.io/v1). Elsewhere the Exposed condition says it is not possible.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="OpenShift Route"
	Route *RouteExposure `json:"route,omitempty"`
}

// RouteExposure configures the OpenShift Route that exposes the server.
// +kubebuilder:validation:XValidation:rule="!has(self.path) || !has(self.tls) || !has(self.tls.termination) || self.tls.termination != 'passthrough'",message="a passthrough Route cannot have a path: the router does not terminate TLS, so it cannot see the path"
// +kubebuilder:validation:XValidation:rule="!has(self.tls) || !has(self.tls.termination) || self.tls.termination != 'passthrough' || !has(self.tls.insecureEdgeTerminationPolicy) || self.tls.insecureEdgeTerminationPolicy != 'Allow'",message="a passthrough Route cannot allow plain HTTP: insecureEdgeTerminationPolicy must be None or Redirect"
type RouteExposure struct {
	// Host is the external host name, a DNS-1123 subdomain. Empty, the router assigns one.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:XValidation:rule="!format.dns1123Subdomain().validate(self).hasValue()",message="host must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit"
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Host",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:text"}
	Host string `json:"host,omitempty"`

	// Path restricts the Route to requests under this path, for example /mcp. Empty, the Route
	// takes every path of its host. Not allowed with passthrough termination.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:XValidation:rule="self.startsWith('/')",message="path must start with '/'"
	// +kubebuilder:validation:XValidation:rule="!self.contains(' ') && !self.contains('?') && !self.contains('#')",message="path must not contain spaces, '?' or '#'"
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Path",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:text"}
	Path string `json:"path,omitempty"`

	// TLS configures how the router handles TLS. Unset: edge termination, plain HTTP redirected
	// to HTTPS.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="TLS"
	TLS *RouteTLS `json:"tls,omitempty"`

	// Annotations are added to the Route, for the router (for example
	// haproxy.router.openshift.io/timeout for long-lived MCP streams).
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Route Annotations",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:advanced"}
	Annotations map[string]string `json:"annotations,omitempty"`
}

// RouteTLS configures the router's TLS handling for the server's Route.
type RouteTLS struct {
	// Termination is where TLS ends: edge (at the router, the default), reencrypt (at the router,
	// then again to the pod), or passthrough (at the pod; the server must serve TLS itself).
	// +optional
	// +kubebuilder:default=edge
	// +kubebuilder:validation:Enum=edge;reencrypt;passthrough
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="TLS Termination",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:select:edge","urn:alm:descriptor:com.tectonic.ui:select:reencrypt","urn:alm:descriptor:com.tectonic.ui:select:passthrough"}
	Termination string `json:"termination,omitempty"`

	// InsecureEdgeTerminationPolicy says what happens to plain HTTP requests: Redirect (to
	// HTTPS, the default), None (refused), or Allow (served; not with passthrough).
	// +optional
	// +kubebuilder:default=Redirect
	// +kubebuilder:validation:Enum=Redirect;None;Allow
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Insecure Traffic",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:select:Redirect","urn:alm:descriptor:com.tectonic.ui:select:None","urn:alm:descriptor:com.tectonic.ui:select:Allow"}
	InsecureEdgeTerminationPolicy string `json:"insecureEdgeTerminationPolicy,omitempty"`
}

// SourceType names a kind of MCP server source.
// +kubebuilder:validation:Enum=ContainerImage
type SourceType string

const (
	// SourceTypeContainerImage runs the MCP server from an OCI container image.
	SourceTypeContainerImage SourceType = "ContainerImage"
)

// Source says where the MCP server comes from.
// +kubebuilder:validation:XValidation:rule="self.type == 'ContainerImage' ? has(self.containerImage) : !has(self.containerImage)",message="containerImage is required when type is ContainerImage, and not allowed for any other type"
type Source struct {
	// Type of the source. The only type today is ContainerImage: run the MCP server from the
	// container image in containerImage.
	// +required
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Source Type",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:select:ContainerImage"}
	Type SourceType `json:"type,omitempty"`

	// ContainerImage is the image to run, when type is ContainerImage.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Container Image"
	ContainerImage *ContainerImageSource `json:"containerImage,omitempty"`
}

// ContainerImageSource is an OCI container image that holds the MCP server.
type ContainerImageSource struct {
	// Ref is the image reference: a registry domain, a repository path, and a tag or a digest,
	// for example quay.io/org/server:1.2.3 or registry.example.com:5000/server@sha256:<hex>.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1000
	// +kubebuilder:validation:XValidation:rule=`self.matches('^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?([.][a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*(:[0-9]+)?/')`,message=`must start with a valid registry domain and '/', for example quay.io/ or registry.example.com:5000/: domain labels are letters, digits and '-', separated by '.'`
	// +kubebuilder:validation:XValidation:rule=`!self.contains('/') || self.substring(self.indexOf('/') + 1).matches('^[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*(/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)*([:@]|$)')`,message=`repository name is invalid: after the domain it must be path components of lowercase letters and digits, separated by '.', '_', '__' or '-', joined by '/'`
	// +kubebuilder:validation:XValidation:rule=`self.contains('@') || self.matches(':[^/]*$')`,message=`must end with a tag (for example :1.2.3) or a digest (for example @sha256:<hex>)`
	// +kubebuilder:validation:XValidation:rule=`self.contains('@') || !self.matches(':[^/]*$') || self.matches('(^|/)[^/:]*:[a-zA-Z0-9_][a-zA-Z0-9_.-]*$')`,message=`tag is invalid: it must start with a letter, digit or '_', followed by letters, digits, '_', '.' or '-'`
	// +kubebuilder:validation:XValidation:rule=`self.contains('@') || !self.matches(':[^/:]{128,}$')`,message=`tag is invalid: it must be at most 127 characters`
	// +kubebuilder:validation:XValidation:rule=`!self.contains('@') || self.matches('@[A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*:')`,message=`digest algorithm is invalid: it must be a letter followed by letters and digits, optionally joined by '-', '_', '+' or '.', then ':' (for example sha256:)`
	// +kubebuilder:validation:XValidation:rule=`!self.contains('@') || self.matches('^[^@]*@[^@:]*:[0-9A-Fa-f]*$')`,message=`digest is invalid: the encoded part after the algorithm must contain only hex characters (0-9, a-f, A-F)`
	// +kubebuilder:validation:XValidation:rule=`!self.contains('@') || self.matches('@[^:]*:.{32,}$')`,message=`digest is invalid: the encoded part after the algorithm must be at least 32 characters`
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Image Reference",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:text"}
	Ref string `json:"ref,omitempty"`

	// PullPolicy says when the kubelet pulls the image: Always, IfNotPresent or Never.
	// Unset, Kubernetes decides (Always for a :latest tag, IfNotPresent otherwise).
	// +optional
	// +kubebuilder:validation:Enum=Always;IfNotPresent;Never
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Image Pull Policy",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:imagePullPolicy","urn:alm:descriptor:com.tectonic.ui:advanced"}
	PullPolicy corev1.PullPolicy `json:"pullPolicy,omitempty"`

	// ImagePullSecrets name Secrets in the MCPServer's namespace that hold credentials for
	// pulling the image from a private registry.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Image Pull Secrets",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:advanced"}
	ImagePullSecrets []corev1.LocalObjectReference `json:"imagePullSecrets,omitempty"`
}

// ServerConfig says how the MCP server is configured when it runs.
type ServerConfig struct {
	// Port the MCP server listens on inside the container, 1 to 65535. The Service exposes the
	// same port, named "mcp".
	// +required
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=65535
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Port",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:number"}
	Port int32 `json:"port,omitempty"`

	// Path is the HTTP path of the MCP endpoint (Streamable HTTP or SSE), appended to the
	// Service address in status.address.url. It starts with '/', and has no spaces, '?', '#',
	// or control characters. Defaults to /mcp.
	// +optional
	// +kubebuilder:default="/mcp"
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:XValidation:rule="self.startsWith('/')",message="path must start with '/'"
	// +kubebuilder:validation:XValidation:rule="!self.contains(' ')",message="path must not contain spaces"
	// +kubebuilder:validation:XValidation:rule="!self.contains('?')",message="path must not contain '?': a query string does not belong in the path"
	// +kubebuilder:validation:XValidation:rule="!self.contains('#')",message="path must not contain '#': a fragment does not belong in the path"
	// +kubebuilder:validation:XValidation:rule=`!self.contains('\n') && !self.contains('\r') && !self.contains('\t')`,message="path must not contain newlines, carriage returns or tabs"
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="MCP Path",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:text"}
	Path string `json:"path,omitempty"`

	// Arguments are the container's arguments, for example ["--config", "/etc/mcp-config/config.toml"].
	// Unset, the image's default arguments apply. Empty strings are not allowed.
	// +optional
	// +kubebuilder:validation:XValidation:rule="self.all(arg, arg.size() > 0)",message="arguments must not contain empty strings"
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Arguments"
	Arguments []string `json:"arguments,omitempty"`

	// Env sets environment variables in the MCP server container, with the full Kubernetes
	// EnvVar API (valueFrom secretKeyRef and configMapKeyRef included). Referenced ConfigMaps
	// and Secrets must exist, unless marked optional.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Environment Variables",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:advanced"}
	Env []corev1.EnvVar `json:"env,omitempty"`

	// EnvFrom fills environment variables from every key of a ConfigMap or Secret. Referenced
	// ConfigMaps and Secrets must exist, unless marked optional.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Environment From",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:advanced"}
	EnvFrom []corev1.EnvFromSource `json:"envFrom,omitempty"`

	// Storage mounts ConfigMaps, Secrets and EmptyDirs into the container, one item per mount
	// path (1 to 64 items). A read-only root filesystem is the default, so a server that writes
	// to /tmp needs an EmptyDir mounted there.
	// +optional
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=64
	// +listType=map
	// +listMapKey=path
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Storage Mounts"
	Storage []StorageMount `json:"storage,omitempty"`
}

// MountPermissions says how a storage mount may be accessed.
// +kubebuilder:validation:Enum=ReadOnly;ReadWrite;RecursiveReadOnly
type MountPermissions string

const (
	// MountPermissionsReadOnly mounts the volume read-only.
	MountPermissionsReadOnly MountPermissions = "ReadOnly"
	// MountPermissionsReadWrite mounts the volume read-write.
	MountPermissionsReadWrite MountPermissions = "ReadWrite"
	// MountPermissionsRecursiveReadOnly mounts the volume and every mount below it read-only.
	MountPermissionsRecursiveReadOnly MountPermissions = "RecursiveReadOnly"
)

// StorageMount mounts one volume into the MCP server container.
type StorageMount struct {
	// Path where the volume is mounted in the container: absolute, 1 to 4096 characters,
	// without ':'. Each path appears once in the list.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=4096
	// +kubebuilder:validation:XValidation:rule="self.startsWith('/')",message="path must be absolute (start with '/')"
	// +kubebuilder:validation:XValidation:rule="!self.contains(':')",message="path must not contain ':'"
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Mount Path",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:text"}
	Path string `json:"path,omitempty"`

	// Permissions of the mount: ReadOnly (the default, for every source type), ReadWrite, or
	// RecursiveReadOnly (the mount and every mount below it read-only).
	// +optional
	// +kubebuilder:default=ReadOnly
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Mount Permissions",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:select:ReadOnly","urn:alm:descriptor:com.tectonic.ui:select:ReadWrite","urn:alm:descriptor:com.tectonic.ui:select:RecursiveReadOnly"}
	Permissions MountPermissions `json:"permissions,omitempty"`

	// Source of the volume: a ConfigMap, a Secret or an EmptyDir.
	// +required
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Volume Source"
	Source StorageSource `json:"source,omitzero"`
}

// StorageType names a kind of volume source.
// +kubebuilder:validation:Enum=ConfigMap;Secret;EmptyDir
type StorageType string

const (
	// StorageTypeConfigMap mounts a ConfigMap.
	StorageTypeConfigMap StorageType = "ConfigMap"
	// StorageTypeSecret mounts a Secret.
	StorageTypeSecret StorageType = "Secret"
	// StorageTypeEmptyDir mounts an empty scratch directory.
	StorageTypeEmptyDir StorageType = "EmptyDir"
)

// StorageSource is the volume behind a storage mount. Exactly the field that matches type is set.
// +kubebuilder:validation:XValidation:rule="self.type == 'ConfigMap' ? has(self.configMap) : !has(self.configMap)",message="configMap is required when type is ConfigMap, and not allowed for any other type"
// +kubebuilder:validation:XValidation:rule="self.type == 'Secret' ? has(self.secret) : !has(self.secret)",message="secret is required when type is Secret, and not allowed for any other type"
// +kubebuilder:validation:XValidation:rule="self.type == 'EmptyDir' ? has(self.emptyDir) : !has(self.emptyDir)",message="emptyDir is required when type is EmptyDir, and not allowed for any other type"
type StorageSource struct {
	// Type of the volume: ConfigMap, Secret or EmptyDir.
	// +required
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Volume Type",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:select:ConfigMap","urn:alm:descriptor:com.tectonic.ui:select:Secret","urn:alm:descriptor:com.tectonic.ui:select:EmptyDir"}
	Type StorageType `json:"type,omitempty"`

	// ConfigMap to mount, when type is ConfigMap (the Kubernetes ConfigMapVolumeSource).
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="ConfigMap"
	ConfigMap *corev1.ConfigMapVolumeSource `json:"configMap,omitempty"`

	// Secret to mount, when type is Secret (the Kubernetes SecretVolumeSource).
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Secret"
	Secret *corev1.SecretVolumeSource `json:"secret,omitempty"`

	// EmptyDir to mount, when type is EmptyDir (the Kubernetes EmptyDirVolumeSource).
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="EmptyDir"
	EmptyDir *corev1.EmptyDirVolumeSource `json:"emptyDir,omitempty"`
}

// RuntimeConfig says how the MCP server runs. When present it must not be empty.
// +kubebuilder:validation:MinProperties=1
type RuntimeConfig struct {
	// Replicas is the number of MCP server pods. Unset means 1; 0 scales the server to zero,
	// which is a healthy state (Available=True, reason ScaledToZero).
	// +optional
	// +kubebuilder:validation:Minimum=0
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Replicas",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:podCount"}
	Replicas *int32 `json:"replicas,omitempty"`

	// Security holds the service account and security contexts of the MCP server pods.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Security"
	Security SecurityConfig `json:"security,omitzero"`

	// Resources are the container's CPU and memory requests and limits.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Resources",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:resourceRequirements"}
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`

	// Health holds the container's liveness and readiness probes. When present it must not be
	// empty. Without a readiness probe the operator adds a TCP probe on config.port.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Health Probes",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:advanced"}
	Health HealthConfig `json:"health,omitzero"`
}

// SecurityConfig holds the identity and security contexts of the MCP server pods.
// Unset, the restricted Pod Security Standard applies: non-root, read-only root filesystem,
// all capabilities dropped, no privilege escalation, seccomp RuntimeDefault. No user or group ID
// is fixed, so OpenShift can assign one from the namespace's range.
type SecurityConfig struct {
	// ServiceAccountName is the ServiceAccount the pods run as: empty (the namespace's default
	// ServiceAccount) or a DNS-1123 subdomain of at most 253 characters.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:XValidation:rule="self == '' || !format.dns1123Subdomain().validate(self).hasValue()",message="serviceAccountName must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit"
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Service Account",xDescriptors={"urn:alm:descriptor:io.kubernetes:ServiceAccount"}
	ServiceAccountName string `json:"serviceAccountName,omitempty"`

	// PodSecurityContext replaces the operator's pod-level security context when set.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Pod Security Context",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:advanced"}
	PodSecurityContext *corev1.PodSecurityContext `json:"podSecurityContext,omitempty"`

	// SecurityContext replaces the operator's container-level security context when set.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Container Security Context",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:advanced"}
	SecurityContext *corev1.SecurityContext `json:"securityContext,omitempty"`
}

// HealthConfig holds the MCP server container's probes, passed to the container unchanged.
// When present it must not be empty.
// +kubebuilder:validation:MinProperties=1
type HealthConfig struct {
	// LivenessProbe restarts the container when it fails. Unset, there is none.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Liveness Probe",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:advanced"}
	LivenessProbe *corev1.Probe `json:"livenessProbe,omitempty"`

	// ReadinessProbe decides when a pod receives traffic. Unset, the operator adds a TCP probe
	// on config.port.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Readiness Probe",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:advanced"}
	ReadinessProbe *corev1.Probe `json:"readinessProbe,omitempty"`
}

// RolloutVerification says whether pods are verified before they take traffic.
// +kubebuilder:validation:Enum=PerPod;None
type RolloutVerification string

const (
	// RolloutVerifyPerPod: each pod carries the readiness gate mcp.x-k8s.io/verified, which the
	// operator sets after an MCP handshake with that pod; a pod takes traffic only then.
	RolloutVerifyPerPod RolloutVerification = "PerPod"
	// RolloutVerifyNone: pods take traffic once their readiness probe passes (Kubernetes' plain
	// rolling update); the server is still verified through its Service.
	RolloutVerifyNone RolloutVerification = "None"
)

// RolloutConfig is how new revisions of the server are rolled out.
type RolloutConfig struct {
	// Verify is PerPod (each pod verified before it takes traffic, and a revision that is not
	// verified by the deadline rolled back) or None. Unset, the admin default applies (PerPod as
	// shipped).
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Verify",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:select:PerPod","urn:alm:descriptor:com.tectonic.ui:select:None"}
	Verify RolloutVerification `json:"verify,omitempty"`

	// AllowToolRemoval lets a new revision serve fewer tools than the last verified revision.
	// Without it, a revision that drops a tool is held: its pods are not verified and, past the
	// deadline, it is rolled back.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Allow Tool Removal",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:booleanSwitch"}
	AllowToolRemoval bool `json:"allowToolRemoval,omitempty"`

	// DeadlineSeconds is how long a new revision may take to have all its pods verified before
	// the operator rolls the Deployment back to the last verified revision. Unset: the
	// Deployment's progress deadline (600 seconds unless the admin values set another).
	// +optional
	// +kubebuilder:validation:Minimum=10
	// +kubebuilder:validation:Maximum=86400
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Deadline Seconds",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:number"}
	DeadlineSeconds *int32 `json:"deadlineSeconds,omitempty"`
}

// StdioSessions says how the sessions of a stdio server map to its processes.
// +kubebuilder:validation:Enum=PerSession;Shared
type StdioSessions string

const (
	// StdioPerSession starts a process for each MCP session: the server may keep session state.
	StdioPerSession StdioSessions = "PerSession"
	// StdioShared serves every session from one process per pod: only for servers that keep
	// no session state.
	StdioShared StdioSessions = "Shared"
)

// StdioConfig says that the server speaks MCP over stdio only, and how to start it. The
// operator runs it behind its stdio bridge, which serves streamable HTTP on config.port and
// config.path. An addition of this operator.
type StdioConfig struct {
	// Command is the program to run and its first arguments, without a shell; the program is
	// looked up in the image's PATH and config.arguments follow it. Unset, the image's
	// entrypoint and command are read from its registry (with the pull secrets).
	// +optional
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=4096
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Command"
	Command []string `json:"command,omitempty"`

	// Sessions is PerSession (a process for each MCP session, the default) or Shared (one
	// process per pod serves every session, for servers that keep no session state).
	// +optional
	// +kubebuilder:default=PerSession
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Sessions",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:select:PerSession","urn:alm:descriptor:com.tectonic.ui:select:Shared"}
	Sessions StdioSessions `json:"sessions,omitempty"`

	// MaxSessions bounds the sessions each pod serves at once, 1 to 1024 (default 32). One more
	// is refused with HTTP 503 until a session ends.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=1024
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Max Sessions",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:number","urn:alm:descriptor:com.tectonic.ui:advanced"}
	MaxSessions *int32 `json:"maxSessions,omitempty"`

	// IdleTimeoutSeconds ends a session that had no request and no open event stream for so
	// long, 10 to 86400 (default 900); in PerSession mode its process stops with it.
	// +optional
	// +kubebuilder:validation:Minimum=10
	// +kubebuilder:validation:Maximum=86400
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Idle Timeout Seconds",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:number","urn:alm:descriptor:com.tectonic.ui:advanced"}
	IdleTimeoutSeconds *int32 `json:"idleTimeoutSeconds,omitempty"`
}

// MCPConfig describes how the server behaves as an MCP server.
type MCPConfig struct {
	// Stateless says the server keeps no session state, so requests may go to any replica
	// (Service sessionAffinity None). False or unset, a client sticks to one pod
	// (sessionAffinity ClientIP), because MCP sessions usually live in one process.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=spec,displayName="Stateless",xDescriptors={"urn:alm:descriptor:com.tectonic.ui:booleanSwitch"}
	Stateless *bool `json:"stateless,omitempty"`
}

// MCPServer runs a Model Context Protocol server: the operator turns it into a hardened
// Deployment and a Service, checks that the server really speaks MCP, and reports its address
// and identity in status.
//
// +kubebuilder:object:root=true
// +kubebuilder:storageversion
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=mcps
// +operator-sdk:csv:customresourcedefinitions:displayName="MCP Server",resources={{Deployment,v1},{Service,v1},{NetworkPolicy,v1},{Route,v1},{HTTPRoute,v1}}
// +kubebuilder:printcolumn:name="Accepted",type=string,JSONPath=`.status.conditions[?(@.type=="Accepted")].status`
// +kubebuilder:printcolumn:name="Available",type=string,JSONPath=`.status.conditions[?(@.type=="Available")].status`
// +kubebuilder:printcolumn:name="Verified",type=string,JSONPath=`.status.conditions[?(@.type=="Verified")].status`
// +kubebuilder:printcolumn:name="Image",type=string,JSONPath=`.spec.source.containerImage.ref`
// +kubebuilder:printcolumn:name="Port",type=integer,JSONPath=`.spec.config.port`
// +kubebuilder:printcolumn:name="Address",type=string,JSONPath=`.status.address.url`
// +kubebuilder:printcolumn:name="Phase",type=string,priority=1,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="Reason",type=string,priority=1,JSONPath=`.status.conditions[?(@.type=="Verified")].reason`
// +kubebuilder:printcolumn:name="Tools",type=integer,priority=1,JSONPath=`.status.tools.count`
// +kubebuilder:printcolumn:name="Protocol",type=string,priority=1,JSONPath=`.status.serverInfo.protocolVersion`
// +kubebuilder:printcolumn:name="Rollout",type=string,priority=1,JSONPath=`.status.conditions[?(@.type=="RolloutVerified")].reason`
// +kubebuilder:printcolumn:name="External URL",type=string,priority=1,JSONPath=`.status.address.externalURL`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type MCPServer struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitzero"`

	// Spec is the MCP server the user asks for.
	// +required
	Spec MCPServerSpec `json:"spec"`

	// Status is what the operator observed.
	// +optional
	Status MCPServerStatus `json:"status,omitzero"`
}

// MCPServerList is a list of MCPServers.
//
// +kubebuilder:object:root=true
type MCPServerList struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ListMeta `json:"metadata,omitzero"`
	// Items are the MCPServers.
	Items []MCPServer `json:"items"`
}

func init() {
	SchemeBuilder.Register(&MCPServer{}, &MCPServerList{})
}
