// DNS answers for --nslookup and --dig, asked of the pod's own resolver (/etc/resolv.conf),
// the same server the learner's pods and `nslookup` in the terminal ask. Messages are built and
// read with golang.org/x/net/dns/dnsmessage; the text of each record is what nslookup or dig
// would print, because the grader shows it as evidence and reads addresses from it.
package main

import (
	"bufio"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// dnsConfig is what resolv.conf says, plus the bounds nslookup was run with (-timeout=2 -retry=1).
type dnsConfig struct {
	servers  []string // host:port
	search   []string // without trailing dots
	ndots    int
	timeout  time.Duration
	attempts int
}

func readResolvConf(path string) (dnsConfig, error) {
	cfg := dnsConfig{ndots: 1, timeout: 2 * time.Second, attempts: 2}
	f, err := os.Open(path)
	if err != nil {
		return cfg, fmt.Errorf("reading %s: %w", path, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 || strings.HasPrefix(fields[0], "#") || strings.HasPrefix(fields[0], ";") {
			continue
		}
		switch fields[0] {
		case "nameserver":
			if ip := net.ParseIP(fields[1]); ip != nil {
				cfg.servers = append(cfg.servers, net.JoinHostPort(ip.String(), "53"))
			}
		case "search":
			cfg.search = nil
			for _, s := range fields[1:] {
				cfg.search = append(cfg.search, strings.TrimSuffix(s, "."))
			}
		case "options":
			for _, o := range fields[1:] {
				if v, ok := strings.CutPrefix(o, "ndots:"); ok {
					if n, err := strconv.Atoi(v); err == nil && n >= 0 {
						cfg.ndots = min(n, 15)
					}
				}
			}
		}
	}
	if len(cfg.servers) == 0 {
		return cfg, fmt.Errorf("%s names no nameserver", path)
	}
	return cfg, sc.Err()
}

// dnsAnswer is one exchange's outcome: a reply, or err when no server gave one (timed out,
// refused, unreachable: nslookup calls all of these "no servers could be reached").
type dnsAnswer struct {
	server string
	msg    dnsmessage.Message
	err    error
}

var errTruncated = errors.New("truncated")

// exchange asks every server in turn, each `attempts` times, `timeout` per try; UDP first and
// TCP when the reply is truncated.
func (c dnsConfig) exchange(name string, qtype dnsmessage.Type) dnsAnswer {
	q, err := dnsmessage.NewName(name)
	if err != nil {
		return dnsAnswer{err: err}
	}
	last := dnsAnswer{err: errors.New("no nameserver configured")}
	for _, server := range c.servers {
		for try := 0; try < c.attempts; try++ {
			msg, err := c.ask(server, "udp", q, qtype)
			if errors.Is(err, errTruncated) {
				msg, err = c.ask(server, "tcp", q, qtype)
			}
			if err == nil {
				return dnsAnswer{server: server, msg: msg}
			}
			last = dnsAnswer{server: server, err: err}
		}
	}
	return last
}

func (c dnsConfig) ask(server, network string, q dnsmessage.Name, qtype dnsmessage.Type) (dnsmessage.Message, error) {
	var idb [2]byte
	_, _ = rand.Read(idb[:])
	id := binary.BigEndian.Uint16(idb[:])
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: id, RecursionDesired: true})
	b.EnableCompression()
	question := dnsmessage.Question{Name: q, Type: qtype, Class: dnsmessage.ClassINET}
	if err := b.StartQuestions(); err != nil {
		return dnsmessage.Message{}, err
	}
	if err := b.Question(question); err != nil {
		return dnsmessage.Message{}, err
	}
	// EDNS0: room for the SRV answer of a large StatefulSet without falling back to TCP.
	if err := b.StartAdditionals(); err != nil {
		return dnsmessage.Message{}, err
	}
	var opt dnsmessage.ResourceHeader
	if err := opt.SetEDNS0(4096, dnsmessage.RCodeSuccess, false); err != nil {
		return dnsmessage.Message{}, err
	}
	if err := b.OPTResource(opt, dnsmessage.OPTResource{}); err != nil {
		return dnsmessage.Message{}, err
	}
	query, err := b.Finish()
	if err != nil {
		return dnsmessage.Message{}, err
	}

	conn, err := net.DialTimeout(network, server, c.timeout)
	if err != nil {
		return dnsmessage.Message{}, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(c.timeout))
	if network == "tcp" {
		query = append([]byte{byte(len(query) >> 8), byte(len(query))}, query...)
	}
	if _, err := conn.Write(query); err != nil {
		return dnsmessage.Message{}, err
	}
	for {
		var reply []byte
		if network == "tcp" {
			var lenb [2]byte
			if _, err := io.ReadFull(conn, lenb[:]); err != nil {
				return dnsmessage.Message{}, err
			}
			reply = make([]byte, binary.BigEndian.Uint16(lenb[:]))
			if _, err := io.ReadFull(conn, reply); err != nil {
				return dnsmessage.Message{}, err
			}
		} else {
			buf := make([]byte, 65535)
			n, err := conn.Read(buf)
			if err != nil {
				return dnsmessage.Message{}, err
			}
			reply = buf[:n]
		}
		var m dnsmessage.Message
		if err := m.Unpack(reply); err != nil || m.Header.ID != id || !m.Header.Response ||
			len(m.Questions) != 1 || !strings.EqualFold(m.Questions[0].Name.String(), q.String()) || m.Questions[0].Type != qtype {
			if network == "tcp" {
				return dnsmessage.Message{}, fmt.Errorf("a reply that does not answer the question")
			}
			continue // a stray or forged datagram: keep waiting for ours until the deadline
		}
		if m.Header.Truncated && network == "udp" {
			return m, errTruncated
		}
		return m, nil
	}
}

