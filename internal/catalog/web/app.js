// The MCP catalog page: plain DOM code, no framework, no external assets. Every text from the
// catalog or the cluster is set with textContent; the only HTML inserted is the README the
// server has already rendered and sanitized (and the Content-Security-Policy forbids inline
// scripts besides).
"use strict";

const state = { csrf: "", query: "", transports: new Set(), labels: new Set(), namespace: "", poll: null };

// el builds an element: el("div", {class: "x", onclick: f}, child, "text", ...).
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function api(method, path, body) {
  const headers = { "X-CSRF-Token": state.csrf };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const resp = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  const text = await resp.text();
  const data = text ? JSON.parse(text) : {};
  if (!resp.ok) {
    const err = new Error(data.error || resp.statusText);
    err.status = resp.status;
    err.fields = data.errors || [];
    throw err;
  }
  return data;
}

const transportNames = { "stdio": "stdio", "streamable-http": "Streamable HTTP", "sse": "SSE" };

function setView(...children) {
  const view = document.getElementById("view");
  view.replaceChildren(...children);
}

function selectTab(name) {
  for (const tab of ["catalog", "deployments"]) {
    const link = document.getElementById("tab-" + tab);
    if (tab === name) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
  }
}

function alertBox(message, kind) {
  return el("div", { class: "pf-c-alert" + (kind ? " pf-m-" + kind : ""), role: "alert" }, message);
}

// ---- Catalog ----

async function showCatalog() {
  selectTab("catalog");
  const params = new URLSearchParams();
  if (state.query) params.set("q", state.query);
  state.transports.forEach((t) => params.append("transport", t));
  state.labels.forEach((l) => params.append("label", l));
  let data;
  try {
    data = await api("GET", "/api/catalog?" + params);
  } catch (err) {
    setView(alertBox("The catalog could not be loaded: " + err.message));
    return;
  }
  const search = el("input", {
    class: "pf-c-search-input", id: "search", type: "search", placeholder: "Search by name, description, provider or tool",
    "aria-label": "Search the catalog", value: state.query,
  });
  search.addEventListener("input", debounce(() => { state.query = search.value; renderCatalogKeepingFocus(); }, 200));
  const transportFilter = el("fieldset", { id: "transport-filter" }, el("legend", {}, "Transport"),
    Object.keys(transportNames).filter((t) => data.transports.includes(t)).map((t) =>
      el("label", {}, el("input", {
        type: "checkbox", "data-transport": t, checked: state.transports.has(t),
        onchange: (ev) => { ev.target.checked ? state.transports.add(t) : state.transports.delete(t); showCatalog(); },
      }), " ", transportNames[t])));
  const labelFilter = el("fieldset", { id: "label-filter" }, el("legend", {}, "Labels"),
    data.labels.map((l) => el("button", {
      class: "pf-c-chip", type: "button", "data-label": l, "aria-pressed": String(state.labels.has(l)),
      onclick: () => { state.labels.has(l) ? state.labels.delete(l) : state.labels.add(l); showCatalog(); },
    }, l)));
  const count = el("span", { class: "pf-c-toolbar__count", id: "count" }, `Showing ${data.shown} of ${data.total} MCP servers`);
  const toolbar = el("div", { class: "pf-c-toolbar" }, search, transportFilter, labelFilter, count);
  const problems = data.problems.length
    ? alertBox(el("span", {}, "Some catalog entries were skipped:", el("ul", {}, data.problems.map((p) => el("li", {}, p)))), "warning")
    : null;
  const body = data.items.length
    ? el("div", { class: "pf-l-gallery", id: "cards" }, data.items.map(card))
    : el("div", { class: "pf-c-empty-state", id: "empty-state" },
      el("h2", {}, "No MCP servers match"),
      el("p", {}, "Change the search or the filters to see more servers."),
      el("button", { class: "pf-c-button pf-m-link", id: "clear-filters", type: "button", onclick: clearFilters }, "Clear all filters"));
  setView(toolbar, problems, body);
}

async function renderCatalogKeepingFocus() {
  const caret = document.getElementById("search")?.selectionStart;
  await showCatalog();
  const search = document.getElementById("search");
  if (search) { search.focus(); if (caret !== undefined) search.setSelectionRange(caret, caret); }
}

function clearFilters() {
  state.query = ""; state.transports.clear(); state.labels.clear();
  showCatalog();
}

