package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"carrel/app/api"
	"carrel/testenv"
)

// contractCase is one request to an operation and the status it must get.
// Every response is validated against Figshare's OpenAPI document whatever
// its status.
type contractCase struct {
	name   string
	status int
	req    func(f *contractFixture) contractRequest
}

// contractRequest is what a case sends. Path parameters are named as the
// OpenAPI document names them (article_id, file_id...).
type contractRequest struct {
	params map[string]any
	query  string
	token  string
	body   any      // nil, a string sent as is, or a value encoded as JSON
	header []string // name, value pairs
}

// commonErrors are the statuses Figshare's API documentation lists as
// answered by every endpoint ("Errors" in docs.figshare.com/api), so an
// operation may answer them even where its own entry omits them. The body
// must still be a Figshare error.
var commonErrors = map[int]bool{400: true, 401: true, 403: true, 404: true, 413: true, 422: true}

// contractOp is one operation of the document.
type contractOp struct {
	id, method, path string // path without /v2
	item             *openapi3.PathItem
	op               *openapi3.Operation
}

// loadContract loads Figshare's OpenAPI document and indexes its
// operations by "METHOD /v2/path-with-{}" and by operation id.
func loadContract(t *testing.T) (*openapi3.T, map[string]*contractOp) {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(filepath.Join(testenv.Reference(t), "figshare-api-v2.openapi.json"))
	if err != nil {
		t.Fatalf("load the OpenAPI document: %v", err)
	}
	patchContract(doc)
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		t.Fatalf("the OpenAPI document does not validate: %v", err)
	}
	ops := map[string]*contractOp{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			o := &contractOp{id: op.OperationID, method: method, path: path, item: item, op: op}
			ops[op.OperationID] = o
			ops[method+" "+paramPattern.ReplaceAllString("/v2"+path, "{}")] = o
		}
	}
	return doc, ops
}

// patchContract corrects the places where Figshare's document contradicts
// itself or Figshare's service, and nothing else:
//   - error bodies carry a string code ("EntityNotFound"), as
//     docs.figshare.com shows and clients written against figshare.com
//     read, not the integer the ErrorMessage schema says;
//   - fields whose own description says "null if not published" (or "not
//     embargoed") are null then, as figshare.com sends them, though the
//     schema omits nullable;
//   - the review queue and a review's comments are lists, as their
//     descriptions say ("A list of curation reviews") and figshare.com
//     answers, though their schemas name a single object.
func patchContract(doc *openapi3.T) {
	for _, path := range []string{"/account/institution/reviews", "/account/institution/review/{curation_id}/comments"} {
		if item := doc.Paths.Find(path); item != nil && item.Get != nil {
			if res := item.Get.Responses.Value("200"); res != nil && res.Value != nil {
				if mt := res.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
					mt.Schema = openapi3.NewArraySchema().WithItems(mt.Schema.Value).NewRef()
				}
			}
		}
	}
	if em := doc.Components.Schemas["ErrorMessage"]; em != nil && em.Value != nil {
		em.Value.Properties["code"] = openapi3.NewStringSchema().NewRef()
	}
	for _, sc := range doc.Components.Schemas {
		if sc.Value == nil {
			continue
		}
		for _, prop := range sc.Value.Properties {
			if prop.Value != nil && strings.Contains(prop.Value.Description, ", null if not ") {
				prop.Value.Nullable = true
			}
		}
	}
}

var paramPattern = regexp.MustCompile(`\{[^}]+\}`)

