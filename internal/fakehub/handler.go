package fakehub

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"math"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A recordingHandler answers a request and fills in the parts of its record
// that only it knows, such as the task ID.
type recordingHandler func(w http.ResponseWriter, r *http.Request, req *Request)

// wrap returns a handler that counts, records and logs each request that h
// answers. While the server is closing it answers 503 instead.
func (s *Server) wrap(h recordingHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			writeMessage(w, http.StatusServiceUnavailable, "server is closing", "")
			return
		}
		s.handlers.Add(1)
		s.total++
		s.mu.Unlock()
		defer s.handlers.Done()

		auth := r.Header.Get("Authorization")
		req := Request{
			Time:              s.clock.Now(),
			Method:            r.Method,
			Path:              r.URL.EscapedPath(),
			Authorized:        s.authorized(auth),
			AuthHeaderPresent: auth != "",
			UserAgent:         r.UserAgent(),
		}
		rec := &statusRecorder{ResponseWriter: w}

		h(rec, r, &req)

		req.Status = rec.status
		s.mu.Lock()
		s.log = append(s.log, req)
		s.mu.Unlock()

		if s.logf != nil {
			s.logf("fakehub: %s %s -> %d", req.Method, req.Path, req.Status)
		}
	}
}

// authorized reports whether the Authorization header value carries an
// accepted bearer token. The scheme is case-insensitive, as RFC 9110 says;
// the token is compared in constant time.
func (s *Server) authorized(header string) bool {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return false
	}
	if s.token == "" {
		return true
	}
	return subtle.ConstantTimeCompare([]byte(token), []byte(s.token)) == 1
}

// limited answers 429 and reports true if the rate limit is exceeded.
func (s *Server) limited(w http.ResponseWriter) bool {
	s.mu.Lock()
	ok, wait := s.allow(s.clock.Now())
	s.mu.Unlock()

	if ok {
		return false
	}
	secs := max(1, int64(math.Ceil(wait.Seconds())))
	w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
	writeMessage(w, http.StatusTooManyRequests, "Too many requests", "")
	return true
}

func (s *Server) handleNotFound(w http.ResponseWriter, _ *http.Request, _ *Request) {
	writeMessage(w, http.StatusNotFound, "not found", "")
}

// handleTask answers GET /hub/v1/tasks/{task_id}. Since Go 1.22 ServeMux
// matches the escaped path segment by segment, so an ID sent as "x%2Fy"
// matches and PathValue returns it unescaped as "x/y".
func (s *Server) handleTask(w http.ResponseWriter, r *http.Request, req *Request) {
	id := r.PathValue("task_id")
	req.TaskID = id

	s.mu.Lock()
	s.requests[id]++
	s.mu.Unlock()

	if !req.Authorized {
		writeMessage(w, http.StatusUnauthorized, "Unauthorized - Invalid API key", "")
		return
	}
	if s.limited(w) {
		return
	}

	a, ok := s.next(id)
	if !ok {
		writeMessage(w, http.StatusNotFound, "task not found", "")
		return
	}

	s.answer(w, r, a)
}

// An answerPlan is what the server chose to answer for one poll.
type answerPlan struct {
	task    Task
	step    Step
	elapsed time.Duration
}

// next chooses the answer for one poll of the task id and advances the
// task's poll counter.
func (s *Server) next(id string) (answerPlan, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()

	ts, ok := s.tasks[id]
	if !ok {
		return answerPlan{}, false
	}

	now := s.clock.Now()
	st := ts.task.Steps[ts.current(now)]
	ts.polls++
	if ts.pollDriven && !ts.finalSeen && st.final() {
		ts.finalSeen = true
		ts.finalTime = now
	}
	elapsed := now.Sub(ts.start)
	if at, ok := ts.finalAt(now); ok && st.final() {
		elapsed = at.Sub(ts.start) // a finished task's time stops
	}
	return answerPlan{task: ts.task, step: st, elapsed: elapsed}, true
}

// answer writes the answer a, shaped by the step's fault if it has one.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, a answerPlan) {
	f := a.step.Fault
	if f == nil {
		f = &Fault{}
	}

	if f.Delay > 0 && !s.wait(r.Context(), time.Duration(f.Delay)) {
		s.abort(w)
		return
	}

	switch {
	case f.Reset:
		s.reset(w)
	case f.Stall:
		s.stall(w, r, f)
	case f.RedirectTo != "":
		w.Header().Set("Location", f.RedirectTo)
		w.WriteHeader(http.StatusFound)
	case f.HTML:
		writeHTML(w, f)
	case f.Code != 0:
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		writeMessage(w, f.Code, f.Message, f.ContentType)
	case f.HugeBytes > 0:
		writeHuge(w, a.task.ID, f)
	default:
		body := a.body()
		if f.Truncate {
			body = body[:len(body)/2]
		}
		writeBody(w, http.StatusOK, body, f.ContentType)
	}
}

// wait waits d on the server's clock. It reports false if the client went
// away or the server closed first.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	select {
	case <-s.clock.After(d):
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}

// reset closes the connection with a TCP RST instead of a FIN: with a zero
// linger time the kernel discards unsent data and resets.
func (s *Server) reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		if s.logf != nil {
			s.logf("fakehub: failed to hijack connection: %v", err)
		}
		return
	}

	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

// abort closes the connection of an answer cut short. Returning from the
// handler instead would let net/http complete the response: an empty 200,
// or the last chunk of a stalled body, which would read as a clean answer.
func (s *Server) abort(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		conn.Close()
	}
}

