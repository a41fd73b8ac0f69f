// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package v1alpha1_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

var env *testenv.Env

func TestMain(m *testing.M) {
	var err error
	env, err = testenv.Start(testenv.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	if err := env.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "stopping the test control plane:", err)
	}
	os.Exit(code)
}

// baseSpec is the smallest valid spec; each case below changes it with a JSON merge patch.
const baseSpec = `
source:
  type: ContainerImage
  containerImage:
    ref: quay.io/example/mcp-server:1.0.0
config:
  port: 8080
`

const hex64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// rejection is one error the API server must report: the field it names and a piece of the
// message that explains the problem to a user.
type rejection struct {
	field string
	msg   string
}

func TestMCPServerValidation(t *testing.T) {
	tests := map[string]struct {
		patch    string      // JSON merge patch (as YAML) applied to baseSpec
		reject   []rejection // empty: the API server must accept the object
		versions []string    // the versions to create through; unset: v1alpha1 and v1beta1
	}{
		// Accepted.
		"minimal spec": {},
		"image with digest": {
			patch: `{source: {containerImage: {ref: "quay.io/org/server@sha256:` + hex64 + `"}}}`,
		},
		"image with tag and digest": {
			patch: `{source: {containerImage: {ref: "quay.io/org/server:1.0@sha256:` + hex64 + `"}}}`,
		},
		"registry with port and nested repository": {
			patch: `{source: {containerImage: {ref: "registry.example.com:5000/team/sub/server:v2"}}}`,
		},
		"single-label registry": {
			patch: `{source: {containerImage: {ref: "localhost/server:dev"}}}`,
		},
		"repository separators": {
			patch: `{source: {containerImage: {ref: "ghcr.io/org/my_server__x/sub-path.name--y:1.0_rc-1"}}}`,
		},
		"tag of 127 characters": {
			patch: `{source: {containerImage: {ref: "quay.io/org/server:` + strings.Repeat("a", 127) + `"}}}`,
		},
		"image reference of 1000 characters": {
			patch: `{source: {containerImage: {ref: "quay.io/` + strings.Repeat("a", 1000-len("quay.io/:1")) + `:1"}}}`,
		},
		"lowest and highest port": {patch: `{config: {port: 1}}`},
		"port 65535":              {patch: `{config: {port: 65535}}`},
		"nested path":             {patch: `{config: {path: /api/v1/mcp}}`},
		"scaled to zero":          {patch: `{runtime: {replicas: 0}}`},
		"runtime with only a service account": {
			patch: `{runtime: {security: {serviceAccountName: mcp-viewer.team-a}}}`,
		},
		"empty service account name": {
			patch: `{runtime: {security: {serviceAccountName: ""}}}`,
		},
		"64 storage items": {patch: storageItems(64)},
		"env from a secret": {
			patch: `{config: {env: [{name: TOKEN, valueFrom: {secretKeyRef: {name: creds, key: token}}}]}}`,
		},
		"pull policy and pull secrets": {
			patch: `{source: {containerImage: {pullPolicy: IfNotPresent, imagePullSecrets: [{name: quay-creds}]}}}`,
		},

		"route with every field": {
			patch: `{expose: {route: {host: mcp.apps.example.com, path: /mcp, tls: {termination: reencrypt, insecureEdgeTerminationPolicy: None}, annotations: {a: b}}}}`,
		},
		"route with defaults": {patch: `{expose: {route: {}}}`},

		// Rejected: required fields and enums.
		"no source": {
			patch:  `{source: null}`,
			reject: []rejection{{"spec.source", "Required value"}},
		},
		"no config": {
			patch:  `{config: null}`,
			reject: []rejection{{"spec.config", "Required value"}},
		},
		"no port": {
			patch:  `{config: {port: null, path: /mcp}}`,
			reject: []rejection{{"spec.config.port", "Required value"}},
		},
		"unknown source type": {
			patch:  `{source: {type: Git}}`,
			reject: []rejection{{"spec.source.type", `Unsupported value: "Git"`}},
		},
		"container image type without containerImage": {
			patch:  `{source: {containerImage: null}}`,
			reject: []rejection{{"spec.source", "containerImage is required when type is ContainerImage"}},
		},
		"no image reference": {
			patch:  `{source: {containerImage: {ref: null, pullPolicy: Always}}}`,
			reject: []rejection{{"spec.source.containerImage.ref", "Required value"}},
		},
		"bad pull policy": {
			patch:  `{source: {containerImage: {pullPolicy: Sometimes}}}`,
			reject: []rejection{{"spec.source.containerImage.pullPolicy", `Unsupported value: "Sometimes"`}},
		},

		// Rejected: image references.
		"empty image reference": {
			patch:  `{source: {containerImage: {ref: ""}}}`,
			reject: []rejection{{"spec.source.containerImage.ref", "should be at least 1 chars long"}},
		},
		"image reference over 1000 characters": {
			patch:  `{source: {containerImage: {ref: "quay.io/` + strings.Repeat("a", 1001-len("quay.io/:1")) + `:1"}}}`,
			reject: []rejection{{"spec.source.containerImage.ref", "Too long: may not be more than 1000"}},
		},
		"image without registry domain": {
			patch:  `{source: {containerImage: {ref: "nginx:latest"}}}`,
			reject: []rejection{{"spec.source.containerImage.ref", "must start with a valid registry domain"}},
		},
		"registry domain starting with a dash": {
			patch:  `{source: {containerImage: {ref: "-quay.io/org/server:1"}}}`,
			reject: []rejection{{"spec.source.containerImage.ref", "must start with a valid registry domain"}},
		},
		"uppercase repository": {
			patch:  `{source: {containerImage: {ref: "quay.io/Org/Server:1"}}}`,
			reject: []rejection{{"spec.source.containerImage.ref", "repository name is invalid"}},
		},
		"repository ending in a separator": {
			patch:  `{source: {containerImage: {ref: "quay.io/org/server-:1"}}}`,
			reject: []rejection{{"spec.source.containerImage.ref", "repository name is invalid"}},
		},
		"image without tag or digest": {
			patch:  `{source: {containerImage: {ref: "quay.io/org/server"}}}`,
			reject: []rejection{{"spec.source.containerImage.ref", "must end with a tag"}},
		},
		"registry port but no tag": {
			patch:  `{source: {containerImage: {ref: "quay.io:443/org/server"}}}`,
			reject: []rejection{{"spec.source.containerImage.ref", "must end with a tag"}},
		},
		"tag starting with a dash": {
			patch:  `{source: {containerImage: {ref: "quay.io/org/server:-rc1"}}}`,
			reject: []rejection{{"spec.source.containerImage.ref", "tag is invalid: it must start with"}},
		},
		"two tags": {
			patch:  `{source: {containerImage: {ref: "quay.io/org/server:1:2"}}}`,
			reject: []rejection{{"spec.source.containerImage.ref", "tag is invalid: it must start with"}},
		},
		"tag of 128 characters": {
			patch:  `{source: {containerImage: {ref: "quay.io/org/server:` + strings.Repeat("a", 128) + `"}}}`,
			reject: []rejection{{"spec.source.containerImage.ref", "tag is invalid: it must be at most 127 characters"}},
		},
		"digest algorithm starting with a digit": {
			patch:  `{source: {containerImage: {ref: "quay.io/org/server@1sha:` + hex64 + `"}}}`,
			reject: []rejection{{"spec.source.containerImage.ref", "digest algorithm is invalid"}},
		},
		"digest with non-hex characters": {
			patch:  `{source: {containerImage: {ref: "quay.io/org/server@sha256:` + strings.Repeat("z", 64) + `"}}}`,
			reject: []rejection{{"spec.source.containerImage.ref", "must contain only hex characters"}},
		},
		"digest shorter than 32 characters": {
			patch:  `{source: {containerImage: {ref: "quay.io/org/server@sha256:abc123"}}}`,
			reject: []rejection{{"spec.source.containerImage.ref", "must be at least 32 characters"}},
		},

		// Rejected: port and path.
		"port 0": {
			patch:  `{config: {port: 0}}`,
			reject: []rejection{{"spec.config.port", "should be greater than or equal to 1"}},
		},
		"negative port": {
			patch:  `{config: {port: -8080}}`,
			reject: []rejection{{"spec.config.port", "should be greater than or equal to 1"}},
		},
		"port 65536": {
			patch:  `{config: {port: 65536}}`,
			reject: []rejection{{"spec.config.port", "should be less than or equal to 65535"}},
		},
		"relative path": {
			patch:  `{config: {path: mcp}}`,
			reject: []rejection{{"spec.config.path", "path must start with '/'"}},
		},
		"empty path": {
			patch:  `{config: {path: ""}}`,
			reject: []rejection{{"spec.config.path", "should be at least 1 chars long"}},
		},
		"path over 253 characters": {
			patch:  `{config: {path: "/` + strings.Repeat("p", 253) + `"}}`,
			reject: []rejection{{"spec.config.path", "Too long: may not be more than 253"}},
		},
		"path with a space": {
			patch:  `{config: {path: "/my mcp"}}`,
			reject: []rejection{{"spec.config.path", "path must not contain spaces"}},
		},
		"path with a query": {
			patch:  `{config: {path: "/mcp?debug=1"}}`,
			reject: []rejection{{"spec.config.path", "path must not contain '?'"}},
		},
		"path with a fragment": {
			patch:  `{config: {path: "/mcp#top"}}`,
			reject: []rejection{{"spec.config.path", "path must not contain '#'"}},
		},
		"path with a newline": {
			patch:  `{config: {path: "/mcp\nHost: evil"}}`,
			reject: []rejection{{"spec.config.path", "path must not contain newlines"}},
		},
		"path with a tab": {
			patch:  `{config: {path: "/mcp\t"}}`,
			reject: []rejection{{"spec.config.path", "path must not contain newlines, carriage returns or tabs"}},
		},

		// Rejected: arguments.
		"empty argument": {
			patch:  `{config: {arguments: ["--config", ""]}}`,
			reject: []rejection{{"spec.config.arguments", "arguments must not contain empty strings"}},
		},

		// Rejected: storage.
		"empty storage list": {
			patch:  `{config: {storage: []}}`,
			reject: []rejection{{"spec.config.storage", "should have at least 1 items"}},
		},
		"65 storage items": {
			patch:  storageItems(65),
			reject: []rejection{{"spec.config.storage", "must have at most 64 items"}},
		},
		"duplicate storage path": {
			patch: `{config: {storage: [
				{path: /data, source: {type: EmptyDir, emptyDir: {}}},
				{path: /data, source: {type: ConfigMap, configMap: {name: cfg}}}]}}`,
			reject: []rejection{{"spec.config.storage[1]", "Duplicate value"}},
		},
		"relative storage path": {
			patch:  `{config: {storage: [{path: etc/config, source: {type: ConfigMap, configMap: {name: cfg}}}]}}`,
			reject: []rejection{{"spec.config.storage[0].path", "path must be absolute"}},
		},
		"storage path with a colon": {
			patch:  `{config: {storage: [{path: "/etc/a:b", source: {type: ConfigMap, configMap: {name: cfg}}}]}}`,
			reject: []rejection{{"spec.config.storage[0].path", "path must not contain ':'"}},
		},
		"storage path over 4096 characters": {
			patch:  `{config: {storage: [{path: "/` + strings.Repeat("d", 4096) + `", source: {type: EmptyDir, emptyDir: {}}}]}}`,
			reject: []rejection{{"spec.config.storage[0].path", "Too long: may not be more than 4096"}},
		},
		"storage without path": {
			patch:  `{config: {storage: [{source: {type: EmptyDir, emptyDir: {}}}]}}`,
			reject: []rejection{{"spec.config.storage[0].path", "Required value"}},
		},
		"ConfigMap storage given a secret": {
			patch: `{config: {storage: [{path: /etc/cfg, source: {type: ConfigMap, secret: {secretName: s}}}]}}`,
			reject: []rejection{
				{"spec.config.storage[0].source", "configMap is required when type is ConfigMap"},
				{"spec.config.storage[0].source", "secret is required when type is Secret, and not allowed for any other type"},
			},
		},
		"Secret storage without secret": {
			patch:  `{config: {storage: [{path: /etc/creds, source: {type: Secret}}]}}`,
			reject: []rejection{{"spec.config.storage[0].source", "secret is required when type is Secret"}},
		},
		"EmptyDir storage with a configMap too": {
			patch:  `{config: {storage: [{path: /tmp, source: {type: EmptyDir, emptyDir: {}, configMap: {name: cfg}}}]}}`,
			reject: []rejection{{"spec.config.storage[0].source", "configMap is required when type is ConfigMap, and not allowed for any other type"}},
		},
		"unknown storage type": {
			patch:  `{config: {storage: [{path: /host, source: {type: HostPath}}]}}`,
			reject: []rejection{{"spec.config.storage[0].source.type", `Unsupported value: "HostPath"`}},
		},
		"unknown storage permissions": {
			patch:  `{config: {storage: [{path: /tmp, permissions: WriteOnly, source: {type: EmptyDir, emptyDir: {}}}]}}`,
			reject: []rejection{{"spec.config.storage[0].permissions", `Unsupported value: "WriteOnly"`}},
		},

		// Rejected: exposure.
		"empty expose": {
			patch:  `{expose: {}}`,
			reject: []rejection{{"spec.expose", "should have at least 1 properties"}},
		},
		"passthrough route with a path": {
			patch:  `{expose: {route: {path: /mcp, tls: {termination: passthrough}}}}`,
			reject: []rejection{{"spec.expose.route", "a passthrough Route cannot have a path"}},
		},
		"passthrough route allowing plain HTTP": {
			patch:  `{expose: {route: {tls: {termination: passthrough, insecureEdgeTerminationPolicy: Allow}}}}`,
			reject: []rejection{{"spec.expose.route", "a passthrough Route cannot allow plain HTTP"}},
		},
		"route host that is not a DNS name": {
			patch:  `{expose: {route: {host: "MCP_Server.example.com"}}}`,
			reject: []rejection{{"spec.expose.route.host", "host must be a DNS-1123 subdomain"}},
		},
		"route path without a slash": {
			patch:  `{expose: {route: {path: mcp}}}`,
			reject: []rejection{{"spec.expose.route.path", "path must start with '/'"}},
		},
		"unknown TLS termination": {
			patch:  `{expose: {route: {tls: {termination: mutual}}}}`,
			reject: []rejection{{"spec.expose.route.tls.termination", `Unsupported value: "mutual"`}},
		},

		// Rejected: runtime.
		"empty runtime": {
			patch:  `{runtime: {}}`,
			reject: []rejection{{"spec.runtime", "should have at least 1 properties"}},
		},
		"empty health": {
			patch:  `{runtime: {health: {}}}`,
			reject: []rejection{{"spec.runtime.health", "should have at least 1 properties"}},
		},
		"negative replicas": {
			patch:  `{runtime: {replicas: -1}}`,
			reject: []rejection{{"spec.runtime.replicas", "should be greater than or equal to 0"}},
		},
		"service account name with uppercase and underscore": {
			patch:  `{runtime: {security: {serviceAccountName: Mcp_Viewer}}}`,
			reject: []rejection{{"spec.runtime.security.serviceAccountName", "serviceAccountName must be a DNS-1123 subdomain"}},
		},
		"service account name starting with a dash": {
			patch:  `{runtime: {security: {serviceAccountName: -viewer}}}`,
			reject: []rejection{{"spec.runtime.security.serviceAccountName", "serviceAccountName must be a DNS-1123 subdomain"}},
		},
		// spec.network: what CEL checks is refused at admission with the item's path.
		"network with every field (upstream's shape)": {
			patch: `{network: {ingressFrom: [{namespaceSelector: {matchLabels: {team: a}}, podSelector: {}}], egressTo: [{ipBlock: {cidr: 10.0.0.1/8, except: [10.1.0.0/16]}}], egressPorts: [{protocol: TCP, port: 443, endPort: 8443}, {port: https}], dnsEgressPeer: {namespaceSelector: {}}}}`,
		},
		"network peer with nothing": {
			patch:  `{network: {egressTo: [{namespaceSelector: {}}, {}]}}`,
			reject: []rejection{{"spec.network.egressTo[1]", "must specify at least one of podSelector, namespaceSelector, or ipBlock"}},
		},
		"network ingress peer with ipBlock and a selector": {
			patch:  `{network: {ingressFrom: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]}}`,
			reject: []rejection{{"spec.network.ingressFrom[0]", "ipBlock cannot be combined with podSelector or namespaceSelector"}},
		},
		"network DNS peer with nothing": {
			patch:  `{network: {egressPorts: [{port: 443}], dnsEgressPeer: {}}}`,
			reject: []rejection{{"spec.network.dnsEgressPeer", "must specify at least one of podSelector, namespaceSelector, or ipBlock"}},
		},
		"network port protocol": {
			patch:  `{network: {egressPorts: [{protocol: ICMP, port: 1}]}}`,
			reject: []rejection{{"spec.network.egressPorts[0]", "protocol must be TCP, UDP or SCTP"}},
		},
		"network port 0": {
			patch:  `{network: {egressPorts: [{port: 443}, {port: 0}]}}`,
			reject: []rejection{{"spec.network.egressPorts[1]", "port must be between 1 and 65535"}},
		},
		"network endPort with a named port": {
			patch:  `{network: {egressPorts: [{port: https, endPort: 9000}]}}`,
			reject: []rejection{{"spec.network.egressPorts[0]", "endPort needs a numeric port"}},
		},
		"network endPort below port": {
			patch:  `{network: {egressPorts: [{port: 9000, endPort: 8000}]}}`,
			reject: []rejection{{"spec.network.egressPorts[0]", "endPort must be at least port and at most 65535"}},
		},
		// spec.transport.tls, upstream's fields.
		"TLS with a CA bundle":     {patch: `{transport: {tls: {enabled: true, caBundleSecret: {name: server-ca}}}}`},
		"TLS without verification": {patch: `{transport: {tls: {enabled: true, insecureSkipVerify: true}}}`},
		"TLS with both a CA bundle and no verification": {
			patch:  `{transport: {tls: {enabled: true, insecureSkipVerify: true, caBundleSecret: {name: server-ca}}}}`,
			reject: []rejection{{"spec.transport.tls", "insecureSkipVerify and caBundleSecret are mutually exclusive"}},
		},
		"TLS CA bundle without a name": {
			patch:  `{transport: {tls: {enabled: true, caBundleSecret: {name: ""}}}}`,
			reject: []rejection{{"spec.transport.tls.caBundleSecret.name", "should be at least 1 chars long"}},
		},
		"service account name over 253 characters": {
			patch:  `{runtime: {security: {serviceAccountName: ` + strings.Repeat("a", 254) + `}}}`,
			reject: []rejection{{"spec.runtime.security.serviceAccountName", "Too long: may not be more than 253"}},
		},
		// spec.gateway, v1beta1 only (v1alpha1 prunes it as an unknown field).
		"gateway with a provider and its config": {
			patch: `{gateway: {provider: httproute, configRef: gateway-config}}`, versions: []string{"v1beta1"},
		},
		"gateway without a provider": {
			patch: `{gateway: {configRef: gateway-config}}`, versions: []string{"v1beta1"},
			reject: []rejection{{"spec.gateway.provider", "Required value"}},
		},
		"gateway with an empty provider": {
			patch: `{gateway: {provider: ""}}`, versions: []string{"v1beta1"},
			reject: []rejection{{"spec.gateway.provider", "should be at least 1 chars long"}},
		},
		"gateway provider over 253 characters": {
			patch: `{gateway: {provider: ` + strings.Repeat("p", 254) + `}}`, versions: []string{"v1beta1"},
			reject: []rejection{{"spec.gateway.provider", "Too long: may not be more than 253"}},
		},
		"gateway configRef over 253 characters": {
			patch: `{gateway: {provider: httproute, configRef: ` + strings.Repeat("c", 254) + `}}`, versions: []string{"v1beta1"},
			reject: []rejection{{"spec.gateway.configRef", "Too long: may not be more than 253"}},
		},
	}

	for name, tc := range tests {
		versions := tc.versions
		if versions == nil {
			versions = []string{"v1alpha1", "v1beta1"}
		}
		for _, version := range versions {
			t.Run(name+"/"+version, func(t *testing.T) {
				validate(t, version, tc.patch, tc.reject)
			})
		}
	}
}

