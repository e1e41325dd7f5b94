package oai

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// verbSpec lists the arguments a verb requires and allows; a verb that
// allows resumptionToken takes it as its only argument.
type verbSpec struct {
	required, optional []string
}

func verbSpecs() map[string]verbSpec {
	list := verbSpec{required: []string{"metadataPrefix"}, optional: []string{"from", "until", "set", "resumptionToken"}}
	return map[string]verbSpec{
		"Identify":            {},
		"ListMetadataFormats": {optional: []string{"identifier"}},
		"ListSets":            {optional: []string{"resumptionToken"}},
		"GetRecord":           {required: []string{"identifier", "metadataPrefix"}},
		"ListIdentifiers":     list,
		"ListRecords":         list,
	}
}

// checkArgs returns the verb after checking the arguments against it:
// badVerb for a missing, repeated or unknown verb, badArgument for an
// argument that is unknown, repeated, empty, missing, or beside a
// resumptionToken.
func checkArgs(args url.Values) (string, error) {
	verbs := args["verb"]
	if len(verbs) != 1 {
		return "", fail(badVerb, "the request needs exactly one verb argument")
	}
	verb := verbs[0]
	spec, ok := verbSpecs()[verb]
	if !ok {
		return "", fail(badVerb, fmt.Sprintf("%q is not an OAI-PMH verb", verb))
	}
	allowed := map[string]bool{"verb": true}
	for _, a := range append(spec.required, spec.optional...) {
		allowed[a] = true
	}
	for _, k := range sortedKeys(args) {
		switch v := args[k]; {
		case !allowed[k]:
			return "", fail(badArgument, fmt.Sprintf("%s does not take the argument %q", verb, k))
		case len(v) > 1:
			return "", fail(badArgument, fmt.Sprintf("the argument %s is repeated", k))
		case v[0] == "":
			return "", fail(badArgument, fmt.Sprintf("the argument %s is empty", k))
		}
	}
	if _, ok := args["resumptionToken"]; ok {
		if len(args) != 2 {
			return "", fail(badArgument, "resumptionToken is an exclusive argument")
		}
		return verb, nil
	}
	for _, k := range spec.required {
		if _, ok := args[k]; !ok {
			return "", fail(badArgument, fmt.Sprintf("%s requires the argument %s", verb, k))
		}
	}
	return verb, nil
}

// dispatch answers a request whose transport was fine; protocol errors and
// catalog errors come back as errors for errorResponse.
func (p *Provider) dispatch(ctx context.Context, baseURL string, args url.Values) ([]byte, error) {
	verb, err := checkArgs(args)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	p.open(&b, baseURL, args)
	switch verb {
	case "Identify":
		err = p.identify(ctx, &b, baseURL)
	case "ListMetadataFormats":
		err = p.listMetadataFormats(ctx, &b, args.Get("identifier"))
	case "ListSets":
		err = p.listSets(ctx, &b, args)
	case "GetRecord":
		err = p.getRecord(ctx, &b, args.Get("identifier"), args.Get("metadataPrefix"))
	default:
		err = p.list(ctx, &b, verb, args)
	}
	if err != nil {
		return nil, err
	}
	return finish(&b), nil
}

func (p *Provider) identify(ctx context.Context, b *bytes.Buffer, baseURL string) error {
	earliest, err := p.cat.HarvestEarliest(ctx)
	if err != nil {
		return err
	}
	if earliest.IsZero() {
		earliest = time.Unix(0, 0)
	}
	b.WriteString("<Identify>\n")
	element(b, "repositoryName", p.cfg.RepositoryName)
	element(b, "baseURL", baseURL)
	element(b, "protocolVersion", "2.0")
	element(b, "adminEmail", p.cfg.AdminEmail)
	element(b, "earliestDatestamp", stamp(earliest))
	element(b, "deletedRecord", "persistent")
	element(b, "granularity", granularity)
	b.WriteString("</Identify>\n")
	return nil
}

func (p *Provider) listMetadataFormats(ctx context.Context, b *bytes.Buffer, identifier string) error {
	if identifier != "" {
		id, err := p.itemID(identifier)
		if err != nil {
			return err
		}
		if _, err := p.cat.HarvestItem(ctx, id); err != nil {
			return err
		}
	}
	b.WriteString("<ListMetadataFormats>\n")
	for _, f := range p.metadataFormats() {
		b.WriteString("<metadataFormat>\n")
		element(b, "metadataPrefix", f.prefix)
		element(b, "schema", f.schema)
		element(b, "metadataNamespace", f.namespace)
		b.WriteString("</metadataFormat>\n")
	}
	b.WriteString("</ListMetadataFormats>\n")
	return nil
}

