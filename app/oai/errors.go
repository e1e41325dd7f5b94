package oai

import (
	"errors"

	"carrel/app"
)

// The error codes of OAI-PMH 2.0, section 3.6. noMetadataFormats never
// arises: every item is available in every format.
const (
	badArgument             = "badArgument"
	badResumptionToken      = "badResumptionToken"
	badVerb                 = "badVerb"
	cannotDisseminateFormat = "cannotDisseminateFormat"
	idDoesNotExist          = "idDoesNotExist"
	noRecordsMatch          = "noRecordsMatch"
	noSetHierarchy          = "noSetHierarchy" // only with empty vocabularies
)

// protocolCodes is the one table from Carrel's error codes to OAI-PMH's.
// Codes not in it are internal errors: logged, answered with HTTP 500.
func protocolCodes() map[string]string {
	return map[string]string{
		app.EINVALID:  badArgument,
		app.ENOTFOUND: idDoesNotExist,
	}
}

// protocolError is an error the protocol names itself (badVerb,
// badResumptionToken...), with a message for the harvester.
type protocolError struct {
	code, message string
}

func (e *protocolError) Error() string { return e.code + ": " + e.message }

func fail(code, message string) error { return &protocolError{code, message} }

// codeOf returns the OAI-PMH error code for err and its message, or ok false
// when err is internal.
func codeOf(err error) (code, message string, ok bool) {
	var pe *protocolError
	if errors.As(err, &pe) {
		return pe.code, pe.message, true
	}
	code, ok = protocolCodes()[app.ErrorCode(err)]
	return code, app.ErrorMessage(err), ok
}