function card(item) {
  const open = () => { location.hash = "#/servers/" + encodeURIComponent(item.id); };
  return el("article", {
    class: "pf-c-card", tabindex: "0", "data-id": item.id, role: "link",
    onclick: open, onkeydown: (ev) => { if (ev.key === "Enter") open(); },
  },
  el("div", { class: "pf-c-card__title" }, item.title || item.name),
  el("div", {}, item.provider ? "by " + item.provider : "", item.version ? " · " + item.version : ""),
  el("div", { class: "pf-c-card__body" }, item.description || ""),
  el("div", { class: "pf-c-label-group" },
    item.transports.map((t) => el("span", { class: "pf-c-label pf-m-blue" }, transportNames[t] || t)),
    item.remote ? el("span", { class: "pf-c-label pf-m-orange" }, "Remote") : null,
    (item.labels || []).map((l) => el("span", { class: "pf-c-label" }, l))));
}

// ---- Details ----

async function showDetails(id) {
  selectTab("catalog");
  let data;
  try {
    data = await api("GET", "/api/catalog/" + encodeURIComponent(id));
  } catch (err) {
    setView(alertBox(err.message));
    return;
  }
  const e = data.entry;
  const rows = [
    ["OCI artifact", e.image ? "oci://" + e.image : ""],
    ["Version", e.version], ["Provider", e.provider], ["License", e.license],
    ["Transports", e.transports.map((t) => transportNames[t] || t).join(", ")],
    ["Source", e.source],
  ].filter(([, v]) => v);
  const deployButton = el("button", {
    class: "pf-c-button", id: "deploy-button", type: "button", disabled: !e.deploy.enabled,
    onclick: () => openDeployForm(e),
  }, "Deploy MCP server");
  const readme = el("div", { class: "pf-c-content", id: "readme" });
  readme.innerHTML = data.readmeHTML; // rendered and sanitized by the server
  setView(
    el("nav", { class: "pf-c-breadcrumb" }, el("a", { href: "#/catalog" }, "Catalog"), " › ", e.title || e.name),
    el("div", { class: "pf-c-details" },
      el("h1", { id: "details-title" }, e.title || e.name),
      el("p", {}, e.description || ""),
      el("p", {}, deployButton),
      e.deploy.enabled ? null : el("p", { class: "pf-c-form__helper-text", id: "deploy-reason" }, e.deploy.reason),
      e.endpoints && e.endpoints.length
        ? el("div", { id: "endpoints" }, el("h3", {}, "Endpoints"), el("ul", {}, e.endpoints.map((ep) =>
          el("li", {}, (transportNames[ep.transport] || ep.transport) + ": ", el("code", {}, ep.url)))))
        : null,
      el("dl", { class: "pf-c-description-list" }, rows.map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]))),
    e.tools && e.tools.length
      ? el("div", { class: "pf-c-details" }, el("h2", {}, "Tools"),
        el("table", { class: "pf-c-table", id: "tools" }, el("thead", {}, el("tr", {}, el("th", {}, "Name"), el("th", {}, "Description"))),
          el("tbody", {}, e.tools.map((t) => el("tr", {}, el("td", {}, el("code", {}, t.name)), el("td", {}, t.description || ""))))))
      : null,
    el("div", { class: "pf-c-details" }, el("h2", {}, "README"), readme));
}

// ---- Deploy form ----

function field(label, input, help, required) {
  return el("div", { class: "pf-c-form__group" },
    el("label", { for: input.id }, label, required ? el("span", { class: "required" }, " *") : null),
    input, help ? el("div", { class: "pf-c-form__helper-text" }, help) : null,
    el("div", { class: "pf-c-form__helper-text pf-m-error", id: input.id + "-error" }));
}

