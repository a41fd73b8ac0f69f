// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package page_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	mcpv1beta1 "github.com/mcp-operator/mcp-operator/api/v1beta1"
	"github.com/mcp-operator/mcp-operator/internal/catalog/sources"
	"github.com/mcp-operator/mcp-operator/internal/testing/check"
	"github.com/mcp-operator/mcp-operator/internal/testing/testenv"
)

// The browser tests drive the page in Debian's headless Chromium, as a person would: typing,
// clicking, reading what is shown. The bearer token is added to every request as the
// OpenShift console's proxy or oauth-proxy would. Screenshots go to bin/test-artifacts/catalog.

// browser is one Chromium tab signed in as one person.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	mu   sync.Mutex
	// errors the page met: uncaught exceptions, console errors, failed loads, CSP refusals.
	errors []string
}

// chromiumPath finds Debian's chromium (make test installs it) or the binary $CHROMIUM names.
func chromiumPath(t *testing.T) string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("no chromium found: run `make browser` (it installs Debian's chromium package) or set CHROMIUM")
	return ""
}

func openBrowser(t *testing.T, base, person string) *browser {
	t.Helper()
	profile, err := os.MkdirTemp("", "catalog-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	// Chromium leaves org.chromium.Chromium.* directories in TMPDIR: in the profile, they go
	// with it.
	tmp := filepath.Join(profile, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox, // the tests may run as root, where Chromium's sandbox refuses to start
		chromedp.DisableGPU,
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-component-update", true),
		chromedp.Env("TMPDIR="+tmp),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		_ = os.RemoveAll(profile) // best effort: Chromium's helpers may still be writing
	})
	b := &browser{t: t, ctx: ctx, base: base}
	headers := network.Headers{}
	if token := tokens[person]; token != "" {
		headers["Authorization"] = "Bearer " + token
	}
	// The first action starts the browser, which lives as long as the context of that action:
	// the tab's own, without a deadline.
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		if _, err := cdp.Call(ctx, target, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, target, cdplog.Enable, cdp.Empty{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, target, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: headers})
		return err
	})); err != nil {
		t.Fatalf("starting Chromium and signing in: %v", err)
	}
	// Subscribe once the browser runs: a subscription made before starts the browser from the
	// reading goroutine, racing the first action's start.
	exceptions := chromedp.Events(ctx, cdpruntime.ExceptionThrown)
	go func() {
		for ev, err := range exceptions {
			if err != nil {
				return
			}
			b.addError((&chromedp.ExceptionError{ExceptionDetails: ev.ExceptionDetails}).Error())
		}
	}()
	consoleCalls := chromedp.Events(ctx, cdpruntime.ConsoleAPICalled)
	go func() {
		for ev, err := range consoleCalls {
			if err != nil {
				return
			}
			if ev.Type == cdpruntime.ConsoleAPICalledTypeError || ev.Type == cdpruntime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range ev.Args {
					if a.Value != nil {
						args = append(args, string(a.Value))
					} else {
						args = append(args, a.Description)
					}
				}
				b.addError("console." + string(ev.Type) + ": " + strings.Join(args, " "))
			}
		}
	}()
	logEntries := chromedp.Events(ctx, cdplog.EntryAdded)
	go func() {
		for ev, err := range logEntries {
			if err != nil {
				return
			}
			if ev.Entry.Level == cdplog.EntryLevelError && !refusalOfTheAPI(ev.Entry) {
				b.addError(fmt.Sprintf("%s: %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
			}
		}
	}()
	t.Cleanup(b.noScriptErrors)
	return b
}

// do runs steps with a deadline; on failure it saves a screenshot and stops the test.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, waitDuration)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.screenshot("FAILED-" + strings.ReplaceAll(b.t.Name(), "/", "-"))
		b.t.Fatalf("%s: %v", what, err)
	}
}

// open loads the page afresh at a view (a #/ route) and waits for the view to show. Going
// through about:blank makes it a new document, so the wait cannot see the previous view.
func (b *browser) open(route, ready string) {
	b.t.Helper()
	b.do("open "+route, chromedp.Navigate("about:blank"), chromedp.Navigate(b.base+"/"+route), chromedp.WaitVisible(chromedp.CSS(ready)))
}

// waitFor waits until a JavaScript expression is true.
func (b *browser) waitFor(what, expression string) {
	b.t.Helper()
	b.do(what, func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Poll[bool](expression, chromedp.WithPollingTimeout(waitDuration), chromedp.WithPollingInterval(50*time.Millisecond))(ctx, t)
		return chromedp.Void{}, err
	})
}

// text returns what an element shows.
func (b *browser) text(selector string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, waitDuration)
	defer cancel()
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(selector)))
	if err != nil {
		b.t.Fatalf("reading %s: %v", selector, err)
	}
	return text
}

func (b *browser) isTrue(expression string) bool {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, waitDuration)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expression))
	if err != nil {
		b.t.Fatalf("evaluating %s: %v", expression, err)
	}
	return v
}