// rcodeName is the status as dig prints it.
func rcodeName(r dnsmessage.RCode) string {
	switch r {
	case dnsmessage.RCodeSuccess:
		return "NOERROR"
	case dnsmessage.RCodeFormatError:
		return "FORMERR"
	case dnsmessage.RCodeServerFailure:
		return "SERVFAIL"
	case dnsmessage.RCodeNameError:
		return "NXDOMAIN"
	case dnsmessage.RCodeNotImplemented:
		return "NOTIMP"
	case dnsmessage.RCodeRefused:
		return "REFUSED"
	default:
		return "RCODE" + strconv.Itoa(int(r))
	}
}

func typeName(t dnsmessage.Type) string {
	return strings.TrimPrefix(t.String(), "Type")
}

// rrData is a record's data as dig prints it.
func rrData(r dnsmessage.Resource) (string, bool) {
	switch body := r.Body.(type) {
	case *dnsmessage.AResource:
		return net.IP(body.A[:]).String(), true
	case *dnsmessage.AAAAResource:
		return net.IP(body.AAAA[:]).String(), true
	case *dnsmessage.CNAMEResource:
		return strings.ToLower(body.CNAME.String()), true
	case *dnsmessage.SRVResource:
		return fmt.Sprintf("%d %d %d %s", body.Priority, body.Weight, body.Port, strings.ToLower(body.Target.String())), true
	case *dnsmessage.PTRResource:
		return strings.ToLower(body.PTR.String()), true
	case *dnsmessage.TXTResource:
		return strconv.Quote(strings.Join(body.TXT, "")), true
	default:
		return "", false
	}
}

func serverIP(server string) string {
	host, _, err := net.SplitHostPort(server)
	if err != nil {
		return server
	}
	return host
}

type nslookupRecord struct {
	Kind       string   `json:"kind"`
	Name       string   `json:"name"`
	ExitCode   int      `json:"exitCode"`
	Output     string   `json:"output"`
	Addresses  []string `json:"addresses"`
	Error      *string  `json:"error"`
	DurationMs int64    `json:"durationMs"`
}

// candidates are the names nslookup would try for `name`: as given when fully qualified,
// otherwise through the search list (first or last by ndots, as resolv.conf(5) says).
func (c dnsConfig) candidates(name string) []string {
	if strings.HasSuffix(name, ".") {
		return []string{name}
	}
	var searched []string
	for _, s := range c.search {
		searched = append(searched, name+"."+s+".")
	}
	if strings.Count(name, ".") >= c.ndots {
		return append([]string{name + "."}, searched...)
	}
	return append(searched, name+".")
}

func (e env) nslookup(name string) nslookupRecord {
	start := time.Now()
	rec := nslookupRecord{Kind: "nslookup", Name: name, Addresses: []string{}}
	setError := func(code string) { rec.Error = &code; rec.ExitCode = 1 }
	var out strings.Builder
	var answer dnsAnswer
	asked := strings.TrimSuffix(name, ".")
	for _, candidate := range e.dns.candidates(name) {
		answer = e.dns.exchange(candidate, dnsmessage.TypeA)
		asked = strings.TrimSuffix(candidate, ".")
		// Only "no such name" moves on to the next name of the search list.
		if answer.err != nil || answer.msg.Header.RCode != dnsmessage.RCodeNameError {
			break
		}
	}
	switch {
	case answer.err != nil:
		out.WriteString(";; connection timed out; no servers could be reached\n")
		setError("TIMEOUT")
	default:
		fmt.Fprintf(&out, "Server:\t\t%s\nAddress:\t%s#53\n\n", serverIP(answer.server), serverIP(answer.server))
		m := answer.msg
		if m.Header.RCode != dnsmessage.RCodeSuccess {
			status := rcodeName(m.Header.RCode)
			fmt.Fprintf(&out, "** server can't find %s: %s\n", asked, status)
			setError(status)
			break
		}
		if !m.Header.Authoritative {
			out.WriteString("Non-authoritative answer:\n")
		}
		seen := map[string]bool{}
		for _, r := range m.Answers {
			owner := strings.TrimSuffix(strings.ToLower(r.Header.Name.String()), ".")
			switch body := r.Body.(type) {
			case *dnsmessage.CNAMEResource:
				fmt.Fprintf(&out, "%s\tcanonical name = %s\n", owner, strings.ToLower(body.CNAME.String()))
			case *dnsmessage.AResource:
				ip := net.IP(body.A[:]).String()
				fmt.Fprintf(&out, "Name:\t%s\nAddress: %s\n", owner, ip)
				if !seen[ip] {
					seen[ip] = true
					rec.Addresses = append(rec.Addresses, ip)
				}
			}
		}
		if len(rec.Addresses) == 0 {
			fmt.Fprintf(&out, "*** Can't find %s: No answer\n", asked)
			setError("NODATA")
		}
	}
	sort.Strings(rec.Addresses)
	rec.Output = strings.TrimRight(out.String(), "\n")
	rec.DurationMs = time.Since(start).Milliseconds()
	return rec
}

