#!/bin/sh
# Writes the C header that builds the shipped words files into words.o
# (src/core/words.h): words_builtin.sh OUT templates/en/words ...
set -e
out=$1
shift
{
	for f in "$@"; do
		l=$(basename "$(dirname "$f")")
		echo "static const unsigned char words_builtin_$l[] = {"
		od -An -v -tx1 "$f" | sed 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'
		echo "0 };"
	done
	echo "static const struct builtin_words builtin_words[] = {"
	for f in "$@"; do
		l=$(basename "$(dirname "$f")")
		echo "{ \"$l\", words_builtin_$l, sizeof(words_builtin_$l) - 1 },"
	done
	echo "};"
} > "$out.tmp"
mv "$out.tmp" "$out"
