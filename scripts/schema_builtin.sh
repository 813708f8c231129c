#!/bin/sh
# Writes src/core/schema.sql as the body of a C string literal, one quoted
# line per line of SQL, backslashes and quotes escaped, for store.c.
#   scripts/schema_builtin.sh OUT schema.sql
set -eu
out=$1
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$/\\n"/' "$2" > "$out.tmp"
mv "$out.tmp" "$out"