function openDeployForm(e) {
  const input = (id, attrs) => el("input", Object.assign({ class: "pf-c-form-control", id }, attrs));
  const name = input("f-name", { value: e.name.replace(/[^a-z0-9-]/g, "-").replace(/^-+|-+$/g, "").slice(0, 63), required: true });
  const namespace = input("f-namespace", { value: state.namespace || "default", required: true });
  const port = input("f-port", { type: "number", min: "1", max: "65535", value: String(e.port || 8080) });
  const path = input("f-path", { value: e.path || "/mcp" });
  const serviceAccount = input("f-service-account", { value: "", placeholder: "default" });
  const args = el("textarea", { class: "pf-c-form-control", id: "f-args", rows: "3" });
  args.value = (e.args || []).join("\n");
  const envInputs = (e.env || []).map((v) => ({
    v, input: input("f-env-" + v.name, { type: v.secret ? "password" : "text", value: v.secret ? "" : (v.default || ""), "data-env": v.name, autocomplete: "off" }),
  }));
  const formError = el("div", { id: "form-error" });
  const submit = el("button", { class: "pf-c-button", id: "deploy-submit", type: "submit" }, "Deploy");
  const form = el("form", { class: "pf-c-form", id: "deploy-form", novalidate: true },
    el("h2", {}, "Deploy " + (e.title || e.name)),
    formError,
    field("Name", name, "The MCPServer's name: lowercase letters, digits and '-'.", true),
    field("Namespace", namespace, null, true),
    field("Port", port, "The port the server listens on."),
    field("Path", path, "The HTTP path of the MCP endpoint."),
    field("Service account", serviceAccount, "The ServiceAccount the server runs as, and so what it may do in the cluster. Empty: the namespace's default."),
    field("Arguments", args, "One per line."),
    envInputs.length ? el("h3", {}, "Environment variables") : null,
    envInputs.map(({ v, input }) => field(v.name, input,
      [sentence(v.description), v.secret ? "Stored in a Secret, never in the MCPServer." : ""].filter(Boolean).join(" "), v.required)),
    el("div", { class: "pf-c-modal-box__footer" }, submit,
      el("button", { class: "pf-c-button pf-m-link", type: "button", onclick: closeModal }, "Cancel")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    formError.replaceChildren();
    form.querySelectorAll(".pf-m-error").forEach((n) => { n.textContent = ""; });
    submit.disabled = true;
    try {
      await api("POST", "/api/deployments", {
        entryId: e.id, name: name.value.trim(), namespace: namespace.value.trim(), port: Number(port.value), path: path.value.trim(),
        serviceAccount: serviceAccount.value.trim(),
        args: args.value.split("\n").map((a) => a.trim()).filter((a) => a !== ""),
        env: envInputs.map(({ v, input }) => ({ name: v.name, value: input.value, secret: !!v.secret })).filter((x) => x.value !== ""),
      });
      state.namespace = namespace.value.trim();
      closeModal();
      location.hash = "#/deployments";
    } catch (err) {
      formError.replaceChildren(alertBox(el("span", {}, err.message,
        err.fields.length ? el("ul", {}, err.fields.map((f) => el("li", {}, (f.field ? f.field + ": " : "") + f.message))) : null)));
      for (const f of err.fields) {
        const target = document.getElementById(fieldInputId(f.field) + "-error");
        if (target) target.textContent = f.message;
      }
    } finally {
      submit.disabled = false;
    }
  });
  openModal(form, "deploy-modal");
  name.focus();
}

function fieldInputId(fieldName) {
  const map = { name: "f-name", namespace: "f-namespace", port: "f-port", path: "f-path", serviceAccount: "f-service-account" };
  if (map[fieldName]) return map[fieldName];
  if ((fieldName || "").startsWith("env.")) return "f-env-" + fieldName.slice(4);
  if ((fieldName || "").startsWith("args")) return "f-args";
  return "";
}

function openModal(content, id) {
  const root = document.getElementById("modal-root");
  root.replaceChildren(el("div", { class: "pf-c-backdrop" },
    el("div", { class: "pf-c-modal-box", role: "dialog", "aria-modal": "true", id }, content)));
}

function closeModal() {
  document.getElementById("modal-root").replaceChildren();
}

// ---- Deployments ----

const statusColor = { Available: "green", Pending: "orange", Failed: "red" };

async function showDeployments() {
  selectTab("deployments");
  const ns = el("input", {
    class: "pf-c-form-control", id: "ns-filter", placeholder: "All namespaces", value: state.namespace, "aria-label": "Namespace",
  });
  ns.addEventListener("change", () => { state.namespace = ns.value.trim(); refreshDeployments(); });
  setView(el("div", { class: "pf-c-toolbar" }, el("label", { for: "ns-filter" }, "Namespace"), ns),
    el("div", { id: "deployments" }));
  await refreshDeployments();
  state.poll = setInterval(refreshDeployments, 2000);
}

