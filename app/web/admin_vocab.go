package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"carrel/app"
)

// VocabularyAdmin is what the vocabularies page needs of the catalog.
// Each call adds a term (id 0) or changes, retires or restores one, and
// audits it; EUNPROCESSABLE for bad values, ENOTFOUND for an unknown id.
type VocabularyAdmin interface {
	SaveLicense(ctx context.Context, l *app.License, who app.AuditEntry) error
	SaveItemType(ctx context.Context, t *app.ItemType, who app.AuditEntry) error
	SaveCategory(ctx context.Context, c *app.Category, who app.AuditEntry) error
}

// vocabPage is the data of /admin/vocabularies.
type vocabPage struct {
	Licenses   []app.License
	Types      []app.ItemType
	Categories []app.Category // those matching CatQuery, at most 200
	CatQuery   string
	CatMore    bool
	Saved      string
	Error      string
	Kind       string // the kind of term the error is about
}

func (s *Server) handleAdminVocab(w http.ResponseWriter, r *http.Request) {
	s.renderVocab(w, r, http.StatusOK, &vocabPage{Saved: r.URL.Query().Get("saved")})
}

func (s *Server) renderVocab(w http.ResponseWriter, r *http.Request, status int, p *vocabPage) {
	v, err := s.vocab(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Licenses, p.Types = v.licenses, v.types
	p.CatQuery = strings.TrimSpace(r.URL.Query().Get("cq"))
	q := strings.ToLower(p.CatQuery)
	for _, c := range v.categories {
		if q != "" && !strings.Contains(strings.ToLower(c.Title), q) && strconv.FormatInt(c.ID, 10) != q {
			continue
		}
		if len(p.Categories) == 200 {
			p.CatMore = true
			break
		}
		p.Categories = append(p.Categories, c)
	}
	title := "Vocabularies"
	if p.Error != "" {
		title = "Error: " + title
	}
	s.render(w, r, status, "admin_vocab", view{Title: title, Page: p})
}

// handleAdminVocabSave adds a term (POST /admin/vocabularies/{kind}) or
// changes one (POST /admin/vocabularies/{kind}/{id}).
func (s *Server) handleAdminVocabSave(w http.ResponseWriter, r *http.Request) {
	kind := r.PathValue("kind")
	if kind != "licenses" && kind != "item_types" && kind != "categories" {
		s.fail(w, r, app.Errorf(app.ENOTFOUND, "There is no page at this address."))
		return
	}
	var id int64
	if v := r.PathValue("id"); v != "" {
		var err error
		if id, err = pathID(r, "id"); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	f := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	retired := f("retired") == "yes"
	var err error
	switch kind {
	case "licenses":
		err = s.cat.SaveLicense(r.Context(), &app.License{ID: int(id), Name: f("name"), URL: f("url"), SPDX: f("spdx"), Retired: retired}, s.who(r))
	case "item_types":
		err = s.cat.SaveItemType(r.Context(), &app.ItemType{ID: int(id), Name: f("name"), StringID: f("string_id"),
			Description: f("description"), Retired: retired}, s.who(r))
	case "categories":
		c := &app.Category{ID: id, Title: f("title"), Retired: retired}
		if c.ParentID, err = formInt(f("parent"), "parent category"); err == nil {
			err = s.cat.SaveCategory(r.Context(), c, s.who(r))
		}
	}
	if err != nil {
		if app.ErrorCode(err) == app.EINTERNAL {
			s.fail(w, r, err)
			return
		}
		s.renderVocab(w, r, statusOf[app.ErrorCode(err)], &vocabPage{Error: app.ErrorMessage(err), Kind: kind})
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/admin/vocabularies?saved=%s#%s", kind, kind), http.StatusSeeOther)
}
