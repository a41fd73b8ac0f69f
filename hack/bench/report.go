// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
)

// microBenchmark is one line of `go test -bench` output.
type microBenchmark struct {
	Name                   string
	NsPerOp, AllocsPerOp   float64
	BytesPerOp, Iterations float64
}

// goBenchmarks runs the Go benchmarks of rendering and status and parses their results.
func goBenchmarks(ctx context.Context, root string) ([]microBenchmark, error) {
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", ".", "-benchmem", "-benchtime", "2s",
		"./internal/render", "./internal/status")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("go test -bench: %v\n%s", err, out)
	}
	var results []microBenchmark
	scanner := bufio.NewScanner(bytes.NewReader(out))
	for scanner.Scan() {
		f := strings.Fields(scanner.Text())
		if len(f) < 8 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		var b microBenchmark
		b.Name = strings.TrimPrefix(f[0], "Benchmark")
		if i := strings.LastIndexByte(b.Name, '-'); i > 0 {
			b.Name = b.Name[:i]
		}
		if _, err := fmt.Sscanf(strings.Join([]string{f[1], f[2], f[4], f[6]}, " "), "%g %g %g %g",
			&b.Iterations, &b.NsPerOp, &b.BytesPerOp, &b.AllocsPerOp); err != nil {
			return nil, fmt.Errorf("parsing %q: %w", scanner.Text(), err)
		}
		results = append(results, b)
	}
	return results, nil
}

// describeMachine says what the numbers were measured on.
func describeMachine() string {
	model := "unknown CPU"
	if cpuinfo, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(cpuinfo), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	mem := ""
	if meminfo, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kib float64
		if _, err := fmt.Sscanf(strings.SplitN(string(meminfo), "\n", 2)[0], "MemTotal: %g kB", &kib); err == nil {
			mem = fmt.Sprintf(", %.0f GiB", kib/1024/1024)
		}
	}
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	return fmt.Sprintf("%d CPUs (%s)%s, Linux %s, %s", runtime.NumCPU(), model, mem, strings.TrimSpace(string(kernel)), runtime.Version())
}

// report is everything docs/performance.md says.
type report struct {
	Date         time.Time
	Machine      string
	Results      []result
	Micro        []microBenchmark
	Idle         time.Duration
	Reverify     time.Duration
	OperatorArgs []string
	Artifacts    string
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }

