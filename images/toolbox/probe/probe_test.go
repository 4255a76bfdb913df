// Tests of the probe against loopback fakes of CoreDNS and Redis: what each record says, that
// hostile input is refused before anything runs, and that a hostile or silent Redis cannot make
// the probe hang or grow. The real cluster is exercised by tests/integration/probe.test.ts.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// ---------------------------------------------------------------------------------------------
// A fake DNS server: answers from a table, on UDP and TCP of the same loopback port.

type fakeZone struct {
	a      map[string][]string // name. → IPv4 addresses
	srv    map[string][][2]any // name. → {target., port}
	cname  map[string]string
	status map[string]dnsmessage.RCode
	// truncateUDP sets TC on every UDP reply (forcing the TCP retry) and sends no records.
	truncateUDP bool
	// straysFirst sends a reply with a wrong ID before the real one.
	straysFirst bool
	silent      bool
	mu          sync.Mutex
	asked       []string
}

func mustName(s string) dnsmessage.Name {
	n, err := dnsmessage.NewName(s)
	if err != nil {
		panic(err)
	}
	return n
}

func (z *fakeZone) reply(query []byte, udp bool) ([][]byte, bool) {
	var m dnsmessage.Message
	if err := m.Unpack(query); err != nil || len(m.Questions) != 1 {
		return nil, false
	}
	q := m.Questions[0]
	name := strings.ToLower(q.Name.String())
	z.mu.Lock()
	z.asked = append(z.asked, name+" "+typeName(q.Type))
	z.mu.Unlock()
	if z.silent {
		return nil, false
	}
	rcode := dnsmessage.RCodeSuccess
	if rc, ok := z.status[name]; ok {
		rcode = rc
	} else if z.a[name] == nil && z.srv[name] == nil && z.cname[name] == "" {
		rcode = dnsmessage.RCodeNameError
	}
	hdr := dnsmessage.Header{ID: m.Header.ID, Response: true, Authoritative: true, RecursionDesired: true, RCode: rcode}
	if udp && z.truncateUDP {
		hdr.Truncated = true
	}
	b := dnsmessage.NewBuilder(nil, hdr)
	_ = b.StartQuestions()
	_ = b.Question(q)
	_ = b.StartAnswers()
	rh := func(n string, t dnsmessage.Type) dnsmessage.ResourceHeader {
		return dnsmessage.ResourceHeader{Name: mustName(n), Type: t, Class: dnsmessage.ClassINET, TTL: 30}
	}
	var additional []string
	if !hdr.Truncated {
		owner := name
		if target := z.cname[name]; target != "" && q.Type == dnsmessage.TypeA {
			_ = b.CNAMEResource(rh(name, dnsmessage.TypeCNAME), dnsmessage.CNAMEResource{CNAME: mustName(target)})
			owner = target
		}
		if q.Type == dnsmessage.TypeA {
			for _, ip := range z.a[owner] {
				var a [4]byte
				copy(a[:], net.ParseIP(ip).To4())
				_ = b.AResource(rh(owner, dnsmessage.TypeA), dnsmessage.AResource{A: a})
			}
		}
		if q.Type == dnsmessage.TypeSRV {
			for _, s := range z.srv[name] {
				_ = b.SRVResource(rh(name, dnsmessage.TypeSRV), dnsmessage.SRVResource{Priority: 0, Weight: 50, Port: uint16(s[1].(int)), Target: mustName(s[0].(string))})
				additional = append(additional, s[0].(string))
			}
		}
	}
	_ = b.StartAdditionals()
	for _, t := range additional {
		for _, ip := range z.a[t] {
			var a [4]byte
			copy(a[:], net.ParseIP(ip).To4())
			_ = b.AResource(rh(t, dnsmessage.TypeA), dnsmessage.AResource{A: a})
		}
	}
	msg, _ := b.Finish()
	out := [][]byte{msg}
	if udp && z.straysFirst {
		// Another ID, another answer: a forged reply, or one to somebody else's question.
		sb := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: m.Header.ID ^ 0xffff, Response: true, Authoritative: true})
		_ = sb.StartQuestions()
		_ = sb.Question(q)
		_ = sb.StartAnswers()
		_ = sb.AResource(rh(name, dnsmessage.TypeA), dnsmessage.AResource{A: [4]byte{6, 6, 6, 6}})
		stray, _ := sb.Finish()
		out = [][]byte{stray, msg}
	}
	return out, true
}

