package app

import (
	"net/url"
	"strconv"
	"strings"
	"unicode"
)

// maxSlugRunes bounds the title part of a landing-page URL.
const maxSlugRunes = 80

// Slug is a title as it appears in landing-page URLs, the way Figshare
// writes it: the words of the title (runs of letters and digits) joined by
// "_", at most 80 characters, "item" for a title with no words. The API,
// the web pages and OAI-PMH all link through it, so they agree.
func Slug(title string) string {
	words := strings.FieldsFunc(title, func(c rune) bool { return !unicode.IsLetter(c) && !unicode.IsNumber(c) })
	s := []rune(strings.Join(words, "_"))
	if len(s) > maxSlugRunes {
		s = s[:maxSlugRunes]
	}
	out := strings.TrimRight(string(s), "_")
	if out == "" {
		return "item"
	}
	return out
}

// LandingPath is the path of an item's public page: /articles/<slug>/<id>.
func LandingPath(title string, id int64) string {
	return "/articles/" + url.PathEscape(Slug(title)) + "/" + strconv.FormatInt(id, 10)
}