// implementedOperations maps the server's registered routes to the
// document's operations; routes outside the document (health, upload
// service) are not part of the contract.
func implementedOperations(t *testing.T, ops map[string]*contractOp) []*contractOp {
	t.Helper()
	s := api.New(api.Config{}, nil, nil, nil, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	var out []*contractOp
	seen := map[string]bool{}
	for _, r := range s.Routes() {
		if o, ok := ops[paramPattern.ReplaceAllString(r, "{}")]; ok && !seen[o.id] {
			seen[o.id] = true
			out = append(out, o)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// TestContract sends valid and invalid requests to every operation Carrel
// implements, through the real server, and validates each response's
// status, headers and body against Figshare's OpenAPI document. An
// operation without cases fails, so new endpoints are covered as they land.
func TestContract(t *testing.T) {
	doc, ops := loadContract(t)
	impl := implementedOperations(t, ops)
	contractCases := allContractCases()
	for _, o := range impl {
		if len(contractCases[o.id]) == 0 {
			t.Errorf("operation %s (%s /v2%s) is implemented but has no contract case: add valid and invalid requests for it to contractCases in cmd/carrel/contract_cases_test.go", o.id, o.method, o.path)
		}
	}
	for id := range contractCases {
		if ops[id] == nil {
			t.Errorf("contractCases has cases for %q, which is not an operation of the OpenAPI document", id)
		}
	}
	if t.Failed() {
		return
	}
	f := newContractFixture(t)
	for _, o := range impl {
		for _, c := range contractCases[o.id] {
			t.Run(o.id+"/"+c.name, func(t *testing.T) {
				f.t = t
				checkContractCase(t, doc, f, o, c)
			})
		}
	}
}

func checkContractCase(t *testing.T, doc *openapi3.T, f *contractFixture, o *contractOp, c contractCase) {
	cr := c.req(f)
	params := map[string]string{}
	path := paramPattern.ReplaceAllStringFunc(o.path, func(p string) string {
		name := strings.Trim(p, "{}")
		v, ok := cr.params[name]
		if !ok {
			t.Fatalf("case gives no value for path parameter %s", name)
		}
		params[name] = fmt.Sprint(v)
		return url.PathEscape(params[name])
	})
	target := f.s.URL + "/v2" + path
	if cr.query != "" {
		target += "?" + cr.query
	}
	var body []byte
	switch b := cr.body.(type) {
	case nil:
	case string:
		body = []byte(b)
	default:
		body, _ = json.Marshal(b)
	}
	newReq := func() *http.Request {
		req, err := http.NewRequest(o.method, target, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if cr.token != "" {
			req.Header.Set("Authorization", "token "+cr.token)
		}
		for i := 0; i+1 < len(cr.header); i += 2 {
			req.Header.Set(cr.header[i], cr.header[i+1])
		}
		return req
	}
	route := &routers.Route{Spec: doc, Path: o.path, PathItem: o.item, Method: o.method, Operation: o.op}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true}
	in := &openapi3filter.RequestValidationInput{Request: newReq(), PathParams: params, Route: route, Options: opts}
	if c.status < 400 {
		// A case meant to succeed must itself send what the document allows.
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			t.Fatalf("the case's own request does not match the document: %v", err)
		}
		in.Request = newReq()
	}
	res, err := http.DefaultClient.Do(newReq())
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != c.status {
		t.Fatalf("%s %s: status %d, want %d: %.300s", o.method, target, res.StatusCode, c.status, got)
	}
	switch {
	case res.StatusCode >= 400 && o.id == "create_token":
		checkOAuthErrorBody(t, got) // RFC 6749 section 5.2, as Figshare's token endpoint answers
	case res.StatusCode >= 400:
		checkErrorBody(t, got)
	}
	if o.op.Responses.Value(strconv.Itoa(res.StatusCode)) == nil && commonErrors[res.StatusCode] {
		return // a common error: its body was checked above
	}
	err = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
		Body: io.NopCloser(bytes.NewReader(got)), Options: opts,
	})
	if err != nil {
		t.Fatalf("%s %s: response %d does not match the document: %v\nbody: %.600s", o.method, target, res.StatusCode, err, got)
	}
}

// allContractCases merges the case tables, which are kept per resource so
// that each file stays readable.
func allContractCases() map[string][]contractCase {
	all := map[string][]contractCase{}
	for _, table := range []map[string][]contractCase{contractCases, collectionContractCases, collectionLinkCases, projectContractCases, accessContractCases(), reviewContractCases(), peopleContractCases()} {
		for id, cs := range table {
			all[id] = append(all[id], cs...)
		}
	}
	return all
}

// checkErrorBody requires Figshare's error shape: {message, code}, both
// non-empty strings.
func checkErrorBody(t *testing.T, body []byte) {
	t.Helper()
	var e struct {
		Message *string `json:"message"`
		Code    *string `json:"code"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.Message == nil || *e.Message == "" || e.Code == nil || *e.Code == "" {
		t.Fatalf("error body is not {message, code}: %.300s", body)
	}
}

// checkOAuthErrorBody requires RFC 6749's error shape: {error, ...}.
func checkOAuthErrorBody(t *testing.T, body []byte) {
	t.Helper()
	var e struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.Error == "" {
		t.Fatalf("token error body is not RFC 6749's {error, error_description}: %.300s", body)
	}
}
