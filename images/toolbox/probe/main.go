// kubequest-probe gathers in-cluster evidence for the KubeQuest grader in one exec.
//
// Why a Go program and not a shell script: under a class's load the grader's probe pod shares a
// starved node with thirty learners' pods. The earlier bash script forked `timeout`, `redis-cli`,
// `nslookup` and `jq` for every answer (and every 50 ms while waiting for a replicated key), and
// dig's SRV questions needed a second exec. Here every question is answered in-process, side by
// side, with one process per grade: DNS through golang.org/x/net/dns/dnsmessage, Redis through
// its plain text protocol (RESP) on one connection per probe.
//
// The command line and the JSON lines are the script's (server/grader/probe.ts reads them), and
// the `output` of each record is written the way nslookup, dig and redis-cli print it, because the
// grader shows it to the learner as evidence and reads addresses and INFO fields from it.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

const usageText = `kubequest-probe: gathers in-cluster evidence for the KubeQuest grader in one exec.

Usage:
  kubequest-probe [PROBE]...
  kubequest-probe --serve ADDR      answer the same probes over HTTP (POST /probe {"args": [...]},
                                    header X-KubeQuest-Probe-Token = $KUBEQUEST_PROBE_TOKEN)

Probes run side by side; each prints one JSON object on its own line, in the order given:
  --nslookup NAME                              what cluster DNS answers for NAME (A records)
  --dig TYPE NAME                              the DNS answer for NAME of TYPE (SRV or A); NAME fully qualified
  --redis-info HOST                            ` + "`INFO replication`" + ` of the Redis at HOST:6379
  --redis-write HOST KEY VALUE                 SET KEY VALUE on HOST
  --redis-wait-key HOST KEY VALUE TIMEOUT_MS   GET KEY on HOST until it equals VALUE, or TIMEOUT_MS passes
  --redis-write-expect-readonly HOST KEY       SET KEY on HOST, expecting a READONLY refusal (a replica)

Every line has "kind", the probe's inputs, "exitCode" (0 for an answer, as the tool it replaces
would exit), "output" (the answer as nslookup, dig or redis-cli prints it), "durationMs", plus
parsed fields per kind.

Every NAME/HOST must be a DNS name or an IP address, KEY/VALUE must match [A-Za-z0-9:._-]{1,200};
anything else is refused before any probe runs (one {"kind":"usage-error"} line, exit status 64).
Every network call is bounded: DNS 2 s per try, 2 tries; Redis 3 s per call, connection included.
Needs nothing writable: runs as any user on a read-only root filesystem.
`

const (
	redisPort = 6379
	maxWaitMs = 60000
	// What --redis-write-expect-readonly tries to write; a replica refuses it.
	readonlyProbeValue = "kubequest-readonly-probe"
)