// validate creates (dry run) an MCPServer of the patched base spec through version, and checks
// that the API server accepts it, or rejects it naming each field with its message.
func validate(t *testing.T, version, patch string, reject []rejection) {
	t.Helper()
	obj := mcpServerFromSpec(t, version, patchedSpec(t, patch))
	err := env.Client.Create(context.Background(), obj, client.DryRunAll)
	if len(reject) == 0 {
		if err != nil {
			t.Fatalf("the API server rejected a valid MCPServer: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("the API server accepted an invalid MCPServer; want errors %+v", reject)
	}
	for _, want := range reject {
		if !strings.Contains(err.Error(), want.field+": ") || !strings.Contains(err.Error(), want.msg) {
			t.Errorf("error does not name %q with %q:\n%v", want.field, want.msg, err)
		}
	}
}

func TestMCPServerDefaults(t *testing.T) {
	obj := mcpServerFromSpec(t, "v1alpha1", patchedSpec(t, `{config: {storage: [
		{path: /etc/cfg, source: {type: ConfigMap, configMap: {name: cfg}}},
		{path: /etc/creds, source: {type: Secret, secret: {secretName: creds}}},
		{path: /tmp, source: {type: EmptyDir, emptyDir: {}}}]}}`))
	if err := env.Client.Create(context.Background(), obj, client.DryRunAll); err != nil {
		t.Fatal(err)
	}
	if path, _, _ := unstructured.NestedString(obj.Object, "spec", "config", "path"); path != "/mcp" {
		t.Errorf("spec.config.path defaulted to %q, want /mcp", path)
	}
	storage, _, _ := unstructured.NestedSlice(obj.Object, "spec", "config", "storage")
	if len(storage) != 3 {
		t.Fatalf("storage has %d items after defaulting, want 3", len(storage))
	}
	for _, item := range storage {
		m := item.(map[string]any)
		if m["permissions"] != "ReadOnly" {
			t.Errorf("storage %v: permissions defaulted to %v, want ReadOnly", m["path"], m["permissions"])
		}
	}
}

// patchedSpec applies a JSON merge patch, written as YAML, to baseSpec.
func patchedSpec(t *testing.T, patchYAML string) map[string]any {
	t.Helper()
	base, err := yaml.YAMLToJSON([]byte(baseSpec))
	if err != nil {
		t.Fatal(err)
	}
	if patchYAML != "" {
		patch, err := yaml.YAMLToJSON([]byte(patchYAML))
		if err != nil {
			t.Fatalf("test case patch is not YAML: %v", err)
		}
		if base, err = jsonpatch.MergePatch(base, patch); err != nil {
			t.Fatal(err)
		}
	}
	var spec map[string]any
	if err := json.Unmarshal(base, &spec); err != nil {
		t.Fatal(err)
	}
	return spec
}

func mcpServerFromSpec(t *testing.T, version string, spec map[string]any) *unstructured.Unstructured {
	t.Helper()
	obj := &unstructured.Unstructured{Object: map[string]any{"spec": spec}}
	obj.SetGroupVersionKind(mcpv1alpha1.GroupVersion.WithKind("MCPServer"))
	obj.SetAPIVersion("mcp.x-k8s.io/" + version)
	obj.SetNamespace("default")
	obj.SetName("validation")
	return obj
}

// storageItems is a merge patch with n distinct EmptyDir mounts.
func storageItems(n int) string {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf(`{path: /data/%d, source: {type: EmptyDir, emptyDir: {}}}`, i)
	}
	return `{config: {storage: [` + strings.Join(items, ", ") + `]}}`
}
