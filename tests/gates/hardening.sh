#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The built tools and libns.so carry the hardening meson.build asks for:
# PIE, full RELRO, no executable stack, stack canaries and, in a build with
# _FORTIFY_SOURCE, the checked __*_chk variants of the calls it can check.
# Reads the files with readelf(1); NS_FORTIFY (from tests/meson.build) says
# whether this build is fortified.
set -u
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# the plain names of every function glibc has a checked variant of
libc=$(${CC:-cc} -print-file-name=libc.so.6)
fortifiable=$(readelf --dyn-syms -W "$libc" | awk '$7 != "UND" {print $8}' |
	sed -n 's/^__\([a-z0-9_]*\)_chk@.*/\1/p' | sort -u)

imports() {
	readelf --dyn-syms -W "$1" | awk '$7 == "UND" {sub(/@.*/, "", $8); print $8}' | sort -u
}

is_pie_or_dso() {
	local file=$1 kind=$2
	readelf -hW "$file" | grep -Eq '^ *Type: *DYN ' || return 1
	# an executable's FLAGS_1 says PIE; a library's must not
	if [ "$kind" = exe ]; then
		readelf -dW "$file" | grep -Eq '\(FLAGS_1\).*\bPIE\b'
	else
		! readelf -dW "$file" | grep -Eq '\(FLAGS_1\).*\bPIE\b'
	fi
}

has_relro() {
	readelf -lW "$1" | grep -Eq '^ *GNU_RELRO '
}

# BIND_NOW in FLAGS or NOW in FLAGS_1: every relocation is done at start-up,
# so RELRO covers the GOT too
binds_now() {
	readelf -dW "$1" | grep -Eq '\(BIND_NOW\)|\(FLAGS\).*\bBIND_NOW\b|\(FLAGS_1\).*\bNOW\b'
}

stack_not_exec() {
	readelf -lW "$1" | awk '$1 == "GNU_STACK" {found = 1; if ($7 ~ /E/) bad = 1}
		END {exit !(found && !bad)}'
}

no_textrel() {
	! readelf -dW "$1" | grep -q '(TEXTREL)'
}

has_canary() {
	imports "$1" | grep -qx '__stack_chk_fail'
}

# fortified: where the file calls any function glibc can check, at least
# one call was turned into its __*_chk variant (not all can be: the
# compiler must know the buffer's size)
fortified() {
	local file=$1 imp plain chk
	imp=$(imports "$file")
	chk=$(printf '%s\n' "$imp" | sed -n 's/^__\([a-z0-9_]*\)_chk$/\1/p' |
		grep -vx 'stack' | grep -Fx -f <(printf '%s\n' "$fortifiable") | tr '\n' ' ')
	plain=$(printf '%s\n' "$imp" | grep -Fx -f <(printf '%s\n' "$fortifiable") | tr '\n' ' ')
	diag "$(basename "$file"): checked: ${chk:-none}" "$(basename "$file"): unchecked: ${plain:-none}"
	[ -n "$chk" ] || [ -z "$plain" ]
}

files="exe:${NSRUN:-} exe:${NSMAP:-} exe:${NSVETH:-} exe:${NSLS:-} lib:${NS_BUILD_ROOT:-}/lib/libns.so"
for entry in $files; do
	kind=${entry%%:*}
	f=${entry#*:}
	name=$(basename "$f")
	if [ ! -f "$f" ]; then
		not_ok "$name: built file '$f' exists"
		continue
	fi
	if [ "$kind" = exe ]; then
		check "$name: position-independent executable" is_pie_or_dso "$f" exe
	else
		check "$name: shared object" is_pie_or_dso "$f" lib
	fi
	check "$name: GNU_RELRO segment" has_relro "$f"
	check "$name: bound now (full RELRO)" binds_now "$f"
	check "$name: stack not executable" stack_not_exec "$f"
	check "$name: no text relocations" no_textrel "$f"
	check "$name: stack protector (__stack_chk_fail imported)" has_canary "$f"
	if [ "${NS_FORTIFY:-}" = yes ]; then
		check "$name: _FORTIFY_SOURCE (__*_chk imported)" fortified "$f"
	else
		not_ok "$name: _FORTIFY_SOURCE: this build is not fortified (NS_FORTIFY=${NS_FORTIFY:-})"
	fi
done
echo "1..$n"
[ "$failed" -eq 0 ]
