// Command samlidp is a SAML2 identity provider for Carrel's tests, run by
// them as a separate process on loopback. It is crewjam/saml's samlidp
// server (users and service providers are added over its HTTP API: PUT
// /users/{id}, PUT /services/{id}), plus what that server lacks: it
// refuses AuthnRequests that are not signed with the service provider's
// key (-sp-cert), so the tests prove Carrel signs them; and (slo.go)
// extra attributes per user, single logout started by either side, and
// checks of the service provider's signed logout messages.
//
// Usage: samlidp -key idp.key -cert idp.crt -sp-cert sp.crt [-addr 127.0.0.1:0]
// It prints its base URL on standard output once it is listening.
package main

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/crewjam/saml/samlidp"
	dsig "github.com/russellhaering/goxmldsig"
)

func main() {
	keyFile := flag.String("key", "", "the IdP's private key (PEM)")
	certFile := flag.String("cert", "", "the IdP's certificate (PEM)")
	spCertFile := flag.String("sp-cert", "", "the service provider's signing certificate (PEM)")
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	if err := run(*keyFile, *certFile, *spCertFile, *addr); err != nil {
		log.Fatal(err)
	}
}

func run(keyFile, certFile, spCertFile, addr string) error {
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return err
	}
	cert, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return err
	}
	spPEM, err := os.ReadFile(spCertFile)
	if err != nil {
		return err
	}
	spCert, err := parseCertPEM(spPEM)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	base, _ := url.Parse("http://" + ln.Addr().String())
	idp, err := samlidp.New(samlidp.Options{URL: *base, Key: pair.PrivateKey, Certificate: cert, Store: &samlidp.MemoryStore{}})
	if err != nil {
		return err
	}
	idp.IDP.LogoutURL = *base.JoinPath("/slo")
	spKey := spCert.PublicKey.(*rsa.PublicKey)
	ext := newExtension(idp, pair, spCert, base.String())
	idp.IDP.SessionProvider = ext
	fmt.Println(base.String())
	return http.Serve(ln, requireSignedRequests(ext.handler(idp), spKey))
}

// requireSignedRequests checks the HTTP-Redirect binding signature
// (SAML bindings §3.4.4.1) of every AuthnRequest sent to /sso.
func requireSignedRequests(next http.Handler, spKey *rsa.PublicKey) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/sso" && r.Method == http.MethodGet {
			if err := verifyRedirect(r.URL.RawQuery, "SAMLRequest", spKey); err != nil {
				http.Error(w, "AuthnRequest refused: "+err.Error(), http.StatusForbidden)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// verifyRedirect checks the query signature of an HTTP-Redirect message
// whose payload is param (SAMLRequest or SAMLResponse).
func verifyRedirect(rawQuery, param string, key *rsa.PublicKey) error {
	raw := map[string]string{}
	for _, kv := range strings.Split(rawQuery, "&") {
		k, v, _ := strings.Cut(kv, "=")
		raw[k] = v
	}
	if raw[param] == "" || raw["Signature"] == "" {
		return errors.New("not signed")
	}
	alg, _ := url.QueryUnescape(raw["SigAlg"])
	if alg != dsig.RSASHA256SignatureMethod {
		return fmt.Errorf("signature algorithm %q, want RSA-SHA256", alg)
	}
	signed := param + "=" + raw[param]
	if rs, ok := raw["RelayState"]; ok {
		signed += "&RelayState=" + rs
	}
	signed += "&SigAlg=" + raw["SigAlg"]
	sigText, _ := url.QueryUnescape(raw["Signature"])
	sig, err := base64.StdEncoding.DecodeString(sigText)
	if err != nil {
		return errors.New("signature is not base64")
	}
	sum := sha256.Sum256([]byte(signed))
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig); err != nil {
		return errors.New("bad signature")
	}
	return nil
}

func parseCertPEM(b []byte) (*x509.Certificate, error) {
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			return nil, errors.New("no CERTIFICATE block in -sp-cert")
		}
		if block.Type == "CERTIFICATE" {
			return x509.ParseCertificate(block.Bytes)
		}
	}
}
