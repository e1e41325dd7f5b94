package main

import (
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// download fetches one of the administrators' reports and checks that it
// comes as an attachment of the given media type, named as its path ends.
func (b *adminBrowser) download(path, contentType string) string {
	b.t.Helper()
	filename, _, _ := strings.Cut(path[strings.LastIndex(path, "/")+1:], "?")
	res, body := b.fetch(path)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != contentType ||
		res.Header.Get("Content-Disposition") != `attachment; filename="`+filename+`"` {
		b.t.Fatalf("%s: %d %v %.200s", path, res.StatusCode, res.Header, body)
	}
	return body
}

func (b *adminBrowser) csvReport(path string) [][]string {
	b.t.Helper()
	rows, err := csv.NewReader(strings.NewReader(b.download(path, "text/csv; charset=utf-8"))).ReadAll()
	if err != nil {
		b.t.Fatalf("%s: %v", path, err)
	}
	return rows
}

// xlsxReport opens a workbook report with excelize, checks its header row
// (bold, frozen) and that no cell holds a formula, and returns its cells
// written as the CSV report writes them: text as it is, numbers in
// decimal, booleans as true/false and dates (which must be real dates) in
// RFC 3339. unquoted reports which text cells would start a formula.
func (b *adminBrowser) xlsxReport(path string) (rows [][]string, unquoted []string) {
	b.t.Helper()
	t := b.t
	f, err := excelize.OpenReader(strings.NewReader(b.download(path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	if !strings.Contains(path, "/"+sheet+".xlsx") {
		t.Fatalf("%s: sheet %q", path, sheet)
	}
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Fatalf("%s: header not frozen: %+v %v", path, panes, err)
	}
	if w, _ := f.GetColWidth(sheet, "B"); w < 12 {
		t.Fatalf("%s: column B is %v wide", path, w)
	}
	raw, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	for r, cells := range raw {
		var out []string
		for c, v := range cells {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if fm, _ := f.GetCellFormula(sheet, ref); fm != "" {
				t.Fatalf("%s: %s holds the formula %q", path, ref, fm)
			}
			typ, _ := f.GetCellType(sheet, ref)
			styleID, _ := f.GetCellStyle(sheet, ref)
			style, _ := f.GetStyle(styleID)
			switch {
			case r == 0:
				if style == nil || style.Font == nil || !style.Font.Bold || typ != excelize.CellTypeInlineString {
					t.Fatalf("%s: header %s %q is not bold text", path, ref, v)
				}
			case typ == excelize.CellTypeBool:
				v = strconv.FormatBool(v == "1")
			case typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset && v != "":
				n, err := strconv.ParseFloat(v, 64)
				if err != nil {
					t.Fatalf("%s: %s %q is not a number", path, ref, v)
				}
				if style != nil && style.CustomNumFmt != nil && strings.HasPrefix(*style.CustomNumFmt, "yyyy-mm-dd") {
					d, err := excelize.ExcelDateToTime(n, false)
					if err != nil {
						t.Fatal(err)
					}
					v = d.Round(time.Second).Format(time.RFC3339)
				}
			case typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString:
				if v != "" && strings.ContainsRune("=+-@", rune(v[0])) {
					unquoted = append(unquoted, v)
				}
			default:
				t.Fatalf("%s: %s %q has type %v", path, ref, v, typ)
			}
			out = append(out, v)
		}
		for len(out) < len(raw[0]) { // GetRows leaves out trailing empty cells
			out = append(out, "")
		}
		rows = append(rows, out)
	}
	return rows, unquoted
}

// TestAdminReportsXLSX downloads each report as CSV and as XLSX with the
// same filters: the workbook has the same rows, typed (numbers, dates,
// booleans), and text that would be a formula stays text. A confidential
// item's reason is in neither.
func TestAdminReportsXLSX(t *testing.T) {
	s, tok, faculty, dept, other, evil := reportServer(t)
	s.do("POST", fmt.Sprintf("/v2/account/articles/%d/publish", evil), tok, nil).want(t, 201)
	secret := s.createItem(t, tok, "-2+3 interviews")
	s.do("PUT", fmt.Sprintf("/v2/account/articles/%d/confidentiality", secret), tok,
		map[string]string{"reason": "names of patients"}).want(t, 205)
	s.createItem(t, tok, "Plain, with \"quotes\"\nand a line")
	admin := browserSignIn(t, s, "librarian@example.edu", true)
	must(s.cli("", "user", "role", "dana@example.edu", "reviewer", "--group", fmt.Sprint(dept)))
	admin.want("/admin/reports", 200, `formaction="/admin/reports/items.xlsx"`, "Download accounts.xlsx")

	for _, q := range []string{"", "?status=public", "?status=draft", fmt.Sprintf("?group=%d", other), fmt.Sprintf("?group=%d", faculty),
		"?from=" + time.Now().UTC().Format(time.DateOnly), "?to=2000-01-01"} {
		for _, report := range []string{"items", "accounts"} {
			if report == "accounts" && strings.HasPrefix(q, "?status=") {
				q = "?status=active" // accounts have their own statuses
			}
			want := admin.csvReport("/admin/reports/" + report + ".csv" + q)
			got, unquoted := admin.xlsxReport("/admin/reports/" + report + ".xlsx" + q)
			for _, row := range want {
				for i, cell := range row {
					row[i] = strings.TrimPrefix(cell, "'") // the CSV's guard; typed text needs none
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%s%s: the workbook\n%q\ndiffers from the CSV\n%q", report, q, got, want)
			}
			if strings.Contains(fmt.Sprint(got), "patients") {
				t.Fatalf("%s%s: the confidentiality reason is in the report: %q", report, q, got)
			}
			if report == "items" && q == "" && (len(got) != 4 || fmt.Sprint(unquoted) != `[=HYPERLINK("http://evil") -2+3 interviews]`) {
				t.Fatalf("items: %d rows, formula-like text %q", len(got), unquoted)
			}
		}
	}
	for _, bad := range []string{"items.xlsx?status=lost", "items.xlsx?group=99", "accounts.xlsx?from=soon"} {
		admin.want("/admin/reports/"+bad, 400)
	}
	dep := browserSignIn(t, s, "someone@example.edu", false)
	dep.want("/admin/reports/items.xlsx", 404)
	dep.want("/admin/reports/accounts.xlsx", 404)
}