func (rep report) markdown(root, reportPath, plot string) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# Performance\n\n")
	w("Written by `make bench` (hack/bench) on %s, on %s. Every N ran on a fresh local control plane\n", rep.Date.Format("2006-01-02 15:04 MST"), rep.Machine)
	w("(etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok nodes), with the\n")
	w("operator as a separate process (`manager %s`), re-verifying every %s, and one\n", strings.Join(append([]string{"--reverify-interval=" + rep.Reverify.String()}, rep.OperatorArgs...), " "), rep.Reverify)
	w("local sample MCP server answering every handshake through `--resolve`. Each MCPServer mounts\n")
	w("one shared ConfigMap. The floor is the same N Deployments and Services, as the operator\n")
	w("renders them, created by a plain client on the same control plane in the same run, until all\n")
	w("are Available; it is deleted before the operator's turn. API requests come from the API\n")
	w("server's audit log, which records the operator's user only.\n\n")
	w("![Time to Ready and peak RSS against N](%s)\n\n", rel(filepath.Dir(reportPath), plot))

	rep.targets(w)
	w("## Summary\n\n")
	w("| N | floor | all Ready | ratio | first Ready | median Ready | requests per MCPServer | writes per MCPServer | peak RSS | CPU until Ready | idle writes | roll after admin change | roll after ConfigMap change |\n")
	w("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, r := range rep.Results {
		w("| %d | %s | %s | %.2fx | %s | %s | %.2f | %.2f | %.0f MiB | %.1f s | %d | %s | %s |\n", r.N, seconds(r.Floor), seconds(r.AllReady), r.ratio(),
			seconds(r.FirstReady), seconds(r.MedianReady), r.requestsPerServer(), r.writesPerServer(), r.PeakRSSMiB, r.CPUSeconds, r.IdleWrites,
			rollCell(r.RollAdmin), rollCell(r.RollConfigMap))
	}
	for _, r := range rep.Results {
		w("\n## N = %d\n\n", r.N)
		w("| measure | value |\n| --- | --- |\n")
		w("| floor: %d Deployments + %d Services Available | %s |\n", r.N, r.N, seconds(r.Floor))
		w("| %d MCPServers created (from the first create to the last) | %s |\n", r.N, seconds(r.Created))
		w("| operator: %d MCPServers Ready (first / median / all) | %s / %s / %s |\n", r.N, seconds(r.FirstReady), seconds(r.MedianReady), seconds(r.AllReady))
		w("| ratio to the floor | %.2fx |\n", r.ratio())
		w("| operator peak RSS when all were Ready / at the end | %.0f MiB / %.0f MiB |\n", r.PeakRSSMiB, r.EndPeakRSSMiB)
		w("| operator resident memory when all were Ready: anonymous + file-backed (its binary) | %.0f MiB + %.0f MiB |\n", r.AnonMiB, r.FileMiB)
		w("| operator CPU until all Ready | %.1f s |\n", r.CPUSeconds)
		w("| operator writes until all Ready (per MCPServer) | %d (%.2f), of which events %d |\n", r.Writes, r.writesPerServer(), r.Events)
		w("| requests while idle for %s (writes) | %d (%d), while %0.f re-verifications ran |\n", rep.Idle, r.IdleRequests, r.IdleWrites, r.Reverified)
		w("| roll after an admin values change (operator writes) | %s (%d) |\n", rollCell(r.RollAdmin), r.RollAdminWrites)
		w("| roll after a shared ConfigMap change (operator writes) | %s (%d) |\n", rollCell(r.RollConfigMap), r.RollConfigMapWrites)
		if r.Rollback > 0 {
			w("| bad revision (pods never ready, deadline %d s) until every one was rolled back (operator writes) | %s (%d) |\n", rollbackDeadline, seconds(r.Rollback), r.RollbackWrites)
			w("| most Deployments without an available pod at any moment of the bad revision | %d |\n", r.RollbackMostUnavailable)
		}
		floorCPU, operatorCPU := sum(r.FloorCost.CPU), sum(r.OperatorCost.CPU)
		w("| CPU spent by every process measured (below): floor / operator (ratio) | %.0f s / %.0f s (%.2fx) |\n", floorCPU, operatorCPU, operatorCPU/floorCPU)
		w("| cores busy on average: floor / operator (of %d) | %.1f / %.1f |\n", runtime.NumCPU(), floorCPU/r.Floor.Seconds(), operatorCPU/r.AllReady.Seconds())
		w("\nWhat the whole control plane spent: the floor's phase against the operator's (the operator's also\n")
		w("includes creating the MCPServers, and the operator and sample MCP server processes):\n\n")
		w("| | floor | operator |\n| --- | --- | --- |\n")
		for _, k := range unionKeys(r.FloorCost.CPU, r.OperatorCost.CPU) {
			w("| CPU of %s | %.1f s | %.1f s |\n", k, r.FloorCost.CPU[k], r.OperatorCost.CPU[k])
		}
		for _, k := range unionKeys(r.FloorCost.Requests, r.OperatorCost.Requests) {
			if r.FloorCost.Requests[k]+r.OperatorCost.Requests[k] > 0 {
				w("| API requests %s (everyone's) | %.0f | %.0f |\n", k, r.FloorCost.Requests[k], r.OperatorCost.Requests[k])
			}
		}
		w("\nThe way to Ready, from the first create (first / median / last server):\n\n| stage | first | median | last |\n| --- | --- | --- | --- |\n")
		for _, stage := range milestoneStages {
			m := r.Milestones[stage]
			w("| %s | %s | %s | %s |\n", stage, seconds(m[0]), seconds(m[1]), seconds(m[2]))
		}
		w("\nOperator requests until all were Ready, per MCPServer, by verb and resource:\n\n")
		countTable(w, "request", r.Requests, r.N)
		w("\nThe statuses the MCPServers were seen with until each was first Ready, that one included\n")
		w("(one status write each, unless the bench's watch missed one in between):\n\n")
		countTable(w, "status", r.StatusSteps, r.N)
		w("\nThe events about MCPServers until all were Ready, by type and reason:\n\n")
		countTable(w, "event", r.EventReasons, r.N)
	}
	w("\n## Go benchmarks\n\n| benchmark | ns/op | B/op | allocs/op |\n| --- | --- | --- | --- |\n")
	for _, m := range rep.Micro {
		w("| %s | %.0f | %.0f | %.0f |\n", m.Name, m.NsPerOp, m.BytesPerOp, m.AllocsPerOp)
	}
	for _, r := range profiled(rep.Results) {
		w("\n## Where the time and memory go (N = %d)\n\n", r.N)
		w("The operator's CPU profile of the first 30 s after the creates, and its heap when all\n")
		w("were Ready (`%s`, `%s`; `go tool pprof` them with the manager binary in %s).\n\n",
			rel(root, r.CPUProfile), rel(root, r.HeapProfile), rel(root, filepath.Join(rep.Artifacts, "bin")))
		w("```\n%s```\n\n```\n%s```\n", pprofTop(root, rep.Artifacts, r.CPUProfile, "-top"), pprofTop(root, rep.Artifacts, r.HeapProfile, "-sample_index=inuse_space", "-top"))
		w("\nThe API server's CPU profile over the same 30 s (`%s`):\n\n```\n%s```\n", rel(root, r.APIServerProfile),
			pprofTopOf(root, apiServerBinary(), r.APIServerProfile, "-top"))
	}
	return b.String()
}