// serve starts the zone on a loopback port and returns "127.0.0.1:port".
func (z *fakeZone) serve(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close(); ln.Close() })
	go func() {
		buf := make([]byte, 4096)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			replies, ok := z.reply(buf[:n], true)
			if ok {
				for _, r := range replies {
					_, _ = pc.WriteTo(r, from)
				}
			}
		}
	}()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				var l [2]byte
				if _, err := io.ReadFull(c, l[:]); err != nil {
					return
				}
				q := make([]byte, int(l[0])<<8|int(l[1]))
				if _, err := io.ReadFull(c, q); err != nil {
					return
				}
				replies, ok := z.reply(q, false)
				if ok {
					r := replies[len(replies)-1]
					_, _ = c.Write(append([]byte{byte(len(r) >> 8), byte(len(r))}, r...))
				}
			}()
		}
	}()
	return addr
}

func dnsEnv(t *testing.T, z *fakeZone) env {
	return env{dns: dnsConfig{servers: []string{z.serve(t)}, search: []string{"ns1.svc.cluster.local", "svc.cluster.local"}, ndots: 5, timeout: 300 * time.Millisecond, attempts: 2}}
}

// The grader's own reading of nslookup's text (server/grader/checks/dns-checks.ts).
func answerAddresses(output string) []string {
	var out []string
	inAnswer := false
	for _, l := range strings.Split(output, "\n") {
		if strings.HasPrefix(l, "Name:") {
			inAnswer = true
		}
		if a, ok := strings.CutPrefix(strings.TrimSpace(l), "Address:"); ok && inAnswer {
			out = append(out, strings.TrimSpace(a))
		}
	}
	return out
}

func TestNslookupAnswersAsNslookupPrintsThem(t *testing.T) {
	z := &fakeZone{a: map[string][]string{"redis.ns1.svc.cluster.local.": {"10.244.0.9", "10.244.0.7", "10.244.0.9"}}}
	rec := dnsEnv(t, z).nslookup("redis.ns1.svc.cluster.local.")
	if rec.ExitCode != 0 || rec.Error != nil {
		t.Fatalf("exit %d error %v: %s", rec.ExitCode, rec.Error, rec.Output)
	}
	if got := strings.Join(rec.Addresses, ","); got != "10.244.0.7,10.244.0.9" {
		t.Fatalf("addresses %s", got)
	}
	// The server's banner comes first and is not an answer; the answer lines are nslookup's.
	if !strings.HasPrefix(rec.Output, "Server:\t\t127.0.0.1\nAddress:\t127.0.0.1#53\n\n") {
		t.Fatalf("banner: %q", rec.Output)
	}
	if !strings.Contains(rec.Output, "Name:\tredis.ns1.svc.cluster.local\nAddress: 10.244.0.9\n") {
		t.Fatalf("answer: %q", rec.Output)
	}
	if got := strings.Join(answerAddresses(rec.Output), ","); got != "10.244.0.9,10.244.0.7,10.244.0.9" {
		t.Fatalf("the grader would read %s", got)
	}
}

func TestNslookupNamesEachFailureItsWay(t *testing.T) {
	z := &fakeZone{
		a:      map[string][]string{"empty.ns1.svc.cluster.local.": {}},
		status: map[string]dnsmessage.RCode{"broken.ns1.svc.cluster.local.": dnsmessage.RCodeServerFailure, "empty.ns1.svc.cluster.local.": dnsmessage.RCodeSuccess},
	}
	e := dnsEnv(t, z)
	for _, c := range []struct{ name, code, text string }{
		{"gone.ns1.svc.cluster.local.", "NXDOMAIN", "** server can't find gone.ns1.svc.cluster.local: NXDOMAIN"},
		{"broken.ns1.svc.cluster.local.", "SERVFAIL", "** server can't find broken.ns1.svc.cluster.local: SERVFAIL"},
		{"empty.ns1.svc.cluster.local.", "NODATA", "*** Can't find empty.ns1.svc.cluster.local: No answer"},
	} {
		rec := e.nslookup(c.name)
		if rec.ExitCode != 1 || rec.Error == nil || *rec.Error != c.code || !strings.Contains(rec.Output, c.text) || len(rec.Addresses) != 0 {
			t.Errorf("%s: exit %d error %v output %q", c.name, rec.ExitCode, rec.Error, rec.Output)
		}
	}
}

