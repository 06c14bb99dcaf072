package rosenpass

/*
#include <rosenpass/rosenpass.h>
*/
import "C"

import "fmt"

// Error is a failed librosenpass call: the operation, the status code and the library's
// detailed message (which names the file, address or value at fault).
type Error struct {
	Op      string
	Code    int
	Message string
}

func (e *Error) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("rosenpass: %s: %s", e.Op, codeText(e.Code))
	}
	return fmt.Sprintf("rosenpass: %s: %s: %s", e.Op, codeText(e.Code), e.Message)
}

// Is makes errors.Is(err, rosenpass.ErrHandle) and the like match by status code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Op == "" && t.Code == e.Code
}

func sentinel(code C.int) *Error { return &Error{Code: int(code)} }

// Sentinels for errors.Is, one per status code of rosenpass.h.
var (
	ErrArgument  = sentinel(C.ROSENPASS_E_ARGUMENT)
	ErrHandle    = sentinel(C.ROSENPASS_E_HANDLE)
	ErrSize      = sentinel(C.ROSENPASS_E_SIZE)
	ErrKeyFile   = sentinel(C.ROSENPASS_E_KEY_FILE)
	ErrIO        = sentinel(C.ROSENPASS_E_IO)
	ErrAddress   = sentinel(C.ROSENPASS_E_ADDRESS)
	ErrDuplicate = sentinel(C.ROSENPASS_E_DUPLICATE)
	ErrState     = sentinel(C.ROSENPASS_E_STATE)
	ErrClosed    = sentinel(C.ROSENPASS_E_CLOSED)
	ErrNoMemory  = sentinel(C.ROSENPASS_E_NO_MEMORY)
	ErrInternal  = sentinel(C.ROSENPASS_E_INTERNAL)
)

func codeText(code int) string { return C.GoString(C.rosenpass_strerror(C.int(code))) }

// check turns a status into an error. The message is thread-local in C, so the call and
// check must run on one OS thread: callers wrap both in call().
func check(op string, rc C.int) error {
	if rc == C.ROSENPASS_OK {
		return nil
	}
	return &Error{Op: op, Code: int(rc), Message: C.GoString(C.rosenpass_last_error())}
}
