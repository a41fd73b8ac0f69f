package catalog_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	mcpv1alpha1 "github.com/mcp-operator/mcp-operator/api/v1alpha1"
	"github.com/mcp-operator/mcp-operator/internal/testenv"
)

// The browser tests drive the page in Debian's headless Chromium, as a person would: typing,
// clicking, reading what is shown. The bearer token is added to every request as the
// OpenShift console's proxy or oauth-proxy would. Screenshots go to bin/test-artifacts/catalog.

// browser is one Chromium tab signed in as one person.
type browser struct {
	t          *testing.T
	ctx        context.Context
	base       string
	mu         sync.Mutex
	exceptions []string
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
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox, // the tests may run as root, where Chromium's sandbox refuses to start
		chromedp.DisableGPU,
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-component-update", true),
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
			b.mu.Lock()
			b.exceptions = append(b.exceptions, (&chromedp.ExceptionError{ExceptionDetails: ev.ExceptionDetails}).Error())
			b.mu.Unlock()
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
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
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

// noScriptErrors fails the test when the page threw an uncaught exception.
func (b *browser) noScriptErrors() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.exceptions) > 0 {
		b.t.Errorf("the page threw: %s", strings.Join(b.exceptions, "\n"))
	}
}

func countIs(n int) string {
	return fmt.Sprintf(`document.getElementById("count")?.textContent === "Showing %d of 5 MCP servers"`, n)
}

func cardsAre(ids ...string) string {
	return fmt.Sprintf(`[...document.querySelectorAll("#cards .pf-c-card")].map(c => c.dataset.id).join(",") === %q`, strings.Join(ids, ","))
}

func TestBrowserSearchAndFilter(t *testing.T) {
	b := openBrowser(t, catalogURL, "alice")
	b.open("#/catalog", "#cards")
	b.waitFor("every card", countIs(5))
	b.screenshot("catalog")

	b.do("search for a tool name", chromedp.SendKeys(chromedp.ID("search"), "echo"))
	b.waitFor("only the server with that tool", cardsAre(sampleID))
	b.waitFor("the count", countIs(1))
	b.screenshot("catalog-search")

	b.do("clear the search", chromedp.SendKeys(chromedp.ID("search"), strings.Repeat(kb.Backspace, len("echo"))))
	b.waitFor("every card again", countIs(5))
	b.do("filter by SSE", chromedp.Click(chromedp.CSS(`input[data-transport="sse"]`)))
	b.waitFor("the SSE servers", cardsAre(hostedID, weatherID))
	b.do("filter by a label too", chromedp.Click(chromedp.CSS(`button[data-label="demo"]`)))
	b.waitFor("the SSE servers labelled demo", cardsAre(hostedID))
	b.screenshot("catalog-filters")

	b.do("search for what is not there", chromedp.SendKeys(chromedp.ID("search"), "zzz"))
	b.do("see the empty state", chromedp.WaitVisible(chromedp.ID("empty-state")))
	b.screenshot("catalog-empty")
	b.do("clear all filters", chromedp.Click(chromedp.ID("clear-filters")))
	b.waitFor("every card after clearing", countIs(5))
	if b.isTrue(`document.querySelector('input[data-transport="sse"]').checked`) {
		t.Error("the SSE filter is still on after clearing all filters")
	}
}