func TestNslookupTimesOutWithinItsBound(t *testing.T) {
	z := &fakeZone{silent: true}
	e := dnsEnv(t, z)
	start := time.Now()
	rec := e.nslookup("redis.ns1.svc.cluster.local.")
	if rec.Error == nil || *rec.Error != "TIMEOUT" || rec.Output != ";; connection timed out; no servers could be reached" {
		t.Fatalf("%v %q", rec.Error, rec.Output)
	}
	// 2 tries of 300 ms, with room for a slow machine.
	if d := time.Since(start); d < 550*time.Millisecond || d > 3*time.Second {
		t.Fatalf("took %s", d)
	}
	if len(z.asked) != 2 {
		t.Fatalf("asked %d times, want 2 tries", len(z.asked))
	}
}

func TestNslookupWalksTheSearchListLikeTheResolver(t *testing.T) {
	z := &fakeZone{a: map[string][]string{"redis-0.redis.ns1.svc.cluster.local.": {"10.244.0.7"}}}
	rec := dnsEnv(t, z).nslookup("redis-0.redis")
	if rec.ExitCode != 0 || strings.Join(rec.Addresses, ",") != "10.244.0.7" {
		t.Fatalf("%d %q", rec.ExitCode, rec.Output)
	}
	// Fewer dots than ndots: the search list first, the name as given never needed.
	if got := strings.Join(z.asked, "|"); got != "redis-0.redis.ns1.svc.cluster.local. A" {
		t.Fatalf("asked %s", got)
	}
}

func TestNslookupFollowsCNAMEs(t *testing.T) {
	z := &fakeZone{
		cname: map[string]string{"db.ns1.svc.cluster.local.": "redis.ns2.svc.cluster.local."},
		a:     map[string][]string{"redis.ns2.svc.cluster.local.": {"10.96.0.12"}},
	}
	rec := dnsEnv(t, z).nslookup("db.ns1.svc.cluster.local.")
	if strings.Join(rec.Addresses, ",") != "10.96.0.12" || !strings.Contains(rec.Output, "db.ns1.svc.cluster.local\tcanonical name = redis.ns2.svc.cluster.local.\nName:\tredis.ns2.svc.cluster.local\nAddress: 10.96.0.12") {
		t.Fatalf("%q", rec.Output)
	}
}

func TestStrayRepliesAreIgnored(t *testing.T) {
	z := &fakeZone{a: map[string][]string{"redis.ns1.svc.cluster.local.": {"10.244.0.7"}}, straysFirst: true}
	rec := dnsEnv(t, z).nslookup("redis.ns1.svc.cluster.local.")
	if rec.ExitCode != 0 || strings.Join(rec.Addresses, ",") != "10.244.0.7" {
		t.Fatalf("%d %q", rec.ExitCode, rec.Output)
	}
}

func TestDigSRVGivesAnswersAndAdditionalAddresses(t *testing.T) {
	srv := "_redis._tcp.redis.ns1.svc.cluster.local."
	z := &fakeZone{
		srv: map[string][][2]any{srv: {{"redis-0.redis.ns1.svc.cluster.local.", 6379}, {"redis-1.redis.ns1.svc.cluster.local.", 6379}}},
		a:   map[string][]string{"redis-0.redis.ns1.svc.cluster.local.": {"10.244.0.7"}, "redis-1.redis.ns1.svc.cluster.local.": {"10.244.0.8"}},
	}
	rec := dnsEnv(t, z).dig("SRV", srv)
	if rec.ExitCode != 0 || rec.Status != "NOERROR" || len(rec.Answers) != 2 || len(rec.Additional) != 2 {
		t.Fatalf("%+v", rec)
	}
	if a := rec.Answers[0]; a.Name != srv || a.Type != "SRV" || a.TTL != 30 || a.Data != "0 50 6379 redis-0.redis.ns1.svc.cluster.local." {
		t.Fatalf("%+v", a)
	}
	if a := rec.Additional[1]; a.Name != "redis-1.redis.ns1.svc.cluster.local." || a.Type != "A" || a.Data != "10.244.0.8" {
		t.Fatalf("%+v", a)
	}
	if !strings.Contains(rec.Output, ";; ->>HEADER<<- opcode: QUERY, status: NOERROR") || !strings.Contains(rec.Output, ";; ANSWER SECTION:\n"+srv) {
		t.Fatalf("%q", rec.Output)
	}
}