func (b *browser) screenshot(name string) {
	dir := filepath.Join(testenv.RepoRoot(), "bin", "test-artifacts", "catalog")
	ctx, cancel := context.WithTimeout(b.ctx, waitDuration)
	defer cancel()
	// The page scrolls inside PatternFly's main container, not the document: grow the window to
	// the container's content for the picture, then give it its size back.
	height, err := chromedp.Run(ctx, chromedp.Evaluate[int64](`innerHeight + Math.max(0, ...[...document.querySelectorAll(".pf-v6-c-page *")]
		.filter(e => ["auto", "scroll"].includes(getComputedStyle(e).overflowY)).map(e => e.scrollHeight - e.clientHeight))`))
	var png []byte
	if err == nil {
		err = chromedp.Do(ctx, func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
			_, err := cdp.Call(ctx, t, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 1280, Height: min(height, 8000), DeviceScaleFactor: 1})
			return chromedp.Void{}, err
		})
	}
	if err == nil {
		png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if _, clearErr := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) (cdp.Empty, error) {
			return cdp.Call(ctx, t, emulation.ClearDeviceMetricsOverride, cdp.Empty{})
		}); err == nil {
			err = clearErr
		}
	}
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
	}
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
	}
}

// refusalOfTheAPI tells the API's answers that the page shows to a person (a 4xx of /api/:
// a form error, "Not allowed", an unknown entry) from real errors: Chromium logs every
// non-2xx answer to fetch, however the page handles it.
func refusalOfTheAPI(e *cdplog.Entry) bool {
	return e.Source == cdplog.EntrySourceNetwork && strings.Contains(e.URL, "/api/") &&
		strings.Contains(e.Text, "status of 4")
}

func (b *browser) addError(e string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.errors = append(b.errors, e)
}

// takeErrors returns the errors met since the last call.
func (b *browser) takeErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	errs := b.errors
	b.errors = nil
	return errs
}

// noScriptErrors fails the test when the page met an error that no view check reported.
func (b *browser) noScriptErrors() {
	if errs := b.takeErrors(); len(errs) > 0 {
		b.t.Errorf("the page met errors: %s", strings.Join(errs, "\n"))
	}
}

// strayText finds words that only a bug writes on a page.
const strayText = `(() => {
  const text = document.body.innerText;
  const m = text.match(/\b(null|undefined|NaN)\b|\[object Object\]/);
  return m ? JSON.stringify(text.slice(Math.max(0, m.index - 60), m.index + 60)) : "";
})()`

// check is what every view must pass, as a person meets it: no script error, no console error
// and no failed load so far; no stray "null" or "undefined" on the page; no violation of the
// axe-core accessibility rules. It saves a screenshot of the view.
func (b *browser) check(view string) {
	b.t.Helper()
	b.screenshot(view)
	if errs := b.takeErrors(); len(errs) > 0 {
		b.t.Errorf("%s: the page met errors:\n%s", view, strings.Join(errs, "\n"))
	}
	if stray := b.eval(strayText); stray != "" {
		b.t.Errorf("%s: stray text on the page: %s", view, stray)
	}
	for _, v := range b.accessibilityViolations() {
		b.t.Errorf("%s: accessibility: %s", view, v)
	}
}

func (b *browser) eval(expression string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, waitDuration)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expression, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluating %s: %v", expression, err)
	}
	return v
}

var axeScript = sync.OnceValues(func() (string, error) {
	path := os.Getenv("TEST_ASSET_AXE")
	if path == "" {
		return "", fmt.Errorf("TEST_ASSET_AXE is not set")
	}
	data, err := os.ReadFile(path)
	return string(data), err
})

// accessibilityViolations runs axe-core (the npm package, fetched by hack/web-assets.sh) in the
// page and lists what it finds.
func (b *browser) accessibilityViolations() []string {
	b.t.Helper()
	script, err := axeScript()
	if err != nil {
		if os.Getenv("CI") == "true" {
			b.t.Fatalf("axe-core is needed for the accessibility checks: %v (make test fetches it)", err)
		}
		b.t.Logf("accessibility checks skipped: %v (make test fetches axe-core)", err)
		return nil
	}
	ctx, cancel := context.WithTimeout(b.ctx, waitDuration)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof axe === "object" || (function(){`+script+`; return true})()`)); err != nil {
		b.t.Fatalf("loading axe-core: %v", err)
	}
	violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v =>
		v.id + " (" + v.impact + "): " + v.help + ", at " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join("; ")))`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("running axe-core: %v", err)
	}
	return violations
}

// hover moves the mouse over the centre of an element.
func (b *browser) hover(selector string) {
	b.t.Helper()
	centre := b.eval(fmt.Sprintf(`(() => { const r = document.querySelector(%q).getBoundingClientRect(); return (r.left + r.width / 2) + " " + (r.top + r.height / 2); })()`, selector))
	var px, py float64
	if _, err := fmt.Sscan(centre, &px, &py); err != nil {
		b.t.Fatalf("the centre of %s (%q): %v", selector, centre, err)
	}
	b.do("hover "+selector, func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, input.DispatchMouseEvent, input.DispatchMouseEventParams{Type: input.DispatchMouseEventTypeMouseMoved, X: px, Y: py})
		return chromedp.Void{}, err
	})
}

// grantClipboard lets the page write to the clipboard (and the test read it), as a person's
// browser does after a click.
func (b *browser) grantClipboard() {
	b.t.Helper()
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		b.do("grant "+name, func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
			_, err := cdp.Call(ctx, t, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
				Permission: &cdpbrowser.PermissionDescriptor{Name: name}, Setting: cdpbrowser.PermissionSettingGranted, Origin: b.base})
			return chromedp.Void{}, err
		})
	}
}

