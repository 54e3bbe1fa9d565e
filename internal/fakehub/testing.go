package fakehub

import "testing"

// StartForTest starts a Server for s and closes it when the test ends. If
// opts.Logf is nil, requests are logged with t.Logf, which shows them only
// for failed tests or with -v. Any error fails the test at once.
func StartForTest(t testing.TB, s Scenario, opts Options) *Server {
	t.Helper()

	if opts.Logf == nil {
		opts.Logf = t.Logf
	}
	srv, err := New(s, opts)
	if err != nil {
		t.Fatalf("fakehub: %v", err)
	}

	if err := srv.Start(); err != nil {
		t.Fatalf("fakehub: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("fakehub: %v", err)
		}
	})
	return srv
}
