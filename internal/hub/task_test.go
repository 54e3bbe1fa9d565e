package hub

import (
	"bytes"
	"errors"
	"testing"
)

// taskWant is the decoded view of a task a test expects; Raw is checked
// separately, against the body itself.
type taskWant struct {
	ID           string
	Status       string
	Ready        bool
	Model        string
	ElapsedMS    int64
	HasElapsed   bool
	ErrorCode    string
	ErrorMessage string
	Data         string // "" means nil
}

func viewOf(t *Task) taskWant {
	return taskWant{
		ID:           t.ID,
		Status:       t.Status,
		Ready:        t.Ready,
		Model:        t.Model,
		ElapsedMS:    t.ElapsedMS,
		HasElapsed:   t.HasElapsed,
		ErrorCode:    t.ErrorCode,
		ErrorMessage: t.ErrorMessage,
		Data:         string(t.Data),
	}
}

func TestDecodeTaskReadsDocumentedAndLenientShapes(t *testing.T) {
	tests := []struct {
		name string
		body string
		want taskWant
	}{
		{
			name: "processing",
			body: `{"task_id":"hub-1","status":"processing","ready":false}`,
			want: taskWant{ID: "hub-1", Status: "processing"},
		},
		{
			name: "completed with data",
			body: `{"task_id":"hub-2","status":"completed","ready":true,"elapsed_ms":41230,` +
				`"model":"nano-banana","data":{"images":[{"url":"https://x/a.png"}]}}`,
			want: taskWant{
				ID: "hub-2", Status: "completed", Ready: true, Model: "nano-banana",
				ElapsedMS: 41230, HasElapsed: true,
				Data: `{"images":[{"url":"https://x/a.png"}]}`,
			},
		},
		{
			name: "failed with string error code",
			body: `{"task_id":"hub-3","status":"failed","ready":true,"elapsed_ms":9100,` +
				`"error_code":"CONTENT_POLICY","error_message":"prompt refused"}`,
			want: taskWant{
				ID: "hub-3", Status: "failed", Ready: true, ElapsedMS: 9100, HasElapsed: true,
				ErrorCode: "CONTENT_POLICY", ErrorMessage: "prompt refused",
			},
		},
		{
			name: "failed with numeric error code",
			body: `{"task_id":"hub-4","status":"failed","ready":true,"error_code":500,` +
				`"error_message":"upstream error"}`,
			want: taskWant{
				ID: "hub-4", Status: "failed", Ready: true,
				ErrorCode: "500", ErrorMessage: "upstream error",
			},
		},
		{
			name: "camelCase taskId",
			body: `{"taskId":"0b7c5d2e-1111-2222-3333-444455556666","status":"pending","ready":false}`,
			want: taskWant{ID: "0b7c5d2e-1111-2222-3333-444455556666", Status: "pending"},
		},
		{
			name: "task_id wins over taskId",
			body: `{"taskId":"camel","task_id":"snake","status":"pending"}`,
			want: taskWant{ID: "snake", Status: "pending"},
		},
		{
			name: "no id at all",
			body: `{"status":"pending"}`,
			want: taskWant{Status: "pending"},
		},
		{
			name: "ready alone is enough",
			body: `{"ready":true}`,
			want: taskWant{Ready: true},
		},
		{
			name: "elapsed_ms missing",
			body: `{"task_id":"e","status":"processing"}`,
			want: taskWant{ID: "e", Status: "processing"},
		},
		{
			name: "elapsed_ms null",
			body: `{"task_id":"e","status":"processing","elapsed_ms":null}`,
			want: taskWant{ID: "e", Status: "processing"},
		},
		{
			name: "elapsed_ms float is truncated",
			body: `{"task_id":"e","status":"processing","elapsed_ms":1234.9}`,
			want: taskWant{ID: "e", Status: "processing", ElapsedMS: 1234, HasElapsed: true},
		},
		{
			name: "elapsed_ms numeric string",
			body: `{"task_id":"e","status":"processing","elapsed_ms":"5000"}`,
			want: taskWant{ID: "e", Status: "processing", ElapsedMS: 5000, HasElapsed: true},
		},
		{
			name: "elapsed_ms non-numeric string",
			body: `{"task_id":"e","status":"processing","elapsed_ms":"soon"}`,
			want: taskWant{ID: "e", Status: "processing"},
		},
		{
			name: "data null",
			body: `{"task_id":"d","status":"completed","ready":true,"data":null}`,
			want: taskWant{ID: "d", Status: "completed", Ready: true},
		},
		{
			name: "data absent",
			body: `{"task_id":"d","status":"completed","ready":true}`,
			want: taskWant{ID: "d", Status: "completed", Ready: true},
		},
		{
			name: "data array",
			body: `{"task_id":"d","status":"completed","ready":true,"data":[1, "two"]}`,
			want: taskWant{ID: "d", Status: "completed", Ready: true, Data: `[1, "two"]`},
		},
		{
			name: "data string",
			body: `{"task_id":"d","status":"completed","ready":true,"data":"https://x/y.mp4"}`,
			want: taskWant{ID: "d", Status: "completed", Ready: true, Data: `"https://x/y.mp4"`},
		},
		{
			name: "big error code keeps its digits",
			body: `{"task_id":"b","status":"failed","ready":true,"error_code":12345678901234567890123}`,
			want: taskWant{ID: "b", Status: "failed", Ready: true, ErrorCode: "12345678901234567890123"},
		},
		{
			name: "surrounding white space",
			body: "\n\t {\"task_id\":\"w\",\"status\":\"pending\"} \r\n",
			want: taskWant{ID: "w", Status: "pending"},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := []byte(tt.body)
			task, err := DecodeTask(body)
			if err != nil {
				t.Fatalf("DecodeTask: %v", err)
			}
			if got := viewOf(task); got != tt.want {
				t.Errorf("DecodeTask(%s)\n got %+v\nwant %+v", tt.body, got, tt.want)
			}
			if !bytes.Equal(task.Raw, body) {
				t.Errorf("Raw = %q, want the body %q", task.Raw, body)
			}
		})
	}
}

