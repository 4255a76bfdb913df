// A Go module for the orchestrator's own tests: one test passes (with subtests, which count as
// part of it), one fails with its own message, one is skipped.
package fixture

import "testing"

func TestPasses(t *testing.T) {
	t.Run("a subtest", func(t *testing.T) {})
	t.Run("another", func(t *testing.T) {})
}

func TestFails(t *testing.T) {
	t.Fatalf("the answer was %d, want 42", 41)
}

func TestSkips(t *testing.T) {
	t.Skip("not on this machine")
}