// profiled returns the runs whose profiles the report shows: N=1000 and above, where the scale
// issue asks for them, or the largest N when every N was smaller.
func profiled(results []result) []result {
	var out []result
	for _, r := range results {
		if r.N >= 1000 {
			out = append(out, r)
		}
	}
	if len(out) == 0 && len(results) > 0 {
		out = results[len(results)-1:]
	}
	return out
}

// countTable writes counts as a table, largest first, with each count per MCPServer.
func countTable(w func(string, ...any), what string, counts map[string]int, n int) {
	w("| %s | count | per MCPServer |\n| --- | --- | --- |\n", what)
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return counts[keys[i]] > counts[keys[j]] || (counts[keys[i]] == counts[keys[j]] && keys[i] < keys[j])
	})
	for _, k := range keys {
		w("| %s | %d | %.2f |\n", k, counts[k], float64(counts[k])/float64(n))
	}
}

func sum(m map[string]float64) float64 {
	total := 0.0
	for _, v := range m {
		total += v
	}
	return total
}

func unionKeys(a, b map[string]float64) []string {
	seen := map[string]bool{}
	for k := range a {
		seen[k] = true
	}
	for k := range b {
		seen[k] = true
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// target is one of the goals of the scale issue, checked against the numbers of this run.
type target struct {
	goal, measured string
	met            bool
}

// targets writes the goals and whether this run met them.
func (rep report) targets(w func(string, ...any)) {
	var ts []target
	byN := map[int]result{}
	for _, r := range rep.Results {
		byN[r.N] = r
	}
	// A run without a floor has no ratio (0): it meets nothing.
	withinFloor := func(r result) bool { return r.Floor > 0 && r.ratio() <= 1.5 }
	if r, ok := byN[1000]; ok {
		ts = append(ts, target{"all Ready within 1.5x of the floor at N=1000", fmt.Sprintf("%.2fx", r.ratio()), withinFloor(r)})
		ts = append(ts, target{"first server Ready within 2 s at N=1000, while the rest are created",
			fmt.Sprintf("%s (the floor's first Deployment was available %s after its first create)", seconds(r.FirstReady),
				seconds(r.Milestones[floorStage("Deployment available")][0])), r.FirstReady <= 2*time.Second})
		ts = append(ts, target{"peak RSS at most 50 MiB at N=1000", fmt.Sprintf("%.0f MiB (%.0f MiB anonymous)", r.PeakRSSMiB, r.AnonMiB), r.PeakRSSMiB <= 50})
	}
	if r, ok := byN[5000]; ok {
		ts = append(ts, target{"all Ready within 1.5x of the floor at N=5000", fmt.Sprintf("%.2fx", r.ratio()), withinFloor(r)})
		ts = append(ts, target{"peak RSS at most 150 MiB at N=5000", fmt.Sprintf("%.0f MiB (%.0f MiB anonymous)", r.PeakRSSMiB, r.AnonMiB), r.PeakRSSMiB <= 150})
	}
	for _, r := range rep.Results {
		ts = append(ts,
			target{fmt.Sprintf("at most 5 API requests per MCPServer on the way to Ready, reads and events included, at N=%d", r.N),
				fmt.Sprintf("%.2f (%.2f writes)", r.requestsPerServer(), r.writesPerServer()), r.requestsPerServer() <= 5},
			target{fmt.Sprintf("zero API writes while idle at N=%d", r.N),
				fmt.Sprintf("%d writes in %s, while %.0f re-verifications ran", r.IdleWrites, rep.Idle, r.Reverified), r.IdleWrites == 0})
	}
	if r, ok := byN[1000]; ok && r.Rollback > 0 {
		// The good rollout to compare with is the ConfigMap change's: every server rolled once.
		ratio := r.Rollback.Seconds() / r.RollConfigMap.Seconds()
		ts = append(ts, target{"a bad revision of 1000 servers rolled back, every one, within 2x a good rollout, no failed client call",
			fmt.Sprintf("%s against %s (%.2fx), deadline %d s; at most %d Deployments without an available pod (kwok pods have no clients to fail)",
				seconds(r.Rollback), seconds(r.RollConfigMap), ratio, rollbackDeadline, r.RollbackMostUnavailable),
			ratio <= 2 && r.RollbackMostUnavailable == 0})
	} else {
		ts = append(ts, target{"a bad revision of 1000 servers rolled back within 2x a good rollout, no failed client call",
			"not measured in this run (rolls at N=1000 skipped)", false})
	}
	for _, m := range rep.Micro {
		if m.Name == "RenderAndDiff" {
			ts = append(ts, target{"render + diff per MCPServer well under 1 ms (one that changed)",
				fmt.Sprintf("%.2f ms", m.NsPerOp/1e6), m.NsPerOp < 0.5e6})
		}
	}
	w("## Targets\n\n| goal | this run | met |\n| --- | --- | --- |\n")
	for _, t := range ts {
		mark := "yes"
		if !t.met {
			mark = "**no**"
		}
		w("| %s | %s | %s |\n", t.goal, t.measured, mark)
	}
	w("\n")
}

func rollCell(d time.Duration) string {
	if d == 0 {
		return "not measured"
	}
	return seconds(d)
}

func rel(base, path string) string {
	if r, err := filepath.Rel(base, path); err == nil {
		return r
	}
	return path
}

// pprofTop summarises a profile of the operator: the 15 heaviest functions, cumulative.
func pprofTop(root, artifacts, profile string, args ...string) string {
	return pprofTopOf(root, filepath.Join(artifacts, "bin", "manager"), profile, args...)
}

// apiServerBinary is the kube-apiserver the control plane ran.
func apiServerBinary() string { return os.Getenv("TEST_ASSET_KUBE_APISERVER") }

func pprofTopOf(root, binary, profile string, args ...string) string {
	if profile == "" {
		return "(no profile)\n"
	}
	cmdArgs := append(append([]string{"tool", "pprof"}, args...), "-cum", "-nodecount=15", binary, profile)
	cmd := exec.Command("go", cmdArgs...)
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return fmt.Sprintf("(go tool pprof failed: %v)\n", err)
	}
	return string(out)
}

// plotSVG draws time to all Ready (operator and floor) and peak RSS against N, on a log scale
// of N, so that one sees how the cost grows.
func plotSVG(results []result) string {
	const (
		width, height          = 720, 360
		left, right, top, bott = 70, 70, 40, 50
	)
	var maxT, maxRSS float64
	minN, maxN := math.Inf(1), 0.0
	for _, r := range results {
		maxT = math.Max(maxT, math.Max(r.AllReady.Seconds(), r.Floor.Seconds()))
		maxRSS = math.Max(maxRSS, r.PeakRSSMiB)
		minN, maxN = math.Min(minN, float64(r.N)), math.Max(maxN, float64(r.N))
	}
	maxT, maxRSS = niceCeil(maxT), niceCeil(maxRSS)
	x := func(n int) float64 {
		if maxN == minN {
			return left + (width-left-right)/2
		}
		return left + (math.Log10(float64(n))-math.Log10(minN))/(math.Log10(maxN)-math.Log10(minN))*(width-left-right)
	}
	yT := func(s float64) float64 { return height - bott - s/maxT*(height-top-bott) }
	yM := func(m float64) float64 { return height - bott - m/maxRSS*(height-top-bott) }
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`+"\n", width, height)
	w(`<rect width="100%%" height="100%%" fill="white"/>` + "\n")
	w(`<text x="%d" y="20" font-size="14" font-weight="bold">Time until all N are Ready, and the operator's peak RSS</text>`+"\n", left)
	w(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>`+"\n", left, height-bott, width-right, height-bott)
	w(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>`+"\n", left, top, left, height-bott)
	w(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>`+"\n", width-right, top, width-right, height-bott)
	for i := 0; i <= 4; i++ {
		t, m := maxT*float64(i)/4, maxRSS*float64(i)/4
		w(`<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>`+"\n", left, yT(t), width-right, yT(t))
		w(`<text x="%d" y="%.1f" text-anchor="end">%.0f s</text>`+"\n", left-6, yT(t)+4, t)
		w(`<text x="%d" y="%.1f">%.0f MiB</text>`+"\n", width-right+6, yM(m)+4, m)
	}
	for _, r := range results {
		w(`<text x="%.1f" y="%d" text-anchor="middle">N=%d</text>`+"\n", x(r.N), height-bott+18, r.N)
	}
	series := []struct {
		name, color string
		y           func(result) float64
	}{
		{"operator: all Ready (s)", "#06c", func(r result) float64 { return yT(r.AllReady.Seconds()) }},
		{"floor: plain client, all Available (s)", "#888", func(r result) float64 { return yT(r.Floor.Seconds()) }},
		{"operator peak RSS (MiB, right axis)", "#c30", func(r result) float64 { return yM(r.PeakRSSMiB) }},
	}
	for i, s := range series {
		var points []string
		for _, r := range results {
			points = append(points, fmt.Sprintf("%.1f,%.1f", x(r.N), s.y(r)))
			w(`<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`+"\n", x(r.N), s.y(r), s.color)
		}
		w(`<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", strings.Join(points, " "), s.color)
		w(`<rect x="%d" y="%d" width="12" height="3" fill="%s"/><text x="%d" y="%d">%s</text>`+"\n",
			left+10, top+8+i*16, s.color, left+28, top+12+i*16, s.name)
	}
	w(`<text x="%d" y="%d" text-anchor="middle">number of MCPServers (log scale)</text>`+"\n", (left+width-right)/2, height-10)
	w("</svg>\n")
	return b.String()
}

// niceCeil rounds up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}