func (p *Provider) getRecord(ctx context.Context, b *bytes.Buffer, identifier, prefix string) error {
	f, ok := p.formatByPrefix(prefix)
	if !ok {
		return fail(cannotDisseminateFormat, fmt.Sprintf("%q is not a metadata format of this repository", prefix))
	}
	id, err := p.itemID(identifier)
	if err != nil {
		return err
	}
	l, err := p.cat.HarvestItem(ctx, id)
	if err != nil {
		return err
	}
	b.WriteString("<GetRecord>\n")
	if err := p.writeRecord(ctx, b, l, f); err != nil {
		return err
	}
	b.WriteString("</GetRecord>\n")
	return nil
}

// list answers ListIdentifiers and ListRecords, one page at a time.
func (p *Provider) list(ctx context.Context, b *bytes.Buffer, verb string, args url.Values) error {
	st, resumed, err := p.listState(ctx, verb, args)
	if err != nil {
		return err
	}
	f, ok := p.formatByPrefix(st.Prefix)
	if !ok {
		return fail(cannotDisseminateFormat, fmt.Sprintf("%q is not a metadata format of this repository", st.Prefix))
	}
	items, err := p.cat.HarvestItems(ctx, st.Set, st.From, st.Until, st.After, st.AfterID, p.cfg.PageSize+1)
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return fail(noRecordsMatch, "no records match the request")
	}
	more := len(items) > p.cfg.PageSize
	if more {
		items = items[:p.cfg.PageSize]
	}
	b.WriteString("<" + verb + ">\n")
	for _, l := range items {
		if verb == "ListIdentifiers" {
			p.writeHeader(b, l)
		} else if err := p.writeRecord(ctx, b, l, f); err != nil {
			return err
		}
	}
	sent := st.Sent + len(items)
	st.Total = max(st.Total, sent) // items published during the harvest raise the count
	if more || resumed {
		b.WriteString(`<resumptionToken cursor="` + strconv.Itoa(st.Sent) + `" completeListSize="` + strconv.Itoa(st.Total) + `"`)
		if more {
			last := items[len(items)-1]
			next := st
			next.After, next.AfterID, next.Sent = datestamp(last), last.Item.ID, sent
			next.Expires = p.cfg.Now().Add(p.tokens.ttl).UTC().Truncate(time.Second)
			b.WriteString(` expirationDate="` + stamp(next.Expires) + `">`)
			escape(b, p.tokens.encode(next))
		} else {
			b.WriteString(">")
		}
		b.WriteString("</resumptionToken>\n")
	}
	b.WriteString("</" + verb + ">\n")
	return nil
}

// listState reads the state of a list from its resumption token, or starts
// it from the arguments; resumed says which.
func (p *Provider) listState(ctx context.Context, verb string, args url.Values) (listState, bool, error) {
	if token := args.Get("resumptionToken"); token != "" {
		st, err := p.tokens.decode(token, p.cfg.Now())
		if err == nil && st.Verb != verb {
			err = fail(badResumptionToken, "the resumption token belongs to another verb")
		}
		return st, true, err
	}
	st := listState{Verb: verb, Prefix: args.Get("metadataPrefix"), Set: args.Get("set")}
	if _, ok := p.formatByPrefix(st.Prefix); !ok {
		return st, false, fail(cannotDisseminateFormat, fmt.Sprintf("%q is not a metadata format of this repository", st.Prefix))
	}
	var err error
	if st.From, st.Until, err = dateRange(args.Get("from"), args.Get("until")); err != nil {
		return st, false, err
	}
	st.Total, err = p.cat.HarvestCount(ctx, st.Set, st.From, st.Until)
	return st, false, err
}

// dateRange parses from and until, each at day or seconds granularity (the
// same for both); an until day includes the whole day.
func dateRange(from, until string) (time.Time, time.Time, error) {
	f, fday, err := parseDate("from", from)
	if err != nil {
		return f, f, err
	}
	u, uday, err := parseDate("until", until)
	if err != nil {
		return f, u, err
	}
	if from != "" && until != "" {
		if fday != uday {
			return f, u, fail(badArgument, "from and until must have the same granularity")
		}
		if f.After(u) {
			return f, u, fail(badArgument, "from is later than until")
		}
	}
	if uday {
		u = u.Add(24*time.Hour - time.Second)
	}
	return f, u, nil
}

// parseDate reads a UTCdatetime at day (YYYY-MM-DD) or seconds
// (YYYY-MM-DDThh:mm:ssZ) granularity; "" is the zero time.
func parseDate(name, s string) (t time.Time, day bool, err error) {
	if s == "" {
		return t, false, nil
	}
	layout := stampLayout
	if day = len(s) == len(time.DateOnly); day {
		layout = time.DateOnly
	}
	t, err = time.Parse(layout, s)
	if err != nil || strings.ContainsAny(s, "+ ") {
		return t, day, fail(badArgument, fmt.Sprintf("%s must be a date YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ", name))
	}
	return t, day, nil
}
