// Redis answers for the --redis-* probes, over Redis's own protocol (RESP) on one TCP connection
// per probe. A learner can put anything behind port 6379, so every read is bounded in time and in
// size, and the text kept is what `redis-cli` (not on a terminal) would print.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	redisPollInterval = 25 * time.Millisecond // between GETs of --redis-wait-key
	maxReplyBytes     = 512 * 1024            // INFO replication is ~1 KiB; anything bigger is not Redis
	maxReplyItems     = 1024
)

// redisCallTimeout bounds one call, connection included (was `timeout 3 redis-cli`); a variable
// only so that tests of a silent server need not wait 3 s.
var redisCallTimeout = 3 * time.Second

type redisDialer struct {
	port int
	// addr, when set, replaces host:port (tests point every host at one loopback fake).
	addr func(host string) string
}

type redisConn struct {
	conn net.Conn
	r    *bufio.Reader
}

func (d redisDialer) target(host string) string {
	if d.addr != nil {
		return d.addr(host)
	}
	return net.JoinHostPort(strings.TrimSuffix(host, "."), strconv.Itoa(d.port))
}

func (d redisDialer) dial(host string) (*redisConn, error) {
	c, err := net.DialTimeout("tcp", d.target(host), redisCallTimeout)
	if err != nil {
		return nil, err
	}
	return &redisConn{conn: c, r: bufio.NewReaderSize(c, 64*1024)}, nil
}

// redisReply is a reply as redis-cli prints it; isError for a "-ERR …" reply.
type redisReply struct {
	text    string
	isError bool
}

// call sends one command and reads its reply within redisCallTimeout.
func (c *redisConn) call(args ...string) (redisReply, error) {
	_ = c.conn.SetDeadline(time.Now().Add(redisCallTimeout))
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := c.conn.Write([]byte(b.String())); err != nil {
		return redisReply{}, err
	}
	return c.read(0)
}

var errReplyTooLarge = errors.New("the reply is larger than a Redis answer to this command can be")

func (c *redisConn) line() (string, error) {
	l, err := c.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return "", errReplyTooLarge
	}
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(strings.TrimSuffix(string(l), "\n"), "\r"), nil
}

func (c *redisConn) read(depth int) (redisReply, error) {
	l, err := c.line()
	if err != nil {
		return redisReply{}, err
	}
	if l == "" {
		return redisReply{}, errors.New("an empty line where a Redis reply was expected")
	}
	switch l[0] {
	case '+', ':':
		return redisReply{text: l[1:]}, nil
	case '-':
		return redisReply{text: l[1:], isError: true}, nil
	case '$':
		n, err := strconv.Atoi(l[1:])
		if err != nil {
			return redisReply{}, fmt.Errorf("not a Redis reply: %.80q", l)
		}
		if n < 0 {
			return redisReply{}, nil // nil: redis-cli prints an empty line
		}
		if n > maxReplyBytes {
			return redisReply{}, errReplyTooLarge
		}
		buf := make([]byte, n+2)
		if _, err := ioReadFull(c.r, buf); err != nil {
			return redisReply{}, err
		}
		return redisReply{text: string(buf[:n])}, nil
	case '*':
		n, err := strconv.Atoi(l[1:])
		if err != nil || depth > 2 || n > maxReplyItems {
			return redisReply{}, fmt.Errorf("not a Redis reply to this command: %.80q", l)
		}
		items := make([]string, 0, max(n, 0))
		for i := 0; i < n; i++ {
			item, err := c.read(depth + 1)
			if err != nil {
				return redisReply{}, err
			}
			items = append(items, item.text)
		}
		return redisReply{text: strings.Join(items, "\n")}, nil
	default:
		return redisReply{}, fmt.Errorf("not a Redis reply: %.80q", l)
	}
}