// press sends keys to whatever has the focus, as a keyboard does.
func (b *browser) press(what string, keys string, opts ...chromedp.KeyOption) {
	b.t.Helper()
	b.do(what, chromedp.KeyEvent(keys, opts...))
}

// tabTo presses Tab until the element matching selector has the focus, as a keyboard user
// would, and fails when it never gets it.
func (b *browser) tabTo(selector string) {
	b.t.Helper()
	for i := 0; i < 80; i++ {
		if b.isTrue(fmt.Sprintf(`document.activeElement !== null && document.activeElement.matches(%q)`, selector)) {
			return
		}
		b.press("Tab towards "+selector, kb.Tab)
	}
	b.screenshot("FAILED-" + strings.ReplaceAll(b.t.Name(), "/", "-"))
	b.t.Fatalf("Tab never reached %s", selector)
}

// focusIs reports whether the element matching selector has the focus.
func (b *browser) focusIs(selector string) bool {
	b.t.Helper()
	return b.isTrue(fmt.Sprintf(`document.activeElement !== null && document.activeElement.matches(%q)`, selector))
}

// reachable reports whether the element is inside the window and is what a click at its
// centre would hit: not clipped, not covered.
func (b *browser) reachable(selector string) bool {
	b.t.Helper()
	return b.isTrue(fmt.Sprintf(`(() => {
  const n = document.querySelector(%q);
  if (!n) return false;
  const r = n.getBoundingClientRect();
  if (r.width === 0 || r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) return false;
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return hit !== null && (hit === n || n.contains(hit));
})()`, selector))
}

func countIs(n, total int) string {
	return fmt.Sprintf(`document.getElementById("count")?.textContent === "%d of %d MCP servers"`, n, total)
}

func cardsAre(ids ...string) string {
	return fmt.Sprintf(`[...document.querySelectorAll("#cards .catalog-card")].map(c => c.dataset.id).join(",") === %q`, strings.Join(ids, ","))
}

func TestBrowserShippedCatalog(t *testing.T) {
	store := sources.NewStore()
	if err := store.LoadBuiltin(); err != nil {
		t.Fatal(err)
	}
	b := openBrowser(t, startCatalogOf(t, store), "alice")
	b.open("#/catalog", "#cards")
	b.waitFor("every shipped server", countIs(4, 4))
	if b.isTrue(`document.querySelector("#problems .pf-v6-c-alert") !== null`) {
		t.Error("the shipped catalog shows skipped entries")
	}
	b.waitFor("the shipped icons, and the fallback for the others",
		`document.querySelectorAll("#cards img.card-icon").length === 2 && document.querySelectorAll("#cards .card-icon.fallback").length === 2`)
	b.check("catalog")

	b.do("open the OpenShift MCP server", chromedp.Click(chromedp.CSS(`[data-id="builtin-mcp-operator-catalog-yaml--openshift-mcp-server"] .card-link`)),
		chromedp.WaitVisible(chromedp.ID("details-title")))
	details := b.text("#entry-details")
	for _, want := range []string{"oci://quay.io/redhat-user-workloads/ocp-mcp-server-tenant/openshift-mcp-server-release-03:latest", "Red Hat", "builtin/mcp-operator-catalog.yaml"} {
		if !strings.Contains(details, want) {
			t.Errorf("the details do not show %q:\n%s", want, details)
		}
	}
	b.check("details")

	b.do("open the deploy form", chromedp.Click(chromedp.ID("deploy-button")), chromedp.WaitVisible(chromedp.ID("deploy-form")))
	if !b.focusIs("#f-name") {
		t.Error("the deploy form does not start at its first field")
	}
	if !b.reachable("#deploy-submit") || !b.reachable("#deploy-cancel") {
		t.Error("the form's actions are out of view")
	}
	b.check("deploy-form")
	b.press("close the form", kb.Escape)
	b.waitFor("the form closes", `document.getElementById("deploy-form") === null`)
	if !b.focusIs("#deploy-button") {
		t.Error("closing the form does not give the focus back to Deploy MCP server")
	}
}

func TestBrowserEmptyCatalog(t *testing.T) {
	b := openBrowser(t, startCatalogOf(t, sources.NewStore()), "alice")
	b.open("#/catalog", "#empty-catalog")
	b.waitFor("the count", countIs(0, 0))
	if text := b.text("#empty-catalog"); !strings.Contains(text, "mcp.x-k8s.io/catalog=true") {
		t.Errorf("the empty catalog does not say how to add servers: %s", text)
	}
	b.check("catalog-no-sources")
}