func TestDigFallsBackToTCPWhenTheAnswerIsTruncated(t *testing.T) {
	srv := "_redis._tcp.redis.ns1.svc.cluster.local."
	z := &fakeZone{truncateUDP: true, srv: map[string][][2]any{srv: {{"redis-0.redis.ns1.svc.cluster.local.", 6379}}}}
	rec := dnsEnv(t, z).dig("SRV", srv)
	if rec.Status != "NOERROR" || len(rec.Answers) != 1 {
		t.Fatalf("%+v", rec)
	}
}

func TestDigWithoutAReplyIsExitCode9(t *testing.T) {
	rec := dnsEnv(t, &fakeZone{silent: true}).dig("A", "redis.ns1.svc.cluster.local.")
	if rec.ExitCode != 9 || rec.Status != "TIMEOUT" {
		t.Fatalf("%+v", rec)
	}
	rec = dnsEnv(t, &fakeZone{}).dig("SRV", "_redis._tcp.gone.ns1.svc.cluster.local.")
	if rec.ExitCode != 0 || rec.Status != "NXDOMAIN" || len(rec.Answers) != 0 {
		t.Fatalf("%+v", rec)
	}
}

// ---------------------------------------------------------------------------------------------
// A fake Redis: a primary or a replica, a map of keys, and misbehaviours a learner could set up.

type fakeRedis struct {
	mu      sync.Mutex
	replica bool
	keys    map[string]string
	// answer, when set, replaces every reply with these raw bytes (hostile servers).
	answer []byte
	silent bool
	calls  int
}

func (f *fakeRedis) serve(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go f.handle(c)
		}
	}()
	return ln.Addr().String()
}

func (f *fakeRedis) handle(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	for {
		l, err := r.ReadString('\n')
		if err != nil {
			return
		}
		n, _ := strconv.Atoi(strings.TrimSpace(l[1:]))
		args := make([]string, n)
		for i := range args {
			if _, err := r.ReadString('\n'); err != nil {
				return
			}
			a, _ := r.ReadString('\n')
			args[i] = strings.TrimSuffix(a, "\r\n")
		}
		f.mu.Lock()
		f.calls++
		var reply string
		switch {
		case f.silent:
			f.mu.Unlock()
			time.Sleep(time.Hour)
			return
		case f.answer != nil:
			reply = string(f.answer)
		case args[0] == "INFO" && f.replica:
			info := "# Replication\r\nrole:slave\r\nmaster_host:redis-0.redis.ns1.svc.cluster.local\r\nmaster_port:6379\r\nmaster_link_status:up\r\nconnected_slaves:0\r\n"
			reply = fmt.Sprintf("$%d\r\n%s\r\n", len(info), info)
		case args[0] == "INFO":
			info := "# Replication\r\nrole:master\r\nconnected_slaves:2\r\nslave0:ip=10.244.0.8,port=6379,state=online,offset=42,lag=0\r\nslave1:ip=10.244.0.9,port=6379,state=online,offset=42,lag=1\r\nmaster_repl_offset:42\r\n"
			reply = fmt.Sprintf("$%d\r\n%s\r\n", len(info), info)
		case args[0] == "SET" && f.replica:
			reply = "-READONLY You can't write against a read only replica.\r\n"
		case args[0] == "SET":
			f.keys[args[1]] = args[2]
			reply = "+OK\r\n"
		case args[0] == "GET":
			if v, ok := f.keys[args[1]]; ok {
				reply = fmt.Sprintf("$%d\r\n%s\r\n", len(v), v)
			} else {
				reply = "$-1\r\n"
			}
		}
		f.mu.Unlock()
		if _, err := c.Write([]byte(reply)); err != nil {
			return
		}
	}
}

func redisEnv(addrs map[string]string) env {
	return env{redis: redisDialer{port: 6379, addr: func(host string) string {
		if a, ok := addrs[host]; ok {
			return a
		}
		return "127.0.0.1:1" // nothing listens on port 1: connection refused
	}}}
}

