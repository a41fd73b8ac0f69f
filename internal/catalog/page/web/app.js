// The MCP catalog page: plain DOM code on PatternFly 6's own stylesheet (vendor/patternfly),
// no framework. Every text from the catalog or the cluster is set with textContent; the only
// HTML inserted is the README the server has already rendered and sanitized (and the
// Content-Security-Policy forbids inline scripts besides).
"use strict";

const state = {
  csrf: "",
  catalog: { query: "", sort: "name", filters: { mode: new Set(), transport: new Set(), provider: new Set(), label: new Set() } },
  namespace: "",
  // What the current view holds open (an event stream), closed when the view changes.
  cleanup: [],
};

// ---- DOM helpers ----

// el builds an element: el("div", {class: "x", onclick: f}, child, "text", ...). Children that
// are null, undefined or false are left out, never written as text.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...nodes(children));
  return node;
}

// nodes flattens children into nodes and strings, dropping the empty ones.
function nodes(children) {
  return [children].flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false && c !== "")
    .map((c) => (c instanceof Node ? c : String(c)));
}

function icon(name, extra) {
  return el("i", { class: "fas fa-" + name + (extra ? " " + extra : ""), "aria-hidden": "true" });
}

// statusIcon is a PatternFly icon in a status colour (success, warning, danger, info, custom).
function statusIcon(name, status) {
  return el("span", { class: "pf-v6-c-icon pf-m-inline" }, el("span", { class: "pf-v6-c-icon__content pf-m-" + status }, icon(name)));
}

function button(label, attrs, variant) {
  return el("button", Object.assign({ class: "pf-v6-c-button pf-m-" + (variant || "primary"), type: "button" }, attrs),
    el("span", { class: "pf-v6-c-button__text" }, label));
}

function plainButton(iconName, label, attrs) {
  return el("button", Object.assign({ class: "pf-v6-c-button pf-m-plain", type: "button", "aria-label": label, title: label }, attrs),
    el("span", { class: "pf-v6-c-button__icon" }, icon(iconName)));
}

function alertBox(title, kind, ...description) {
  const icons = { danger: "exclamation-circle", warning: "exclamation-triangle", info: "info-circle", success: "check-circle" };
  const k = kind || "danger";
  const body = nodes(description);
  return el("div", { class: "pf-v6-c-alert pf-m-inline pf-m-" + k, role: k === "danger" ? "alert" : "status" },
    el("div", { class: "pf-v6-c-alert__icon" }, icon(icons[k])),
    el("p", { class: "pf-v6-c-alert__title" }, el("span", { class: "pf-v6-screen-reader" }, k + " alert:"), title),
    body.length ? el("div", { class: "pf-v6-c-alert__description" }, body) : null);
}

function emptyState(id, iconName, title, body, ...actions) {
  return el("div", { class: "pf-v6-c-empty-state", id },
    el("div", { class: "pf-v6-c-empty-state__content" },
      el("div", { class: "pf-v6-c-empty-state__header" },
        el("div", { class: "pf-v6-c-empty-state__icon" }, icon(iconName)),
        el("div", { class: "pf-v6-c-empty-state__title" }, el("h2", { class: "pf-v6-c-empty-state__title-text" }, title))),
      el("div", { class: "pf-v6-c-empty-state__body" }, body),
      actions.length ? el("div", { class: "pf-v6-c-empty-state__footer" }, el("div", { class: "pf-v6-c-empty-state__actions" }, actions)) : null));
}

function spinner(label) {
  return el("div", { class: "pf-v6-l-bullseye" },
    el("svg", { class: "pf-v6-c-spinner", role: "progressbar", viewBox: "0 0 100 100", "aria-label": label }));
}

function title(text, size, tag, id) {
  return el(tag || "h1", { class: "pf-v6-c-title pf-m-" + (size || "2xl"), id }, text);
}

function pageTitle(text, description) {
  return el("div", { class: "page-title" }, title(text, "2xl", "h1", "page-title"), el("p", { class: "card-meta" }, description));
}

function setView(...children) {
  document.getElementById("view").replaceChildren(...nodes(children));
}

function selectTab(name) {
  for (const tab of ["catalog", "deployments"]) {
    const item = document.getElementById("tab-" + tab);
    const link = item.querySelector("a");
    item.classList.toggle("pf-m-current", tab === name);
    if (tab === name) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
  }
}

// keepFocus re-renders with fn and gives the focus back to the element of the same id, so that
// keyboard users stay where they were.
function keepFocus(fn) {
  const active = document.activeElement;
  const id = active && active.id;
  const caret = active && typeof active.selectionStart === "number" ? active.selectionStart : null;
  fn();
  const again = id && document.getElementById(id);
  if (again && again !== document.activeElement) {
    again.focus();
    if (caret !== null && typeof again.setSelectionRange === "function") again.setSelectionRange(caret, caret);
  }
}

function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

function toast(message) {
  const root = document.getElementById("toast-root");
  const box = alertBox(message, "success");
  root.append(box);
  setTimeout(() => box.remove(), 4000);
}

// ---- API ----

async function api(method, path, body) {
  const headers = { "X-CSRF-Token": state.csrf };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const resp = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  const text = await resp.text();
  let data = {};
  try { data = text ? JSON.parse(text) : {}; } catch (e) { data = { error: text }; }
  if (!resp.ok) {
    const err = new Error(data.error || resp.statusText || "HTTP " + resp.status);
    err.status = resp.status;
    err.fields = data.errors || [];
    throw err;
  }
  return data;
}

const transportNames = { "stdio": "stdio", "streamable-http": "Streamable HTTP", "sse": "SSE" };
const modeNames = { local: "Deploy in the cluster", remote: "Remote (runs elsewhere)" };
const facetNames = { mode: "Deployment", transport: "Transport", provider: "Provider", label: "Labels" };
const facetKeys = { mode: "modes", transport: "transports", provider: "providers", label: "labels" };

function facetValueName(facet, value) {
  if (facet === "transport") return transportNames[value] || value;
  if (facet === "mode") return modeNames[value] || value;
  return value;
}

// ---- Catalog ----