var (
	dnsNameRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*\.?$`)
	// SRV names start with one or two `_service._proto` labels; dig's names are fully qualified.
	digNameRE = regexp.MustCompile(`^(_[a-z0-9][-a-z0-9]{0,62}\.){0,2}[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*\.$`)
	ipv4RE    = regexp.MustCompile(`^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$`)
	ipv6RE    = regexp.MustCompile(`^[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}$`)
	wordRE    = regexp.MustCompile(`^[A-Za-z0-9:._-]{1,200}$`)
	msRE      = regexp.MustCompile(`^[1-9][0-9]{0,5}$`)
)

// A step is one validated probe; run answers it as one JSON-ready record.
type step struct {
	kind string
	args []string
}

type usageError struct{ message string }

func (e usageError) Error() string { return e.message }

func validHost(v string) bool {
	if len(v) > 254 {
		return false
	}
	if dnsNameRE.MatchString(v) || ipv4RE.MatchString(v) {
		return true
	}
	return strings.Contains(v, ":") && ipv6RE.MatchString(v)
}

// parseArgs validates the whole command line before anything runs.
func parseArgs(args []string) (plan []step, help bool, err error) {
	if len(args) == 0 {
		return nil, false, usageError{"no probe given"}
	}
	need := func(flag string, n int, what string) error {
		if len(args) < n {
			return usageError{fmt.Sprintf("%s needs %s", flag, what)}
		}
		return nil
	}
	host := func(flag, v string) error {
		if !validHost(v) {
			return usageError{fmt.Sprintf("%s: %q is not a DNS name or an IP address", flag, v)}
		}
		return nil
	}
	word := func(flag, v string) error {
		if !wordRE.MatchString(v) {
			return usageError{fmt.Sprintf("%s: %q must match [A-Za-z0-9:._-]{1,200}", flag, v)}
		}
		return nil
	}
	for len(args) > 0 {
		flag := args[0]
		args = args[1:]
		var s step
		var errs []error
		switch flag {
		case "-h", "--help":
			return nil, true, nil
		case "--nslookup":
			if err := need(flag, 1, "NAME"); err != nil {
				return nil, false, err
			}
			errs = []error{host(flag, args[0])}
			s = step{"nslookup", args[:1]}
		case "--dig":
			if err := need(flag, 2, "TYPE NAME"); err != nil {
				return nil, false, err
			}
			if args[0] != "SRV" && args[0] != "A" {
				errs = append(errs, usageError{fmt.Sprintf("%s: type %q must be SRV or A", flag, args[0])})
			}
			if !digNameRE.MatchString(args[1]) || len(args[1]) > 254 {
				errs = append(errs, usageError{fmt.Sprintf("%s: %q is not a fully qualified DNS name", flag, args[1])})
			}
			s = step{"dig", args[:2]}
		case "--redis-info":
			if err := need(flag, 1, "HOST"); err != nil {
				return nil, false, err
			}
			errs = []error{host(flag, args[0])}
			s = step{"redis-info", args[:1]}
		case "--redis-write":
			if err := need(flag, 3, "HOST KEY VALUE"); err != nil {
				return nil, false, err
			}
			errs = []error{host(flag, args[0]), word(flag, args[1]), word(flag, args[2])}
			s = step{"redis-write", args[:3]}
		case "--redis-wait-key":
			if err := need(flag, 4, "HOST KEY VALUE TIMEOUT_MS"); err != nil {
				return nil, false, err
			}
			errs = []error{host(flag, args[0]), word(flag, args[1]), word(flag, args[2])}
			if ms, convErr := strconv.Atoi(args[3]); !msRE.MatchString(args[3]) || convErr != nil || ms > maxWaitMs {
				errs = append(errs, usageError{fmt.Sprintf("%s: %q must be a number of milliseconds from 1 to %d", flag, args[3], maxWaitMs)})
			}
			s = step{"redis-wait-key", args[:4]}
		case "--redis-write-expect-readonly":
			if err := need(flag, 2, "HOST KEY"); err != nil {
				return nil, false, err
			}
			errs = []error{host(flag, args[0]), word(flag, args[1])}
			s = step{"redis-write-expect-readonly", args[:2]}
		default:
			return nil, false, usageError{fmt.Sprintf("unknown argument %q", flag)}
		}
		for _, e := range errs {
			if e != nil {
				return nil, false, e
			}
		}
		args = args[len(s.args):]
		plan = append(plan, s)
	}
	return plan, false, nil
}

// env is what the probes talk to: the resolver's servers and how to reach Redis (tests point
// both at loopback fakes).
type env struct {
	dns   dnsConfig
	redis redisDialer
}

func (e env) run(s step) any {
	switch s.kind {
	case "nslookup":
		return e.nslookup(s.args[0])
	case "dig":
		return e.dig(s.args[0], s.args[1])
	case "redis-info":
		return e.redisInfo(s.args[0])
	case "redis-write":
		return e.redisWrite(s.args[0], s.args[1], s.args[2])
	case "redis-wait-key":
		ms, _ := strconv.Atoi(s.args[3])
		return e.redisWaitKey(s.args[0], s.args[1], s.args[2], ms)
	default: // "redis-write-expect-readonly"
		return e.redisWriteExpectReadonly(s.args[0], s.args[1])
	}
}

// runPlan answers every step side by side (a wait-key polls until a write lands, so they must
// not run one after another) and writes the records in the order asked.
func (e env) runPlan(plan []step, out io.Writer) error {
	records := make([]any, len(plan))
	var wg sync.WaitGroup
	for i, s := range plan {
		wg.Add(1)
		go func() {
			defer wg.Done()
			records[i] = e.run(s)
		}()
	}
	wg.Wait()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for _, r := range records {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}

func main() {
	os.Exit(mainExit(os.Args[1:], os.Stdout, os.Stderr))
}

func mainExit(args []string, stdout, stderr io.Writer) int {
	if len(args) == 2 && args[0] == "--serve" {
		dns, err := readResolvConf("/etc/resolv.conf")
		if err == nil {
			err = serve(args[1], os.Getenv("KUBEQUEST_PROBE_TOKEN"), env{dns: dns, redis: redisDialer{port: redisPort}})
		}
		if err != nil {
			fmt.Fprintf(stderr, "kubequest-probe: %s\n", err)
			return 1
		}
		return 0
	}
	plan, help, err := parseArgs(args)
	if help {
		fmt.Fprint(stdout, usageText)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "kubequest-probe: %s (see kubequest-probe --help)\n", err)
		line, _ := json.Marshal(map[string]string{"kind": "usage-error", "message": err.Error()})
		fmt.Fprintln(stdout, string(line))
		return 64
	}
	dns, err := readResolvConf("/etc/resolv.conf")
	if err != nil {
		fmt.Fprintf(stderr, "kubequest-probe: %s\n", err)
		return 1
	}
	if err := (env{dns: dns, redis: redisDialer{port: redisPort}}).runPlan(plan, stdout); err != nil {
		fmt.Fprintf(stderr, "kubequest-probe: writing the answers: %s\n", err)
		return 1
	}
	return 0
}
