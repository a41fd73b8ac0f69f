// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package v1beta1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Condition types of an MCPServer, as upstream's v1beta1 names them, and ours.
const (
	// ConditionAccepted is True once the spec and everything it references check out.
	ConditionAccepted = "Accepted"
	// ConditionAvailable is True once the workload runs: the Deployment, Service and
	// NetworkPolicy are reconciled and a replica is available (or replicas is 0 on purpose). It
	// turns True in the same status write as the first MCP handshake's verdict, as upstream's
	// synchronous handshake does, so that a v1alpha1 reader never sees Ready=True before the
	// server spoke MCP.
	ConditionAvailable = "Available"
	// ConditionVerified is True once the server answered an MCP handshake at its address.
	ConditionVerified = "Verified"
	// ConditionGatewayRegistered reports the gateway route that spec.gateway asks for; absent
	// when spec.gateway is unset.
	ConditionGatewayRegistered = "GatewayRegistered"
	// ConditionExposed reports the Route that spec.expose.route asks for; absent when no
	// exposure is asked for. Ours.
	ConditionExposed = "Exposed"

	// ConditionNetworkPolicyRestricted says whether the server's NetworkPolicy limits who may
	// reach its port (True) or lets any pod in (False), and what it allows out. Ours, after
	// upstream's proposed condition of the same name.
	ConditionNetworkPolicyRestricted = "NetworkPolicyRestricted"
	// ReasonNetworkRestricted: only the policy's peers may reach the port.
	ReasonNetworkRestricted = "Restricted"
	// ReasonNetworkUnrestricted: any pod may reach the port.
	ReasonNetworkUnrestricted = "Unrestricted"
	// ReasonNoNetworkPolicy: the admin values turn the server's NetworkPolicy off.
	ReasonNoNetworkPolicy = "NoNetworkPolicy"
)

// Reasons of the Exposed condition.
const (
	// ReasonRouteAdmitted (True): a router admitted the Route; status.address.externalURL is set.
	ReasonRouteAdmitted = "Admitted"
	// ReasonRoutePending (Unknown): the Route exists and no router has answered yet.
	ReasonRoutePending = "AwaitingAdmission"
	// ReasonRouteRejected (False): the router rejected the Route; the message says why.
	ReasonRouteRejected = "RouteRejected"
	// ReasonRouteAPIUnavailable (False): the cluster does not serve route.openshift.io/v1.
	ReasonRouteAPIUnavailable = "RouteAPIUnavailable"
)

// Reasons of the Accepted condition.
const (
	// ReasonValid: the spec and every referenced ConfigMap and Secret check out.
	ReasonValid = "Valid"
	// ReasonInvalid: something the spec references is missing or wrong; the message names it.
	ReasonInvalid = "Invalid"
)

// Reasons of the Available condition. Pod-level detail (ImagePullBackOff, CrashLoopBackOff,
// OOMKilled, failing probes) goes into the message, not the reason.
const (
	// ReasonAvailable (True): a replica of the Deployment is available.
	ReasonAvailable = "Available"
	// ReasonScaledToZero (True): replicas is 0 on purpose.
	ReasonScaledToZero = "ScaledToZero"
	// ReasonInitializing (Unknown): the operator has not observed enough yet to decide: the
	// Deployment has not reported on its latest spec, or the first handshake is under way.
	ReasonInitializing = "Initializing"
	// ReasonConfigurationInvalid (False): Accepted is False, so nothing is rolled out.
	ReasonConfigurationInvalid = "ConfigurationInvalid"
	// ReasonDeploymentUnavailable (False): no pod of the Deployment is available.
	ReasonDeploymentUnavailable = "DeploymentUnavailable"
	// ReasonGatewayNotRegistered (False): spec.gateway asks for a gateway route that is not
	// registered yet, or cannot be.
	ReasonGatewayNotRegistered = "GatewayNotRegistered"
)

// Reasons of the Verified condition.
const (
	// ReasonVerified (True): the server answered the MCP initialize handshake.
	ReasonVerified = "Verified"
	// ReasonAuthenticationRequired (True): the server answered with MCP's authorization
	// challenge (HTTP 401, WWW-Authenticate: Bearer). It serves MCP; the operator has no
	// credentials to list its tools. Ours, where upstream says AuthSkipped.
	ReasonAuthenticationRequired = "AuthenticationRequired"
	// ReasonAuthSkipped (True): upstream's reason for a server that asked for authentication;
	// accepted in conditions written by others, and read like AuthenticationRequired.
	ReasonAuthSkipped = "AuthSkipped"
	// ReasonEndpointUnavailable (False): the pods run but the MCP handshake failed.
	ReasonEndpointUnavailable = "EndpointUnavailable"
	// ReasonNotVerified (Unknown): no verdict yet: the workload is not available (scaled to
	// zero included), or the first handshake at this generation is under way.
	ReasonNotVerified = "NotVerified"
)