function showCatalog() {
  selectTab("catalog");
  const search = el("input", {
    class: "pf-v6-c-text-input-group__text-input", id: "search", type: "search", value: state.catalog.query,
    placeholder: "Search by name, description, provider or tool", "aria-label": "Search the catalog",
  });
  search.addEventListener("input", debounce(() => { state.catalog.query = search.value; refreshCatalog(); }, 200));
  const sort = el("select", { id: "sort", "aria-label": "Sort by", onchange: (ev) => { state.catalog.sort = ev.target.value; refreshCatalog(); } },
    [["name", "Name"], ["provider", "Provider"], ["tools", "Most tools"]].map(([v, label]) =>
      el("option", { value: v, selected: state.catalog.sort === v }, label)));
  const toolbar = el("div", { class: "pf-v6-c-toolbar catalog-toolbar" },
    el("div", { class: "pf-v6-c-toolbar__content" },
      el("div", { class: "pf-v6-c-toolbar__content-section" },
        el("div", { class: "pf-v6-c-toolbar__item search" },
          el("div", { class: "pf-v6-c-text-input-group pf-v6-c-search-input" },
            el("div", { class: "pf-v6-c-text-input-group__main pf-m-icon" },
              el("span", { class: "pf-v6-c-text-input-group__text" },
                el("span", { class: "pf-v6-c-text-input-group__icon" }, icon("search")), search)))),
        el("div", { class: "pf-v6-c-toolbar__item" },
          el("label", { class: "pf-v6-screen-reader", for: "sort" }, "Sort by"),
          el("span", { class: "pf-v6-c-form-control" }, sort,
            el("span", { class: "pf-v6-c-form-control__utilities" },
              el("span", { class: "pf-v6-c-form-control__toggle-icon" }, icon("caret-down"))))),
        el("div", { class: "pf-v6-c-toolbar__item pf-m-align-end" }, el("span", { id: "count", role: "status" }))),
      el("div", { class: "pf-v6-c-toolbar__content-section", id: "active-filters" })));
  setView(
    pageTitle("MCP servers", "Browse the MCP servers of the catalog sources and deploy them into the cluster."),
    el("div", { class: "pf-v6-c-sidebar" },
      el("div", { class: "pf-v6-c-sidebar__main" },
        el("aside", { class: "pf-v6-c-sidebar__panel", "aria-label": "Filters" }, el("div", { class: "filter-panel", id: "filters" })),
        el("div", { class: "pf-v6-c-sidebar__content" },
          el("div", { class: "pf-v6-l-stack pf-m-gutter" },
            toolbar, el("div", { id: "problems" }), el("div", { id: "results" }, spinner("Loading the catalog")))))));
  refreshCatalog();
}

function catalogParams() {
  const params = new URLSearchParams();
  if (state.catalog.query) params.set("q", state.catalog.query);
  if (state.catalog.sort !== "name") params.set("sort", state.catalog.sort);
  for (const [facet, values] of Object.entries(state.catalog.filters)) values.forEach((v) => params.append(facet, v));
  return params;
}

let catalogRequest = 0;

async function refreshCatalog() {
  const mine = ++catalogRequest;
  let data;
  try {
    data = await api("GET", "/api/catalog?" + catalogParams());
  } catch (err) {
    const results = document.getElementById("results");
    if (results) results.replaceChildren(alertBox("The catalog could not be loaded", "danger", err.message));
    return;
  }
  if (mine !== catalogRequest || !document.getElementById("results")) return; // an answer overtaken by a newer question
  keepFocus(() => {
    document.getElementById("filters").replaceChildren(...filterPanel(data.facets));
    document.getElementById("active-filters").replaceChildren(...nodes(activeFilters()));
    document.getElementById("count").textContent = `${data.shown} of ${data.total} MCP servers`;
    document.getElementById("problems").replaceChildren(...nodes(problemsAlert(data.problems)));
    document.getElementById("results").replaceChildren(results(data));
  });
}

function filterPanel(facets) {
  return Object.keys(facetNames).map((facet) => {
    const values = facets[facetKeys[facet]] || [];
    if (!values.length) return null;
    return el("fieldset", { class: "filter-group", id: "filter-" + facet },
      el("legend", {}, facetNames[facet]),
      values.map((v, i) => {
        const id = `filter-${facet}-${i}`;
        const chosen = state.catalog.filters[facet];
        return el("div", { class: "pf-v6-c-check" },
          el("input", {
            class: "pf-v6-c-check__input", type: "checkbox", id, "data-facet": facet, "data-value": v.value, checked: chosen.has(v.value),
            onchange: (ev) => { ev.target.checked ? chosen.add(v.value) : chosen.delete(v.value); refreshCatalog(); },
          }),
          el("label", { class: "pf-v6-c-check__label", for: id }, facetValueName(facet, v.value),
            el("span", { class: "facet-count" }, `(${v.count})`)));
      }));
  }).filter(Boolean);
}

// activeFilters shows each chosen filter value as a label that removes it, per category, and
// "Clear all filters".
function activeFilters() {
  const groups = Object.entries(state.catalog.filters).filter(([, values]) => values.size).map(([facet, values]) =>
    el("div", { class: "pf-v6-c-toolbar__item pf-m-label-group" },
      el("div", { class: "pf-v6-c-label-group pf-m-category" },
        el("div", { class: "pf-v6-c-label-group__main" },
          el("span", { class: "pf-v6-c-label-group__label", "aria-hidden": "true" }, facetNames[facet]),
          el("ul", { class: "pf-v6-c-label-group__list", role: "list", "aria-label": facetNames[facet] },
            [...values].map((v) => el("li", { class: "pf-v6-c-label-group__list-item" },
              el("span", { class: "pf-v6-c-label pf-m-outline chip", "data-facet": facet, "data-value": v },
                el("span", { class: "pf-v6-c-label__content" }, el("span", { class: "pf-v6-c-label__text" }, facetValueName(facet, v))),
                el("span", { class: "pf-v6-c-label__actions" },
                  plainButton("times", `Remove filter ${facetNames[facet]}: ${facetValueName(facet, v)}`, {
                    id: `remove-${facet}-${v}`.replace(/[^A-Za-z0-9_-]/g, "-"),
                    onclick: () => { values.delete(v); refreshCatalog(); },
                  }))))))))));
  if (!groups.length && !state.catalog.query) return [];
  return [groups, el("div", { class: "pf-v6-c-toolbar__item" }, button("Clear all filters", { id: "clear-filters", onclick: clearFilters }, "link pf-m-inline"))];
}

