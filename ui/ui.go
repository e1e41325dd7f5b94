// Package ui holds Carrel's web interface as embedded files: the HTML
// templates the web package renders and the static assets it serves.
package ui

import (
	"embed"
	"io/fs"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed static
var static embed.FS

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
