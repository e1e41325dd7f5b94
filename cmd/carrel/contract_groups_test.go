package main

import (
	"fmt"
	"strings"
)

// fieldsSetup makes a group with a mandatory dropdown field and returns
// the group's and the field's ids.
func (f *contractFixture) fieldsSetup() (group, field int64) {
	f.s.t = f.t
	out := must(f.s.cli("", "group", "add", "--name", fmt.Sprintf("Fields %d", f.newItem())))
	fmt.Sscanf(strings.TrimPrefix(out, "created group "), "%d", &group)
	out = must(f.s.cli("", "group", "field", "add", fmt.Sprint(group), "--name", "Instrument", "--type", "dropdown",
		"--options", "NMR,XRD", "--mandatory"))
	fmt.Sscanf(strings.TrimPrefix(out, "created custom field "), "%d", &field)
	return group, field
}

// optionsCSV is a multipart body with a CSV of dropdown options in the
// field external_file, as Figshare's custom_fields_upload takes it.
func optionsCSV(csv string) (body string, header []string) {
	const boundary = "carrel-contract-boundary"
	body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"external_file\"; filename=\"options.csv\"\r\n" +
		"Content-Type: text/csv\r\n\r\n" + csv + "\r\n--" + boundary + "--\r\n"
	return body, []string{"Content-Type", "multipart/form-data; boundary=" + boundary}
}

// groupContractCases are the contract cases of the per-group custom field
// operations.
func groupContractCases() map[string][]contractCase {
	return map[string][]contractCase{
		"custom_fields_list": {
			{"OK", 200, func(f *contractFixture) contractRequest {
				group, _ := f.fieldsSetup()
				return contractRequest{token: f.owner, query: fmt.Sprintf("group_id=%d", group)}
			}},
			{"OKOwnGroup", 200, func(f *contractFixture) contractRequest { return contractRequest{token: f.owner} }},
			{"ErrBadGroupID", 400, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.owner, query: "group_id=abc"}
			}},
			{"ErrNoGroup", 404, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.owner, query: "group_id=999999"}
			}},
			{"ErrAnonymous", 401, func(f *contractFixture) contractRequest { return contractRequest{} }},
		},
		"account_group_custom_fields": {
			{"OK", 200, func(f *contractFixture) contractRequest {
				group, _ := f.fieldsSetup()
				return contractRequest{token: f.owner, params: p("group_id", group)}
			}},
			{"ErrNoGroup", 404, func(f *contractFixture) contractRequest {
				return contractRequest{token: f.owner, params: p("group_id", 999999)}
			}},
		},
		"custom_fields_upload": {
			{"OK", 200, func(f *contractFixture) contractRequest {
				_, field := f.fieldsSetup()
				body, header := optionsCSV("NMR\nXRD\n\"Mass spectrometer, MS\"\n")
				return contractRequest{token: f.admin, params: p("custom_field_id", field), body: body, header: header}
			}},
			{"ErrNotAdmin", 403, func(f *contractFixture) contractRequest {
				_, field := f.fieldsSetup()
				body, header := optionsCSV("NMR\n")
				return contractRequest{token: f.owner, params: p("custom_field_id", field), body: body, header: header}
			}},
			{"ErrNoFile", 400, func(f *contractFixture) contractRequest {
				_, field := f.fieldsSetup()
				return contractRequest{token: f.admin, params: p("custom_field_id", field), body: map[string]any{}}
			}},
			{"ErrEmptyList", 422, func(f *contractFixture) contractRequest {
				_, field := f.fieldsSetup()
				body, header := optionsCSV("\n \n")
				return contractRequest{token: f.admin, params: p("custom_field_id", field), body: body, header: header}
			}},
			{"ErrNoField", 404, func(f *contractFixture) contractRequest {
				body, header := optionsCSV("NMR\n")
				return contractRequest{token: f.admin, params: p("custom_field_id", 999999), body: body, header: header}
			}},
		},
	}
}