function clearFilters() {
  state.catalog.query = "";
  Object.values(state.catalog.filters).forEach((s) => s.clear());
  const search = document.getElementById("search");
  if (search) search.value = "";
  refreshCatalog();
  document.getElementById("search")?.focus();
}

function problemsAlert(problems) {
  if (!problems || !problems.length) return null;
  return alertBox("Some catalog entries were skipped", "warning",
    el("ul", { class: "pf-v6-c-list", id: "problem-list" }, problems.map((p) => el("li", {}, p))));
}

function results(data) {
  if (data.items.length) {
    return el("div", { class: "pf-v6-l-gallery pf-m-gutter", id: "cards" }, data.items.map(card));
  }
  if (data.total === 0) {
    return emptyState("empty-catalog", "cubes", "The catalog is empty",
      "No catalog source lists an MCP server yet. Add a catalog file or a ConfigMap labelled mcp.x-k8s.io/catalog=true.");
  }
  return emptyState("empty-state", "search", "No MCP servers match",
    "Change the search or the filters to see more servers.",
    button("Clear all filters", { id: "clear-filters-empty", onclick: clearFilters }, "link"));
}

function serverIcon(item, extra) {
  if (item.icon) {
    const img = el("img", { class: "card-icon" + (extra ? " " + extra : ""), src: item.icon, alt: "" });
    img.addEventListener("error", () => img.replaceWith(fallbackIcon(extra)));
    return img;
  }
  return fallbackIcon(extra);
}

function fallbackIcon(extra) {
  return el("span", { class: "card-icon fallback" + (extra ? " " + extra : ""), "aria-hidden": "true" }, icon("server"));
}

function card(item) {
  const name = item.title || item.name;
  return el("article", { class: "pf-v6-c-card pf-m-clickable catalog-card", "data-id": item.id },
    el("div", { class: "pf-v6-c-card__header" },
      el("div", { class: "pf-v6-c-card__header-main" }, serverIcon(item))),
    el("div", { class: "pf-v6-c-card__title" },
      el("h2", { class: "pf-v6-c-card__title-text" }, el("a", { class: "card-link", href: "#/servers/" + encodeURIComponent(item.id) }, name)),
      el("div", { class: "card-meta" }, [item.provider ? "by " + item.provider : "", item.version].filter(Boolean).join(" · "))),
    el("div", { class: "pf-v6-c-card__body" }, el("p", { class: "card-description" }, item.description || "")),
    el("div", { class: "pf-v6-c-card__footer" },
      el("div", { class: "pf-v6-c-label-group" }, el("div", { class: "pf-v6-c-label-group__main" },
        el("ul", { class: "pf-v6-c-label-group__list", role: "list", "aria-label": "Transports and labels" },
          item.transports.map((t) => labelItem(transportNames[t] || t, "blue")),
          item.remote ? labelItem("Remote", "orange") : null,
          (item.labels || []).map((l) => labelItem(l, "grey")))))));
}

function labelItem(text, color) {
  return el("li", { class: "pf-v6-c-label-group__list-item" }, label(text, color));
}

function label(text, color, iconName) {
  return el("span", { class: "pf-v6-c-label pf-m-compact pf-m-" + color },
    el("span", { class: "pf-v6-c-label__content" },
      iconName ? el("span", { class: "pf-v6-c-label__icon" }, icon(iconName)) : null,
      el("span", { class: "pf-v6-c-label__text" }, text)));
}

// ---- Details of a catalog entry ----

function breadcrumb(parentHref, parentText, current) {
  return el("nav", { class: "pf-v6-c-breadcrumb", "aria-label": "Breadcrumb" },
    el("ol", { class: "pf-v6-c-breadcrumb__list", role: "list" },
      el("li", { class: "pf-v6-c-breadcrumb__item" }, el("a", { class: "pf-v6-c-breadcrumb__link", href: parentHref }, parentText)),
      el("li", { class: "pf-v6-c-breadcrumb__item" },
        el("span", { class: "pf-v6-c-breadcrumb__item-divider" }, icon("angle-right")),
        el("span", { class: "pf-v6-c-breadcrumb__link pf-m-current", "aria-current": "page" }, current))));
}

// protocolSummary is the revision a server speaks, with the revisions it listed when it was
// discovered (MCP 2026-07-28 servers).
function protocolSummary(info) {
  const supported = info.supportedProtocolVersions.filter((v) => v !== info.protocolVersion);
  return supported.length ? `${info.protocolVersion} (also supports ${supported.join(", ")})` : info.protocolVersion;
}

function descriptionList(id, rows) {
  return el("dl", { class: "pf-v6-c-description-list pf-m-horizontal", id },
    rows.filter(([, v]) => v !== undefined && v !== null && v !== "").map(([k, v]) =>
      el("div", { class: "pf-v6-c-description-list__group" },
        el("dt", { class: "pf-v6-c-description-list__term" }, el("span", { class: "pf-v6-c-description-list__text" }, k)),
        el("dd", { class: "pf-v6-c-description-list__description" }, el("div", { class: "pf-v6-c-description-list__text" }, v)))));
}

function table(id, caption, headers, rows) {
  return el("table", { class: "pf-v6-c-table pf-m-compact pf-m-grid-md", id, role: "grid" },
    el("caption", { class: "pf-v6-screen-reader" }, caption),
    el("thead", { class: "pf-v6-c-table__thead" }, el("tr", { class: "pf-v6-c-table__tr" },
      headers.map((h) => el("th", { class: "pf-v6-c-table__th", scope: "col" }, h || el("span", { class: "pf-v6-screen-reader" }, "Actions"))))),
    el("tbody", { class: "pf-v6-c-table__tbody" }, rows));
}

function td(header, ...content) {
  return el("td", { class: "pf-v6-c-table__td", "data-label": header }, content);
}

