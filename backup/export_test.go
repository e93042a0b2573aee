package backup

// WriteLogLike is writeLogLike for the benchmarks of package backup_test.
var WriteLogLike = writeLogLike

// WriteRandom is writeRandom for the benchmarks of package backup_test.
var WriteRandom = writeRandom
