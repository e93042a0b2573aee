package funcs

import (
	"errors"
	"fmt"
	"strings"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// guarded is fn with two promises kept for every call: a panic in fn
// becomes an error naming the function (without a Go stack trace), and an
// error never quotes a sensitive argument.
func guarded(name string, fn function.Function) function.Function {
	params := fn.Params()
	passAll := func(p function.Parameter) function.Parameter {
		// fn itself decides what it accepts: the guard passes every value on.
		p.AllowNull, p.AllowUnknown, p.AllowDynamicType, p.AllowMarked = true, true, true, true
		return p
	}
	spec := &function.Spec{
		Description: fn.Description(),
		Params:      make([]function.Parameter, len(params)),
		Type: func(args []cty.Value) (cty.Type, error) {
			ty, err := fn.ReturnTypeForValues(args)
			return ty, guardError(name, args, err)
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			v, err := fn.Call(args)
			return v, guardError(name, args, err)
		},
	}
	for i, p := range params {
		spec.Params[i] = passAll(p)
	}
	if vp := fn.VarParam(); vp != nil {
		p := passAll(*vp)
		spec.VarParam = &p
	}
	return function.New(spec)
}

// guardError turns a panic into a plain error and hides an error's text
// when it shows a sensitive argument's value.
func guardError(name string, args []cty.Value, err error) error {
	if err == nil {
		return nil
	}
	var panicked function.PanicError
	if errors.As(err, &panicked) {
		return fmt.Errorf("%s failed unexpectedly on these arguments (%v); this is a bug in spice", name, panicked.Value)
	}
	if !ShowsSensitive(err.Error(), args...) {
		return err
	}
	var argErr function.ArgError
	if errors.As(err, &argErr) {
		return function.NewArgErrorf(argErr.Index, "invalid value for this sensitive argument (details hidden)")
	}
	return fmt.Errorf("%s failed on a sensitive argument (details hidden)", name)
}

// ShowsSensitive reports whether msg quotes a string or number found in a
// sensitive part of args.
func ShowsSensitive(msg string, args ...cty.Value) bool {
	for _, arg := range args {
		plain, marked := arg.UnmarkDeepWithPaths()
		for _, pm := range marked {
			if _, ok := pm.Marks[Sensitive]; !ok {
				continue
			}
			if part, err := pm.Path.Apply(plain); err == nil && quotesLeaf(msg, part) {
				return true
			}
		}
	}
	return false
}

// quotesLeaf reports whether msg contains a primitive value inside v
// (which carries no marks).
func quotesLeaf(msg string, v cty.Value) bool {
	found := false
	_ = cty.Walk(v, func(_ cty.Path, leaf cty.Value) (bool, error) {
		if found || !leaf.IsKnown() || leaf.IsNull() {
			return false, nil
		}
		switch leaf.Type() {
		case cty.String:
			s := leaf.AsString()
			found = s != "" && (strings.Contains(msg, s) || strings.Contains(msg, fmt.Sprintf("%q", s)))
		case cty.Number:
			found = strings.Contains(msg, leaf.AsBigFloat().Text('f', -1))
		}
		return !found, nil
	})
	return found
}