async function showDetails(id) {
  selectTab("catalog");
  setView(spinner("Loading the server"));
  let data;
  try {
    data = await api("GET", "/api/catalog/" + encodeURIComponent(id));
  } catch (err) {
    setView(el("div", { class: "pf-v6-l-stack pf-m-gutter" }, breadcrumb("#/catalog", "Catalog", "Not found"),
      title("Catalog entry not found", "2xl", "h1", "details-title"), alertBox("This catalog entry could not be loaded", "danger", err.message)));
    return;
  }
  const e = data.entry;
  const name = e.title || e.name;
  const deployButton = button("Deploy MCP server", {
    id: "deploy-button", disabled: !e.deploy.enabled, "aria-describedby": e.deploy.enabled ? null : "deploy-reason",
    onclick: (ev) => openDeployForm(e, ev.currentTarget),
  });
  const readme = el("div", { class: "pf-v6-c-content", id: "readme" });
  readme.innerHTML = data.readmeHTML; // rendered and sanitized by the server
  setView(
    el("div", { class: "pf-v6-l-stack pf-m-gutter" },
      breadcrumb("#/catalog", "Catalog", name),
      el("div", { class: "panel" },
        el("div", { class: "pf-v6-l-stack pf-m-gutter" },
          el("div", { class: "details-header" }, serverIcon(e),
            el("div", {}, title(name, "2xl", "h1", "details-title"),
              el("div", { class: "card-meta" }, [e.provider ? "by " + e.provider : "", e.version].filter(Boolean).join(" · ")))),
          el("p", {}, e.description || ""),
          el("div", {}, deployButton,
            e.deploy.enabled ? null : el("div", { class: "pf-v6-c-helper-text" },
              el("div", { class: "pf-v6-c-helper-text__item", id: "deploy-reason" },
                el("span", { class: "pf-v6-c-helper-text__item-text" }, e.deploy.reason)))),
          e.endpoints && e.endpoints.length
            ? el("div", { id: "endpoints" }, title("Endpoints", "md", "h2"),
              el("ul", { class: "pf-v6-c-list" }, e.endpoints.map((ep) =>
                el("li", {}, (transportNames[ep.transport] || ep.transport) + ": ", el("code", { class: "mono" }, ep.url)))))
            : null,
          descriptionList("entry-details", [
            ["OCI artifact", e.image ? "oci://" + e.image : ""],
            ["Package", e.package ? `${e.package.type}: ${e.package.identifier}${e.package.version ? " " + e.package.version : ""}` : ""],
            ["Runs", e.deploy.run ? el("span", { class: "mono", id: "entry-runs" }, runsText(e.deploy.run, e.args || [])) : ""],
            ["Version", e.version], ["Provider", e.provider], ["License", e.license],
            ["Transports", e.transports.map((t) => transportNames[t] || t).join(", ")],
            ["Deployment", e.remote ? "Remote: runs elsewhere" : "In the cluster, as an MCPServer"],
            ["Source", e.source],
          ]))),
      e.tools && e.tools.length
        ? el("div", { class: "panel" }, title(`Tools (${e.tools.length})`, "lg", "h2"),
          table("tools", "Tools of " + name, ["Name", "Description"], e.tools.map((t) =>
            el("tr", { class: "pf-v6-c-table__tr" }, td("Name", el("code", {}, t.name)), td("Description", t.description || "")))))
        : null,
      data.readmeHTML ? el("div", { class: "panel" }, title("README", "lg", "h2"), readme) : null));
}

// ---- Modal dialogs ----

// openModal shows a PatternFly modal: header, a body that scrolls, a footer that stays in view.
// Tab stays inside, Escape closes, and the focus goes back to the opener.
function openModal({ id, titleText, body, footer, variant, opener }) {
  const titleId = id + "-title";
  const box = el("div", { class: "pf-v6-c-modal-box modal-box pf-m-" + (variant || "md"), role: "dialog", "aria-modal": "true", "aria-labelledby": titleId, id },
    el("div", { class: "pf-v6-c-modal-box__close" }, plainButton("times", "Close", { onclick: closeModal, id: id + "-close" })),
    el("div", { class: "pf-v6-c-modal-box__header" },
      el("h1", { class: "pf-v6-c-modal-box__title", id: titleId }, el("span", { class: "pf-v6-c-modal-box__title-text" }, titleText))),
    el("div", { class: "pf-v6-c-modal-box__body" }, body),
    el("div", { class: "pf-v6-c-modal-box__footer" }, footer));
  const backdrop = el("div", { class: "pf-v6-c-backdrop" }, el("div", { class: "pf-v6-l-bullseye" }, box));
  backdrop.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") { ev.preventDefault(); closeModal(); return; }
    if (ev.key !== "Tab") return;
    const focusable = [...box.querySelectorAll("a[href], button:not([disabled]), input, select, textarea")].filter((n) => n.offsetParent !== null);
    const first = focusable[0], last = focusable[focusable.length - 1];
    if (ev.shiftKey && document.activeElement === first) { ev.preventDefault(); last.focus(); }
    else if (!ev.shiftKey && document.activeElement === last) { ev.preventDefault(); first.focus(); }
  });
  state.modalOpener = opener || document.activeElement;
  document.getElementById("modal-root").replaceChildren(backdrop);
  return box;
}

function closeModal() {
  const root = document.getElementById("modal-root");
  if (!root.children.length) return;
  root.replaceChildren();
  const opener = state.modalOpener;
  state.modalOpener = null;
  if (opener && document.contains(opener)) opener.focus();
  flushDeployments();
}

// ---- Deploy form ----

// commandLine shows a command as a person would type it, quoting what needs quotes.
function commandLine(words) {
  return words.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : JSON.stringify(w))).join(" ");
}

// runsText says what a deployment runs: the image and, for a stdio server, its command line
// (with the arguments; the image's own command when the catalog names none).
function runsText(run, args) {
  if (!run.stdio) return `${run.image}, serving MCP over HTTP`;
  const command = run.command && run.command.length ? commandLine(run.command.concat(args)) : `the image's command${args.length ? " with " + commandLine(args) : ""}`;
  return `${command} in ${run.image}, over stdio, behind the operator's stdio bridge`;
}

