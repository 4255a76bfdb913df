// runc-wrapper removes CAP_SYS_RESOURCE from the capabilities a container asks for, then
// runs the real runc with the same arguments.
//
// Why: on our Firecracker VMs the capability bounding set lacks CAP_SYS_RESOURCE, so runc
// fails every --privileged container ("unable to apply caps: operation not permitted") —
// and every kind node, and kube-proxy inside it, is privileged. Dropping the one capability
// the kernel would refuse anyway lets them start. Installed only where the bounding set lacks
// it (see cluster-kit/steps/docker-engine.sh).
//
// runc reads the container's spec from <bundle>/config.json on create/run, and the process
// spec from the file named by --process on exec; both are rewritten in place.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

const droppedCapability = "CAP_SYS_RESOURCE"

// Where the real runc lives: Debian's package installs /usr/sbin/runc (host and node alike).
var realRuncCandidates = []string{"/usr/sbin/runc", "/usr/bin/runc"}

func main() {
	args := os.Args[1:]
	if err := rewriteRequestedSpecs(args); err != nil {
		fmt.Fprintf(os.Stderr, "runc-wrapper: %v\n", err)
		os.Exit(1)
	}
	real, err := findRealRunc()
	if err != nil {
		fmt.Fprintf(os.Stderr, "runc-wrapper: %v\n", err)
		os.Exit(1)
	}
	argv := append([]string{real}, args...)
	if err := syscall.Exec(real, argv, os.Environ()); err != nil {
		fmt.Fprintf(os.Stderr, "runc-wrapper: exec %s: %v\n", real, err)
		os.Exit(1)
	}
}

func findRealRunc() (string, error) {
	if p := os.Getenv("KUBEQUEST_REAL_RUNC"); p != "" {
		return p, nil
	}
	self, _ := os.Executable()
	self, _ = filepath.EvalSymlinks(self)
	for _, candidate := range realRuncCandidates {
		resolved, err := filepath.EvalSymlinks(candidate)
		if err == nil && resolved != self {
			return candidate, nil
		}
	}
	return "", fmt.Errorf("no real runc found in %v", realRuncCandidates)
}

// rewriteRequestedSpecs finds the subcommand after runc's global flags and rewrites the spec
// file it will read. Unknown subcommands pass through untouched.
func rewriteRequestedSpecs(args []string) error {
	sub, rest := splitSubcommand(args)
	switch sub {
	case "create", "run":
		bundle := flagValue(rest, "bundle", "b")
		if bundle == "" {
			bundle = "."
		}
		return rewriteFile(filepath.Join(bundle, "config.json"), []string{"process", "capabilities"})
	case "exec":
		if process := flagValue(rest, "process", "p"); process != "" {
			return rewriteFile(process, []string{"capabilities"})
		}
	}
	return nil
}

// Global flags that take a separate value (runc --help); every other global flag is boolean.
var globalFlagsWithValue = map[string]bool{"--root": true, "--log": true, "--log-format": true, "--criu": true, "--rootless": true}

func splitSubcommand(args []string) (string, []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			return a, args[i+1:]
		}
		if globalFlagsWithValue[a] {
			i++
		}
	}
	return "", nil
}

func flagValue(args []string, long, short string) string {
	for i, a := range args {
		for _, name := range []string{"--" + long, "-" + long, "-" + short} {
			if a == name && i+1 < len(args) {
				return args[i+1]
			}
			if strings.HasPrefix(a, name+"=") {
				return strings.TrimPrefix(a, name+"=")
			}
		}
	}
	return ""
}

func rewriteFile(path string, capsPath []string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if !bytes.Contains(raw, []byte(droppedCapability)) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // keep 64-bit limits exact
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("parse %s: %w", path, err)
	}
	caps := lookup(doc, capsPath)
	if caps == nil {
		return nil
	}
	for set, list := range caps {
		items, ok := list.([]any)
		if !ok {
			continue
		}
		kept := make([]any, 0, len(items))
		for _, c := range items {
			if c != droppedCapability {
				kept = append(kept, c)
			}
		}
		caps[set] = kept
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	return os.WriteFile(path, out, info.Mode().Perm())
}

func lookup(doc map[string]any, path []string) map[string]any {
	cur := doc
	for _, key := range path {
		next, ok := cur[key].(map[string]any)
		if !ok {
			return nil
		}
		cur = next
	}
	return cur
}
