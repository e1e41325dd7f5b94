// Package app holds Carrel's domain: items, versions, files, accounts and the
// rules that govern them. It imports only the standard library; every other
// package of Carrel depends on it and it depends on none of them.
package app

import (
	"errors"
	"fmt"
)

// Error codes shared by every package. Exactly one table in each protocol
// package maps them to a status (HTTP, OAI-PMH).
const (
	EINVALID       = "invalid"       // the request is malformed or fails validation
	ENOTFOUND      = "not_found"     // the thing does not exist, or the caller may not know it does
	ECONFLICT      = "conflict"      // the request conflicts with the current state
	EUNAUTHORIZED  = "unauthorized"  // the caller is not authenticated
	EFORBIDDEN     = "forbidden"     // the caller is authenticated but may not do this
	ETOOLARGE      = "too_large"     // the request exceeds a configured limit
	EUNPROCESSABLE = "unprocessable" // well-formed but semantically unacceptable (Figshare's 422)
	EUNAVAILABLE   = "unavailable"   // a service Carrel depends on (the blob store) is down; retry later
	EINTERNAL      = "internal"      // anything else; never shown to users in detail
)

// Error is Carrel's one error type. Message is safe to show to the caller;
// Err, when set, is the underlying cause and is only logged.
type Error struct {
	Code    string
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not
// *Error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err; internal errors
// always read "Internal error" so that no detail leaks.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "Internal error"
}

// Internal wraps an unexpected error from a dependency.
func Internal(err error, what string) error {
	if err == nil {
		return nil
	}
	return &Error{Code: EINTERNAL, Message: what, Err: err}
}