// formField is one labelled control with its help and its error (shown once, in words).
function formField(labelText, control, help, required) {
  const id = control.id;
  const wrapped = control.tagName === "TEXTAREA"
    ? el("span", { class: "pf-v6-c-form-control pf-m-textarea", id: id + "-control" }, control)
    : el("span", { class: "pf-v6-c-form-control", id: id + "-control" }, control,
      el("span", { class: "pf-v6-c-form-control__utilities" },
        el("span", { class: "pf-v6-c-form-control__icon pf-m-status" }, icon("exclamation-circle"))));
  control.setAttribute("aria-describedby", id + "-helper");
  if (required) control.setAttribute("aria-required", "true");
  return el("div", { class: "pf-v6-c-form__group" },
    el("div", { class: "pf-v6-c-form__group-label" },
      el("label", { class: "pf-v6-c-form__label", for: id },
        el("span", { class: "pf-v6-c-form__label-text" }, labelText),
        required ? el("span", { class: "pf-v6-c-form__label-required", "aria-hidden": "true" }, " *") : null)),
    el("div", { class: "pf-v6-c-form__group-control" }, wrapped,
      el("div", { class: "pf-v6-c-form__helper-text", id: id + "-helper", "aria-live": "polite" },
        el("div", { class: "pf-v6-c-helper-text" },
          el("div", { class: "pf-v6-c-helper-text__item", id: id + "-help" }, el("span", { class: "pf-v6-c-helper-text__item-text" }, help || "")),
          el("div", { class: "pf-v6-c-helper-text__item pf-m-error", id: id + "-error", hidden: true },
            el("span", { class: "pf-v6-c-helper-text__item-icon" }, icon("exclamation-circle")),
            el("span", { class: "pf-v6-c-helper-text__item-text" }))))));
}

function setFieldError(id, message) {
  const control = document.getElementById(id);
  const box = document.getElementById(id + "-control");
  const error = document.getElementById(id + "-error");
  if (!control || !error) return false;
  box.classList.toggle("pf-m-error", !!message);
  if (message) control.setAttribute("aria-invalid", "true"); else control.removeAttribute("aria-invalid");
  error.hidden = !message;
  error.querySelector(".pf-v6-c-helper-text__item-text").textContent = message || "";
  return true;
}

async function openDeployForm(e, opener) {
  const input = (id, attrs) => el("input", Object.assign({ id, type: "text" }, attrs));
  const name = input("f-name", { value: e.name.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/^[^a-z]+|-+$/g, "").slice(0, 63), required: true, autocomplete: "off" });
  const namespace = input("f-namespace", { value: state.namespace || "default", required: true, list: "f-namespace-choices", autocomplete: "off" });
  const namespaceChoices = el("datalist", { id: "f-namespace-choices" });
  const port = input("f-port", { type: "number", min: "1", max: "65535", value: String(e.port || 8080) });
  const path = input("f-path", { value: e.path || "/mcp" });
  const serviceAccount = input("f-service-account", { value: "", placeholder: "default", autocomplete: "off" });
  const args = el("textarea", { id: "f-args", rows: "3" });
  args.value = (e.args || []).join("\n");
  const envInputs = (e.env || []).map((v) => ({
    v, input: input("f-env-" + v.name, { type: v.secret ? "password" : "text", value: v.secret ? "" : (v.default || ""), "data-env": v.name, autocomplete: "off" }),
  }));
  const formError = el("div", { id: "form-error" });
  const argList = () => args.value.split("\n").map((a) => a.trim()).filter((a) => a !== "");
  const runs = el("code", { class: "mono", id: "f-runs" }, runsText(e.deploy.run, argList()));
  args.addEventListener("input", () => { runs.textContent = runsText(e.deploy.run, argList()); });
  const form = el("form", { class: "pf-v6-c-form", id: "deploy-form", novalidate: true },
    formError,
    el("div", { class: "pf-v6-c-form__group" },
      el("div", { class: "pf-v6-c-form__group-label" }, el("span", { class: "pf-v6-c-form__label-text" }, "Runs")),
      el("div", { class: "pf-v6-c-form__group-control" }, runs)),
    formField("Name", name, "The MCPServer's name: lowercase letters, digits and '-'.", true),
    formField("Namespace", namespace, "Where the server runs.", true), namespaceChoices,
    formField("Port", port, "The port the server listens on."),
    formField("Path", path, "The HTTP path of the MCP endpoint."),
    formField("Service account", serviceAccount, "The ServiceAccount the server runs as, and so what it may do in the cluster. Empty: the namespace's default."),
    formField("Arguments", args, "One per line."),
    envInputs.length ? el("h2", { class: "pf-v6-c-title pf-m-md" }, "Environment variables") : null,
    envInputs.map(({ v, input }) => formField(v.name, input,
      [sentence(v.description), v.secret ? "Stored in a Secret, never in the MCPServer." : ""].filter(Boolean).join(" "), v.required)));
  const submit = el("button", { class: "pf-v6-c-button pf-m-primary", id: "deploy-submit", type: "submit", form: "deploy-form" },
    el("span", { class: "pf-v6-c-button__text" }, "Deploy"));
  openModal({
    id: "deploy-modal", titleText: "Deploy " + (e.title || e.name), body: form, opener,
    footer: [submit, button("Cancel", { id: "deploy-cancel", onclick: closeModal }, "link")],
  });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    formError.replaceChildren();
    form.querySelectorAll("input, textarea").forEach((n) => setFieldError(n.id, ""));
    submit.disabled = true;
    try {
      await api("POST", "/api/deployments", {
        entryId: e.id, name: name.value.trim(), namespace: namespace.value.trim(), port: Number(port.value), path: path.value.trim(),
        serviceAccount: serviceAccount.value.trim(),
        args: argList(),
        env: envInputs.map(({ v, input }) => ({ name: v.name, value: input.value, secret: !!v.secret })).filter((x) => x.value !== ""),
      });
      state.namespace = namespace.value.trim();
      closeModal();
      toast(`${name.value.trim()} is being deployed in ${state.namespace}.`);
      location.hash = "#/deployments";
    } catch (err) {
      showFormErrors(formError, err);
    } finally {
      submit.disabled = false;
    }
  });
  name.focus();
  try {
    const choices = await api("GET", "/api/namespaces");
    namespaceChoices.replaceChildren(...choices.namespaces.map((ns) => el("option", { value: ns })));
  } catch (err) {
    // Without the right to list namespaces the field stays free text.
  }
}

// showFormErrors puts each refusal at its field; what belongs to no field goes, once, above.
function showFormErrors(formError, err) {
  const elsewhere = [];
  let first = null;
  for (const f of err.fields) {
    const id = fieldInputId(f.field);
    if (id && setFieldError(id, f.message)) { first = first || id; continue; }
    elsewhere.push(f.message);
  }
  if (err.fields.length === 0 || elsewhere.length) {
    formError.replaceChildren(alertBox(err.message, "danger",
      elsewhere.length ? el("ul", { class: "pf-v6-c-list" }, elsewhere.map((m) => el("li", {}, m))) : null));
    formError.scrollIntoView({ block: "nearest" });
  }
  if (first) document.getElementById(first).focus();
}

