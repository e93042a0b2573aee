// Package funcs is the function library of the spice engine: Terraform's
// functions under Terraform's names (and again under "core::"), with
// Terraform's semantics. Most come from go-cty's stdlib and go-cty-funcs,
// the libraries Terraform itself builds on; what neither has, or has with
// other semantics than Terraform 1.11, is written here.
package funcs

import (
	"time"

	"github.com/hashicorp/go-cty-funcs/collection"
	"github.com/hashicorp/go-cty-funcs/crypto"
	"github.com/hashicorp/go-cty-funcs/encoding"
	"github.com/hashicorp/go-cty-funcs/filesystem"
	"github.com/hashicorp/go-cty-funcs/uuid"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	ctyyaml "github.com/zclconf/go-cty-yaml"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// Sensitive is the mark carried by sensitive values through expressions.
const Sensitive = "sensitive"

// Library returns the functions for a module in baseDir (where relative
// file paths resolve) planned at planTime, each also as "core::NAME". No function lets a panic
// out or names a sensitive value in its error.
func Library(baseDir string, planTime time.Time) map[string]function.Function {
	fns := map[string]function.Function{
		// numbers
		"abs": stdlib.AbsoluteFunc, "ceil": stdlib.CeilFunc, "floor": stdlib.FloorFunc, "log": stdlib.LogFunc,
		"max": stdlib.MaxFunc, "min": stdlib.MinFunc, "parseint": stdlib.ParseIntFunc, "pow": stdlib.PowFunc,
		"signum": signumFunc, "sum": sumFunc,
		// strings
		"chomp": stdlib.ChompFunc, "endswith": endsWithFunc, "format": stdlib.FormatFunc,
		"formatlist": stdlib.FormatListFunc, "indent": stdlib.IndentFunc, "join": stdlib.JoinFunc,
		"lower": stdlib.LowerFunc, "regex": stdlib.RegexFunc, "regexall": stdlib.RegexAllFunc, "replace": replaceFunc,
		"split": stdlib.SplitFunc, "startswith": startsWithFunc, "strcontains": strContainsFunc,
		"strrev": stdlib.ReverseFunc, "substr": stdlib.SubstrFunc, "title": stdlib.TitleFunc, "trim": stdlib.TrimFunc,
		"trimprefix": stdlib.TrimPrefixFunc, "trimspace": stdlib.TrimSpaceFunc, "trimsuffix": stdlib.TrimSuffixFunc,
		"upper": stdlib.UpperFunc,
		// collections
		"alltrue": allTrueFunc, "anytrue": anyTrueFunc, "chunklist": stdlib.ChunklistFunc, "coalesce": collection.CoalesceFunc,
		"coalescelist": stdlib.CoalesceListFunc, "compact": stdlib.CompactFunc, "concat": stdlib.ConcatFunc,
		"contains": stdlib.ContainsFunc, "distinct": stdlib.DistinctFunc, "element": stdlib.ElementFunc,
		"flatten": stdlib.FlattenFunc, "index": indexFunc, "keys": stdlib.KeysFunc, "length": lengthFunc,
		"lookup": lookupFunc, "matchkeys": matchKeysFunc, "merge": stdlib.MergeFunc, "one": oneFunc,
		"range": stdlib.RangeFunc, "reverse": stdlib.ReverseListFunc, "setintersection": stdlib.SetIntersectionFunc,
		"setproduct": stdlib.SetProductFunc, "setsubtract": stdlib.SetSubtractFunc, "setunion": stdlib.SetUnionFunc,
		"slice": stdlib.SliceFunc, "sort": stdlib.SortFunc, "transpose": transposeFunc, "values": stdlib.ValuesFunc,
		"zipmap": stdlib.ZipmapFunc,
		// encoding
		"base64decode": encoding.Base64DecodeFunc, "base64encode": encoding.Base64EncodeFunc,
		"base64gzip": base64GzipFunc, "csvdecode": stdlib.CSVDecodeFunc, "jsondecode": stdlib.JSONDecodeFunc,
		"jsonencode": stdlib.JSONEncodeFunc, "textdecodebase64": textDecodeBase64Func,
		"textencodebase64": textEncodeBase64Func, "urlencode": encoding.URLEncodeFunc,
		"yamldecode": ctyyaml.YAMLDecodeFunc, "yamlencode": ctyyaml.YAMLEncodeFunc,
		// filesystem
		"abspath": filesystem.AbsPathFunc, "basename": filesystem.BasenameFunc, "dirname": filesystem.DirnameFunc,
		"pathexpand": filesystem.PathExpandFunc, "file": filesystem.MakeFileFunc(baseDir, false),
		"filebase64": filesystem.MakeFileFunc(baseDir, true), "fileexists": filesystem.MakeFileExistsFunc(baseDir),
		"fileset":          filesystem.MakeFileSetFunc(baseDir),
		"filebase64sha256": fileHashFunc(baseDir, sha256Base64), "filebase64sha512": fileHashFunc(baseDir, sha512Base64),
		"filemd5": fileHashFunc(baseDir, md5Hex), "filesha1": fileHashFunc(baseDir, sha1Hex),
		"filesha256": fileHashFunc(baseDir, sha256Hex), "filesha512": fileHashFunc(baseDir, sha512Hex),
		// date and time
		"formatdate": stdlib.FormatDateFunc, "plantimestamp": planTimestampFunc(planTime), "timeadd": stdlib.TimeAddFunc,
		"timecmp": timeCmpFunc, "timestamp": timestampFunc,
		// hashes and crypto
		"base64sha256": stringHashFunc(sha256Base64), "base64sha512": stringHashFunc(sha512Base64),
		"bcrypt": crypto.BcryptFunc, "md5": crypto.Md5Func, "rsadecrypt": rsaDecryptFunc, "sha1": crypto.Sha1Func,
		"sha256": crypto.Sha256Func, "sha512": crypto.Sha512Func, "uuid": uuidFunc, "uuidv5": uuid.V5Func,
		// IP networks
		"cidrhost": cidrHostFunc, "cidrnetmask": cidrNetmaskFunc, "cidrsubnet": cidrSubnetFunc,
		"cidrsubnets": cidrSubnetsFunc,
		// types and conversion
		"can": tryfunc.CanFunc, "ephemeralasnull": ephemeralAsNullFunc, "issensitive": isSensitiveFunc,
		"nonsensitive": nonsensitiveFunc, "sensitive": sensitiveFunc, "tobool": toFunc(cty.Bool),
		"tolist": toFunc(cty.List(cty.DynamicPseudoType)), "tomap": toFunc(cty.Map(cty.DynamicPseudoType)),
		"tonumber": toFunc(cty.Number), "toset": toFunc(cty.Set(cty.DynamicPseudoType)),
		"tostring": toFunc(cty.String), "try": tryfunc.TryFunc,
	}
	// Templates call the finished library, filled in below.
	lib := make(map[string]function.Function, 2*len(fns)+4)
	fns["templatefile"] = templateFileFunc(baseDir, lib)
	fns["templatestring"] = templateStringFunc(lib)
	for name, fn := range fns {
		lib[name] = guarded(name, fn)
		lib["core::"+name] = guarded("core::"+name, fn)
	}
	return lib
}
