package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/threadline/threadline/internal/core"
)

// Password limits. The upper bound keeps hashing a request's password
// cheap to refuse; argon2id's cost does not depend on the length.
const (
	MinPasswordLength = 10
	MaxPasswordLength = 256
)

// argon2id parameters, OWASP's recommended minimum (19 MiB, 2 passes, one
// lane): about 20 ms of one core per hash.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// PasswordProblem says what is wrong with a password — too short, too
// long, not text — or "" when nothing is.
func PasswordProblem(pw string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case !utf8.ValidString(pw) || strings.ContainsRune(pw, 0):
		return "The password must be text without NUL characters."
	case n < MinPasswordLength:
		return fmt.Sprintf("The password must have at least %d characters.", MinPasswordLength)
	case n > MaxPasswordLength:
		return fmt.Sprintf("The password must have at most %d characters.", MaxPasswordLength)
	}
	return ""
}

// CheckPassword refuses a password PasswordProblem finds fault with, as a
// validation error on field.
func CheckPassword(field, pw string) error {
	if msg := PasswordProblem(pw); msg != "" {
		return core.InvalidField(field, msg)
	}
	return nil
}

// HashPassword returns the argon2id hash of pw with a random salt, in the
// PHC string format ($argon2id$v=19$m=…,t=…,p=…$salt$hash) that
// VerifyPassword reads.
func HashPassword(pw string) string {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		panic("auth: no randomness: " + err.Error())
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		enc.EncodeToString(salt), enc.EncodeToString(key))
}

// errBadHash means a stored hash is not one HashPassword writes.
var errBadHash = errors.New("auth: malformed password hash")

// VerifyPassword reports whether pw matches hash (in constant time for a
// given hash). An empty or malformed hash matches nothing.
func VerifyPassword(hash, pw string) bool {
	ok, err := verifyPassword(hash, pw)
	return err == nil && ok
}

func verifyPassword(hash, pw string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	var mem, iters uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &iters, &threads); err != nil {
		return false, errBadHash
	}
	// Bound what a tampered row could make a sign-in cost.
	if mem == 0 || mem > 256*1024 || iters == 0 || iters > 10 || threads == 0 || threads > 4 {
		return false, errBadHash
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := enc.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 64 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(pw), salt, iters, mem, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is verified against when a sign-in names no user with a
// password, so that the answer takes as long as for a wrong password.
var dummyHash = HashPassword("threadline-no-such-user")

// BurnPasswordCheck spends the time of one password check.
func BurnPasswordCheck(pw string) { VerifyPassword(dummyHash, pw) }