// ConditionRolloutVerified reports the rollout of the newest revision under per-pod
// verification (spec.rollout); absent when verification is off.
const ConditionRolloutVerified = "RolloutVerified"

// Reasons of the RolloutVerified condition.
const (
	// ReasonRolloutVerified (True): every pod of the newest revision answered an MCP handshake.
	ReasonRolloutVerified = "Verified"
	// ReasonRolloutVerifying (Unknown): the newest revision's pods are being verified.
	ReasonRolloutVerifying = "Verifying"
	// ReasonRolloutHeld (False): the newest revision serves fewer tools than the last verified
	// one, and spec.rollout.allowToolRemoval is off: its pods take no traffic.
	ReasonRolloutHeld = "ToolsRemoved"
	// ReasonRolloutFailing (False): a pod of the newest revision failed its handshake; the old
	// pods still serve until the deadline, then the revision is rolled back.
	ReasonRolloutFailing = "VerificationFailed"
	// ReasonRolledBack (False): the newest revision was not verified by the deadline and the
	// Deployment runs the last verified revision again; it is not tried again until the spec or
	// a referenced ConfigMap or Secret changes.
	ReasonRolledBack = "RolledBack"
	// ReasonRollbackUnavailable (False): the revision failed and there is no verified revision
	// to go back to (the first revision, or its ReplicaSet is gone).
	ReasonRollbackUnavailable = "NoVerifiedRevision"
)

// Reasons of the GatewayRegistered condition.
const (
	// ReasonGatewayRegistered (True): the gateway route exists and its gateway accepted it.
	ReasonGatewayRegistered = "GatewayRegistered"
	// ReasonGatewayPending (False): the route exists; its gateway has not accepted it yet.
	ReasonGatewayPending = "GatewayNotRegistered"
	// ReasonGatewayAPIUnavailable (False): the cluster does not serve the Gateway API's
	// HTTPRoute, so the httproute provider cannot route.
	ReasonGatewayAPIUnavailable = "GatewayAPIUnavailable"
)

// Phase is a one-word summary of the conditions, for readers that show one (the OpenShift AI
// dashboard reads status.phase). Ours, on every served version.
// +kubebuilder:validation:Enum=Pending;Available;Failed
type Phase string

const (
	// PhasePending: not decided yet (Accepted or Available Unknown, or the handshake pending).
	PhasePending Phase = "Pending"
	// PhaseAvailable: Accepted, Available and Verified are True, or Available is True because
	// the server is scaled to zero on purpose.
	PhaseAvailable Phase = "Available"
	// PhaseFailed: Accepted, Available or Verified is False.
	PhaseFailed Phase = "Failed"
)

