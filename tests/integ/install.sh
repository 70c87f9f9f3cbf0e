#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# meson install into a DESTDIR, as a package is built: the file list, modes
# (nsmap set-user-ID root, or file capabilities), the compatibility links,
# libns's soname and exported symbols, libns.pc, the tools' libraries; then a program built
# against the installed libns with pkg-config's flags alone, linked to the
# shared and to the static library, lists the caller's namespaces.
. "$(dirname "$0")/../lib.sh"
ns_setup

b=$T/build
prefix=$T/prefix
dest=$T/dest
src=$NS_SOURCE_ROOT

# install_into DESTDIR: builds what is installed (not the tests) and
# installs it below DESTDIR ("": into the prefix itself); the output lands
# in $T/install.log.
install_into() {
	local targets
	targets=$(meson introspect "$b" --installed | python3 -c '
import json, os, sys
b = sys.argv[1]
print(" ".join(os.path.relpath(k, b) for k in json.load(sys.stdin)
            if k.startswith(b + "/") and "/meson-private/" not in k))' "$b")
	# shellcheck disable=SC2086
	ninja -C "$b" $targets >"$T/install.log" 2>&1 &&
		meson install -C "$b" --no-rebuild ${1:+--destdir "$1"} >>"$T/install.log" 2>&1
}

if ! require_root "a set-user-ID root nsmap needs an install as root"; then
	ns_done
fi

# a scratch build with every install option on
if ! meson setup "$b" "$src" --prefix="$prefix" -Dfuzz=disabled -Dnewidmap_links=true \
	-Dnsenter_link=true >"$T/setup.log" 2>&1; then
	not_ok "meson setup"
	diag "$(tail -20 "$T/setup.log")"
	ns_done
fi
libdir=$(meson introspect "$b" --buildoptions | jq -r '.[] | select(.name == "libdir") | .value')
version=$(meson introspect "$b" --projectinfo | jq -r .version)
if install_into "$dest"; then
	ok "meson install into a DESTDIR"
else
	not_ok "meson install into a DESTDIR"
	diag "$(tail -20 "$T/install.log")"
	ns_done
fi
root=$dest$prefix

# --- what is installed ---------------------------------------------------

{
	for t in nsls nsmap nsrun nsveth; do echo "bin/$t"; done
	echo "bin/newgidmap -> nsmap"
	echo "bin/newuidmap -> nsmap"
	echo "bin/nsenter -> nsrun"
	echo "include/libns/ns.h"
	echo "$libdir/libns.a"
	echo "$libdir/libns.so -> libns.so.0"
	echo "$libdir/libns.so.0 -> libns.so.$version"
	echo "$libdir/libns.so.$version"
	echo "$libdir/pkgconfig/libns.pc"
	c=share/bash-completion/completions
	for t in nsls nsmap nsrun nsveth; do echo "$c/$t -> nsutils"; done
	echo "$c/nsutils"
	if grep -q "scdoc.*YES" "$T/setup.log"; then
		for m in man1/nsenter.1 man1/nsmap.1 man1/nsrun.1 man3/libns.3 man8/nsls.8 man8/nsveth.8; do
			echo "share/man/$m"
		done
	fi
} | LC_ALL=C sort >"$T/want.list"
(cd "$root" && find . ! -type d -printf '%P\n' | while read -r f; do
	if [ -L "$f" ]; then echo "$f -> $(readlink "$f")"; else echo "$f"; fi
done) | LC_ALL=C sort >"$T/got.list"
if cmp -s "$T/want.list" "$T/got.list"; then
	ok "the installed files and links"
else
	not_ok "the installed files and links"
	diag "$(diff "$T/want.list" "$T/got.list")"
fi
if [ -z "$(find "$dest" ! -type d ! -path "$root/*")" ]; then
	ok "nothing outside the prefix"
else
	not_ok "nothing outside the prefix"
fi

check "nsmap is set-user-ID root in the DESTDIR" \
	test "$(stat -c '%a %U %G' "$root/bin/nsmap")" = "4755 root root"
bad=
for t in nsrun nsveth nsls; do
	[ "$(stat -c '%a %U' "$root/bin/$t")" = "755 root" ] || bad="$bad $t"
done
check "the other tools are plain 0755" test -z "$bad"
check "the nsenter_link option installs a link that runs the enter mode" \
	sh -c 'LD_LIBRARY_PATH="$1/$2" "$1/bin/nsenter" --help | grep -q "^ nsenter \[options\]"' sh "$root" "$libdir"

so=$root/$libdir/libns.so.$version
check "libns.so's soname is libns.so.0" \
	test "$(readelf -d "$so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')" = libns.so.0
# every defined dynamic symbol, version node aside, is in libns.sym, as
# ns_*@@LIBNS_*, and every symbol there is exported
readelf --dyn-syms -W "$so" | awk '$5 == "GLOBAL" && $7 != "UND" && $7 != "ABS" {print $8}' |
	sort >"$T/exported"
sed -n 's/^[[:space:]]*\(ns_[A-Za-z0-9_]*\);.*/\1/p' "$src/lib/libns.sym" | sort >"$T/sym"
if ! grep -qv '^ns_[a-z0-9_]*@@LIBNS_[0-9.]*$' "$T/exported" &&
	[ "$(sed 's/@@.*//' "$T/exported")" = "$(cat "$T/sym")" ]; then
	ok "libns.so exports exactly libns.sym's ns_* symbols, versioned"
else
	not_ok "libns.so exports exactly libns.sym's ns_* symbols, versioned"
	diag "$(diff <(sed 's/@@.*//' "$T/exported") "$T/sym" | head -20)"
fi
nm -g --defined-only "$root/$libdir/libns.a" | awk 'NF == 3 {print $3}' | sort >"$T/static"
if cmp -s "$T/static" "$T/sym"; then
	ok "libns.a's global symbols are libns.sym's"
else
	not_ok "libns.a's global symbols are libns.sym's"
	diag "$(diff "$T/static" "$T/sym" | head -20)"
fi

pc=$root/$libdir/pkgconfig/libns.pc
if grep -qx "prefix=$prefix" "$pc" && grep -qx 'Name: libns' "$pc" &&
	grep -qx "Version: $version" "$pc" && grep -qx 'Libs: -L${libdir} -lns' "$pc" &&
	grep -qx 'Cflags: -I${includedir}/libns' "$pc" &&
	grep -qx 'Requires.private: libmnl' "$pc"; then
	ok "libns.pc's prefix, name, version, flags and private requirements"
else
	not_ok "libns.pc's prefix, name, version, flags and private requirements"
	diag "$(cat "$pc")"
fi

# The tools carry libns inside (libns.so is for other programs); nsrun and
# nsls load libmnl only once a run speaks netlink, and none needs libcap
needed() {
	readelf -d "$1" | sed -n 's/.*(NEEDED).*Shared library: \[\(.*\)\]/\1/p' | sort | tr '\n' ' '
}
check "nsrun needs libc alone" test "$(needed "$root/bin/nsrun")" = "libc.so.6 "
check "nsmap needs libc alone" test "$(needed "$root/bin/nsmap")" = "libc.so.6 "
check "nsveth needs libc and libmnl" test "$(needed "$root/bin/nsveth")" = "libc.so.6 libmnl.so.0 "
check "nsls needs libc and libsmartcols" \
	test "$(needed "$root/bin/nsls")" = "libc.so.6 libsmartcols.so.1 "
bad=
for t in nsls nsmap nsrun nsveth; do
	readelf -d "$root/bin/$t" | grep -q 'R\(UN\)\?PATH' && bad="$bad $t"
done
check "no tool has a RUNPATH" test -z "$bad"

# --- nsmap with file capabilities ----------------------------------------

meson configure "$b" -Dnsmap_privileges=caps >/dev/null
if install_into "$T/dest-caps"; then
	f=$T/dest-caps$prefix/bin/nsmap
	caps=$(getcap "$f" | sed 's/^[^ ]* //')
	check "caps: nsmap has cap_setuid,cap_setgid,cap_setfcap permitted" \
		test "$caps" = "cap_setgid,cap_setuid,cap_setfcap=p"
	check "caps: nsmap is not set-user-ID" test "$(stat -c %a "$f")" = 755
else
	not_ok "meson install with -Dnsmap_privileges=caps"
	diag "$(tail -20 "$T/install.log")"
fi

# --- a program built with pkg-config's flags alone -----------------------

# installed for real into the scratch prefix the build was set up with
# (nsmap unprivileged: it is not what this part is about)
meson configure "$b" -Dnsmap_privileges=none >/dev/null
if install_into ""; then
	ok "meson install into the scratch prefix"
else
	not_ok "meson install into the scratch prefix"
	diag "$(tail -20 "$T/install.log")"
fi
root=$prefix
export PKG_CONFIG_PATH=$root/$libdir/pkgconfig
cflags=$(echo $(pkg-config --cflags libns)) libs=$(echo $(pkg-config --libs libns))
if [ "$cflags" = "-I$root/include/libns" ] && [ "$libs" = "-L$root/$libdir -lns" ]; then
	ok "pkg-config's flags point into the prefix"
else
	not_ok "pkg-config's flags point into the prefix"
	diag "cflags: $cflags" "libs: $libs"
fi
# build_list_ns DESC OUT LIBS...: list-ns.c built into $T/prog/OUT with the
# installed headers and LIBS, one test point DESC
build_list_ns() {
	local desc=$1 out=$2
	shift 2
	# shellcheck disable=SC2086
	if ${CC:-cc} -Wall -Werror -o "$T/prog/$out" "$src/tests/pkgconfig/list-ns.c" \
		$cflags "$@" 2>"$T/cc.log"; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "$(cat "$T/cc.log")"
	fi
}
mkdir -p "$T/prog" && chmod 755 "$T/prog"
# shellcheck disable=SC2086
build_list_ns "list-ns builds against the installed libns" list-ns $libs
check "list-ns needs libns.so.0" sh -c "readelf -d '$T/prog/list-ns' | grep -q 'NEEDED.*\[libns.so.0\]'"

# the static archive, with the libraries it needs from pkg-config --static
# (libns.a picked by name: libmnl and libc stay shared)
if [ -f "$root/$libdir/libns.a" ]; then
	slibs=$(pkg-config --static --libs libns | sed 's/-lns\b/-l:libns.a/')
	# shellcheck disable=SC2086
	build_list_ns "list-ns links libns statically" list-ns-static $slibs
	check "the static list-ns does not need libns.so" \
		sh -c "! readelf -d '$T/prog/list-ns-static' | grep -q 'NEEDED.*libns'"
fi

# its namespaces, as the caller's shell sees them in /proc/self/ns
proc_ns='for f in /proc/self/ns/*; do case $f in *_for_children) ;; *) readlink "$f" ;; esac; done'
case_list_ns() {
	local mode=$1 want exe
	run_as "$mode" sh -c "$proc_ns"
	want=$(printf '%s\n' "$OUT" | LC_ALL=C sort)
	for exe in list-ns list-ns-static; do
		[ -x "$T/prog/$exe" ] || continue
		run_as "$mode" env LD_LIBRARY_PATH="$root/$libdir" "$T/prog/$exe"
		OUT=$(printf '%s\n' "$OUT" | LC_ALL=C sort)
		expect "$mode: $exe lists the namespaces of /proc/self/ns" 0 "$want"
	done
}
for_each_mode case_list_ns
unset PKG_CONFIG_PATH

# --- without root the privileges fail with a clear message ---------------

mkdir -p "$T/nr/bin" && cp "$prefix/bin/nsrun" "$T/nr/bin/nsmap" && chmod 755 "$T/nr/bin/nsmap"
chown -R "$NOBODY_UID:$NOBODY_GID" "$T/nr"
for p in setuid caps; do
	run_as user env MESON_INSTALL_DESTDIR_PREFIX="$T/nr" "$src/tools/install-nsmap-privileges" \
		"$p" bin
	expect_err "not root: $p fails and says so" 1 \
		"^nsmap: cannot (make|give) $T/nr/bin/nsmap .*as uid $NOBODY_UID: .*-Dnsmap_privileges=none"
	check "not root: $p leaves nsmap unprivileged" \
		test "$(stat -c %a "$T/nr/bin/nsmap")" = 755 -a -z "$(getcap "$T/nr/bin/nsmap")"
done

ns_done