function fieldInputId(fieldName) {
  const map = { name: "f-name", namespace: "f-namespace", port: "f-port", path: "f-path", serviceAccount: "f-service-account", args: "f-args" };
  const f = fieldName || "";
  if (map[f]) return map[f];
  if (f.startsWith("env.")) return "f-env-" + f.slice(4);
  if (f.startsWith("args")) return "f-args";
  return "";
}

// sentence ends a catalog's description with a full stop, so that more can follow it.
function sentence(text) {
  return (text || "").trim().replace(/([^.!?])$/, "$1.");
}

// ---- Deployments ----

const statusLook = {
  Available: { icon: "check-circle", color: "success" },
  Pending: { icon: "hourglass-half", color: "info" },
  Failed: { icon: "exclamation-circle", color: "danger" },
};

function statusView(d) {
  const look = statusLook[d.status] || statusLook.Pending;
  return el("span", { class: "status", "data-status": d.status, title: d.message || "" }, statusIcon(look.icon, look.color), d.status);
}

// copyable shows a URL with a button that copies it.
function copyable(url, id) {
  const copy = plainButton("copy", "Copy " + url, {
    class: "pf-v6-c-button pf-m-plain copy-button", id,
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(url);
        toast("Copied " + url);
      } catch (err) {
        toast("Select the address and copy it: " + url);
      }
    },
  });
  return el("span", { class: "pf-v6-c-clipboard-copy pf-m-inline" },
    el("span", { class: "pf-v6-c-clipboard-copy__text pf-m-code url" }, url),
    el("span", { class: "pf-v6-c-clipboard-copy__actions" }, el("span", { class: "pf-v6-c-clipboard-copy__actions-item" }, copy)));
}

function externalLink(url) {
  return el("a", { href: url, rel: "noopener noreferrer", target: "_blank", class: "external-url" }, url, " ", icon("external-link-alt"));
}

async function showDeployments() {
  selectTab("deployments");
  const namespaceControl = el("div", { class: "pf-v6-c-toolbar__item", id: "namespace-control" });
  setView(el("div", { class: "pf-v6-l-stack pf-m-gutter" },
    pageTitle("Deployed MCP servers", "The MCPServers of the namespaces you can see, as the operator reports them. Live."),
    el("div", { class: "pf-v6-c-toolbar" }, el("div", { class: "pf-v6-c-toolbar__content" },
      el("div", { class: "pf-v6-c-toolbar__content-section" }, namespaceControl,
        el("div", { class: "pf-v6-c-toolbar__item pf-m-align-end" }, button("Deploy from the catalog", { onclick: () => { location.hash = "#/catalog"; } }, "secondary"))))),
    el("div", { id: "deployments-problem" }),
    el("div", { id: "deployments" }, spinner("Loading the deployments"))));
  renderNamespaceControl(namespaceControl);
  watchDeployments();
}

async function renderNamespaceControl(target) {
  let choices = { namespaces: [], complete: false };
  try { choices = await api("GET", "/api/namespaces"); } catch (err) { /* free text below */ }
  if (!document.contains(target)) return;
  if (state.namespace && !choices.namespaces.includes(state.namespace)) choices.namespaces.push(state.namespace);
  let control;
  if (choices.complete) {
    control = el("select", { id: "ns-filter", onchange: (ev) => { state.namespace = ev.target.value; watchDeployments(); } },
      el("option", { value: "", selected: !state.namespace }, "All namespaces"),
      choices.namespaces.map((ns) => el("option", { value: ns, selected: ns === state.namespace }, ns)));
    control = el("span", { class: "pf-v6-c-form-control" }, control,
      el("span", { class: "pf-v6-c-form-control__utilities" }, el("span", { class: "pf-v6-c-form-control__toggle-icon" }, icon("caret-down"))));
  } else {
    const input = el("input", { id: "ns-filter", type: "text", value: state.namespace, placeholder: "All namespaces" });
    input.addEventListener("change", () => { state.namespace = input.value.trim(); watchDeployments(); });
    control = el("span", { class: "pf-v6-c-form-control" }, input);
  }
  target.replaceChildren(el("label", { for: "ns-filter", class: "pf-v6-c-form__label ns-label" }, el("span", { class: "pf-v6-c-form__label-text" }, "Namespace")), control);
}

// watchDeployments (re)opens the event stream of the Deployments tab for the chosen namespace.
function watchDeployments() {
  closeStreams();
  const url = "/api/deployments/watch" + (state.namespace ? "?namespace=" + encodeURIComponent(state.namespace) : "");
  const stream = new EventSource(url);
  state.cleanup.push(() => stream.close());
  stream.addEventListener("deployments", (ev) => {
    state.pendingDeployments = JSON.parse(ev.data);
    flushDeployments();
  });
  stream.addEventListener("error", async () => {
    if (stream.readyState !== EventSource.CLOSED) return; // the browser reconnects by itself
    // The stream was refused: ask once more, as JSON, to say why.
    let message = "The deployments could not be loaded.";
    try { await api("GET", "/api/deployments" + (state.namespace ? "?namespace=" + encodeURIComponent(state.namespace) : "")); } catch (err) {
      message = err.message + (err.status === 403 && !state.namespace ? " Choose a namespace you can see." : "");
    }
    const target = document.getElementById("deployments");
    if (target) target.replaceChildren(alertBox(message, "danger", button("Try again", { id: "retry", onclick: watchDeployments }, "link pf-m-inline")));
  });
}

function closeStreams() {
  state.cleanup.forEach((fn) => fn());
  state.cleanup = [];
}

// flushDeployments draws the latest list, unless a menu or a dialog is open over the table:
// then it waits for it to close, so that nothing moves under the pointer.
function flushDeployments() {
  const data = state.pendingDeployments;
  if (!data || document.querySelector("#menu-root .row-menu") || document.querySelector("#modal-root .pf-v6-c-backdrop")) return;
  state.pendingDeployments = null;
  const problem = document.getElementById("deployments-problem");
  if (problem) problem.replaceChildren(...nodes(data.problem ? alertBox(data.problem, "warning") : null));
  const target = document.getElementById("deployments");
  if (target) keepFocus(() => target.replaceChildren(deploymentsTable(data.items)));
  const details = document.getElementById("deployment-details");
  if (details) refreshDeploymentDetails(data);
}