func TestBrowserSearchAndFilter(t *testing.T) {
	b := openBrowser(t, catalogURL, "alice")
	b.open("#/catalog", "#cards")
	b.waitFor("every card", countIs(5, 5))
	if problems := b.text("#problems"); !strings.Contains(problems, "broken entry without an artifact") {
		t.Errorf("the skipped entry is not listed: %q", problems)
	}
	b.check("catalog-skipped-entries")

	b.do("search for a tool name", chromedp.SendKeys(chromedp.ID("search"), "echo"))
	b.waitFor("only the server with that tool", cardsAre(sampleID))
	b.waitFor("the count", countIs(1, 5))
	if !b.focusIs("#search") {
		t.Error("the search box lost the focus while typing")
	}
	b.check("catalog-search")

	b.do("clear the search", chromedp.SendKeys(chromedp.ID("search"), strings.Repeat(kb.Backspace, len("echo"))))
	b.waitFor("every card again", countIs(5, 5))
	b.do("filter by SSE", chromedp.Click(chromedp.CSS(`input[data-facet="transport"][data-value="sse"]`)))
	b.waitFor("the SSE servers", cardsAre(hostedID, weatherID))
	b.waitFor("a chip for the filter", `document.querySelector('.chip[data-facet="transport"][data-value="sse"]') !== null`)
	b.do("filter by a label too", chromedp.Click(chromedp.CSS(`input[data-facet="label"][data-value="demo"]`)))
	b.waitFor("the SSE servers labelled demo", cardsAre(hostedID))
	b.check("catalog-filters")
	b.do("remove the transport chip", chromedp.Click(chromedp.CSS(`.chip[data-facet="transport"] button`)))
	b.waitFor("the servers labelled demo", cardsAre(hostedID, sampleID))
	b.do("only remote ones", chromedp.Click(chromedp.CSS(`input[data-facet="mode"][data-value="remote"]`)))
	b.waitFor("the remote server labelled demo", cardsAre(hostedID))
	b.do("clear all", chromedp.Click(chromedp.ID("clear-filters")))
	b.waitFor("every card after clearing", countIs(5, 5))

	b.do("filter by provider", chromedp.Click(chromedp.CSS(`input[data-facet="provider"][data-value="Test Provider"]`)))
	b.waitFor("the servers of that provider", cardsAre(sampleID, stdioID, untaggedID))
	if !b.isTrue(`(() => { const s = document.getElementById("sort"); s.value = "tools"; return s.dispatchEvent(new Event("change")); })()`) {
		t.Fatal("choosing a sort order")
	}
	b.waitFor("the server with tools first", cardsAre(sampleID, stdioID, untaggedID))

	b.do("search for what is not there", chromedp.SendKeys(chromedp.ID("search"), "zzz"))
	b.do("see the empty state", chromedp.WaitVisible(chromedp.ID("empty-state")))
	b.check("catalog-no-match")
	b.do("clear all filters", chromedp.Click(chromedp.ID("clear-filters-empty")))
	b.waitFor("every card after clearing", countIs(5, 5))
	if b.isTrue(`document.querySelector('input[data-facet="provider"]:checked') !== null`) {
		t.Error("a provider filter is still on after clearing all filters")
	}
}

func TestBrowserDetailsPage(t *testing.T) {
	b := openBrowser(t, catalogURL, "alice")
	b.open("#/catalog", "#cards")
	b.do("open a card", chromedp.Click(chromedp.CSS(`.catalog-card[data-id="`+sampleID+`"] .card-link`)), chromedp.WaitVisible(chromedp.ID("details-title")))
	if title := b.text("#details-title"); title != "sample" {
		t.Errorf("title %q", title)
	}
	details := b.text("#entry-details")
	for _, want := range []string{"oci://registry.example.com/mcp/sample:1.0", "1.0", "Test Provider", "apache-2.0", "Streamable HTTP", "tests"} {
		if !strings.Contains(details, want) {
			t.Errorf("the details do not show %q:\n%s", want, details)
		}
	}
	if tools := b.text("#tools"); !strings.Contains(tools, "echo") || !strings.Contains(tools, "Add two numbers") {
		t.Errorf("tools: %s", tools)
	}
	if !b.isTrue(`document.querySelector("#readme strong")?.textContent === "bold"`) {
		t.Error("the README's Markdown is not rendered")
	}
	if !b.isTrue(`document.getElementById("deploy-button").disabled === false`) {
		t.Error("the deploy button of a deployable server is disabled")
	}
	if !b.isTrue(`document.querySelector(".details-header img.card-icon")?.src.startsWith("data:image/svg+xml")`) {
		t.Error("the entry's own icon is not shown")
	}
	b.check("details-with-readme")
	b.open("#/servers/"+hostedID, "#details-title")
	if !b.isTrue(`document.querySelector(".details-header .card-icon.fallback") !== null`) {
		t.Error("an entry without an icon has no fallback icon")
	}
	b.open("#/servers/nope", ".pf-v6-c-alert")
	b.check("details-unknown-entry")
}

func TestBrowserReadmeScriptDoesNotRun(t *testing.T) {
	b := openBrowser(t, catalogURL, "alice")
	b.open("#/servers/"+sampleID, "#readme")
	// The README carries a <script>, an <img onerror> and a javascript: link that each set
	// window.__pwned. The rendered README is in the page; none of them may be.
	b.waitFor("the README", `document.querySelector("#readme h1")?.textContent === "Sample server"`)
	if !b.isTrue(`document.querySelectorAll("#readme script, #readme img, #readme [onerror], #readme a[href^='javascript']").length === 0`) {
		t.Error("the README brought a script, an image with a handler or a javascript: link into the page")
	}
	if !b.isTrue(`window.__pwned === undefined`) {
		t.Error("a script from the README ran")
	}
	if text := b.text("#readme"); !strings.Contains(text, "and a link.") {
		t.Errorf("the README's text around the removed parts is gone: %q", text)
	}
}