func TestDecodeTaskKeepsRawByteForByte(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{
			name: "unknown fields",
			body: `{"task_id":"hub-u","status":"completed","ready":true,` +
				`"capability":"video","vendor":"Google","extra":{"nested":[1,2,{"k":"v"}]}}`,
		},
		{
			name: "number wider than float64",
			body: `{"task_id":"hub-n","status":"completed","ready":true,` +
				`"data":{"seed":12345678901234567890123,"ratio":0.1000000000000000055511151231257827}}`,
		},
		{
			name: "odd spacing and key order",
			body: "{ \"ready\" : true ,\n  \"status\":\"completed\",\"task_id\" :\"hub-s\" }",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := []byte(tt.body)
			task, err := DecodeTask(body)
			if err != nil {
				t.Fatalf("DecodeTask: %v", err)
			}
			if string(task.Raw) != tt.body {
				t.Errorf("Raw = %s\nwant %s", task.Raw, tt.body)
			}
		})
	}
}

func TestDecodeTaskRefusesNonTasks(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		wantMsg string
	}{
		{"array", `[{"task_id":"x","status":"pending"}]`, "answer is not a task object: got a JSON array"},
		{"string", `"pending"`, "answer is not a task object: got a JSON string"},
		{"number", `42`, "answer is not a task object: got a number"},
		{"negative number", `-1`, "answer is not a task object: got a number"},
		{"null", `null`, "answer is not a task object: got null"},
		{"boolean", `true`, "answer is not a task object: got a boolean"},
		{"html", "<!DOCTYPE html><html><body>502 Bad Gateway</body></html>",
			"answer is not a task object: got markup"},
		{"empty", ``, "answer is not a task object: empty body"},
		{"only white space", " \n\t", "answer is not a task object: empty body"},
		{"plain text", `Service Unavailable`, "answer is not a task object: not JSON"},
		{"truncated", `{"task_id":"x","status":"pend`,
			"answer is not a task object: unexpected end of JSON input"},
		{"object without status or ready", `{"task_id":"x"}`,
			"answer is not a task object: no status or ready field"},
		{"status not a string", `{"task_id":"x","status":3}`,
			"answer is not a task object: no status or ready field"},
		{"ready not a boolean", `{"task_id":"x","ready":"true"}`,
			"answer is not a task object: no status or ready field"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			task, err := DecodeTask([]byte(tt.body))
			if err == nil {
				t.Fatalf("DecodeTask(%q) = %+v, want an error", tt.body, task)
			}
			if !errors.Is(err, ErrNotTask) {
				t.Errorf("error %v does not wrap ErrNotTask", err)
			}
			if task != nil {
				t.Errorf("task = %+v, want nil", task)
			}
			if err.Error() != tt.wantMsg {
				t.Errorf("error = %q, want %q", err.Error(), tt.wantMsg)
			}
		})
	}
}