function deploymentsTable(items) {
  if (!items.length) {
    return emptyState("no-deployments", "cubes", "No MCP servers deployed",
      state.namespace ? `There are no MCPServers in ${state.namespace} that you can see.` : "Deploy one from the catalog.",
      button("Browse the catalog", { onclick: () => { location.hash = "#/catalog"; } }, "primary"));
  }
  return table("deployments-table", "Deployed MCP servers", ["Name", "Namespace", "Status", "Connect at", "Tools", ""],
    items.map(deploymentRow));
}

function deploymentHref(d) {
  return `#/deployments/${encodeURIComponent(d.namespace)}/${encodeURIComponent(d.name)}`;
}

function deploymentRow(d) {
  const key = `${d.namespace}-${d.name}`;
  return el("tr", { class: "pf-v6-c-table__tr", "data-name": d.name, "data-namespace": d.namespace },
    td("Name", el("a", { href: deploymentHref(d), class: "deployment-link" }, d.name)),
    td("Namespace", d.namespace),
    td("Status", statusView(d), d.status === "Available" ? null : el("div", { class: "status-message" }, d.message || "")),
    td("Connect at", d.url ? copyable(d.url, "copy-" + key) : "–", d.externalURL ? el("div", {}, externalLink(d.externalURL)) : null),
    td("Tools", d.tools === undefined ? "–" : String(d.tools)),
    el("td", { class: "pf-v6-c-table__td pf-v6-c-table__action" }, kebab(d, key)));
}

// kebab is the row's actions menu. The menu is placed over the page, beside its toggle, so that
// no table edge clips it; arrow keys move in it, Escape closes it.
function kebab(d, key) {
  const toggle = el("button", {
    class: "pf-v6-c-menu-toggle pf-m-plain kebab", type: "button", id: "actions-" + key,
    "aria-label": "Actions for " + d.name, "aria-haspopup": "menu", "aria-expanded": "false",
  }, el("span", { class: "pf-v6-c-menu-toggle__icon" }, icon("ellipsis-v")));
  toggle.addEventListener("click", (ev) => {
    ev.stopPropagation();
    const wasOpen = toggle.getAttribute("aria-expanded") === "true";
    closeMenus();
    if (!wasOpen) openMenu(toggle, [["Delete", "delete-action", () => confirmDelete(d, toggle)]]);
  });
  return toggle;
}

function openMenu(toggle, items) {
  const menu = el("div", { class: "pf-v6-c-menu row-menu", id: toggle.id + "-menu" },
    el("div", { class: "pf-v6-c-menu__content" },
      el("ul", { class: "pf-v6-c-menu__list", role: "menu", "aria-labelledby": toggle.id },
        items.map(([text, cls, action]) => el("li", { class: "pf-v6-c-menu__list-item", role: "none" },
          el("button", { class: "pf-v6-c-menu__item " + cls, type: "button", role: "menuitem", tabindex: "-1", onclick: () => { closeMenus(false); action(); } },
            el("span", { class: "pf-v6-c-menu__item-main" }, el("span", { class: "pf-v6-c-menu__item-text" }, text))))))));
  menu.addEventListener("keydown", (ev) => {
    const entries = [...menu.querySelectorAll("[role=menuitem]")];
    const at = entries.indexOf(document.activeElement);
    if (ev.key === "Escape") { ev.preventDefault(); closeMenus(); toggle.focus(); }
    else if (ev.key === "ArrowDown") { ev.preventDefault(); entries[(at + 1) % entries.length].focus(); }
    else if (ev.key === "ArrowUp") { ev.preventDefault(); entries[(at - 1 + entries.length) % entries.length].focus(); }
    else if (ev.key === "Tab") { closeMenus(); }
  });
  document.getElementById("menu-root").replaceChildren(menu);
  state.menuToggle = toggle;
  placeMenu();
  toggle.setAttribute("aria-expanded", "true");
  menu.querySelector("[role=menuitem]").focus();
}

// placeMenu puts the open menu under its toggle, or above it where the window ends.
function placeMenu() {
  const menu = document.querySelector("#menu-root .row-menu");
  const toggle = state.menuToggle;
  if (!menu || !toggle || !document.contains(toggle)) return;
  const r = toggle.getBoundingClientRect();
  menu.style.top = `${r.bottom + 4}px`;
  menu.style.left = `${Math.max(8, r.right - menu.offsetWidth)}px`;
  if (r.bottom + 4 + menu.offsetHeight > window.innerHeight) menu.style.top = `${Math.max(8, r.top - 4 - menu.offsetHeight)}px`;
}

function closeMenus(flush) {
  document.getElementById("menu-root").replaceChildren();
  document.querySelectorAll(".kebab[aria-expanded=true]").forEach((t) => t.setAttribute("aria-expanded", "false"));
  if (flush !== false) flushDeployments();
}

function confirmDelete(d, opener) {
  const error = el("div", { id: "delete-error" });
  const confirm = button("Delete", {
    id: "confirm-delete-button",
    onclick: async () => {
      confirm.disabled = true;
      try {
        await api("DELETE", `/api/deployments/${encodeURIComponent(d.namespace)}/${encodeURIComponent(d.name)}`);
        closeModal();
        toast(`${d.namespace}/${d.name} was deleted.`);
        if (location.hash.startsWith("#/deployments/")) location.hash = "#/deployments";
      } catch (err) {
        error.replaceChildren(alertBox(err.message, "danger"));
        confirm.disabled = false;
      }
    },
  }, "danger");
  openModal({
    id: "delete-modal", variant: "sm", titleText: "Delete MCP server?", opener,
    body: el("div", { id: "confirm-delete" }, error,
      el("p", {}, `The MCPServer ${d.namespace}/${d.name} and everything the operator made for it will be deleted.`)),
    footer: [confirm, button("Cancel", { id: "delete-cancel", onclick: closeModal }, "link")],
  });
  document.getElementById("delete-cancel").focus();
}

// ---- Details of a deployment ----

