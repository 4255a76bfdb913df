// --serve: the probe as a long-running agent in the grader's probe pod, answering the same
// questions over HTTP through the API server's pod proxy.
//
// Why: every exec costs the node about 110 ms of CPU (API server, kubelet, containerd, a new
// runc process) before the probe even starts, and on a node busy with a class an exec waited
// about a second for it. Through the pod proxy the API server forwards one HTTP request to a
// process that is already running.
//
// Who may ask: only a caller holding the token of the pod's Secret (the KubeQuest server, which
// made it). Learners' pods cannot reach this port anyway (their namespaces' NetworkPolicy allows
// egress to their own pods, DNS and the API server only), and their credentials cannot read
// kubequest-system; the token keeps it so if either changes. Requests are bounded in size, in
// number at once and in time.
package main

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

const (
	// TokenHeader carries the shared secret (the API server's proxy forwards it; it strips
	// Authorization, which it reads itself).
	tokenHeader   = "X-KubeQuest-Probe-Token"
	maxBodyBytes  = 64 * 1024 // a grade asks fewer than 40 questions, ~3 KiB
	maxArgs       = 400
	maxConcurrent = 64 // plans at once; each holds a few sockets and goroutines
	// A plan's longest wait is 60 s (--redis-wait-key); its calls are bounded under that.
	requestTimeout = 75 * time.Second
)

// probeRequest is the body of POST /probe: the same arguments as the command line.
type probeRequest struct {
	Args []string `json:"args"`
}

type agent struct {
	env   env
	token string
	slots chan struct{}
}

func newAgent(e env, token string) *agent {
	return &agent{env: e, token: token, slots: make(chan struct{}, maxConcurrent)}
}

func (a *agent) routes() http.Handler {
	mux := http.NewServeMux()
	// Readiness (kubelet's HTTP probe): says nothing but that the agent runs.
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("POST /probe", a.probe)
	return mux
}

func usageErrorLine(message string) []byte {
	line, _ := json.Marshal(map[string]string{"kind": "usage-error", "message": message})
	return append(line, '\n')
}

func (a *agent) probe(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/x-ndjson")
	if subtle.ConstantTimeCompare([]byte(r.Header.Get(tokenHeader)), []byte(a.token)) != 1 {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write(usageErrorLine("this probe answers the KubeQuest server only (" + tokenHeader + ")"))
		return
	}
	select {
	case a.slots <- struct{}{}:
		defer func() { <-a.slots }()
	default:
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write(usageErrorLine(fmt.Sprintf("the probe is answering %d requests already", cap(a.slots))))
		return
	}
	var req probeRequest
	body := http.MaxBytesReader(w, r.Body, maxBodyBytes)
	if err := json.NewDecoder(body).Decode(&req); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write(usageErrorLine("the body must be JSON {\"args\": [...]} of at most 64 KiB: " + err.Error()))
		return
	}
	if len(req.Args) > maxArgs {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write(usageErrorLine(fmt.Sprintf("at most %d arguments", maxArgs)))
		return
	}
	plan, help, err := parseArgs(req.Args)
	if err == nil && help {
		err = usageError{"--help is for the command line"}
	}
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write(usageErrorLine(err.Error()))
		return
	}
	// Every probe is bounded on its own (DNS 2 s × 2, Redis 3 s per call, a wait ≤ 60 s), so the
	// plan ends even if the caller went away; the answer is simply not read then.
	if err := a.env.runPlan(plan, w); err != nil {
		log.Printf("writing an answer: %v", err)
	}
}

// serve runs the agent on addr until SIGTERM.
func serve(addr, token string, e env) error {
	if len(token) < 16 {
		return errors.New("--serve needs KUBEQUEST_PROBE_TOKEN (at least 16 characters) in its environment")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           newAgent(e, token).routes(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      requestTimeout,
		IdleTimeout:       90 * time.Second,
		MaxHeaderBytes:    16 * 1024,
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-stop
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()
	log.Printf("kubequest-probe answering on %s", ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
