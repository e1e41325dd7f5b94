package api

// coverageReasons says, for each operation of Figshare's document that
// Carrel does not serve, why not: "planned: ..." for work under way,
// "left out: ..." for what Carrel will not offer. TestCoveragePage fails
// for an unserved operation without a reason here, and ignores the reason
// of one that has since been implemented.
var coverageReasons = map[string]string{
	"private_account":                 "planned: the caller's own account record (issue 3, institution and account endpoints).",
	"account_article_report":          "planned: asynchronous account reports; until then an administrator exports the catalog with the admin pages.",
	"account_article_report_generate": "planned: asynchronous account reports.",
	"private_article_reserve_doi":     "planned: local DOI reservation (issue 3, DOI work).",
	"private_article_reserve_handle":  "planned: local handle reservation (issue 3, DOI work).",
	"private_article_resource":        "planned: linking an item to the resource it describes (resource_doi and resource_title are already editable through PUT).",
	"article_version_update":          "planned: supplementary fields of a published version.",
	"article_version_partial_update":  "planned: supplementary fields of a published version.",
	"article_version_update_thumb":    "planned: choosing a version's thumbnail among its files.",
	"private_authors_search":          "planned: author search over accounts and recorded authors.",
	"private_author_details":          "planned: author search over accounts and recorded authors.",
	"private_categories_list":         "planned: the account's categories (today the same as GET /v2/categories).",
	"private_licenses_list":           "planned: the account's licences (today the same as GET /v2/licenses).",
	"private_funding_search":          "planned: funding search over recorded grants.",
	"update_user_profile":             "planned: profile editing through the API (names, ORCID); the web workspace edits them today.",
	"update_user_profile_picture":     "left out: Carrel keeps no profile pictures; people are identified by name and ORCID.",
	"institution_articles":            "left out: Figshare's cross-institution lookup by institution string id and custom field value; a Carrel hosts one institution, whose items GET /v2/articles and the search endpoints filter.",
}

// coveragePrefixReasons give one reason to every unserved operation under a
// path (without /v2), where a whole area is missing.
var coveragePrefixReasons = []struct{ prefix, why string }{
	{"/symplectic/", "left out: Symplectic Elements' connector to figshare.com; an institution running Carrel connects Elements through the standard endpoints or OAI-PMH."},
	{"/altmetric", "left out: Altmetric's own integration with figshare.com; Carrel publishes its usage counts through /stats and the article records."},
	{"/account/projects", "planned: projects (issue 3, collections and projects work)."},
	{"/projects", "planned: projects (issue 3, collections and projects work)."},
	{"/account/collections/{collection_id}/private_links", "planned: private links to collections (issue 3)."},
	{"/account/collections/{collection_id}/reserve_", "planned: DOI and handle reservation for collections (issue 3, DOI work)."},
	{"/account/institution/review", "planned: the curation review queue through the API; curators use the admin pages today."},
	{"/account/institution", "planned: institution administration (issue 3, institution and account endpoints)."},
}
