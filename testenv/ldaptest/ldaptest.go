// Package ldaptest starts Debian's OpenLDAP server (slapd) on 127.0.0.1
// for tests, with a fixture directory of people and groups, plain LDAP
// (with StartTLS) and LDAPS on free ports, under a test CA it generates.
package ldaptest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"carrel/testenv"
)

// The fixture directory's names and secrets.
const (
	BaseDN          = "dc=example,dc=edu"
	PeopleDN        = "ou=people," + BaseDN
	GroupsDN        = "ou=groups," + BaseDN
	ServiceDN       = "cn=reader,ou=system," + BaseDN
	ServicePassword = "reader-secret-123"
	AdaPassword     = "ada-password-123"     // uid=ada: Ada Lovelace, ORCID, in physics-staff and librarians
	CharlesPassword = "charles-password-123" // uid=charles: only a displayName, in carrel-admins
	MalloryPassword = "mallory-password-123" // uid=mallory: locked (pwdAccountLockedTime)
	adminDN         = "cn=admin," + BaseDN
	adminPassword   = "admin-secret-123"
)

// Server is a running slapd.
type Server struct {
	URL      string // ldap://127.0.0.1:port (StartTLS available)
	LDAPSURL string // ldaps://127.0.0.1:port
	CAFile   string // PEM of the CA that signed the server's certificate
	ldapmod  string
}

// Modify applies an LDIF change (ldapmodify syntax) to the directory as
// its administrator, as an institution's identity management would.
func (s *Server) Modify(t testing.TB, ldif string) {
	t.Helper()
	cmd := exec.Command(s.ldapmod, "-x", "-H", s.URL, "-D", adminDN, "-w", adminPassword)
	cmd.Stdin = strings.NewReader(ldif)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ldapmodify: %v\n%s", err, out)
	}
}

// Start runs slapd with the fixture loaded and stops it when the test ends.
// A missing slapd or ldapadd is testenv.Missing.
func Start(t testing.TB) *Server {
	t.Helper()
	slapd := sbin(t, "slapd")
	ldapadd := testenv.Tool(t, "ldapadd", "ldap-utils")
	ldapmodify := testenv.Tool(t, "ldapmodify", "ldap-utils")
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "db"), 0o700); err != nil {
		t.Fatal(err)
	}
	caFile := writeCerts(t, dir)
	p1, p2 := testenv.FreePort(t), testenv.FreePort(t)
	conf := strings.NewReplacer("DIR", dir).Replace(slapdConf)
	if err := os.WriteFile(filepath.Join(dir, "slapd.conf"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	url, ldaps := fmt.Sprintf("ldap://127.0.0.1:%d", p1), fmt.Sprintf("ldaps://127.0.0.1:%d", p2)
	var logs bytes.Buffer
	cmd := exec.Command(slapd, "-f", filepath.Join(dir, "slapd.conf"), "-h", url+"/ "+ldaps+"/", "-d", "0")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", p1), time.Second)
		if err == nil {
			c.Close()
			break
		}
		select {
		case <-exited:
			t.Fatalf("slapd exited at start:\n%s", logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("slapd did not listen within 20s:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	add := exec.Command(ldapadd, "-x", "-H", url, "-D", adminDN, "-w", adminPassword)
	add.Stdin = strings.NewReader(fixture)
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("ldapadd: %v\n%s\nslapd:\n%s", err, out, logs.String())
	}
	return &Server{URL: url, LDAPSURL: ldaps, CAFile: caFile, ldapmod: ldapmodify}
}

// sbin finds a program Debian installs in /usr/sbin, which is not on every
// user's PATH.
func sbin(t testing.TB, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	p := "/usr/sbin/" + name
	if _, err := os.Stat(p); err != nil {
		testenv.Missing(t, name+" is not installed (Debian package slapd)")
	}
	return p
}

// writeCerts makes a CA and a server certificate for 127.0.0.1 and
// localhost, writes them (and the key) into dir, and returns the CA file.
func writeCerts(t testing.TB, dir string) string {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Carrel test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
	write := func(name, typ string, der []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("ca.pem", "CERTIFICATE", caDER)
	write("server.pem", "CERTIFICATE", leafDER)
	write("server.key", "PRIVATE KEY", keyDER)
	return filepath.Join(dir, "ca.pem")
}

const slapdConf = `include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
moduleload ppolicy
pidfile DIR/slapd.pid
argsfile DIR/slapd.args
TLSCACertificateFile DIR/ca.pem
TLSCertificateFile DIR/server.pem
TLSCertificateKeyFile DIR/server.key
database mdb
maxsize 10485760
suffix "dc=example,dc=edu"
rootdn "cn=admin,dc=example,dc=edu"
rootpw admin-secret-123
directory DIR/db
overlay memberof
overlay ppolicy
access to attrs=userPassword by self write by anonymous auth by * none
access to * by users read by * none
`

const fixture = `dn: dc=example,dc=edu
objectClass: dcObject
objectClass: organization
o: Example University
dc: example

dn: ou=people,dc=example,dc=edu
objectClass: organizationalUnit
ou: people

dn: ou=groups,dc=example,dc=edu
objectClass: organizationalUnit
ou: groups

dn: ou=system,dc=example,dc=edu
objectClass: organizationalUnit
ou: system

dn: cn=reader,ou=system,dc=example,dc=edu
objectClass: person
cn: reader
sn: reader
userPassword: reader-secret-123

dn: uid=ada,ou=people,dc=example,dc=edu
objectClass: inetOrgPerson
uid: ada
cn: Ada Lovelace
givenName: Ada
sn: Lovelace
displayName: Ada Lovelace
mail: ada@example.edu
labeledURI: https://orcid.org/0000-0002-1825-0097
userPassword: ada-password-123

dn: uid=charles,ou=people,dc=example,dc=edu
objectClass: inetOrgPerson
uid: charles
cn: Charles Babbage
sn: Babbage
displayName: Charles Babbage
mail: charles@example.edu
userPassword: charles-password-123

dn: uid=mallory,ou=people,dc=example,dc=edu
objectClass: inetOrgPerson
uid: mallory
cn: Mallory Locked
sn: Locked
mail: mallory@example.edu
userPassword: mallory-password-123
pwdAccountLockedTime: 000001010000Z

dn: cn=physics-staff,ou=groups,dc=example,dc=edu
objectClass: groupOfNames
cn: physics-staff
member: uid=ada,ou=people,dc=example,dc=edu
member: cn=reader,ou=system,dc=example,dc=edu

dn: cn=librarians,ou=groups,dc=example,dc=edu
objectClass: groupOfNames
cn: librarians
member: uid=ada,ou=people,dc=example,dc=edu
member: cn=reader,ou=system,dc=example,dc=edu

dn: cn=carrel-admins,ou=groups,dc=example,dc=edu
objectClass: groupOfNames
cn: carrel-admins
member: uid=charles,ou=people,dc=example,dc=edu
member: uid=mallory,ou=people,dc=example,dc=edu
`
