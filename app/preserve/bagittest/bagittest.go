// Package bagittest is an independent BagIt 1.0 validator for tests,
// written from RFC 8493 and sharing no code with Carrel's bag writer.
package bagittest

import (
	"archive/tar"
	"bufio"
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Validate checks that the bag in fsys (rooted at the bag's base
// directory) is complete and valid: bagit.txt (RFC 8493 section 2.1.1),
// the payload directory (2.1.2), every payload manifest (2.1.3) recomputed
// and covering exactly the payload, bag-info.txt (2.2.2) with a matching
// Payload-Oxum, and every tag manifest (2.2.1). It returns the bag-info
// fields.
func Validate(t testing.TB, fsys fs.FS) map[string][]string {
	t.Helper()
	read := func(name string) []byte {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			t.Fatalf("bag: %s: %v", name, err)
		}
		return b
	}
	// 2.1.1: exactly two lines, in this order.
	if got := string(read("bagit.txt")); got != "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n" {
		t.Fatalf("bagit.txt = %q", got)
	}
	payload := map[string]bool{}
	var octets int64
	err := fs.WalkDir(fsys, "data", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			payload[p] = true
			octets += info.Size()
		}
		return nil
	})
	if err != nil {
		t.Fatalf("bag: data/: %v", err)
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	algos := map[string]func() hash.Hash{"sha256": sha256.New, "md5": md5.New, "sha512": nil}
	var manifests, tagManifests []string
	for _, e := range entries {
		if m := regexp.MustCompile(`^(tag)?manifest-([a-z0-9]+)\.txt$`).FindStringSubmatch(e.Name()); m != nil {
			if _, ok := algos[m[2]]; !ok || algos[m[2]] == nil {
				t.Fatalf("bag: %s uses an algorithm this validator does not check", e.Name())
			}
			if m[1] == "tag" {
				tagManifests = append(tagManifests, e.Name())
			} else {
				manifests = append(manifests, e.Name())
			}
		}
	}
	if len(manifests) == 0 {
		t.Fatal("bag: no payload manifest")
	}
	// 2.1.3: every payload file in every manifest, each checksum right.
	for _, m := range manifests {
		algo := strings.TrimSuffix(strings.TrimPrefix(m, "manifest-"), ".txt")
		listed := checkManifest(t, fsys, m, algos[algo], func(p string) bool { return strings.HasPrefix(p, "data/") })
		for p := range payload {
			if !listed[p] {
				t.Errorf("bag: %s does not list payload file %s", m, p)
			}
		}
		for p := range listed {
			if !payload[p] {
				t.Errorf("bag: %s lists %s, which is not in data/", m, p)
			}
		}
	}
	// 2.2.2: label: value lines; continuation lines start with whitespace.
	info := map[string][]string{}
	var last string
	for i, line := range strings.Split(strings.TrimSuffix(string(read("bag-info.txt")), "\n"), "\n") {
		if line != "" && (line[0] == ' ' || line[0] == '\t') && last != "" {
			vals := info[last]
			vals[len(vals)-1] += " " + strings.TrimSpace(line)
			continue
		}
		label, value, ok := strings.Cut(line, ":")
		if !ok || label == "" || strings.TrimSpace(label) != label {
			t.Fatalf("bag-info.txt line %d is not 'Label: value': %q", i+1, line)
		}
		last = label
		info[label] = append(info[label], strings.TrimSpace(value))
	}
	if oxum := info["Payload-Oxum"]; len(oxum) != 1 || oxum[0] != fmt.Sprintf("%d.%d", octets, len(payload)) {
		t.Errorf("bag: Payload-Oxum %v, but data/ holds %d octets in %d files", oxum, octets, len(payload))
	}
	if d := info["Bagging-Date"]; len(d) != 1 || !regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(d[0]) {
		t.Errorf("bag: Bagging-Date %v", d)
	}
	// 2.2.1: tag manifests list tag files only, each checksum right; the
	// writer's SHA-256 tag manifest must cover every tag file.
	for _, m := range tagManifests {
		algo := strings.TrimSuffix(strings.TrimPrefix(m, "tagmanifest-"), ".txt")
		listed := checkManifest(t, fsys, m, algos[algo], func(p string) bool {
			return !strings.HasPrefix(p, "data/") && !strings.HasPrefix(p, "tagmanifest-")
		})
		fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && !strings.HasPrefix(p, "data/") && !strings.HasPrefix(p, "tagmanifest-") && !listed[p] {
				t.Errorf("bag: %s does not list tag file %s", m, p)
			}
			return nil
		})
	}
	if len(tagManifests) == 0 {
		t.Error("bag: no tag manifest")
	}
	return info
}

// checkManifest recomputes every "checksum  path" line of manifest and
// returns the (decoded) paths it lists; allowed says which paths may appear.
func checkManifest(t testing.TB, fsys fs.FS, manifest string, newHash func() hash.Hash, allowed func(string) bool) map[string]bool {
	t.Helper()
	body, err := fs.ReadFile(fsys, manifest)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		sum, rawPath, ok := strings.Cut(sc.Text(), " ")
		rawPath = strings.TrimLeft(rawPath, " \t")
		if !ok || rawPath == "" || !regexp.MustCompile(`^[0-9a-f]+$`).MatchString(sum) {
			t.Fatalf("%s: malformed line %q", manifest, sc.Text())
		}
		p := percentDecode(t, rawPath)
		if path.Clean(p) != p || strings.HasPrefix(p, "/") || strings.HasPrefix(p, "../") || !allowed(p) {
			t.Fatalf("%s: path %q is not allowed here", manifest, p)
		}
		if listed[p] {
			t.Fatalf("%s: %s listed twice", manifest, p)
		}
		listed[p] = true
		f, err := fsys.Open(p)
		if err != nil {
			t.Fatalf("%s lists %s: %v", manifest, p, err)
		}
		h := newHash()
		io.Copy(h, f)
		f.Close()
		if got := hex.EncodeToString(h.Sum(nil)); got != sum {
			t.Errorf("%s: %s has checksum %s, manifest says %s", manifest, p, got, sum)
		}
	}
	return listed
}

func percentDecode(t testing.TB, s string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			n, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				t.Fatalf("bad percent-encoding in %q", s)
			}
			b.WriteByte(byte(n))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Untar unpacks a serialised bag into a new directory and returns the
// bag's base directory (the tar's single top-level directory, RFC 8493
// section 4.2).
func Untar(t testing.TB, file string) string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dir, err := os.MkdirTemp("", "bag")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	tops := map[string]bool{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		name := path.Clean(h.Name)
		if strings.HasPrefix(name, "../") || strings.HasPrefix(name, "/") {
			t.Fatalf("%s: unsafe entry %q", file, h.Name)
		}
		tops[strings.SplitN(name, "/", 2)[0]] = true
		target := dir + "/" + name
		if h.Typeflag == tar.TypeDir {
			os.MkdirAll(target, 0o755)
			continue
		}
		os.MkdirAll(path.Dir(target), 0o755)
		b, _ := io.ReadAll(tr)
		os.WriteFile(target, b, 0o644)
	}
	if len(tops) != 1 {
		t.Fatalf("%s: a serialised bag has one top-level directory, this has %v", file, tops)
	}
	for top := range tops {
		return dir + "/" + top
	}
	return ""
}
