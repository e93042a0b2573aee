package funcs

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/hashicorp/go-uuid"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"golang.org/x/crypto/ssh"
)

// uuidFunc is random hex in the shape of a UUID, as Terraform's is (not a
// version-4 UUID).
var uuidFunc = function.New(&function.Spec{
	Type: function.StaticReturnType(cty.String),
	Impl: func([]cty.Value, cty.Type) (cty.Value, error) {
		u, err := uuid.GenerateUUID()
		if err != nil {
			return cty.NilVal, fmt.Errorf("generating a UUID: %w", err)
		}
		return cty.StringVal(u), nil
	},
})

// rsaDecryptFunc decrypts base64 PKCS #1 v1.5 ciphertext with a PEM
// private key in any form Terraform reads (PKCS #1, PKCS #8, OpenSSH).
var rsaDecryptFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "ciphertext", Type: cty.String}, {Name: "privatekey", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		ciphertext, err := base64.StdEncoding.DecodeString(args[0].AsString())
		if err != nil {
			return cty.NilVal, function.NewArgErrorf(0, "failed to decode input: the ciphertext is not valid base64")
		}
		raw, err := ssh.ParseRawPrivateKey([]byte(args[1].AsString()))
		if err != nil {
			return cty.NilVal, function.NewArgErrorf(1, "failed to parse key: %s", keyParseProblem(err))
		}
		key, ok := raw.(*rsa.PrivateKey)
		if !ok {
			return cty.NilVal, function.NewArgErrorf(1, "failed to parse key: not an RSA private key")
		}
		//nolint:staticcheck // rsadecrypt's ciphertext is PKCS #1 v1.5 by definition
		out, err := rsa.DecryptPKCS1v15(rand.Reader, key, ciphertext)
		if err != nil {
			return cty.NilVal, errors.New("failed to decrypt: the ciphertext does not match the key")
		}
		return cty.StringVal(string(out)), nil
	},
})

// keyParseProblem says why a key did not parse without quoting it.
func keyParseProblem(err error) string {
	var missing *ssh.PassphraseMissingError
	if errors.As(err, &missing) {
		return "the key is encrypted with a passphrase"
	}
	return "not a PEM private key in a supported format"
}
