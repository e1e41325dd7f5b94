package app

import (
	"strings"
	"time"
)

// AccountReport is a report of an account's items that the account asked
// for (Figshare's account article report): a CSV file in the blob store.
type AccountReport struct {
	ID         int64
	AccountID  int64
	GroupID    int64  // the group the report was limited to; 0 = all
	Status     string // "done": Carrel answers once the file is written
	StorageKey string
	Size       int64
	Created    time.Time
}

// AccountReportInterval is how often an account may ask for a report, as
// Figshare allows one a day.
const AccountReportInterval = 24 * time.Hour

// SpreadsheetCell keeps a spreadsheet from reading a CSV cell as a formula:
// text starting with = + - @, a tab, a carriage return or a NUL gets a
// leading single quote (OWASP's CSV injection advice; ASVS 1.2.10).
func SpreadsheetCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r\x00", rune(s[0])) {
		return "'" + s
	}
	return s
}
