package bench

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// rapiScenario lists every job of a queue of n finished jobs (what
// "jobs") or every instance of a generated cluster of n instances (what
// "instances") through Ganeti's own RAPI daemon with ?bulk=1, reps times
// after one untimed request. The RAPI daemon is the same Python program
// under both luxids; the luxid's CPU per request is its share.
func rapiScenario(what string, n, reps int) scenario {
	sc := scenario{
		name:   fmt.Sprintf("rapi-%s-%d", what, n),
		family: "rapi-" + what,
		about:  fmt.Sprintf("GET /2/%s?bulk=1 through ganeti-rapi over %d %s", what, n, what),
	}
	switch what {
	case "jobs":
		sc.prepare = withJobFiles(n)
	case "instances":
		sc.config = generatedCluster(n)
	default:
		panic("bench: no RAPI scenario for " + what)
	}
	sc.run = func(ctx context.Context, r *run) (*figures, error) {
		ep, err := r.cluster.StartRAPI(ctx)
		if err != nil {
			return nil, err
		}
		client, err := rapiClient(ep)
		if err != nil {
			return nil, err
		}
		path := "/2/" + what + "?bulk=1"
		if err := rapiList(ctx, client, ep, path, n); err != nil {
			return nil, err
		}
		lat, l, err := timedUnderLoad(r.cluster.LuxidPid(), reps, func() error { return rapiList(ctx, client, ep, path, n) })
		if err != nil {
			return nil, err
		}
		share, err := timeRAPIQuery(ctx, r, what, n, reps)
		if err != nil {
			return nil, err
		}
		var f figures
		f.add("request time (median of runs)", "ms", Lower, ms(percentile(lat, 50)))
		f.add("luxid's share: RAPI's LUXI call alone", "ms", Lower, ms(percentile(share, 50)))
		l.addCPUPer(&f, "request", reps, "ms")
		l.addPeaks(&f)
		return &f, nil
	}
	return sc
}

// rapiLUXICalls are the LUXI calls ganeti-rapi makes for the listings
// (lib/rapi/rlib2.py of Ganeti 3.0): QueryJobs with J_FIELDS_BULK,
// QueryInstances with I_FIELDS and no locking.
var rapiLUXICalls = map[string]struct {
	method string
	args   []any
}{
	"jobs": {"QueryJobs", []any{nil, []string{"id", "ops", "status", "summary", "opstatus",
		"received_ts", "start_ts", "end_ts"}}},
	"instances": {"QueryInstances", []any{[]string{}, rapiBulkFields["instance"], false}},
}

// timeRAPIQuery makes the LUXI call behind a RAPI listing reps times
// directly, so that the luxid's share of the request stands apart from
// the RAPI daemon's own work.
func timeRAPIQuery(ctx context.Context, r *run, what string, n, reps int) ([]time.Duration, error) {
	c, err := dial(ctx, r.socket())
	if err != nil {
		return nil, err
	}
	defer c.Close()
	call := rapiLUXICalls[what]
	lat := make([]time.Duration, 0, reps)
	for range reps {
		t := time.Now()
		raw, err := c.Call(ctx, call.method, call.args)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", call.method, err)
		}
		lat = append(lat, time.Since(t))
		var rows []json.RawMessage
		if err := json.Unmarshal(raw, &rows); err != nil || len(rows) != n {
			return nil, fmt.Errorf("%s: %d rows, want %d (%v)", call.method, len(rows), n, err)
		}
	}
	return lat, nil
}

// rapiTimeout bounds one RAPI request.
const rapiTimeout = 5 * time.Minute

// rapiClient is an HTTPS client that trusts the RAPI daemon's self-signed
// certificate (its name is not checked: the daemon answers on an address).
func rapiClient(ep RAPIEndpoint) (*http.Client, error) {
	pem, err := os.ReadFile(ep.CAFile)
	if err != nil {
		return nil, fmt.Errorf("RAPI certificate: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("RAPI certificate %s: no certificate found", ep.CAFile)
	}
	tlsConfig := &tls.Config{
		InsecureSkipVerify: true, // replaced by the chain check below
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			var certs []*x509.Certificate
			for _, c := range raw {
				cert, err := x509.ParseCertificate(c)
				if err != nil {
					return err
				}
				certs = append(certs, cert)
			}
			if len(certs) == 0 {
				return fmt.Errorf("RAPI sent no certificate")
			}
			_, err := certs[0].Verify(x509.VerifyOptions{Roots: pool})
			return err
		},
	}
	return &http.Client{Timeout: rapiTimeout, Transport: &http.Transport{TLSClientConfig: tlsConfig}}, nil
}

// rapiList GETs path and checks that the answer is a JSON list of n.
func rapiList(ctx context.Context, client *http.Client, ep RAPIEndpoint, path string, n int) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ep.URL+path, nil)
	if err != nil {
		return err
	}
	req.SetBasicAuth(ep.User, ep.Password)
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s: %.200s", path, resp.Status, body)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(body, &items); err != nil {
		return fmt.Errorf("GET %s: answer: %w", path, err)
	}
	if len(items) != n {
		return fmt.Errorf("GET %s listed %d, want %d", path, len(items), n)
	}
	return nil
}