func TestBrowserDeployButtonDisabled(t *testing.T) {
	b := openBrowser(t, catalogURL, "alice")
	cases := []struct{ id, reason, shot string }{
		{hostedID, "runs elsewhere", "disabled-remote"},
	}
	for _, tc := range cases {
		b.open("#/servers/"+tc.id, "#deploy-button")
		if !b.isTrue(`document.getElementById("deploy-button").disabled`) {
			t.Errorf("%s: the deploy button is enabled", tc.id)
		}
		if reason := b.text("#deploy-reason"); !strings.Contains(reason, tc.reason) {
			t.Errorf("%s: reason %q", tc.id, reason)
		}
		b.check(tc.shot)
	}
	b.open("#/servers/"+hostedID, "#endpoints")
	if endpoints := b.text("#endpoints"); !strings.Contains(endpoints, "https://mcp.example.com/mcp") || !strings.Contains(endpoints, "SSE: https://mcp.example.com/sse") {
		t.Errorf("the remote server's endpoints: %s", endpoints)
	}

	t.Run("without the MCPServer API, then with it", func(t *testing.T) {
		b := openBrowser(t, startBareCatalog(t), "nobody")
		b.open("#/servers/"+sampleID, "#deploy-button")
		if !b.isTrue(`document.getElementById("deploy-button").disabled`) {
			t.Error("the deploy button is enabled on a cluster without the MCPServer API")
		}
		if reason := b.text("#deploy-reason"); !strings.Contains(reason, "install the MCP operator first") {
			t.Errorf("reason %q", reason)
		}
		b.check("disabled-no-crd")

		if _, err := envtest.InstallCRDs(bareEnv.Config, envtest.CRDInstallOptions{Paths: []string{filepath.Join(testenv.RepoRoot(), "config", "crd", "bases")}}); err != nil {
			t.Fatal(err)
		}
		check.Eventually(t, waitDuration, "the page to offer Deploy once the API is installed", func() (bool, string) {
			b.open("#/servers/"+sampleID, "#deploy-button")
			return b.isTrue(`document.getElementById("deploy-button").disabled === false`), b.text("#view")
		})
		b.check("enabled-after-crd-installed")
	})
}

// setAsOperator sets a condition as the operator stores it: a Ready, as a test states it, is
// written as the v1beta1 Available and Verified it derives from.
func setAsOperator(conditions *[]metav1.Condition, c metav1.Condition) {
	if c.Type != mcpv1alpha1.ConditionReady {
		meta.SetStatusCondition(conditions, c)
		return
	}
	if c.LastTransitionTime.IsZero() {
		c.LastTransitionTime = metav1.Now()
	}
	for _, split := range mcpv1alpha1.SplitReady(c) {
		meta.SetStatusCondition(conditions, split)
	}
}

// markReady does the operator's part for a server: Accepted, Ready, its address and tools.
func markReady(t *testing.T, server *mcpv1beta1.MCPServer, tools ...string) {
	t.Helper()
	setAsOperator(&server.Status.Conditions, metav1.Condition{Type: mcpv1alpha1.ConditionReady, Status: metav1.ConditionTrue,
		Reason: mcpv1beta1.ReasonAvailable, Message: fmt.Sprintf("1 of 1 replicas available; sample 1.0 with %d tools", len(tools))})
	meta.SetStatusCondition(&server.Status.Conditions, metav1.Condition{Type: mcpv1beta1.ConditionAccepted, Status: metav1.ConditionTrue,
		Reason: mcpv1beta1.ReasonValid, Message: "ok"})
	server.Status.Address = &mcpv1beta1.MCPServerAddress{URL: fmt.Sprintf("http://%s.%s.svc.cluster.local:8080/mcp", server.Name, server.Namespace)}
	server.Status.Tools = &mcpv1beta1.MCPServerTools{Count: int32(len(tools)), Names: tools}
	server.Status.ServerInfo = &mcpv1beta1.MCPServerInfo{Name: "sample", Version: "1.0", ProtocolVersion: "2026-07-28",
		SupportedProtocolVersions: []string{"2026-07-28", "2025-11-25"}, DeprecatedFeatures: []string{"Logging"}}
	if err := env.Client.Status().Update(context.Background(), server); err != nil {
		t.Fatal(err)
	}
}