// stall sends the headers and then nothing until the client goes away or the
// server closes, and then closes the connection.
func (s *Server) stall(w http.ResponseWriter, r *http.Request, f *Fault) {
	w.Header().Set("Content-Type", contentType(f.ContentType, "application/json"))
	w.WriteHeader(http.StatusOK)
	http.NewResponseController(w).Flush()

	select {
	case <-r.Context().Done():
	case <-s.done:
	}
	s.abort(w)
}

// body returns the step's verbatim body, or builds the task body.
func (a answerPlan) body() []byte {
	st := a.step
	if st.Body != nil {
		return []byte(*st.Body)
	}

	var o orderedObject
	o.set("task_id", a.task.ID)
	o.set("status", st.Status)
	o.set("ready", st.ready())
	if st.ElapsedMS != nil {
		o.set("elapsed_ms", *st.ElapsedMS)
	} else {
		o.set("elapsed_ms", a.elapsed.Milliseconds())
	}
	if a.task.Model != "" {
		o.set("model", a.task.Model)
	}
	if a.task.Capability != "" {
		o.set("capability", a.task.Capability)
	}
	if st.Data != nil {
		o.setRaw("data", st.Data)
	}
	if st.ErrorCode != nil {
		o.setRaw("error_code", st.ErrorCode)
	}
	if st.ErrorMessage != "" {
		o.set("error_message", st.ErrorMessage)
	}

	keys := make([]string, 0, len(st.Extra))
	for k := range st.Extra {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		o.setRaw(k, st.Extra[k])
	}
	return o.bytes()
}

// An orderedObject builds a JSON object whose keys keep the order in which
// they were first set, as a real server's serializer would.
type orderedObject struct {
	keys []string
	vals map[string]json.RawMessage
}

// set sets key to the JSON encoding of v, which must not fail.
func (o *orderedObject) set(key string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("fakehub: encode %s: %v", key, err))
	}
	o.setRaw(key, b)
}

// setRaw sets key to v, compacted as a server's serializer would send it.
// The scenario was validated, so v is valid JSON.
func (o *orderedObject) setRaw(key string, v json.RawMessage) {
	var b bytes.Buffer
	if json.Compact(&b, v) == nil {
		v = b.Bytes()
	}
	if o.vals == nil {
		o.vals = make(map[string]json.RawMessage)
	}
	if _, ok := o.vals[key]; !ok {
		o.keys = append(o.keys, key)
	}
	o.vals[key] = v
}

func (o *orderedObject) bytes() []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(o.vals[k])
	}
	b.WriteByte('}')
	return b.Bytes()
}

func contentType(override, def string) string {
	if override != "" {
		return override
	}
	return def
}

// writeBody writes body with an exact Content-Length, so a truncated body
// arrives complete rather than as an unexpected EOF.
func writeBody(w http.ResponseWriter, code int, body []byte, ctype string) {
	w.Header().Set("Content-Type", contentType(ctype, "application/json"))
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(code)
	w.Write(body)
}

// writeMessage writes the error body {"message": msg}. An empty msg is
// replaced by the status text of code.
func writeMessage(w http.ResponseWriter, code int, msg, ctype string) {
	if msg == "" {
		msg = http.StatusText(code)
	}
	b, _ := json.Marshal(struct {
		Message string `json:"message"`
	}{msg})
	writeBody(w, code, b, ctype)
}

// writeHTML writes the kind of error page a reverse proxy sends in place of
// the API's JSON.
func writeHTML(w http.ResponseWriter, f *Fault) {
	code := f.Code
	if code == 0 {
		code = http.StatusOK
	}
	title := f.Message
	if title == "" {
		title = "502 Bad Gateway"
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}

	t := html.EscapeString(title)
	page := "<html>\r\n<head><title>" + t + "</title></head>\r\n<body>\r\n" +
		"<center><h1>" + t + "</h1></center>\r\n<hr><center>nginx</center>\r\n" +
		"</body>\r\n</html>\r\n"
	writeBody(w, code, []byte(page), contentType(f.ContentType, "text/html; charset=utf-8"))
}

// writeHuge streams a JSON object of exactly f.HugeBytes bytes, padded with
// a long string, without holding it in memory. A size too small for the
// object gets a prefix of it.
func writeHuge(w http.ResponseWriter, id string, f *Fault) {
	idJSON, _ := json.Marshal(id)
	head := `{"task_id":` + string(idJSON) + `,"pad":"`
	tail := `"}`
	n := f.HugeBytes

	w.Header().Set("Content-Type", contentType(f.ContentType, "application/json"))
	w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
	w.WriteHeader(http.StatusOK)

	if n < int64(len(head)+len(tail)) {
		io.WriteString(w, (head + tail)[:n])
		return
	}

	if _, err := io.WriteString(w, head); err != nil {
		return
	}
	pad := n - int64(len(head)+len(tail))
	chunk := bytes.Repeat([]byte{'a'}, 32<<10)
	for pad > 0 {
		k := min(pad, int64(len(chunk)))
		if _, err := w.Write(chunk[:k]); err != nil {
			return
		}
		pad -= k
	}
	io.WriteString(w, tail)
}

// statusRecorder remembers the status a handler sent. It unwraps for
// http.ResponseController, so Flush and Hijack still reach the connection.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter {
	return r.ResponseWriter
}
