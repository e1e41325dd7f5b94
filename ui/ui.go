// Package ui holds Carrel's web interface as embedded files: the HTML
// templates the web package renders, the static assets it serves, and the
// text of the notification mails.
package ui

import (
	"embed"
	"io/fs"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed static
var static embed.FS

//go:embed mail/*.txt
var mail embed.FS

// Templates returns the HTML templates, one file per page plus the layout.
func Templates() fs.FS {
	sub, _ := fs.Sub(templates, "templates")
	return sub
}

// Static returns the static assets (stylesheet, upload script).
func Static() fs.FS {
	sub, _ := fs.Sub(static, "static")
	return sub
}

// Mail returns the notification templates: one text/template per event,
// its first line "Subject: ...".
func Mail() fs.FS {
	sub, _ := fs.Sub(mail, "mail")
	return sub
}