func TestBrowserDeployWatchAndDelete(t *testing.T) {
	ctx := context.Background()
	b := openBrowser(t, catalogURL, "alice")
	b.open("#/servers/"+sampleID, "#deploy-button")
	b.do("open the form", chromedp.Click(chromedp.ID("deploy-button")), chromedp.WaitVisible(chromedp.ID("deploy-form")))
	prefilled := map[string]string{"f-name": "sample", "f-port": "8080", "f-path": "/mcp", "f-args": "--verbose", "f-service-account": "",
		"f-env-LOG_LEVEL": "info", "f-env-API_KEY": ""}
	for id, want := range prefilled {
		if !b.isTrue(fmt.Sprintf(`document.getElementById(%q).value === %q`, id, want)) {
			t.Errorf("%s is not prefilled with %q", id, want)
		}
	}
	if !b.isTrue(`document.getElementById("f-env-API_KEY").type === "password"`) {
		t.Error("the secret variable's input shows what is typed")
	}

	b.do("fill the form but the secret",
		chromedp.SetValue(chromedp.ID("f-name"), "browser-sample"),
		chromedp.SetValue(chromedp.ID("f-namespace"), teamOne),
		chromedp.SetValue(chromedp.ID("f-service-account"), "mcp-viewer"),
		chromedp.Click(chromedp.ID("deploy-submit")))
	b.waitFor("the missing secret is reported at its field", `document.querySelector("#f-env-API_KEY-error .pf-v6-c-helper-text__item-text").textContent === "API_KEY is required"`)
	if !b.isTrue(`document.getElementById("form-error").textContent === ""`) {
		t.Errorf("an error at its field is repeated above the form: %s", b.text("#form-error"))
	}
	if !b.focusIs("#f-env-API_KEY") {
		t.Error("the focus does not move to the field in error")
	}
	b.check("deploy-form-error")

	b.do("fill the secret and deploy",
		chromedp.SendKeys(chromedp.ID("f-env-API_KEY"), "typed-in-the-browser"),
		chromedp.Click(chromedp.ID("deploy-submit")))
	row := `tr[data-name="browser-sample"][data-namespace="team-one"]`
	b.do("see the new deployment", chromedp.WaitVisible(chromedp.CSS(row)))
	b.waitFor("the namespace deployed to is chosen", `document.getElementById("ns-filter").value === "team-one"`)
	if status := b.text(row + " .status"); !strings.Contains(status, "Pending") {
		t.Errorf("a new deployment shows %q, want Pending", status)
	}
	if n := b.eval(`String(document.querySelectorAll("#deployments-table tbody tr").length)`); n != "1" {
		t.Errorf("%s rows in team-one, want the one deployment", n)
	}
	b.check("deployments-pending")

	server := &mcpv1beta1.MCPServer{}
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: teamOne, Name: "browser-sample"}, server); err != nil {
		t.Fatal(err)
	}
	if server.Spec.Runtime.Security.ServiceAccountName != "mcp-viewer" {
		t.Errorf("the form's service account did not reach the MCPServer: %q", server.Spec.Runtime.Security.ServiceAccountName)
	}
	secret := &corev1.Secret{}
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: teamOne, Name: "browser-sample-env"}, secret); err != nil || string(secret.Data["API_KEY"]) != "typed-in-the-browser" {
		t.Errorf("the secret value did not reach its Secret: %v %v", err, secret.Data)
	}

	// The operator's part: the server becomes ready; the page shows it without a reload.
	markReady(t, server, "add", "echo")
	b.waitFor("the status turns Available", fmt.Sprintf(`document.querySelector(%q)?.dataset.status === "Available"`, row+" .status"))
	if url := b.text(row + " .url"); url != "http://browser-sample.team-one.svc.cluster.local:8080/mcp" {
		t.Errorf("connect at %q", url)
	}
	if !b.isTrue(fmt.Sprintf(`document.querySelector(%q).title.includes("2 tools")`, row+" .status")) {
		t.Error("the condition message is not on the status")
	}
	b.grantClipboard()
	b.do("copy the address", chromedp.Click(chromedp.CSS(row+" .copy-button")))
	b.waitFor("the copy confirmed", `document.getElementById("toast-root").textContent.includes("Copied http://browser-sample.team-one")`)
	if copied := b.eval(`navigator.clipboard.readText()`); copied != "http://browser-sample.team-one.svc.cluster.local:8080/mcp" {
		t.Errorf("the clipboard holds %q", copied)
	}
	b.check("deployments-available")

	event := &corev1.Event{ObjectMeta: metav1.ObjectMeta{Name: "browser-sample.1", Namespace: teamOne},
		InvolvedObject: corev1.ObjectReference{Kind: "MCPServer", APIVersion: mcpv1beta1.GroupVersion.String(), Name: server.Name, Namespace: teamOne, UID: server.UID},
		Type:           corev1.EventTypeNormal, Reason: "Verified", Message: "MCP handshake succeeded: 2 tools", Count: 1,
		LastTimestamp: metav1.Now(), Source: corev1.EventSource{Component: "mcp-operator"}}
	if err := env.Client.Create(ctx, event); err != nil {
		t.Fatal(err)
	}
	b.do("open the deployment's details", chromedp.Click(chromedp.CSS(row+" .deployment-link")), chromedp.WaitVisible(chromedp.ID("deployment-title")))
	b.waitFor("its conditions", `document.querySelector('#conditions tr[data-type="Available"]')?.textContent.includes("with 2 tools") && document.querySelector('#conditions tr[data-type="Verified"]') !== null`)
	if tools := b.text("#tool-names"); !strings.Contains(tools, "add") || !strings.Contains(tools, "echo") {
		t.Errorf("the details' tools: %q", tools)
	}
	if events := b.text("#events"); !strings.Contains(events, "MCP handshake succeeded: 2 tools") {
		t.Errorf("the details' events: %q", events)
	}
	if summary := b.text("#deployment-summary"); !strings.Contains(summary, "2026-07-28 (also supports 2025-11-25)") ||
		b.text("#deprecated-features") != "Logging" || !strings.Contains(summary, "registry.example.com/mcp/sample:1.0") {
		t.Errorf("the details' summary: %q", summary)
	}
	b.check("deployment-details")

	b.do("back to the list", chromedp.Click(chromedp.CSS(".pf-v6-c-breadcrumb__link")), chromedp.WaitVisible(chromedp.CSS(row)))
	b.do("open the only row's menu", chromedp.Click(chromedp.CSS(row+" .kebab")), chromedp.WaitVisible(chromedp.CSS(".delete-action")))
	if !b.reachable(".delete-action") {
		t.Error("Delete on the only row is clipped or covered")
	}
	b.check("deployments-row-menu")
	b.do("choose Delete", chromedp.Click(chromedp.CSS(".delete-action")), chromedp.WaitVisible(chromedp.ID("confirm-delete")))
	if text := b.text("#confirm-delete"); !strings.Contains(text, "team-one/browser-sample") {
		t.Errorf("the confirmation does not name the server: %s", text)
	}
	b.check("delete-confirmation")
	b.do("confirm", chromedp.Click(chromedp.ID("confirm-delete-button")), chromedp.WaitVisible(chromedp.ID("no-deployments")))
	if err := env.Client.Get(ctx, client.ObjectKeyFromObject(server), server); !apierrors.IsNotFound(err) {
		t.Errorf("the server is still there after Delete: %v", err)
	}
	b.check("deployments-none")
}