func TestRedisInfoReadsReplicationAsTheScriptDid(t *testing.T) {
	primary := &fakeRedis{keys: map[string]string{}}
	replica := &fakeRedis{keys: map[string]string{}, replica: true}
	e := redisEnv(map[string]string{"redis-0": primary.serve(t), "redis-1": replica.serve(t)})
	rec := e.redisInfo("redis-0")
	if rec.ExitCode != 0 || strings.Contains(rec.Output, "\r") || !strings.HasPrefix(rec.Output, "# Replication\nrole:master\n") || strings.HasSuffix(rec.Output, "\n") {
		t.Fatalf("%d %q", rec.ExitCode, rec.Output)
	}
	r := rec.Replication
	if r == nil || r.Role != "master" || *r.ConnectedReplicas != 2 || len(r.Replicas) != 2 || *r.Replicas[1].IP != "10.244.0.9" || *r.Replicas[1].Lag != 1 || r.MasterHost != nil {
		b, _ := json.Marshal(r)
		t.Fatalf("%s", b)
	}
	r = e.redisInfo("redis-1").Replication
	if r == nil || r.Role != "slave" || *r.MasterHost != "redis-0.redis.ns1.svc.cluster.local" || *r.MasterPort != 6379 || *r.MasterLinkStatus != "up" {
		t.Fatalf("%+v", r)
	}
}

func TestRedisWritesAndTheReadonlyRefusal(t *testing.T) {
	primary := &fakeRedis{keys: map[string]string{}}
	replica := &fakeRedis{keys: map[string]string{}, replica: true}
	e := redisEnv(map[string]string{"redis-0": primary.serve(t), "redis-1": replica.serve(t)})
	if w := e.redisWrite("redis-0", "kq:probe", "t1"); !w.OK || w.Output != "OK" || w.ExitCode != 0 || primary.keys["kq:probe"] != "t1" {
		t.Fatalf("%+v", w)
	}
	if w := e.redisWrite("redis-1", "kq:probe", "t1"); w.OK || w.ExitCode != 1 || !strings.HasPrefix(w.Output, "READONLY") {
		t.Fatalf("%+v", w)
	}
	if ro := e.redisWriteExpectReadonly("redis-1", "kq:probe"); !ro.Readonly {
		t.Fatalf("%+v", ro)
	}
	if ro := e.redisWriteExpectReadonly("redis-0", "kq:probe"); ro.Readonly || primary.keys["kq:probe"] != readonlyProbeValue {
		t.Fatalf("%+v", ro)
	}
}

func TestRedisWaitKeySeesAWriteThatLandsLater(t *testing.T) {
	replica := &fakeRedis{keys: map[string]string{}}
	e := redisEnv(map[string]string{"redis-1": replica.serve(t)})
	go func() {
		time.Sleep(200 * time.Millisecond)
		replica.mu.Lock()
		replica.keys["kq:probe"] = "t1"
		replica.mu.Unlock()
	}()
	rec := e.redisWaitKey("redis-1", "kq:probe", "t1", 5000)
	if !rec.Matched || rec.Output != "t1" || rec.Attempts < 2 || rec.DurationMs < 150 || rec.DurationMs > 3000 {
		t.Fatalf("%+v", rec)
	}
	if replica.calls != rec.Attempts {
		t.Fatalf("%d calls for %d attempts", replica.calls, rec.Attempts)
	}
	rec = e.redisWaitKey("redis-1", "kq:other", "t1", 120)
	if rec.Matched || rec.Output != "" || rec.ExitCode != 0 || rec.DurationMs < 120 {
		t.Fatalf("%+v", rec)
	}
}

func TestRedisThatIsNotThereOrNotRedis(t *testing.T) {
	e := redisEnv(nil)
	if w := e.redisWrite("redis-9", "k", "v"); w.ExitCode != 1 || !strings.HasPrefix(w.Output, "Could not connect to Redis at 127.0.0.1:1: Connection refused") {
		t.Fatalf("%+v", w)
	}
	if w := e.redisWaitKey("redis-9", "k", "v", 100); w.Matched || w.ExitCode != 1 || w.Attempts < 2 {
		t.Fatalf("%+v", w)
	}
	// A learner's server that answers with something that is not Redis, or too much of it.
	for name, answer := range map[string][]byte{
		"garbage":     []byte("HTTP/1.1 200 OK\r\n"),
		"huge bulk":   []byte("$999999999\r\n"),
		"endless":     bytes.Repeat([]byte("+"), 200*1024),
		"deep arrays": []byte("*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n"),
	} {
		f := &fakeRedis{keys: map[string]string{}, answer: answer}
		e := redisEnv(map[string]string{"redis-0": f.serve(t)})
		if rec := e.redisInfo("redis-0"); rec.ExitCode != 1 || rec.Replication != nil || len(rec.Output) > 300 {
			t.Errorf("%s: %+v", name, rec)
		}
	}
}

