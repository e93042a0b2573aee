package testhosts

// StartLogged lets the tests check what scripts/testhosts.sh up prints for
// people: Start, plus the script's stderr.
var StartLogged = start