func TestBrowserDetailsPage(t *testing.T) {
	b := openBrowser(t, catalogURL, "alice")
	b.open("#/catalog", "#cards")
	b.do("open a card", chromedp.Click(chromedp.CSS(`.pf-c-card[data-id="`+sampleID+`"]`)), chromedp.WaitVisible(chromedp.ID("details-title")))
	if title := b.text("#details-title"); title != "sample" {
		t.Errorf("title %q", title)
	}
	details := b.text(".pf-c-description-list")
	for _, want := range []string{"oci://registry.example.com/mcp/sample:1.0", "1.0", "Test Provider", "apache-2.0", "Streamable HTTP"} {
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
	b.screenshot("details")
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
		{stdioID, "stdio only", "disabled-stdio"},
	}
	for _, tc := range cases {
		b.open("#/servers/"+tc.id, "#deploy-button")
		if !b.isTrue(`document.getElementById("deploy-button").disabled`) {
			t.Errorf("%s: the deploy button is enabled", tc.id)
		}
		if reason := b.text("#deploy-reason"); !strings.Contains(reason, tc.reason) {
			t.Errorf("%s: reason %q", tc.id, reason)
		}
		b.screenshot(tc.shot)
	}
	b.open("#/servers/"+hostedID, "#endpoints")
	if endpoints := b.text("#endpoints"); !strings.Contains(endpoints, "https://mcp.example.com/mcp") || !strings.Contains(endpoints, "SSE: https://mcp.example.com/sse") {
		t.Errorf("the remote server's endpoints: %s", endpoints)
	}

	t.Run("without the MCPServer API", func(t *testing.T) {
		b := openBrowser(t, startBareCatalog(t), "nobody")
		b.open("#/servers/"+sampleID, "#deploy-button")
		if !b.isTrue(`document.getElementById("deploy-button").disabled`) {
			t.Error("the deploy button is enabled on a cluster without the MCPServer API")
		}
		if reason := b.text("#deploy-reason"); !strings.Contains(reason, "install the MCP operator first") {
			t.Errorf("reason %q", reason)
		}
		b.screenshot("disabled-no-crd")
	})
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
		chromedp.SetValue(chromedp.ID("f-namespace"), teamA),
		chromedp.SetValue(chromedp.ID("f-service-account"), "mcp-viewer"),
		chromedp.Click(chromedp.ID("deploy-submit")))
	b.waitFor("the missing secret is reported at its field", `document.getElementById("f-env-API_KEY-error").textContent === "API_KEY is required"`)
	b.screenshot("deploy-form-error")

	b.do("fill the secret and deploy",
		chromedp.SendKeys(chromedp.ID("f-env-API_KEY"), "typed-in-the-browser"),
		chromedp.Click(chromedp.ID("deploy-submit")))
	row := `tr[data-name="browser-sample"][data-namespace="team-a"]`
	b.do("see the new deployment", chromedp.WaitVisible(chromedp.CSS(row)))
	if status := b.text(row + " .status"); status != "Pending" {
		t.Errorf("a new deployment shows %q, want Pending", status)
	}
	b.screenshot("deployments-pending")

	server := &mcpv1alpha1.MCPServer{}
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: teamA, Name: "browser-sample"}, server); err != nil {
		t.Fatal(err)
	}
	if server.Spec.Runtime.Security.ServiceAccountName != "mcp-viewer" {
		t.Errorf("the form's service account did not reach the MCPServer: %q", server.Spec.Runtime.Security.ServiceAccountName)
	}
	secret := &corev1.Secret{}
	if err := env.Client.Get(ctx, client.ObjectKey{Namespace: teamA, Name: "browser-sample-env"}, secret); err != nil || string(secret.Data["API_KEY"]) != "typed-in-the-browser" {
		t.Errorf("the secret value did not reach its Secret: %v %v", err, secret.Data)
	}

	// The operator's part: the server becomes ready; the page shows it without a reload.
	meta.SetStatusCondition(&server.Status.Conditions, metav1.Condition{Type: mcpv1alpha1.ConditionReady, Status: metav1.ConditionTrue,
		Reason: mcpv1alpha1.ReasonAvailable, Message: "1 of 1 replicas available; sample 1.0 with 2 tools"})
	meta.SetStatusCondition(&server.Status.Conditions, metav1.Condition{Type: mcpv1alpha1.ConditionAccepted, Status: metav1.ConditionTrue,
		Reason: mcpv1alpha1.ReasonValid, Message: "ok"})
	server.Status.Address = &mcpv1alpha1.MCPServerAddress{URL: "http://browser-sample.team-a.svc.cluster.local:8080/mcp"}
	server.Status.Tools = &mcpv1alpha1.MCPServerTools{Count: 2}
	if err := env.Client.Status().Update(ctx, server); err != nil {
		t.Fatal(err)
	}
	b.waitFor("the status turns Available", fmt.Sprintf(`document.querySelector(%q)?.dataset.status === "Available"`, row+" .status"))
	if url := b.text(row + " .url"); url != "http://browser-sample.team-a.svc.cluster.local:8080/mcp" {
		t.Errorf("connect at %q", url)
	}
	if title := b.isTrue(fmt.Sprintf(`document.querySelector(%q).title.includes("2 tools")`, row+" .status")); !title {
		t.Error("the condition message is not on the status")
	}
	b.screenshot("deployments-available")

	b.do("open the row's menu and choose Delete",
		chromedp.Click(chromedp.CSS(row+" .kebab")),
		chromedp.Click(chromedp.CSS(row+" .delete-action")),
		chromedp.WaitVisible(chromedp.ID("confirm-delete")))
	if text := b.text("#confirm-delete"); !strings.Contains(text, "team-a/browser-sample") {
		t.Errorf("the confirmation does not name the server: %s", text)
	}
	b.screenshot("delete-confirmation")
	b.do("confirm", chromedp.Click(chromedp.ID("confirm-delete-button")), chromedp.WaitNotPresent(chromedp.CSS(row)))
	if err := env.Client.Get(ctx, client.ObjectKeyFromObject(server), server); !apierrors.IsNotFound(err) {
		t.Errorf("the server is still there after Delete: %v", err)
	}
}

func TestBrowserShowsTheAPIServersErrorsInTheForm(t *testing.T) {
	b := openBrowser(t, catalogURL, "alice")
	b.open("#/servers/"+untaggedID, "#deploy-button")
	b.do("deploy a server the API server refuses",
		chromedp.Click(chromedp.ID("deploy-button")),
		chromedp.SetValue(chromedp.ID("f-namespace"), teamA),
		chromedp.Click(chromedp.ID("deploy-submit")))
	b.waitFor("the API server's message in the form", `document.getElementById("form-error").textContent.includes("must end with a tag")`)
	b.screenshot("deploy-form-api-error")

	bob := openBrowser(t, catalogURL, "bob")
	bob.open("#/servers/"+weatherID, "#deploy-button")
	bob.do("deploy without the right to",
		chromedp.Click(chromedp.ID("deploy-button")),
		chromedp.SetValue(chromedp.ID("f-namespace"), teamA),
		chromedp.Click(chromedp.ID("deploy-submit")))
	bob.waitFor("a clear refusal", `document.getElementById("form-error").textContent.startsWith("Not allowed: ")`)
	bob.screenshot("deploy-form-not-allowed")
}