func TestASilentRedisIsBoundedInTime(t *testing.T) {
	old := redisCallTimeout
	redisCallTimeout = 300 * time.Millisecond
	defer func() { redisCallTimeout = old }()
	f := &fakeRedis{keys: map[string]string{}, silent: true}
	e := redisEnv(map[string]string{"redis-0": f.serve(t)})
	start := time.Now()
	rec := e.redisInfo("redis-0")
	if rec.ExitCode != 124 || !strings.HasPrefix(rec.Output, "No answer from Redis") || time.Since(start) > 2*time.Second {
		t.Fatalf("%+v after %s", rec, time.Since(start))
	}
}

// ---------------------------------------------------------------------------------------------
// The command line and a whole run.

func TestHostileArgumentsAreRefusedBeforeAnythingRuns(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"--nslookup"},
		{"--nslookup", "$(reboot)"},
		{"--nslookup", "a.b", "--redis-info", "-rf"},
		{"--redis-write", "redis-0", "key with space", "v"},
		{"--redis-write", "redis-0", "k", strings.Repeat("v", 201)},
		{"--redis-wait-key", "redis-0", "k", "v", "60001"},
		{"--redis-wait-key", "redis-0", "k", "v", "010"},
		{"--dig", "MX", "a.b."},
		{"--dig", "SRV", "_redis._tcp.a.b"},
		{"--nslookup", strings.Repeat("a.", 128) + "b"},
		{"--unknown"},
	} {
		var out, errOut bytes.Buffer
		if code := mainExit(args, &out, &errOut); code != 64 {
			t.Errorf("%q: exit %d", args, code)
		}
		var rec map[string]string
		if err := json.Unmarshal(out.Bytes(), &rec); err != nil || rec["kind"] != "usage-error" || rec["message"] == "" {
			t.Errorf("%q: %q", args, out.String())
		}
	}
	var out bytes.Buffer
	if code := mainExit([]string{"--help"}, &out, io.Discard); code != 0 || !strings.Contains(out.String(), "--redis-wait-key HOST KEY VALUE TIMEOUT_MS") {
		t.Fatalf("%d %q", code, out.String())
	}
}

func TestAPlanRunsSideBySideAndAnswersInOrder(t *testing.T) {
	primary := &fakeRedis{keys: map[string]string{}}
	addr := primary.serve(t)
	z := &fakeZone{a: map[string][]string{"redis.ns1.svc.cluster.local.": {"10.244.0.7"}}}
	e := dnsEnv(t, z)
	e.redis = redisEnv(map[string]string{"redis-0": addr, "redis-1": addr}).redis
	plan, _, err := parseArgs([]string{
		"--redis-wait-key", "redis-1", "kq:t", "v1", "5000", // waits for the write after it
		"--nslookup", "redis.ns1.svc.cluster.local.",
		"--redis-write", "redis-0", "kq:t", "v1",
		"--dig", "A", "redis.ns1.svc.cluster.local.",
	})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := e.runPlan(plan, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var kinds []string
	for _, l := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		kinds = append(kinds, rec["kind"].(string))
		if rec["kind"] == "redis-wait-key" && rec["matched"] != true {
			t.Fatalf("the wait did not see the write beside it: %s", l)
		}
	}
	if got := strings.Join(kinds, ","); got != "redis-wait-key,nslookup,redis-write,dig" {
		t.Fatalf("order %s", got)
	}
}

func TestResolvConfAsKubeletWritesIt(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/resolv.conf"
	content := "search ns1.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"
	if err := writeFile(path, content); err != nil {
		t.Fatal(err)
	}
	cfg, err := readResolvConf(path)
	if err != nil || strings.Join(cfg.servers, ",") != "10.96.0.10:53" || cfg.ndots != 5 || len(cfg.search) != 3 {
		t.Fatalf("%+v %v", cfg, err)
	}
	if got := strings.Join(cfg.candidates("redis.ns1.svc.cluster.local."), ","); got != "redis.ns1.svc.cluster.local." {
		t.Fatalf("%s", got)
	}
	if err := writeFile(path, "search x\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := readResolvConf(path); err == nil {
		t.Fatal("a resolv.conf without a nameserver was accepted")
	}
}

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o600) }

