#!/bin/sh
# check-terminusdb-bundle.sh FILE: the restore drill's check of a TerminusDB
# bundle (what `terminusdb bundle DB -o FILE` writes): not empty, and in
# the bundle format, which is the repository head's layer id (40 lowercase
# hex digits) followed by the layer pack (a gzip stream: bytes 1f 8b).
# A bundle that a command's own messages got into ("Writing to ...") or
# an empty one fails here, not on the day of a restore.
set -eu
file=${1:?usage: check-terminusdb-bundle.sh FILE}
if [ ! -s "$file" ]; then
	echo "TerminusDB bundle $file is missing or empty" >&2
	exit 1
fi
head=$(head -c 40 "$file")
case $head in
*[!0-9a-f]*)
	echo "TerminusDB bundle $file does not start with a layer id (40 hex digits): not a bundle" >&2
	exit 1
	;;
esac
if [ ${#head} -ne 40 ] || [ "$(od -An -tx1 -j40 -N2 "$file" | tr -d ' \n')" != "1f8b" ]; then
	echo "TerminusDB bundle $file has no layer pack (gzip) after its layer id: truncated or not a bundle" >&2
	exit 1
fi
echo "TerminusDB bundle $file: layer id $head, pack of $(($(wc -c <"$file") - 40)) bytes"
