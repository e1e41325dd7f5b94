package web

import (
	"net/http"
	"time"

	"github.com/xuri/excelize/v2"

	"carrel/app"
)

// xlsxContentType is the media type of an Office Open XML workbook.
const xlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// xlsxReport sends a report as a one-sheet workbook: a bold, frozen header
// row, numbers as numbers, times as dates (UTC) and text as typed string
// cells, which a spreadsheet shows but never runs as a formula. The rows go
// through excelize's StreamWriter, which keeps them in a temporary file
// once they pass 16 MB; the workbook is compressed and sent only when all
// rows are in, so an error before then is answered with a status.
func (s *Server) xlsxReport(w http.ResponseWriter, r *http.Request, rep report) {
	f := excelize.NewFile()
	defer f.Close()
	if err := s.fillSheet(f, rep); err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", xlsxContentType)
	h.Set("Content-Disposition", `attachment; filename="`+rep.name+`.xlsx"`)
	h.Set("Cache-Control", "no-store")
	if err := f.Write(w); err != nil {
		s.log.Error("report cut short", "req", requestID(r.Context()), "report", rep.name+".xlsx", "err", err)
	}
}

// fillSheet writes the report's header and rows to the workbook's sheet.
func (s *Server) fillSheet(f *excelize.File, rep report) error {
	sheet := rep.name
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	dateFormat := "yyyy-mm-dd hh:mm:ss"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFormat})
	if err != nil {
		return err
	}
	header := make([]any, len(rep.columns))
	for i, c := range rep.columns {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
		header[i] = excelize.Cell{StyleID: bold, Value: c.name}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	row := 1
	err = rep.rows(func(cells ...any) error {
		if row++; row > excelize.TotalRows {
			return app.Errorf(app.EUNPROCESSABLE, "The report has more than %d rows, more than a spreadsheet holds: narrow it with the filters or download it as CSV.", excelize.TotalRows-1)
		}
		values := make([]any, len(cells))
		for i, c := range cells {
			switch v := c.(type) {
			case time.Time:
				if !v.IsZero() {
					values[i] = excelize.Cell{StyleID: date, Value: v.UTC().Truncate(time.Second)}
				}
			default:
				values[i] = v
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, row)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, values)
	})
	if err != nil {
		return err
	}
	return sw.Flush()
}
