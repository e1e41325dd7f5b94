package storage

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxKeyLen is the longest key in bytes that every backend accepts (S3's
// limit on object names).
const MaxKeyLen = 1024

// ValidKey reports, as an error wrapping ErrInvalidKey, why key cannot name
// a blob, or nil if it can. A valid key is non-empty valid UTF-8 of at most
// MaxKeyLen bytes, made of non-empty slash-separated segments none of which
// is "." or "..", with no backslash, NUL or other control character. Keys are
// checked the same way by every backend so that a key accepted by one is
// accepted by all, and none can escape a local backend's directory.
func ValidKey(key string) error {
	switch {
	case key == "":
		return fmt.Errorf("%w: empty", ErrInvalidKey)
	case len(key) > MaxKeyLen:
		return fmt.Errorf("%w: longer than %d bytes", ErrInvalidKey, MaxKeyLen)
	case !utf8.ValidString(key):
		return fmt.Errorf("%w: %q is not UTF-8", ErrInvalidKey, key)
	}
	for _, r := range key {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return fmt.Errorf("%w: %q contains a control character", ErrInvalidKey, key)
		}
		if r == '\\' {
			return fmt.Errorf("%w: %q contains a backslash", ErrInvalidKey, key)
		}
	}
	for seg := range strings.SplitSeq(key, "/") {
		switch seg {
		case "":
			return fmt.Errorf("%w: %q has an empty segment (leading, trailing or double slash)", ErrInvalidKey, key)
		case ".", "..":
			return fmt.Errorf("%w: %q has a %q segment", ErrInvalidKey, key, seg)
		}
	}
	return nil
}