// TestBrowserManyDeployments: a long table, every row's menu in reach, and a tab that is live
// over one watch: once open, it costs the API server nothing while idle and nothing per change.
func TestBrowserManyDeployments(t *testing.T) {
	ctx := context.Background()
	const n = 24
	var servers []*mcpv1beta1.MCPServer
	for i := range n {
		s := &mcpv1beta1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("many-%02d", i), Namespace: teamA},
			Spec: mcpv1beta1.MCPServerSpec{Source: mcpv1beta1.Source{Type: mcpv1beta1.SourceTypeContainerImage,
				ContainerImage: &mcpv1beta1.ContainerImageSource{Ref: "registry.example.com/mcp/sample:1.0"}}, Config: mcpv1beta1.ServerConfig{Port: 8080}}}
		if err := env.Client.Create(ctx, s); err != nil {
			t.Fatal(err)
		}
		servers = append(servers, s)
		t.Cleanup(func() { _ = env.Client.Delete(context.Background(), s) })
		switch i % 3 {
		case 0:
			markReady(t, s, "echo")
		case 2:
			setAsOperator(&s.Status.Conditions, metav1.Condition{Type: mcpv1alpha1.ConditionReady, Status: metav1.ConditionFalse,
				Reason: mcpv1beta1.ReasonDeploymentUnavailable, Message: "0 of 1 replicas available: ImagePullBackOff"})
			if err := env.Client.Status().Update(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
	}
	before := requestsOf("alice")
	b := openBrowser(t, catalogURL, "alice")
	b.open("#/deployments", "#deployments-table")
	last := fmt.Sprintf(`tr[data-name="many-%02d"][data-namespace="team-a"]`, n-1)
	b.do("see the last server", chromedp.WaitVisible(chromedp.CSS(last)))
	b.waitFor("the ready ones Available", `document.querySelectorAll('[data-status="Available"]').length >= 8`)
	opened := requestsOf("alice")
	b.check("deployments-many")

	// Idle: nothing is asked of the API server. A measured interval, not a wait for a condition.
	idle := 5 * time.Second
	if d, err := time.ParseDuration(os.Getenv("CATALOG_IDLE")); err == nil {
		idle = d
	}
	time.Sleep(idle)
	afterIdle := requestsOf("alice")
	markReady(t, servers[1], "echo", "add")
	b.waitFor("a change shows without a reload", `document.querySelector('tr[data-name="many-01"] .status')?.dataset.status === "Available"`)
	afterChange := requestsOf("alice")
	t.Logf("API requests of one open Deployments tab (all namespaces, project by project): %d to open it, %d in %s idle, %d for a change",
		opened-before, afterIdle-opened, idle, afterChange-afterIdle)
	polled := requestsOf("alice")
	newSession(t, catalogURL, "alice").expect("GET", "/api/deployments", nil, http.StatusOK, nil)
	t.Logf("for comparison, one refresh of the list costs %d API requests: polling every 2 s, as the page did before, cost %d a minute",
		requestsOf("alice")-polled, 30*(requestsOf("alice")-polled))
	if afterIdle != opened || afterChange != afterIdle {
		t.Errorf("an open, idle tab made %d API requests in %s and %d for one change: it should hold one watch and ask nothing",
			afterIdle-opened, idle, afterChange-afterIdle)
	}

	b.do("scroll to the last row", chromedp.ScrollIntoView(chromedp.CSS(last+" .kebab")))
	b.hover(last + " .kebab")
	if !b.isTrue(fmt.Sprintf(`(() => { const t = document.querySelector(%q); return t.matches(":hover") &&
		getComputedStyle(t).backgroundColor !== getComputedStyle(t.querySelector("i")).color; })()`, last+" .kebab")) {
		t.Error("on hover the row's menu toggle hides its dots")
	}
	b.do("open the last row's menu", chromedp.Click(chromedp.CSS(last+" .kebab")),
		chromedp.WaitVisible(chromedp.CSS(".delete-action")))
	if !b.reachable(".delete-action") {
		t.Error("Delete on the last row is clipped or covered")
	}
	b.do("delete the last", chromedp.Click(chromedp.CSS(".delete-action")), chromedp.Click(chromedp.ID("confirm-delete-button")),
		chromedp.WaitNotPresent(chromedp.CSS(last)))
}