async function showDeploymentDetails(namespace, name) {
  selectTab("deployments");
  setView(el("div", { id: "deployment-details", "data-namespace": namespace, "data-name": name }, spinner("Loading the deployment")));
  await loadDeploymentDetails(namespace, name);
  // Live: the namespace's stream says when this server changes; the details are read again then.
  const stream = new EventSource("/api/deployments/watch?namespace=" + encodeURIComponent(namespace));
  state.cleanup.push(() => stream.close());
  stream.addEventListener("deployments", (ev) => {
    state.pendingDeployments = JSON.parse(ev.data);
    flushDeployments();
  });
}

const refreshDeploymentDetails = debounce((data) => {
  const target = document.getElementById("deployment-details");
  if (!target) return;
  const item = data.items.find((d) => d.namespace === target.dataset.namespace && d.name === target.dataset.name);
  const shown = JSON.stringify(state.shownDeployment || null);
  if (JSON.stringify(item || null) !== shown) loadDeploymentDetails(target.dataset.namespace, target.dataset.name);
}, 100);

async function loadDeploymentDetails(namespace, name) {
  let d;
  try {
    d = await api("GET", `/api/deployments/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`);
  } catch (err) {
    const target = document.getElementById("deployment-details");
    if (target) {
      target.replaceChildren(el("div", { class: "pf-v6-l-stack pf-m-gutter" }, breadcrumb("#/deployments", "Deployments", name),
        title(name, "2xl", "h1", "deployment-title"), alertBox(`${namespace}/${name} could not be loaded`, "danger", err.message)));
    }
    state.shownDeployment = null;
    return;
  }
  const target = document.getElementById("deployment-details");
  if (!target) return;
  state.shownDeployment = { name: d.name, namespace: d.namespace, status: d.status, message: d.message, url: d.url, externalURL: d.externalURL, tools: d.tools, image: d.image };
  const deleteButton = button("Delete", { id: "details-delete", onclick: (ev) => confirmDelete(d, ev.currentTarget) }, "secondary pf-m-danger");
  keepFocus(() => target.replaceChildren(el("div", { class: "pf-v6-l-stack pf-m-gutter" },
    breadcrumb("#/deployments", "Deployments", d.name),
    el("div", { class: "panel" }, el("div", { class: "pf-v6-l-stack pf-m-gutter" },
      el("div", { class: "pf-v6-l-flex pf-m-justify-content-space-between" },
        el("div", {}, title(d.name, "2xl", "h1", "deployment-title"), el("div", { id: "deployment-status" }, statusView(d))),
        el("div", {}, deleteButton)),
      d.status === "Available" ? null : el("p", { class: "status-message", id: "deployment-message" }, d.message || ""),
      descriptionList("deployment-summary", [
        ["Namespace", d.namespace],
        ["Image", d.image ? el("span", { class: "mono" }, d.image) : ""],
        ["Connect at", d.url ? copyable(d.url, "details-copy") : ""],
        ["Outside the cluster", d.externalURL ? externalLink(d.externalURL) : ""],
        ["Server", d.serverInfo ? [d.serverInfo.name, d.serverInfo.version].filter(Boolean).join(" ") : ""],
        ["MCP protocol", d.serverInfo ? protocolSummary(d.serverInfo) : ""],
        ["Deprecated features", d.serverInfo && d.serverInfo.deprecatedFeatures.length
          ? el("span", { id: "deprecated-features" }, d.serverInfo.deprecatedFeatures.join(", ")) : ""],
        ["Created", d.created ? new Date(d.created).toLocaleString() : ""],
      ]))),
    el("div", { class: "panel" }, title("Conditions", "lg", "h2"),
      d.conditions.length
        ? table("conditions", "Conditions", ["Type", "Status", "Reason", "Message", "Last changed"], d.conditions.map((c) =>
          el("tr", { class: "pf-v6-c-table__tr", "data-type": c.type }, td("Type", c.type), td("Status", c.status), td("Reason", c.reason),
            td("Message", c.message), td("Last changed", new Date(c.lastTransitionTime).toLocaleString()))))
        : el("p", { id: "no-conditions" }, "The operator has not reported on this server yet.")),
    el("div", { class: "panel" }, title(d.tools === undefined ? "Tools" : `Tools (${d.tools})`, "lg", "h2"),
      d.toolNames.length
        ? el("ul", { class: "pf-v6-c-label-group__list tool-names", id: "tool-names", role: "list" }, d.toolNames.map((t) => labelItem(t, "blue")))
        : el("p", { id: "no-tools" }, "No tools known yet: the operator lists them once the server answers its MCP handshake.")),
    el("div", { class: "panel" }, title("Recent events", "lg", "h2"),
      d.eventsError ? alertBox(d.eventsError, "info")
        : d.events.length
          ? table("events", "Recent events", ["Type", "Reason", "Message", "Count", "Last seen"], d.events.map((e) =>
            el("tr", { class: "pf-v6-c-table__tr" }, td("Type", e.type === "Warning" ? [statusIcon("exclamation-triangle", "warning"), " Warning"] : e.type),
              td("Reason", e.reason), td("Message", e.message), td("Count", String(e.count)), td("Last seen", new Date(e.lastSeen).toLocaleString()))))
          : el("p", { id: "no-events" }, "No recent events.")))));
}

// ---- Routing ----

function route() {
  closeStreams();
  closeMenus(false);
  document.getElementById("modal-root").replaceChildren();
  state.pendingDeployments = null;
  const hash = location.hash || "#/catalog";
  const parts = hash.slice(2).split("/").map(decodeURIComponent);
  if (parts[0] === "servers" && parts[1]) showDetails(parts.slice(1).join("/"));
  else if (parts[0] === "deployments" && parts.length === 3) showDeploymentDetails(parts[1], parts[2]);
  else if (parts[0] === "deployments") showDeployments();
  else showCatalog();
}

document.addEventListener("click", (ev) => {
  if (!ev.target.closest || !ev.target.closest("#menu-root")) closeMenus();
});
window.addEventListener("resize", placeMenu);
window.addEventListener("scroll", placeMenu, true);
window.addEventListener("hashchange", route);
window.addEventListener("DOMContentLoaded", async () => {
  try {
    const session = await api("GET", "/api/session");
    state.csrf = session.csrfToken;
    document.getElementById("identity").textContent = "Acting as " + session.identity + " identity";
  } catch (err) {
    setView(alertBox("The catalog is not reachable", "danger", err.message));
    return;
  }
  route();
});
