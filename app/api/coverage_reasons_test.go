package api

// coverageReasons says, for each operation of Figshare's document that
// Carrel does not serve, why not: "planned: ..." for work under way,
// "left out: ..." for what Carrel will not offer. TestCoveragePage fails
// for an unserved operation without a reason here, and ignores the reason
// of one that has since been implemented.
var coverageReasons = map[string]string{
	"update_user_profile_picture": "left out: Carrel keeps no profile pictures; people are identified by name and ORCID.",
	"institution_articles":        "left out: Figshare's cross-institution lookup by institution string id and custom field value; a Carrel hosts one institution, whose items GET /v2/articles and the search endpoints filter.",
}

// coveragePrefixReasons give one reason to every unserved operation under a
// path (without /v2), where a whole area is missing.
var coveragePrefixReasons = []struct{ prefix, why string }{
	{"/symplectic/", "left out: Symplectic Elements' connector to figshare.com; an institution running Carrel connects Elements through the standard endpoints or OAI-PMH."},
	{"/altmetric", "left out: Altmetric's own integration with figshare.com; Carrel publishes its usage counts through /stats and the article records."},
}
