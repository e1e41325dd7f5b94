package app

import "testing"

// TestCheckValueLineEnds: a browser posts a textarea's line ends as CRLF;
// they are stored as the API's "\n", and a one-line field refuses them.
func TestCheckValueLineEnds(t *testing.T) {
	notes := &CustomField{Name: "Remarks", Type: FieldTextarea}
	if v, err := notes.CheckValue("Calm sea.\r\nNo swell.\r\n"); err != nil || v != "Calm sea.\nNo swell.\n" {
		t.Fatalf("textarea: %q %v", v, err)
	}
	line := &CustomField{Name: "Vessel", Type: FieldText}
	if _, err := line.CheckValue("RV Tern\r\nsecond line"); ErrorCode(err) != EUNPROCESSABLE {
		t.Fatalf("a second line in a text field: %v", err)
	}
}