func TestStateOf(t *testing.T) {
	tests := []struct {
		status string
		want   State
		str    string
	}{
		{"pending", StateRunning, "running"},
		{"processing", StateRunning, "running"},
		{"completed", StateCompleted, "completed"},
		{"failed", StateFailed, "failed"},
		{"timeout", StateTimedOut, "timeout"},
		{"cancelled", StateCancelled, "cancelled"},
		{"canceled", StateCancelled, "cancelled"},
		{"COMPLETED", StateCompleted, "completed"},
		{"Processing", StateRunning, "running"},
		{"  failed\n", StateFailed, "failed"},
		{"\tCanceled ", StateCancelled, "cancelled"},
		{"", StateUnknown, "unknown"},
		{"succeeded", StateUnknown, "unknown"},
		{"ready", StateUnknown, "unknown"},
		{"queued", StateUnknown, "unknown"},
		{"complete", StateUnknown, "unknown"},
		{"time out", StateUnknown, "unknown"},
	}

	for _, tt := range tests {
		t.Run(tt.status, func(t *testing.T) {
			got := StateOf(tt.status)
			if got != tt.want {
				t.Errorf("StateOf(%q) = %v, want %v", tt.status, got, tt.want)
			}
			if got.String() != tt.str {
				t.Errorf("StateOf(%q).String() = %q, want %q", tt.status, got.String(), tt.str)
			}
		})
	}
}

func TestTaskFinished(t *testing.T) {
	tests := []struct {
		name   string
		status string
		ready  bool
		want   bool
	}{
		{"pending", "pending", false, false},
		{"processing", "processing", false, false},
		{"unknown status not ready", "queued", false, false},
		{"empty status not ready", "", false, false},
		{"ready with unknown status", "queued", true, true},
		{"ready with running status", "processing", true, true},
		{"completed not ready", "completed", false, true},
		{"failed not ready", "failed", false, true},
		{"timeout not ready", "timeout", false, true},
		{"cancelled not ready", "cancelled", false, true},
		{"canceled not ready", "Canceled", false, true},
		{"completed and ready", "completed", true, true},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			task := &Task{ID: "hub-f", Status: tt.status, Ready: tt.ready}
			if got := task.Finished(); got != tt.want {
				t.Errorf("Finished() with status %q ready %v = %v, want %v",
					tt.status, tt.ready, got, tt.want)
			}
		})
	}
}

func TestOutcomeErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		task Task
		want string
	}{
		{
			name: "failed with code and message",
			task: Task{ID: "hub-1", Status: "failed", ErrorCode: "E42", ErrorMessage: "prompt refused"},
			want: "task hub-1 failed (error E42: prompt refused)",
		},
		{
			name: "failed with code only",
			task: Task{ID: "hub-1", Status: "failed", ErrorCode: "500"},
			want: "task hub-1 failed (error 500)",
		},
		{
			name: "failed with message only, white space folded",
			task: Task{ID: "hub-1", Status: "failed", ErrorMessage: "  upstream\n  refused\tit "},
			want: "task hub-1 failed (upstream refused it)",
		},
		{
			name: "failed bare",
			task: Task{ID: "hub-1", Status: "failed"},
			want: "task hub-1 failed",
		},
		{
			name: "timed out",
			task: Task{ID: "hub-2", Status: "timeout"},
			want: "task hub-2 timed out on the server",
		},
		{
			name: "timed out with message",
			task: Task{ID: "hub-2", Status: "timeout", ErrorMessage: "took too long"},
			want: "task hub-2 timed out on the server (took too long)",
		},
		{
			name: "cancelled",
			task: Task{ID: "hub-3", Status: "cancelled"},
			want: "task hub-3 was cancelled",
		},
		{
			name: "canceled spelling",
			task: Task{ID: "hub-3", Status: "canceled", ErrorCode: "USER"},
			want: "task hub-3 was cancelled (error USER)",
		},
		{
			name: "unknown status",
			task: Task{ID: "hub-4", Status: "exploded", Ready: true},
			want: `task hub-4 finished with a status hubctl does not know: "exploded"`,
		},
		{
			name: "empty status",
			task: Task{ID: "hub-5", Ready: true, ErrorCode: "X"},
			want: `task hub-5 finished with a status hubctl does not know: "" (error X)`,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			task := tt.task
			err := &OutcomeError{Task: &task}
			if got := err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}
