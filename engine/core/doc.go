// Package core evaluates a loaded module against the provider, in process,
// over the plugin protocol: it builds the dependency graph, refreshes,
// plans with PlanResourceChange and applies with ApplyResourceChange, and
// keeps the state.
//
// Package config has already decoded the blocks (the static phase); core
// runs the phases that need values and the provider, one file each:
//
//   - prepare.go: a scope per module and the dependency graph, whose edges
//     come from the references expressions make (Expression.Variables,
//     resolved to graph nodes by scope.go) and from depends_on. Every
//     other phase starts here.
//   - validate.go: Validate, the configuration checked with unknown values
//     and the provider's validators; nothing is configured or touched.
//   - plan.go: Plan walks the graph, refreshing and planning each resource
//     (eval.go evaluates locals, outputs and module arguments on the way),
//     then plans the deletion of what state holds and the configuration
//     no longer declares.
//   - apply.go: Apply carries a plan out, deletions first, and saves state
//     after every instance (stateio.go).
//   - lifecycle.go: conditions, check blocks and import.
//
// A new phase is a new file with an exported Engine method that calls
// prepare and walks the graph, dispatching on each node's kind (types.go)
// as Plan and Apply do. graph.go, schema.go, providers.go and objchange.go
// are the shared machinery: ordering and walking, decoding with provider
// schemas, protocol encoding, and Terraform's proposed new state.
package core