async function refreshDeployments() {
  const target = document.getElementById("deployments");
  if (!target || document.querySelector(".pf-c-menu")) return; // keep an open menu steady
  let data;
  try {
    data = await api("GET", "/api/deployments" + (state.namespace ? "?namespace=" + encodeURIComponent(state.namespace) : ""));
  } catch (err) {
    const hint = err.status === 403 && !state.namespace ? " Choose a namespace you can see." : "";
    target.replaceChildren(alertBox(err.message + hint));
    return;
  }
  if (!data.items.length) {
    target.replaceChildren(el("div", { class: "pf-c-empty-state", id: "no-deployments" }, el("h2", {}, "No MCP servers deployed"),
      el("p", {}, "Deploy one from the catalog.")));
    return;
  }
  target.replaceChildren(el("table", { class: "pf-c-table", id: "deployments-table" },
    el("thead", {}, el("tr", {}, ["Name", "Namespace", "Status", "Connect at", "Tools", ""].map((h) => el("th", {}, h)))),
    el("tbody", {}, data.items.map(deploymentRow))));
}

function deploymentRow(d) {
  const kebab = el("button", {
    class: "pf-c-button pf-m-plain kebab", type: "button", "aria-label": "Actions for " + d.name,
    onclick: (ev) => {
      ev.stopPropagation();
      const cell = ev.currentTarget.parentElement;
      const existing = cell.querySelector(".pf-c-menu");
      document.querySelectorAll(".pf-c-menu").forEach((m) => m.remove());
      if (existing) return;
      cell.append(el("div", { class: "pf-c-menu", role: "menu" },
        el("button", { role: "menuitem", class: "delete-action", type: "button", onclick: () => confirmDelete(d) }, "Delete")));
    },
  }, "⋮");
  return el("tr", { "data-name": d.name, "data-namespace": d.namespace },
    el("td", {}, d.name), el("td", {}, d.namespace),
    el("td", {}, el("span", { class: "pf-c-label status pf-m-" + statusColor[d.status], title: d.message || "", "data-status": d.status }, d.status),
      d.status === "Available" ? null : el("div", { class: "pf-c-form__helper-text status-message" }, d.message || "")),
    el("td", { class: "url" }, d.url || "", d.externalURL ? [el("br"), el("a", { href: d.externalURL, rel: "noopener noreferrer", target: "_blank" }, d.externalURL)] : null),
    el("td", {}, d.tools === undefined ? "–" : String(d.tools)),
    el("td", { class: "kebab-cell" }, kebab));
}

function confirmDelete(d) {
  document.querySelectorAll(".pf-c-menu").forEach((m) => m.remove());
  const error = el("div");
  const confirm = el("button", {
    class: "pf-c-button pf-m-danger", id: "confirm-delete-button", type: "button",
    onclick: async () => {
      try {
        await api("DELETE", `/api/deployments/${encodeURIComponent(d.namespace)}/${encodeURIComponent(d.name)}`);
        closeModal();
        refreshDeployments();
      } catch (err) {
        error.replaceChildren(alertBox(err.message));
      }
    },
  }, "Delete");
  openModal(el("div", { id: "confirm-delete" },
    el("h2", {}, "Delete MCP server?"),
    el("p", {}, `The MCPServer ${d.namespace}/${d.name} and everything the operator made for it will be deleted.`),
    error,
    el("div", { class: "pf-c-modal-box__footer" }, confirm,
      el("button", { class: "pf-c-button pf-m-link", type: "button", onclick: closeModal }, "Cancel"))), "delete-modal");
}

// sentence ends a catalog's description with a full stop, so that more can follow it.
function sentence(text) {
  return (text || "").trim().replace(/([^.!?])$/, "$1.");
}

// ---- Routing ----

function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

function route() {
  clearInterval(state.poll);
  closeModal();
  const hash = location.hash || "#/catalog";
  if (hash.startsWith("#/servers/")) showDetails(decodeURIComponent(hash.slice("#/servers/".length)));
  else if (hash === "#/deployments") showDeployments();
  else showCatalog();
}

document.addEventListener("click", () => document.querySelectorAll(".pf-c-menu").forEach((m) => m.remove()));
window.addEventListener("hashchange", route);
window.addEventListener("DOMContentLoaded", async () => {
  try {
    const session = await api("GET", "/api/session");
    state.csrf = session.csrfToken;
    document.getElementById("identity").textContent = "Acting as " + session.identity + " identity";
  } catch (err) {
    setView(alertBox("The catalog is not reachable: " + err.message));
    return;
  }
  route();
});
