// Copyright 2026 The MCP Operator Authors.
// SPDX-License-Identifier: Apache-2.0

package stdiobridge

import (
	"context"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// reaper waits for the processes re-parented to the bridge, which is the container's first
// process: the processes a server started whose parent ended first (npx's shell and node, when
// npx goes). Unwaited, each would stay a zombie for the life of the container. It never waits
// for the bridge's own children, whose exit statuses os/exec reads: they are started under its
// lock and remembered until os/exec has waited for them.
type reaper struct {
	mu  sync.Mutex
	own map[int]bool
}

var processes = &reaper{own: map[int]bool{}}

// start starts cmd as one of the bridge's own children.
func (r *reaper) start(cmd *exec.Cmd) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := cmd.Start(); err != nil {
		return err
	}
	r.own[cmd.Process.Pid] = true
	return nil
}

// wait waits for one of the bridge's own children, then forgets it.
func (r *reaper) wait(cmd *exec.Cmd) error {
	err := cmd.Wait()
	r.mu.Lock()
	delete(r.own, cmd.Process.Pid)
	r.mu.Unlock()
	return err
}

// reapOrphans waits for every exited child of the bridge that is not its own, and returns how
// many there were.
func (r *reaper) reapOrphans() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	reaped := 0
	for _, pid := range exitedChildren(os.Getpid()) {
		if r.own[pid] {
			continue
		}
		var status syscall.WaitStatus
		if got, err := syscall.Wait4(pid, &status, syscall.WNOHANG, nil); err == nil && got == pid {
			reaped++
		}
	}
	return reaped
}

// ReapOrphans makes the bridge the reaper of its servers' orphans (it is when it is the
// container's first process; a child subreaper otherwise, so that it behaves the same when run
// by hand) and waits for them as they exit, until ctx ends.
func ReapOrphans(ctx context.Context) error {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return err
	}
	exits := make(chan os.Signal, 16)
	signal.Notify(exits, syscall.SIGCHLD)
	go func() {
		defer signal.Stop(exits)
		processes.reapOrphans() // those that went before the signal was watched
		for {
			select {
			case <-ctx.Done():
				return
			case <-exits:
				processes.reapOrphans()
			}
		}
	}()
	return nil
}

// exitedChildren lists the zombie children of a process, from /proc.
func exitedChildren(parent int) []int {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var pids []int
	for _, path := range stats {
		raw, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses.
		fields := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+1:]))
		if len(fields) < 2 || fields[0] != "Z" || fields[1] != strconv.Itoa(parent) {
			continue
		}
		if pid, err := strconv.Atoi(filepath.Base(filepath.Dir(path))); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}
