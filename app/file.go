package app

import (
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// FileStatus is where a file is in the upload flow.
type FileStatus string

// File statuses. Only available files can be published or downloaded.
const (
	FileCreated   FileStatus = "created"   // registered; parts may be uploaded
	FileAvailable FileStatus = "available" // complete and verified
	FileError     FileStatus = "error"     // verification failed; can never be published
)

// File is one file of an item. Its bytes live in the blob store under
// StorageKey, which never changes once the file is available.
type File struct {
	ID          int64
	ItemID      int64
	Name        string
	Folder      string // folder path inside the item, "" for the top level
	Size        int64
	SuppliedMD5 string
	ComputedMD5 string
	SHA256      string
	MimeType    string
	Status      FileStatus
	StorageKey  string
	UploadToken string
	UploadID    string // the blob store's multipart upload id while uploading
	PartSize    int64
	Error       string // why verification failed
	Created     time.Time
}

// Path is the file's path inside the item, folder included.
func (f *File) Path() string {
	if f.Folder == "" {
		return f.Name
	}
	return f.Folder + "/" + f.Name
}

// Part is one byte range of a file in the upload flow.
type Part struct {
	Number      int   // 1-based
	StartOffset int64 // inclusive
	EndOffset   int64 // inclusive, as Figshare reports it
	Done        bool
	Locked      bool
}

// Size is the number of bytes in the part.
func (p Part) Size() int64 { return p.EndOffset - p.StartOffset + 1 }

// Upload part sizing: parts are at least MinPartSize (S3 rejects smaller
// non-final parts) and there are at most MaxParts of them.
const (
	MinPartSize = 10 << 20
	MaxParts    = 10_000
)

// PartSizeFor returns the part size used for a file of the given size.
func PartSizeFor(size int64) int64 {
	ps := int64(MinPartSize)
	if need := (size + MaxParts - 1) / MaxParts; need > ps {
		ps = need
	}
	return ps
}

// Parts splits a file of size bytes into parts of partSize bytes.
func Parts(size, partSize int64) []Part {
	var parts []Part
	for off, n := int64(0), 1; off < size; off, n = off+partSize, n+1 {
		end := off + partSize - 1
		if end >= size {
			end = size - 1
		}
		parts = append(parts, Part{Number: n, StartOffset: off, EndOffset: end})
	}
	return parts
}

// MaxNameLen bounds file names and folder paths, in bytes.
const MaxNameLen = 255

// ValidateFileName checks a file name as a depositor gives it: no path
// separators, no traversal, no control characters, valid UTF-8.
func ValidateFileName(name string) error {
	switch {
	case name == "":
		return Errorf(EUNPROCESSABLE, "file name is required")
	case len(name) > MaxNameLen:
		return Errorf(EUNPROCESSABLE, "file name is longer than %d bytes", MaxNameLen)
	case !utf8.ValidString(name):
		return Errorf(EUNPROCESSABLE, "file name is not valid UTF-8")
	case name == "." || name == "..":
		return Errorf(EUNPROCESSABLE, "file name %q is not allowed", name)
	case strings.ContainsAny(name, "/\\"):
		return Errorf(EUNPROCESSABLE, "file name must not contain / or \\ (use folder_path for folders)")
	}
	for _, r := range name {
		if unicode.IsControl(r) || r == 0 {
			return Errorf(EUNPROCESSABLE, "file name must not contain control characters")
		}
	}
	if strings.TrimSpace(name) != name {
		return Errorf(EUNPROCESSABLE, "file name must not start or end with spaces")
	}
	return nil
}

// CleanFolder validates a folder path (Figshare's folder_path) and returns it
// without leading or trailing slashes; "" means the top level.
func CleanFolder(folder string) (string, error) {
	folder = strings.Trim(folder, "/")
	if folder == "" {
		return "", nil
	}
	if len(folder) > MaxNameLen {
		return "", Errorf(EUNPROCESSABLE, "folder_path is longer than %d bytes", MaxNameLen)
	}
	for _, seg := range strings.Split(folder, "/") {
		if err := ValidateFileName(seg); err != nil {
			return "", Errorf(EUNPROCESSABLE, "folder_path segment %q is not allowed", seg)
		}
	}
	if path.Clean(folder) != folder {
		return "", Errorf(EUNPROCESSABLE, "folder_path %q is not a clean path", folder)
	}
	return folder, nil
}

// ValidMD5 reports whether s is 32 hexadecimal digits.
func ValidMD5(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}