func ioReadFull(r *bufio.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func (c *redisConn) close() { _ = c.conn.Close() }

// redisResult is what redis-cli would have printed and its exit code: 0 for a reply, 1 for an
// error reply or no connection, 124 when the call ran out of time (as `timeout` said before).
type redisResult struct {
	output   string
	exitCode int
}

func failure(d redisDialer, host string, err error, connected bool) redisResult {
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() || errors.Is(err, os.ErrDeadlineExceeded) {
		return redisResult{output: fmt.Sprintf("No answer from Redis at %s within %s", d.target(host), redisCallTimeout), exitCode: 124}
	}
	if !connected {
		return redisResult{output: fmt.Sprintf("Could not connect to Redis at %s: %s", d.target(host), reason(err)), exitCode: 1}
	}
	return redisResult{output: fmt.Sprintf("Error: %s", reason(err)), exitCode: 1}
}

// reason is the innermost cause, in redis-cli's words where it has them.
func reason(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s := errno.Error()
		return strings.ToUpper(s[:1]) + s[1:]
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		if dnsErr.IsNotFound {
			return "Name or service not known"
		}
		return dnsErr.Err
	}
	return err.Error()
}

// once runs one command on a fresh connection.
func (d redisDialer) once(host string, args ...string) redisResult {
	c, err := d.dial(host)
	if err != nil {
		return failure(d, host, err, false)
	}
	defer c.close()
	reply, err := c.call(args...)
	if err != nil {
		return failure(d, host, err, true)
	}
	if reply.isError {
		return redisResult{output: reply.text, exitCode: 1}
	}
	return redisResult{output: reply.text}
}

func cleanOutput(s string) string {
	return strings.TrimRight(strings.ReplaceAll(s, "\r", ""), "\n")
}

type replicaInfo struct {
	IP     *string `json:"ip"`
	Port   *int64  `json:"port"`
	State  *string `json:"state"`
	Offset *int64  `json:"offset"`
	Lag    *int64  `json:"lag"`
}

type replicationInfo struct {
	Role              string        `json:"role"`
	MasterHost        *string       `json:"masterHost"`
	MasterPort        *int64        `json:"masterPort"`
	MasterLinkStatus  *string       `json:"masterLinkStatus"`
	ConnectedReplicas *int64        `json:"connectedReplicas"`
	Replicas          []replicaInfo `json:"replicas"`
}

type redisInfoRecord struct {
	Kind        string           `json:"kind"`
	Host        string           `json:"host"`
	ExitCode    int              `json:"exitCode"`
	Output      string           `json:"output"`
	Replication *replicationInfo `json:"replication"`
	DurationMs  int64            `json:"durationMs"`
}

var (
	infoLineRE  = regexp.MustCompile(`^([a-z_0-9]+):(.*)$`)
	replicaKeRE = regexp.MustCompile(`^slave[0-9]+$`)
)

func strp(m map[string]string, k string) *string {
	if v, ok := m[k]; ok {
		return &v
	}
	return nil
}

func nump(m map[string]string, k string) *int64 {
	if n, err := strconv.ParseInt(m[k], 10, 64); err == nil {
		return &n
	}
	return nil
}

// parseReplication reads INFO replication's fields; nil when it names no role (not Redis).
func parseReplication(output string) *replicationInfo {
	fields := map[string]string{}
	var replicaKeys []string
	for _, l := range strings.Split(output, "\n") {
		if m := infoLineRE.FindStringSubmatch(l); m != nil {
			if _, dup := fields[m[1]]; !dup && replicaKeRE.MatchString(m[1]) {
				replicaKeys = append(replicaKeys, m[1])
			}
			fields[m[1]] = m[2]
		}
	}
	role, ok := fields["role"]
	if !ok {
		return nil
	}
	info := &replicationInfo{
		Role: role, MasterHost: strp(fields, "master_host"), MasterPort: nump(fields, "master_port"),
		MasterLinkStatus: strp(fields, "master_link_status"), ConnectedReplicas: nump(fields, "connected_slaves"),
		Replicas: []replicaInfo{},
	}
	for _, k := range replicaKeys {
		kv := map[string]string{}
		for _, part := range strings.Split(fields[k], ",") {
			if key, value, found := strings.Cut(part, "="); found {
				kv[key] = value
			}
		}
		info.Replicas = append(info.Replicas, replicaInfo{IP: strp(kv, "ip"), Port: nump(kv, "port"), State: strp(kv, "state"), Offset: nump(kv, "offset"), Lag: nump(kv, "lag")})
	}
	return info
}