type digRR struct {
	Name string `json:"name"`
	TTL  uint32 `json:"ttl"`
	Type string `json:"type"`
	Data string `json:"data"`
}

type digRecord struct {
	Kind       string  `json:"kind"`
	Name       string  `json:"name"`
	Type       string  `json:"type"`
	ExitCode   int     `json:"exitCode"`
	Output     string  `json:"output"`
	Status     string  `json:"status"`
	Answers    []digRR `json:"answers"`
	Additional []digRR `json:"additional"`
	DurationMs int64   `json:"durationMs"`
}

func digSection(rs []dnsmessage.Resource) []digRR {
	out := []digRR{}
	for _, r := range rs {
		data, ok := rrData(r)
		if !ok {
			continue // OPT and types the grader never reads
		}
		out = append(out, digRR{Name: strings.ToLower(r.Header.Name.String()), TTL: r.Header.TTL, Type: typeName(r.Header.Type), Data: data})
	}
	return out
}

// dig asks one question as `dig +nocmd +nostats +time=2 +tries=2 NAME TYPE` would; no reply at
// all is exit code 9 (dig's own), which the grader reads as its failure, not the learner's.
func (e env) dig(qtype, name string) digRecord {
	start := time.Now()
	t := dnsmessage.TypeSRV
	if qtype == "A" {
		t = dnsmessage.TypeA
	}
	rec := digRecord{Kind: "dig", Name: strings.ToLower(name), Type: qtype, Answers: []digRR{}, Additional: []digRR{}}
	answer := e.dns.exchange(name, t)
	var out strings.Builder
	if answer.err != nil {
		rec.ExitCode = 9
		rec.Status = "TIMEOUT"
		fmt.Fprintf(&out, ";; communications error: %s\n;; no servers could be reached", answer.err)
	} else {
		m := answer.msg
		rec.Status = rcodeName(m.Header.RCode)
		rec.Answers = digSection(m.Answers)
		rec.Additional = digSection(m.Additionals)
		flags := "qr"
		if m.Header.Authoritative {
			flags += " aa"
		}
		if m.Header.RecursionDesired {
			flags += " rd"
		}
		if m.Header.RecursionAvailable {
			flags += " ra"
		}
		fmt.Fprintf(&out, ";; Got answer:\n;; ->>HEADER<<- opcode: QUERY, status: %s, id: %d\n", rec.Status, m.Header.ID)
		fmt.Fprintf(&out, ";; flags: %s; QUERY: 1, ANSWER: %d, AUTHORITY: %d, ADDITIONAL: %d\n\n", flags, len(m.Answers), len(m.Authorities), len(m.Additionals))
		fmt.Fprintf(&out, ";; QUESTION SECTION:\n;%s\t\t\tIN\t%s\n", rec.Name, qtype)
		for _, section := range []struct {
			title string
			rrs   []digRR
		}{{"ANSWER", rec.Answers}, {"ADDITIONAL", rec.Additional}} {
			if len(section.rrs) == 0 {
				continue
			}
			fmt.Fprintf(&out, "\n;; %s SECTION:\n", section.title)
			for _, r := range section.rrs {
				fmt.Fprintf(&out, "%s\t\t%d\tIN\t%s\t%s\n", r.Name, r.TTL, r.Type, r.Data)
			}
		}
		fmt.Fprintf(&out, "\n;; SERVER: %s#53(%s) (UDP)", serverIP(answer.server), serverIP(answer.server))
	}
	rec.Output = strings.TrimRight(out.String(), "\n")
	rec.DurationMs = time.Since(start).Milliseconds()
	return rec
}
