package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSplitSubcommandSkipsGlobalFlags(t *testing.T) {
	sub, rest := splitSubcommand([]string{"--root", "/run/runc", "--log-format", "json", "--systemd-cgroup", "exec", "--process", "/tmp/p.json", "id"})
	if sub != "exec" || flagValue(rest, "process", "p") != "/tmp/p.json" {
		t.Fatalf("got %q %v", sub, rest)
	}
}

func TestRewriteRemovesOnlyTheDroppedCapability(t *testing.T) {
	dir := t.TempDir()
	spec := `{"ociVersion":"1.0.2","process":{"capabilities":{"bounding":["CAP_CHOWN","CAP_SYS_RESOURCE"],"effective":["CAP_SYS_RESOURCE"]}},"linux":{"resources":{"memory":{"swap":9223372036854775807}}}}`
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(spec), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := rewriteRequestedSpecs([]string{"create", "--bundle=" + dir, "id"}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "config.json"))
	s := string(got)
	if strings.Contains(s, "CAP_SYS_RESOURCE") || !strings.Contains(s, "CAP_CHOWN") || !strings.Contains(s, "9223372036854775807") {
		t.Fatalf("unexpected rewrite: %s", s)
	}
}