func (e env) redisInfo(host string) redisInfoRecord {
	start := time.Now()
	r := e.redis.once(host, "INFO", "replication")
	out := cleanOutput(r.output)
	rec := redisInfoRecord{Kind: "redis-info", Host: host, ExitCode: r.exitCode, Output: out, DurationMs: time.Since(start).Milliseconds()}
	if r.exitCode == 0 {
		rec.Replication = parseReplication(out)
	}
	return rec
}

type redisWriteRecord struct {
	Kind       string `json:"kind"`
	Host       string `json:"host"`
	Key        string `json:"key"`
	Value      string `json:"value"`
	ExitCode   int    `json:"exitCode"`
	Output     string `json:"output"`
	OK         bool   `json:"ok"`
	DurationMs int64  `json:"durationMs"`
}

func (e env) redisWrite(host, key, value string) redisWriteRecord {
	start := time.Now()
	r := e.redis.once(host, "SET", key, value)
	out := cleanOutput(r.output)
	return redisWriteRecord{Kind: "redis-write", Host: host, Key: key, Value: value, ExitCode: r.exitCode, Output: out,
		OK: r.exitCode == 0 && strings.TrimSpace(out) == "OK", DurationMs: time.Since(start).Milliseconds()}
}

type redisWaitKeyRecord struct {
	Kind       string `json:"kind"`
	Host       string `json:"host"`
	Key        string `json:"key"`
	Value      string `json:"value"`
	TimeoutMs  int    `json:"timeoutMs"`
	ExitCode   int    `json:"exitCode"`
	Output     string `json:"output"`
	Matched    bool   `json:"matched"`
	Attempts   int    `json:"attempts"`
	DurationMs int64  `json:"durationMs"`
}

// redisWaitKey GETs key on one connection (a new one after an error) until it holds value or
// timeoutMs has passed; the record keeps the last answer.
func (e env) redisWaitKey(host, key, value string, timeoutMs int) redisWaitKeyRecord {
	start := time.Now()
	rec := redisWaitKeyRecord{Kind: "redis-wait-key", Host: host, Key: key, Value: value, TimeoutMs: timeoutMs}
	var c *redisConn
	defer func() {
		if c != nil {
			c.close()
		}
	}()
	for {
		rec.Attempts++
		var r redisResult
		if c == nil {
			var err error
			if c, err = e.redis.dial(host); err != nil {
				c = nil
				r = failure(e.redis, host, err, false)
			}
		}
		if c != nil {
			reply, err := c.call("GET", key)
			switch {
			case err != nil:
				r = failure(e.redis, host, err, true)
				c.close()
				c = nil
			case reply.isError:
				r = redisResult{output: reply.text, exitCode: 1}
			default:
				r = redisResult{output: reply.text}
			}
		}
		rec.ExitCode, rec.Output = r.exitCode, cleanOutput(r.output)
		if r.exitCode == 0 && rec.Output == value {
			rec.Matched = true
			break
		}
		if time.Since(start) >= time.Duration(timeoutMs)*time.Millisecond {
			break
		}
		time.Sleep(redisPollInterval)
	}
	rec.DurationMs = time.Since(start).Milliseconds()
	return rec
}

type redisReadonlyRecord struct {
	Kind       string `json:"kind"`
	Host       string `json:"host"`
	Key        string `json:"key"`
	ExitCode   int    `json:"exitCode"`
	Output     string `json:"output"`
	Readonly   bool   `json:"readonly"`
	DurationMs int64  `json:"durationMs"`
}

var readonlyRE = regexp.MustCompile(`^\s*(\(error\) )?READONLY`)

func (e env) redisWriteExpectReadonly(host, key string) redisReadonlyRecord {
	start := time.Now()
	r := e.redis.once(host, "SET", key, readonlyProbeValue)
	out := cleanOutput(r.output)
	return redisReadonlyRecord{Kind: "redis-write-expect-readonly", Host: host, Key: key, ExitCode: r.exitCode, Output: out,
		Readonly: readonlyRE.MatchString(out), DurationMs: time.Since(start).Milliseconds()}
}