// ---------------------------------------------------------------------------------------------
// The agent (--serve): the same answers over HTTP, to the token's holder only, bounded.

func agentServer(t *testing.T, e env) *httptest.Server {
	srv := httptest.NewServer(newAgent(e, "0123456789abcdef-token").routes())
	t.Cleanup(srv.Close)
	return srv
}

func post(t *testing.T, url, token, body string) (int, string) {
	req, _ := http.NewRequest("POST", url+"/probe", strings.NewReader(body))
	if token != "" {
		req.Header.Set(tokenHeader, token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestTheAgentAnswersAsTheCommandLineDoes(t *testing.T) {
	z := &fakeZone{a: map[string][]string{"redis.ns1.svc.cluster.local.": {"10.244.0.7"}}}
	e := dnsEnv(t, z)
	srv := agentServer(t, e)
	code, body := post(t, srv.URL, "0123456789abcdef-token", `{"args": ["--nslookup", "redis.ns1.svc.cluster.local.", "--nslookup", "gone.ns1.svc.cluster.local."]}`)
	lines := strings.Split(strings.TrimSpace(body), "\n")
	if code != 200 || len(lines) != 2 || !strings.Contains(lines[0], `"addresses":["10.244.0.7"]`) || !strings.Contains(lines[1], `"error":"NXDOMAIN"`) {
		t.Fatalf("%d %s", code, body)
	}
	res, err := http.Get(srv.URL + "/healthz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", res, err)
	}
}

func TestTheAgentRefusesStrangersAndBadRequests(t *testing.T) {
	z := &fakeZone{}
	srv := agentServer(t, dnsEnv(t, z))
	for _, c := range []struct {
		token, body string
		code        int
	}{
		{"", `{"args": ["--nslookup", "a.b."]}`, 401},
		{"0123456789abcdef-tokeX", `{"args": ["--nslookup", "a.b."]}`, 401},
		{"0123456789abcdef-token", `{"args": ["--nslookup", "$(id)"]}`, 400},
		{"0123456789abcdef-token", `{"args": ["--help"]}`, 400},
		{"0123456789abcdef-token", `not json`, 400},
		{"0123456789abcdef-token", `{"args": ["` + strings.Repeat("a", 70*1024) + `"]}`, 400},
	} {
		code, body := post(t, srv.URL, c.token, c.body)
		if code != c.code || !strings.Contains(body, `"kind":"usage-error"`) {
			t.Errorf("%q: %d %s", c.body[:min(40, len(c.body))], code, body)
		}
	}
	if len(z.asked) != 0 {
		t.Fatalf("a refused request reached DNS: %v", z.asked)
	}
}

func TestTheAgentAnswersAtMostSoManyAtOnce(t *testing.T) {
	old := redisCallTimeout
	redisCallTimeout = 2 * time.Second
	defer func() { redisCallTimeout = old }()
	f := &fakeRedis{keys: map[string]string{}, silent: true}
	e := redisEnv(map[string]string{"redis-0": f.serve(t)})
	a := newAgent(e, "0123456789abcdef-token")
	a.slots = make(chan struct{}, 2)
	srv := httptest.NewServer(a.routes())
	t.Cleanup(srv.Close)
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			post(t, srv.URL, "0123456789abcdef-token", `{"args": ["--redis-info", "redis-0"]}`)
		}()
	}
	time.Sleep(300 * time.Millisecond) // both are now waiting on the silent Redis
	code, body := post(t, srv.URL, "0123456789abcdef-token", `{"args": ["--redis-info", "redis-0"]}`)
	if code != 503 || !strings.Contains(body, "answering 2 requests already") {
		t.Fatalf("%d %s", code, body)
	}
	wg.Wait()
}

func TestServeNeedsAToken(t *testing.T) {
	if err := serve("127.0.0.1:0", "short", env{}); err == nil || !strings.Contains(err.Error(), "KUBEQUEST_PROBE_TOKEN") {
		t.Fatalf("%v", err)
	}
}
