package preserve

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strings"

	"carrel/app"
)

// payloadFile is one file of a bag's data/ directory.
type payloadFile struct {
	path   string // relative to data/, slash-separated
	size   int64
	sha256 string // what the catalog recorded; the bytes must match it
	open   func(ctx context.Context) (io.ReadCloser, error)
}

// field is one line of bag-info.txt.
type field struct{ label, value string }

// bag is what one BagIt bag holds before it is written.
type bag struct {
	name    string
	info    []field
	payload []payloadFile
	tags    map[string][]byte // tag files besides BagIt's own, e.g. metadata/datacite.xml
}

// writeBag writes b into s as a BagIt 1.0 bag (RFC 8493): the payload in
// data/, its SHA-256 and MD5 manifests, bagit.txt, bag-info.txt with the
// Payload-Oxum, the extra tag files, and a SHA-256 tag manifest. Each
// payload file is hashed as it is copied and must match the catalog's
// SHA-256, so a bag never preserves corrupted bytes as if they were good.
func writeBag(ctx context.Context, s sink, b bag) error {
	sums := map[string][2]string{} // data/ path -> sha256, md5
	var octets int64
	for _, p := range b.payload {
		rc, err := p.open(ctx)
		if err != nil {
			return fmt.Errorf("reading %s: %w", p.path, err)
		}
		hs, hm := sha256.New(), md5.New()
		err = s.Add("data/"+p.path, p.size, io.TeeReader(rc, io.MultiWriter(hs, hm)))
		rc.Close()
		if err != nil {
			return fmt.Errorf("writing %s: %w", p.path, err)
		}
		got := hex.EncodeToString(hs.Sum(nil))
		if p.sha256 != "" && got != p.sha256 {
			return app.Errorf(app.EUNPROCESSABLE, "%s: the stored bytes have SHA-256 %s but the catalog recorded %s; not exported (run the fixity audit)", p.path, got, p.sha256)
		}
		sums["data/"+p.path] = [2]string{got, hex.EncodeToString(hm.Sum(nil))}
		octets += p.size
	}
	tags := map[string][]byte{}
	for name, body := range b.tags {
		tags[name] = body
	}
	tags["manifest-sha256.txt"] = manifest(sums, 0)
	tags["manifest-md5.txt"] = manifest(sums, 1)
	tags["bagit.txt"] = []byte("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
	info := append([]field{}, b.info...)
	info = append(info, field{"Payload-Oxum", fmt.Sprintf("%d.%d", octets, len(b.payload))}, field{"Bag-Size", humanSize(octets)})
	var bi bytes.Buffer
	for _, f := range info {
		fmt.Fprintf(&bi, "%s: %s\n", f.label, oneLine(f.value))
	}
	tags["bag-info.txt"] = bi.Bytes()

	tagSums := map[string][2]string{}
	for _, name := range sortedKeys(tags) {
		if err := s.Add(name, int64(len(tags[name])), bytes.NewReader(tags[name])); err != nil {
			return fmt.Errorf("writing %s: %w", name, err)
		}
		h := sha256.Sum256(tags[name])
		tagSums[name] = [2]string{hex.EncodeToString(h[:])}
	}
	tm := manifest(tagSums, 0)
	if err := s.Add("tagmanifest-sha256.txt", int64(len(tm)), bytes.NewReader(tm)); err != nil {
		return fmt.Errorf("writing tagmanifest-sha256.txt: %w", err)
	}
	return nil
}

// manifest formats "checksum  path" lines, sorted by path, with the
// path's CR, LF and % percent-encoded as RFC 8493 section 2.1.3 requires.
func manifest(sums map[string][2]string, which int) []byte {
	var b bytes.Buffer
	for _, p := range sortedKeys(sums) {
		fmt.Fprintf(&b, "%s  %s\n", sums[p][which], encodePath(p))
	}
	return b.Bytes()
}

func encodePath(p string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(p)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// oneLine keeps a bag-info value on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func humanSize(n int64) string {
	units := []string{"B", "KB", "MB", "GB", "TB", "PB"}
	f, i := float64(n), 0
	for f >= 1000 && i < len(units)-1 {
		f, i = f/1000, i+1
	}
	if i == 0 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.1f %s", f, units[i])
}