func TestBrowserShowsTheAPIServersErrorsInTheForm(t *testing.T) {
	b := openBrowser(t, catalogURL, "alice")
	b.open("#/servers/"+untaggedID, "#deploy-button")
	b.do("deploy a server the API server refuses",
		chromedp.Click(chromedp.ID("deploy-button")),
		chromedp.SetValue(chromedp.ID("f-namespace"), teamA),
		chromedp.Click(chromedp.ID("deploy-submit")))
	b.waitFor("the API server's refusal in words", `document.getElementById("form-error").textContent.includes("The catalog entry's image: must end with a tag")`)
	if n := b.eval(`String(document.getElementById("deploy-modal").textContent.split("must end with a tag").length - 1)`); n != "1" {
		t.Errorf("the refusal shows %s times, want once", n)
	}
	b.check("deploy-form-api-error")

	b.do("a name Kubernetes refuses",
		chromedp.SetValue(chromedp.ID("f-name"), "Bad_Name"),
		chromedp.Click(chromedp.ID("deploy-submit")))
	b.waitFor("the name's error at the name", `document.querySelector("#f-name-error .pf-v6-c-helper-text__item-text").textContent.startsWith("Use lowercase letters")`)
	if b.isTrue(`document.getElementById("deploy-modal").textContent.includes("regex")`) {
		t.Error("the form shows a regular expression")
	}
	if !b.reachable("#deploy-submit") {
		t.Error("Deploy scrolled out of view once errors showed")
	}
	b.check("deploy-form-field-error")

	bob := openBrowser(t, catalogURL, "bob")
	bob.open("#/servers/"+weatherID, "#deploy-button")
	bob.do("deploy without the right to",
		chromedp.Click(chromedp.ID("deploy-button")),
		chromedp.SetValue(chromedp.ID("f-namespace"), teamA),
		chromedp.Click(chromedp.ID("deploy-submit")))
	bob.waitFor("a clear refusal", `document.getElementById("form-error").textContent.includes("Not allowed: ")`)
	bob.check("deploy-form-not-allowed")

	bob.open("#/deployments", "#ns-filter")
	bob.waitFor("a refusal for all namespaces", `document.getElementById("deployments").textContent.includes("Choose a namespace you can see")`)
	bob.check("deployments-not-allowed")
}

// TestBrowserKeyboardOnly walks from the catalog to a deployment and back to deleting it with
// the keyboard alone.
func TestBrowserKeyboardOnly(t *testing.T) {
	ctx := context.Background()
	b := openBrowser(t, catalogURL, "alice")
	b.open("#/catalog", "#cards")
	b.tabTo(`[data-id="` + sampleID + `"] .card-link`)
	b.press("open the card", kb.Enter)
	b.do("the details", chromedp.WaitVisible(chromedp.ID("details-title")))
	b.tabTo("#deploy-button")
	b.press("open the form", kb.Enter)
	b.waitFor("the form, focused", `document.activeElement?.id === "f-name"`)
	b.press("select the name", "a", chromedp.KeyModifiers(kb.ModifierCtrl))
	b.press("type a name", "keyboard-sample")
	b.tabTo("#f-namespace")
	b.press("select the namespace", "a", chromedp.KeyModifiers(kb.ModifierCtrl))
	b.press("type the namespace", teamA)
	b.tabTo("#f-env-API_KEY")
	b.press("type the secret", "typed")
	b.tabTo("#deploy-submit")
	b.press("deploy", kb.Enter)
	row := `tr[data-name="keyboard-sample"][data-namespace="team-a"]`
	b.do("the deployment", chromedp.WaitVisible(chromedp.CSS(row)))
	t.Cleanup(func() {
		_ = env.Client.Delete(ctx, &mcpv1beta1.MCPServer{ObjectMeta: metav1.ObjectMeta{Name: "keyboard-sample", Namespace: teamA}})
	})

	b.tabTo(row + " .kebab")
	b.press("open the menu", kb.Enter)
	b.waitFor("the menu, focused", `document.activeElement?.classList.contains("delete-action")`)
	b.press("close it", kb.Escape)
	b.waitFor("the focus back on the toggle", fmt.Sprintf(`document.activeElement?.matches(%q)`, row+" .kebab"))
	b.press("open it again", kb.Enter)
	b.waitFor("the menu, focused again", `document.activeElement?.classList.contains("delete-action")`)
	b.press("choose Delete", kb.Enter)
	b.waitFor("the confirmation, on Cancel", `document.activeElement?.id === "delete-cancel"`)
	b.press("to Delete", kb.Tab, chromedp.KeyModifiers(kb.ModifierShift))
	b.waitFor("on the Delete button", `document.activeElement?.id === "confirm-delete-button"`)
	b.press("confirm", kb.Enter)
	b.do("the row goes", chromedp.WaitNotPresent(chromedp.CSS(row)))
	check.Eventually(t, waitDuration, "the server to be gone", func() (bool, string) {
		err := env.Client.Get(ctx, client.ObjectKey{Namespace: teamA, Name: "keyboard-sample"}, &mcpv1beta1.MCPServer{})
		return apierrors.IsNotFound(err), fmt.Sprint(err)
	})
}
