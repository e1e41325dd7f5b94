package auth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/beevik/etree"
	"github.com/crewjam/saml/samlsp"
	dsig "github.com/russellhaering/goxmldsig"
)

// maxMetadata bounds a metadata document fetched from a URL.
const maxMetadata = 32 << 20

// MetadataPath is where the last good copy of an IdP's metadata is kept:
// its metadata_file, or a file (mode 0600) in the cache directory for a
// metadata_url.
func (idp SAMLIdP) MetadataPath(cacheDir string) string {
	if idp.MetadataFile != "" {
		return idp.MetadataFile
	}
	return filepath.Join(cacheDir, "saml-idp-"+idp.Name+".xml")
}

// FetchIdPMetadata fetches an IdP's metadata from its URL, checks it
// (checkIdPMetadata), and only then replaces the kept copy, atomically; a
// failed fetch or check leaves the copy kept before untouched.
func FetchIdPMetadata(ctx context.Context, client *http.Client, idp SAMLIdP, cacheDir string) error {
	if idp.MetadataURL == "" {
		return fmt.Errorf("identity provider %s has no metadata_url", idp.Name)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, idp.MetadataURL, nil)
	if err != nil {
		return fmt.Errorf("metadata_url: %w", err)
	}
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("fetch %s: %w", idp.MetadataURL, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("fetch %s: HTTP status %s", idp.MetadataURL, res.Status)
	}
	b, err := io.ReadAll(io.LimitReader(res.Body, maxMetadata+1))
	if err != nil {
		return fmt.Errorf("fetch %s: %w", idp.MetadataURL, err)
	}
	if len(b) > maxMetadata {
		return fmt.Errorf("fetch %s: more than %d bytes", idp.MetadataURL, maxMetadata)
	}
	if _, err := checkIdPMetadata(b, idp, time.Now()); err != nil {
		return fmt.Errorf("metadata from %s: %w", idp.MetadataURL, err)
	}
	if err := os.MkdirAll(cacheDir, 0o700); err != nil {
		return err
	}
	if err := writeFileAtomic(idp.MetadataPath(cacheDir), b, 0o600); err != nil {
		return fmt.Errorf("keep metadata: %w", err)
	}
	return nil
}

// checkIdPMetadata parses an identity provider's metadata and refuses it
// when it is unsafe XML, past its validUntil, not signed by the configured
// metadata signer (when one is configured), or names no identity provider
// with a signing certificate.
func checkIdPMetadata(b []byte, idp SAMLIdP, now time.Time) (*idpMetadata, error) {
	if err := xmlSafe(b); err != nil {
		return nil, err
	}
	doc := etree.NewDocument()
	err := doc.ReadFromBytes(b)
	if err != nil || doc.Root() == nil {
		return nil, fmt.Errorf("not XML: %v", err)
	}
	root := doc.Root()
	var until time.Time
	if v := root.SelectAttrValue("validUntil", ""); v != "" {
		until, err = time.Parse(time.RFC3339, v)
		if err != nil {
			return nil, fmt.Errorf("validUntil %q is not a date and time", v)
		}
		if !now.Before(until) {
			return nil, fmt.Errorf("expired: validUntil %s", v)
		}
	}
	if idp.MetadataCert != nil || idp.MetadataFingerprint != "" {
		if err := verifyMetadata(root, idp); err != nil {
			return nil, err
		}
	}
	desc, err := samlsp.ParseMetadata(b)
	if err != nil {
		return nil, fmt.Errorf("not SAML metadata: %w", err)
	}
	if len(desc.IDPSSODescriptors) == 0 {
		return nil, errors.New("names no identity provider (IDPSSODescriptor)")
	}
	if len(idpSigningCerts(desc)) == 0 {
		return nil, errors.New("gives no signing certificate for the identity provider")
	}
	return &idpMetadata{desc: desc, until: until}, nil
}

// verifyMetadata checks the enveloped signature on the metadata's root
// element, made with the configured certificate, or with a certificate
// (carried in the signature) whose SHA-256 fingerprint is configured.
func verifyMetadata(root *etree.Element, idp SAMLIdP) error {
	sig := root.FindElement("./Signature")
	if sig == nil {
		return errors.New("not signed, but a metadata signing certificate is configured")
	}
	cert := idp.MetadataCert
	if cert == nil {
		el := sig.FindElement(".//X509Certificate")
		if el == nil {
			return errors.New("the signature carries no certificate to compare with metadata_fingerprint")
		}
		der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(el.Text()), ""))
		if err != nil {
			return fmt.Errorf("the signature's certificate is not base64: %w", err)
		}
		if cert, err = x509.ParseCertificate(der); err != nil {
			return fmt.Errorf("the signature's certificate: %w", err)
		}
		if got := Fingerprint(cert); got != NormalizeFingerprint(idp.MetadataFingerprint) {
			return fmt.Errorf("signed with a certificate of fingerprint %s, not the configured one", got)
		}
	}
	vc := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{cert}})
	vc.IdAttribute = "ID"
	if _, err := vc.Validate(root); err != nil {
		return fmt.Errorf("the signature does not verify: %w", err)
	}
	return nil
}

// Fingerprint is a certificate's SHA-256 fingerprint, as upper-case hex
// pairs joined by colons (what `openssl x509 -fingerprint -sha256` prints).
func Fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return NormalizeFingerprint(hex.EncodeToString(sum[:]))
}

// NormalizeFingerprint writes a hex fingerprint as Fingerprint does,
// accepting it with or without colons, any case, and a "SHA256:" prefix.
func NormalizeFingerprint(s string) string {
	s = strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "SHA256:")
	s = strings.NewReplacer(":", "", " ", "").Replace(s)
	var b strings.Builder
	for i := 0; i < len(s); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(s[i:min(i+2, len(s))])
	}
	return b.String()
}

// CheckKeptMetadata reads and checks the metadata kept for an IdP (its
// metadata_file, or the last good copy of its metadata_url), returning its
// validUntil (zero if none).
func CheckKeptMetadata(idp SAMLIdP, cacheDir string) (time.Time, error) {
	m, err := readMetadataFile(idp.MetadataPath(cacheDir), idp)
	if err != nil {
		return time.Time{}, err
	}
	return m.until, nil
}

// readMetadataFile reads and checks the metadata kept at path.
func readMetadataFile(path string, idp SAMLIdP) (*idpMetadata, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, io.LimitReader(f, maxMetadata+1)); err != nil {
		return nil, err
	}
	m, err := checkIdPMetadata(buf.Bytes(), idp, time.Now())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m.mod, m.size = fi.ModTime(), fi.Size()
	return m, nil
}

// writeFileAtomic writes b to a temporary file beside path with mode,
// syncs it, and renames it over path, so readers see the old or the new
// content, never a part.
func writeFileAtomic(path string, b []byte, mode os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful rename there is nothing to remove
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
