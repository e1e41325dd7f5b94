package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"carrel/app"
)

// Bounds on a query, so that no query text can make the parser or Bleve do
// unbounded work.
const (
	MaxQueryLen   = 4096 // bytes
	maxQueryTerms = 64
	maxQueryDepth = 16
)

// prefixes are Figshare's field prefixes (":title: word") and the index
// field each one searches; "license" is accepted beside Figshare's "licence".
func prefixes() map[string]bool {
	return map[string]bool{
		"title": true, "description": true, "tag": true, "category": true, "author": true, "orcid": true,
		"doi": true, "handle": true, "extension": true, "item_type": true, "licence": true, "license": true,
		"group": true,
	}
}

// expr is a parsed query: a term, or AND, OR and NOT of expressions.
type expr interface {
	// String writes the expression back in query syntax; parsing the result
	// gives an equal expression.
	String() string
}

// term is one word or quoted phrase, searched in the field its prefix
// names or, without a prefix, in every text field.
type term struct {
	field  string // a prefix name without colons, or "" for all text fields
	text   string
	phrase bool
}

type andExpr struct{ kids []expr }
type orExpr struct{ kids []expr }
type notExpr struct{ kid expr }

func (t term) String() string {
	s := t.text
	if t.phrase {
		s = `"` + s + `"`
	}
	if t.field != "" {
		s = ":" + t.field + ": " + s
	}
	return s
}

func (a andExpr) String() string {
	parts := make([]string, len(a.kids))
	for i, k := range a.kids {
		parts[i] = k.String()
		if _, ok := k.(orExpr); ok {
			parts[i] = "(" + parts[i] + ")"
		}
	}
	return strings.Join(parts, " AND ")
}

func (o orExpr) String() string {
	parts := make([]string, len(o.kids))
	for i, k := range o.kids {
		parts[i] = k.String()
	}
	return strings.Join(parts, " OR ")
}

func (n notExpr) String() string {
	switch n.kid.(type) {
	case andExpr, orExpr:
		return "NOT (" + n.kid.String() + ")"
	}
	return "NOT " + n.kid.String()
}

// token kinds of the query lexer.
type tokenKind int

const (
	tEOF tokenKind = iota
	tWord
	tPhrase
	tPrefix
	tLParen
	tRParen
	tAnd
	tOr
	tNot
)

type token struct {
	kind tokenKind
	text string
}

// invalid is the error every malformed query gets: EINVALID with a message
// that says what is wrong.
func invalid(format string, args ...any) error {
	return app.Errorf(app.EINVALID, format, args...)
}

// lex splits query text into tokens.
func lex(s string) ([]token, error) {
	var toks []token
	known := prefixes()
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			i += size
		case r == '(':
			toks = append(toks, token{kind: tLParen})
			i++
		case r == ')':
			toks = append(toks, token{kind: tRParen})
			i++
		case r == '"':
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				return nil, invalid("unbalanced quote in query")
			}
			text := strings.Join(strings.Fields(s[i+1:i+1+end]), " ")
			if text == "" {
				return nil, invalid("empty quoted phrase in query")
			}
			toks = append(toks, token{kind: tPhrase, text: text})
			i += end + 2
		default:
			if name, n := prefixAt(s[i:]); n > 0 {
				if !known[name] {
					return nil, invalid("unknown field prefix :%s: in query (known: :title:, :description:, :tag:, :category:, :author:, :orcid:, :doi:, :handle:, :extension:, :item_type:, :licence:, :group:)", name)
				}
				toks = append(toks, token{kind: tPrefix, text: name})
				i += n
				continue
			}
			j := i
			for j < len(s) {
				r, size := utf8.DecodeRuneInString(s[j:])
				if unicode.IsSpace(r) || r == '(' || r == ')' || r == '"' {
					break
				}
				j += size
			}
			word := s[i:j]
			switch word {
			case "AND", "&&":
				toks = append(toks, token{kind: tAnd})
			case "OR", "||":
				toks = append(toks, token{kind: tOr})
			case "NOT":
				toks = append(toks, token{kind: tNot})
			default:
				toks = append(toks, token{kind: tWord, text: word})
			}
			i = j
		}
	}
	return toks, nil
}

// prefixAt recognises ":name:" at the start of s and returns the name in
// lower case and the bytes it spans, or 0 when s does not start with one.
func prefixAt(s string) (string, int) {
	if len(s) < 3 || s[0] != ':' {
		return "", 0
	}
	for j := 1; j < len(s); j++ {
		c := s[j]
		switch {
		case c == ':' && j > 1:
			return strings.ToLower(s[1:j]), j + 1
		case c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		default:
			return "", 0
		}
	}
	return "", 0
}

