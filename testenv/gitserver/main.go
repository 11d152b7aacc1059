// Command git-http-server serves the bare repositories under a directory over
// HTTP on loopback, clone and push, by running Debian's `git http-backend` as
// a CGI program: what GitHub is to Argo CD in production, for the testenv.
//
//	git-http-server -listen 127.0.0.1:PORT -root DIR
//
// A repository created with a plain `git init --bare DIR/NAME.git` is served
// at http://127.0.0.1:PORT/NAME.git, with no further setup: every repository
// is exported (GIT_HTTP_EXPORT_ALL) and accepts pushes (http.receivepack,
// which `git http-backend` otherwise allows only to authenticated users).
// GET /-/health answers 200 once the server listens.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/cgi"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on")
	root := flag.String("root", "", "directory holding the bare repositories (NAME.git)")
	flag.Parse()
	if *root == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: git-http-server -listen ADDR -root DIR")
		os.Exit(2)
	}
	dir, err := filepath.Abs(*root)
	if err != nil {
		log.Fatalf("git-http-server: root %s: %v", *root, err)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		log.Fatalf("git-http-server: root %s is not a directory", dir)
	}
	git, err := exec.LookPath("git")
	if err != nil {
		log.Fatalf("git-http-server: git is not installed: %v", err)
	}

	backend := &cgi.Handler{
		Path: git,
		Args: []string{"http-backend"},
		Root: "/",
		Dir:  dir,
		Env: []string{
			"GIT_PROJECT_ROOT=" + dir,
			"GIT_HTTP_EXPORT_ALL=1",
			// Configuration through the environment, so a bare repository
			// needs no `git config` of its own.
			"GIT_CONFIG_COUNT=2",
			"GIT_CONFIG_KEY_0=http.receivepack",
			"GIT_CONFIG_VALUE_0=true",
			// Repositories are created by whoever runs the tests; git refuses
			// repositories owned by another user unless told otherwise.
			"GIT_CONFIG_KEY_1=safe.directory",
			"GIT_CONFIG_VALUE_1=*",
		},
		// HOME and PATH for git itself.
		InheritEnv: []string{"HOME", "PATH"},
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /-/health", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.Handle("/", unchunk(backend))

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatalf("git-http-server: listen %s: %v", *listen, err)
	}
	log.Printf("git-http-server: serving %s at http://%s/", dir, ln.Addr())
	srv := &http.Server{Handler: logRequests(mux), ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}

// unchunk gives the CGI program a request body of known length: git sends
// pushes larger than its http.postBuffer (1 MiB) chunked, and net/http/cgi
// refuses chunked bodies (CGI passes the length in CONTENT_LENGTH).
func unchunk(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength < 0 || len(r.TransferEncoding) > 0 {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, "reading request body: "+err.Error(), http.StatusBadRequest)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
			r.TransferEncoding = nil
		}
		h.ServeHTTP(w, r)
	})
}

// logRequests logs one line per request: the log is what tells why a clone or
// push failed.
func logRequests(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		log.Printf("%s %s %d %s", r.Method, r.URL.RequestURI(), sw.status, time.Since(start).Round(time.Millisecond))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// Flush keeps streamed responses (large fetches) streaming.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