// MCPServerStatus is what the operator observed of an MCPServer.
type MCPServerStatus struct {
	// ObservedGeneration is the metadata.generation this status describes.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Observed Generation",xDescriptors={"urn:alm:descriptor:text"}
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// DeploymentName is the Deployment the operator owns for this MCPServer.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Deployment",xDescriptors={"urn:alm:descriptor:io.kubernetes:Deployment"}
	DeploymentName string `json:"deploymentName,omitempty"`

	// ServiceName is the Service the operator owns for this MCPServer.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Service",xDescriptors={"urn:alm:descriptor:io.kubernetes:Service"}
	ServiceName string `json:"serviceName,omitempty"`

	// Address is where MCP clients connect.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Address"
	Address *MCPServerAddress `json:"address,omitempty"`

	// ServerInfo is what the server said about itself in the MCP initialize handshake.
	// Set only after a successful handshake.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Server Info"
	ServerInfo *MCPServerInfo `json:"serverInfo,omitempty"`

	// Tools is the server's tool inventory from its last successful handshake.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Tools"
	Tools *MCPServerTools `json:"tools,omitempty"`

	// HandshakeRetryCount counts consecutive failed MCP handshakes for this generation.
	// It returns to 0 after a successful handshake or a spec change. Kept in the cluster, so
	// that a restarted operator backs off as before.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Handshake Retries",xDescriptors={"urn:alm:descriptor:text"}
	HandshakeRetryCount int32 `json:"handshakeRetryCount,omitempty"`

	// Replicas is the number of pods the Deployment targets.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Replicas",xDescriptors={"urn:alm:descriptor:text"}
	Replicas int32 `json:"replicas,omitempty"`

	// ReadyReplicas is the number of the Deployment's pods that are ready.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Ready Replicas",xDescriptors={"urn:alm:descriptor:text"}
	ReadyReplicas int32 `json:"readyReplicas,omitempty"`

	// Phase summarises the conditions in one word: Available, Pending or Failed.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Phase",xDescriptors={"urn:alm:descriptor:io.kubernetes.phase"}
	Phase Phase `json:"phase,omitempty"`

	// GatewayBinding names the gateway binding of spec.gateway, and its provider; the
	// httproute provider's binding is the HTTPRoute of that name.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Gateway Binding"
	GatewayBinding *GatewayBindingReference `json:"gatewayBinding,omitempty"`

	// Rollout is what the operator remembers of rollouts under per-pod verification: the last
	// verified revision, the newest revision and since when it rolls out, its tool changes, and
	// the revision it rolled back.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Rollout"
	Rollout *MCPServerRollout `json:"rollout,omitempty"`

	// Conditions are the latest observations: Accepted (the spec and its references check out),
	// Available (the workload runs), Verified (the server speaks MCP), and NetworkPolicyRestricted,
	// Exposed and GatewayRegistered where they apply. Each is stamped with the generation it
	// describes.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Conditions",xDescriptors={"urn:alm:descriptor:io.kubernetes.conditions"}
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// MCPServerRollout is the state of rollouts under per-pod verification. It lives in the cluster
// so that a restarted operator, or a new leader, carries a rollout or a rollback on correctly.
type MCPServerRollout struct {
	// VerifiedRevision is the pod-template-hash of the last revision whose pods were all
	// verified: the revision a failed rollout returns to.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Verified Revision",xDescriptors={"urn:alm:descriptor:text"}
	VerifiedRevision string `json:"verifiedRevision,omitempty"`

	// Revision is the pod-template-hash of the Deployment's newest revision.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Revision",xDescriptors={"urn:alm:descriptor:text"}
	Revision string `json:"revision,omitempty"`

	// Since is when the operator first saw the newest revision; the deadline counts from here.
	// +optional
	Since *metav1.Time `json:"since,omitempty"`

	// ToolChanges is how the newest revision's tools differ from the verified revision's.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Tool Changes"
	ToolChanges *MCPServerToolChanges `json:"toolChanges,omitempty"`

	// RolledBack is the revision last rolled back, and why. While the MCPServer's generation
	// and configuration hash are the ones recorded here, that revision is not tried again.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Rolled Back"
	RolledBack *MCPServerRolledBack `json:"rolledBack,omitempty"`
}

// MCPServerToolChanges is a difference of tool inventories.
type MCPServerToolChanges struct {
	// Added are tools the newest revision serves and the verified one did not.
	// +optional
	// +listType=atomic
	Added []string `json:"added,omitempty"`
	// Removed are tools the verified revision served and the newest one does not.
	// +optional
	// +listType=atomic
	Removed []string `json:"removed,omitempty"`
	// DigestChanged: some tool's definition (description, schema) changed.
	// +optional
	DigestChanged bool `json:"digestChanged,omitempty"`
}

// MCPServerRolledBack records a rolled-back revision.
type MCPServerRolledBack struct {
	// Revision is the pod-template-hash of the revision rolled back.
	Revision string `json:"revision"`
	// Generation and ConfigHash are the MCPServer's generation and the digest of its
	// referenced ConfigMaps and Secrets that rendered it.
	Generation int64 `json:"generation"`
	// +optional
	ConfigHash string `json:"configHash,omitempty"`
	// Reason and Message are the handshake's finding.
	// +optional
	Reason string `json:"reason,omitempty"`
	// +optional
	Message string `json:"message,omitempty"`
	// Time is when the operator rolled back.
	// +optional
	Time *metav1.Time `json:"time,omitempty"`
}

// GatewayBindingReference names the object that registers the server with its gateway.
type GatewayBindingReference struct {
	// Name of the binding, in the server's namespace.
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Binding Name",xDescriptors={"urn:alm:descriptor:text"}
	Name string `json:"name"`
	// Provider that made the binding.
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Binding Provider",xDescriptors={"urn:alm:descriptor:text"}
	Provider string `json:"provider"`
}

// MCPServerAddress is where MCP clients connect.
type MCPServerAddress struct {
	// URL is the MCP endpoint: the gateway's URL when spec.gateway's route is registered,
	// otherwise the cluster-internal
	// http(s)://<name>.<namespace>.svc.<cluster domain>:<port><path>. Published only while
	// Verified is True.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="MCP Endpoint",xDescriptors={"urn:alm:descriptor:org.w3:link"}
	URL string `json:"url,omitempty"`

	// ExternalURL is the MCP endpoint outside the cluster, through the admitted Route
	// (https://<host><path>); set only while spec.expose.route is and a router admitted it.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="External MCP Endpoint",xDescriptors={"urn:alm:descriptor:org.w3:link"}
	ExternalURL string `json:"externalURL,omitempty"`
}

// MCPServerInfo is the server's identity and capabilities from its MCP server/discover or
// initialize result.
type MCPServerInfo struct {
	// Name the server reports for itself.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Server Name",xDescriptors={"urn:alm:descriptor:text"}
	Name string `json:"name,omitempty"`

	// Version the server reports for itself.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Server Version",xDescriptors={"urn:alm:descriptor:text"}
	Version string `json:"version,omitempty"`

	// ProtocolVersion is the MCP protocol version the server and the operator agreed on.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="MCP Protocol Version",xDescriptors={"urn:alm:descriptor:text"}
	ProtocolVersion string `json:"protocolVersion,omitempty"`

	// SupportedProtocolVersions are the MCP protocol versions the server listed when asked with
	// server/discover (servers of MCP 2026-07-28 and later), newest first. Empty for a server
	// that answered the initialize handshake of earlier versions, which names one version only.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=16
	// +kubebuilder:validation:items:MaxLength=64
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Supported MCP Protocol Versions",xDescriptors={"urn:alm:descriptor:text"}
	SupportedProtocolVersions []string `json:"supportedProtocolVersions,omitempty"`

	// DeprecatedFeatures are the features MCP 2026-07-28 deprecates that the server uses, as far
	// as the handshake shows them: HTTP+SSE (it speaks only the HTTP+SSE transport of
	// 2024-11-05), Logging (it advertises the logging capability), Sampling and Roots (it asked
	// the operator for them). Informational: they never fail verification.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=8
	// +kubebuilder:validation:items:Enum=HTTP+SSE;Logging;Sampling;Roots
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Deprecated MCP Features",xDescriptors={"urn:alm:descriptor:text"}
	DeprecatedFeatures []string `json:"deprecatedFeatures,omitempty"`

	// Instructions the server gives clients on how to use it.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Instructions",xDescriptors={"urn:alm:descriptor:text"}
	Instructions string `json:"instructions,omitempty"`

	// Capabilities the server advertises.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Capabilities"
	Capabilities *MCPServerCapabilities `json:"capabilities,omitempty"`
}

// MCPServerCapabilities are the MCP features a server advertises in its initialize result.
type MCPServerCapabilities struct {
	// Tools: the server lists and runs tools.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Offers Tools",xDescriptors={"urn:alm:descriptor:text"}
	Tools bool `json:"tools,omitempty"`

	// Resources: the server lists and reads resources.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Offers Resources",xDescriptors={"urn:alm:descriptor:text"}
	Resources bool `json:"resources,omitempty"`

	// Prompts: the server offers prompt templates.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Offers Prompts",xDescriptors={"urn:alm:descriptor:text"}
	Prompts bool `json:"prompts,omitempty"`

	// Logging: the server sends log messages to clients.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Offers Logging",xDescriptors={"urn:alm:descriptor:text"}
	Logging bool `json:"logging,omitempty"`

	// Completions: the server completes arguments.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Offers Completions",xDescriptors={"urn:alm:descriptor:text"}
	Completions bool `json:"completions,omitempty"`
}

// MCPServerTools summarises the tools an MCP server offers, as listed by tools/list.
type MCPServerTools struct {
	// Count is the number of tools the server listed.
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Tool Count",xDescriptors={"urn:alm:descriptor:text"}
	Count int32 `json:"count"`

	// Names are the tool names, sorted; at most 100 are kept.
	// +optional
	// +kubebuilder:validation:MaxItems=100
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Tool Names",xDescriptors={"urn:alm:descriptor:text"}
	Names []string `json:"names,omitempty"`

	// Digest identifies the full tool definitions (names, descriptions, input schemas): it
	// changes when any tool changes.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Tool Definitions Digest",xDescriptors={"urn:alm:descriptor:text"}
	Digest string `json:"digest,omitempty"`

	// Truncated says the listing stopped at the operator's limits, so Count and Digest cover only
	// the part that was read.
	// +optional
	// +operator-sdk:csv:customresourcedefinitions:type=status,displayName="Tool List Truncated",xDescriptors={"urn:alm:descriptor:text"}
	Truncated bool `json:"truncated,omitempty"`
}