// parser is a recursive-descent parser over the tokens of one query.
type parser struct {
	toks  []token
	pos   int
	terms int
	depth int
}

// parse parses query text in Figshare's syntax. It returns nil for a query
// with no terms (empty or blank), which matches everything.
func parse(s string) (expr, error) {
	if len(s) > MaxQueryLen {
		return nil, invalid("query is longer than %d bytes", MaxQueryLen)
	}
	if !utf8.ValidString(s) {
		return nil, invalid("query is not valid UTF-8")
	}
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, nil
	}
	p := &parser{toks: toks}
	e, err := p.or("")
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		if t.kind == tRParen {
			return nil, invalid("unbalanced parenthesis in query: unexpected )")
		}
		return nil, invalid("unexpected %s in query", describe(t))
	}
	return e, nil
}

func (p *parser) peek() token {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return token{kind: tEOF}
}

func (p *parser) next() token {
	t := p.peek()
	if p.pos < len(p.toks) {
		p.pos++
	}
	return t
}

func describe(t token) string {
	switch t.kind {
	case tEOF:
		return "end of query"
	case tLParen:
		return "("
	case tRParen:
		return ")"
	case tAnd:
		return "AND"
	case tOr:
		return "OR"
	case tNot:
		return "NOT"
	case tPrefix:
		return ":" + t.text + ":"
	}
	return "term"
}

// or := and ("OR" and)*
func (p *parser) or(field string) (expr, error) {
	var kids []expr
	for {
		e, err := p.and(field)
		if err != nil {
			return nil, err
		}
		if o, ok := e.(orExpr); ok {
			kids = append(kids, o.kids...)
		} else {
			kids = append(kids, e)
		}
		if p.peek().kind != tOr {
			break
		}
		p.next()
	}
	if len(kids) == 1 {
		return kids[0], nil
	}
	return orExpr{kids: kids}, nil
}

// and := unary (["AND"] unary)*; juxtaposed terms must all match.
func (p *parser) and(field string) (expr, error) {
	var kids []expr
	for {
		e, err := p.unary(field)
		if err != nil {
			return nil, err
		}
		if a, ok := e.(andExpr); ok {
			kids = append(kids, a.kids...)
		} else {
			kids = append(kids, e)
		}
		switch p.peek().kind {
		case tAnd:
			p.next()
			continue
		case tWord, tPhrase, tPrefix, tLParen, tNot:
			continue
		}
		break
	}
	if len(kids) == 1 {
		return kids[0], nil
	}
	return andExpr{kids: kids}, nil
}

// unary := "NOT" unary | primary
func (p *parser) unary(field string) (expr, error) {
	if p.peek().kind != tNot {
		return p.primary(field)
	}
	p.next()
	if k := p.peek().kind; k == tEOF || k == tRParen || k == tAnd || k == tOr {
		return nil, invalid("NOT needs a term after it")
	}
	e, err := p.unary(field)
	if err != nil {
		return nil, err
	}
	return notExpr{kid: e}, nil
}

// primary := "(" or ")" | prefix value | word | phrase
func (p *parser) primary(field string) (expr, error) {
	t := p.next()
	switch t.kind {
	case tWord, tPhrase:
		p.terms++
		if p.terms > maxQueryTerms {
			return nil, invalid("query has more than %d terms", maxQueryTerms)
		}
		return term{field: field, text: t.text, phrase: t.kind == tPhrase}, nil
	case tLParen:
		p.depth++
		if p.depth > maxQueryDepth {
			return nil, invalid("query nests parentheses more than %d deep", maxQueryDepth)
		}
		if p.peek().kind == tRParen {
			return nil, invalid("empty parentheses in query")
		}
		e, err := p.or(field)
		if err != nil {
			return nil, err
		}
		if p.next().kind != tRParen {
			return nil, invalid("unbalanced parenthesis in query: missing )")
		}
		p.depth--
		return e, nil
	case tPrefix:
		if field != "" {
			return nil, invalid("field prefix :%s: inside :%s: is not allowed", t.text, field)
		}
		switch p.peek().kind {
		case tWord, tPhrase, tLParen:
			return p.primary(t.text)
		}
		return nil, invalid(":%s: needs a value after it", t.text)
	case tRParen:
		if p.depth > 0 {
			return nil, invalid("a term is missing before )")
		}
		return nil, invalid("unbalanced parenthesis in query: unexpected )")
	case tEOF:
		return nil, invalid("query ends where a term is expected")
	}
	return nil, invalid("%s needs a term before it", describe(t))
}
