package fakehub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// capabilities are the Hub's submit endpoints, POST /hub/v1/{capability}.
var capabilities = []string{"image", "video", "audio", "transcribe"}

// submitResponse is the documented answer to a submit, in its field order.
type submitResponse struct {
	TaskID     string `json:"task_id"`
	Status     string `json:"status"`
	Capability string `json:"capability"`
	Model      string `json:"model"`
	Vendor     string `json:"vendor"`
	Mode       string `json:"mode"`
	CreatedAt  string `json:"created_at"`
}

// handleSubmit answers POST /hub/v1/{capability} by creating a task. The new
// task follows the timeline of the first task added with the same capability,
// or else a default one: pending for 1s, processing for 2s, then completed.
func (s *Server) handleSubmit(w http.ResponseWriter, r *http.Request, req *Request) {
	capability := r.PathValue("capability")
	if !slices.Contains(capabilities, capability) {
		writeMessage(w, http.StatusNotFound, "not found", "")
		return
	}
	if !req.Authorized {
		writeMessage(w, http.StatusUnauthorized, "Unauthorized - Invalid API key", "")
		return
	}
	if s.limited(w) {
		return
	}

	var in struct {
		Model string          `json:"model"`
		Input json.RawMessage `json:"input"`
	}
	err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in)
	switch {
	case err != nil:
		writeMessage(w, http.StatusBadRequest, "invalid JSON body: "+err.Error(), "")
		return
	case in.Model == "":
		writeMessage(w, http.StatusBadRequest, "model is required", "")
		return
	case !bytes.HasPrefix(bytes.TrimSpace(in.Input), []byte("{")):
		writeMessage(w, http.StatusBadRequest, "input must be an object", "")
		return
	}

	created := s.submit(capability, in.Model)
	req.TaskID = created.TaskID

	b, _ := json.Marshal(created)
	writeBody(w, http.StatusOK, b, "")
}

// submit creates a task for model and returns the submit answer. IDs come
// from a counter, so a run's IDs are the same every time.
func (s *Server) submit(capability, model string) submitResponse {
	s.mu.Lock()
	defer s.mu.Unlock()

	var id string
	for {
		s.submitted++
		id = fmt.Sprintf("hub-00000000-0000-4000-8000-%012d", s.submitted)
		if _, taken := s.tasks[id]; !taken {
			break
		}
	}

	steps := defaultSteps(capability, id)
	for _, tid := range s.order {
		t := s.tasks[tid]
		if !t.submitted && t.task.Capability == capability {
			steps = slices.Clone(t.task.Steps)
			break
		}
	}

	ts := s.addLocked(Task{ID: id, Model: model, Capability: capability, Steps: steps}, true)
	return submitResponse{
		TaskID:     id,
		Status:     "pending",
		Capability: capability,
		Model:      model,
		Vendor:     vendorOf(model),
		Mode:       modeOf(capability, model),
		CreatedAt:  ts.start.UTC().Format("2006-01-02T15:04:05.000Z"),
	}
}

// defaultSteps is the timeline of a submitted task when no scenario task
// has its capability.
func defaultSteps(capability, id string) []Step {
	return []Step{
		{For: Duration(time.Second), Status: "pending"},
		{For: Duration(2 * time.Second), Status: "processing"},
		{Status: "completed", Data: SampleData(capability, id)},
	}
}

// SampleData returns a plausible data object for a completed task of the
// given capability, shaped like the upstream provider's output (hub-api.md
// §5). Its URLs use the reserved .example domain, so they never resolve.
func SampleData(capability, id string) json.RawMessage {
	base := "https://files.fakehub.example/" + id
	var v any
	switch capability {
	case "video":
		v = map[string]any{"video": map[string]any{
			"url":          base + "/output.mp4",
			"content_type": "video/mp4",
			"file_name":    "output.mp4",
			"file_size":    4718592,
		}}
	case "audio":
		v = map[string]any{"audio": map[string]any{
			"url":          base + "/output.mp3",
			"content_type": "audio/mpeg",
			"file_name":    "output.mp3",
			"file_size":    960000,
		}}
	case "transcribe":
		text := "Hello from the fake hub."
		v = map[string]any{
			"text":               text,
			"chunks":             []any{map[string]any{"timestamp": []float64{0, 2.1}, "text": text}},
			"inferred_languages": []string{"en"},
		}
	default:
		v = map[string]any{
			"images": []any{map[string]any{
				"url":          base + "/image-0.png",
				"content_type": "image/png",
				"file_name":    "image-0.png",
				"file_size":    1048576,
				"width":        1024,
				"height":       1024,
			}},
			"description": "",
		}
	}

	b, _ := json.Marshal(v)
	return b
}

// vendorOf guesses the vendor of a model from its family name.
func vendorOf(model string) string {
	for _, p := range []struct{ prefix, vendor string }{
		{"nano-banana", "Google"},
		{"veo", "Google"},
		{"gpt-image", "OpenAI"},
		{"whisper", "OpenAI"},
		{"kling", "Kuaishou"},
		{"wan", "Alibaba"},
		{"seedance", "ByteDance"},
		{"elevenlabs", "ElevenLabs"},
	} {
		if strings.HasPrefix(model, p.prefix) {
			return p.vendor
		}
	}
	return "Unknown"
}

// modeOf guesses the generation mode of a model from its name's suffix.
func modeOf(capability, model string) string {
	switch capability {
	case "image":
		if strings.HasSuffix(model, "-edit") {
			return "image-to-image"
		}
		return "text-to-image"
	case "video":
		switch {
		case strings.HasSuffix(model, "-image"):
			return "image-to-video"
		case strings.HasSuffix(model, "-ref"):
			return "reference-to-video"
		case strings.HasSuffix(model, "-first-last"):
			return "first-last-frame-to-video"
		}
		return "text-to-video"
	case "audio":
		return "music-generate"
	}
	return "speech-to-text"
}
