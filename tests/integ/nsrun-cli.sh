#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nsrun command line: help, version, bad options, abbreviations, where option
# parsing stops, and the message for every invalid option value.

. "$(dirname "$0")/../lib.sh"
ns_setup

# every long option unshare(1) documents, as the contract lists them
LONGOPTS="mount uts ipc net pid user cgroup time mount-proc mount-binfmt load-interp
propagation root wd setuid setgid map-user map-group map-root-user map-current-user
map-auto map-subids map-users map-groups owner fork kill-child forward-signals setgroups
keep-caps monotonic boottime clear-env whitelist-env help version"

case_help() {
	local m=$1 o missing=
	for o in --help -h --he; do
		run_as "$m" "$NSRUN" $o
		if [ "$RC" -eq 0 ] && [ -z "$ERR" ] &&
			[ "$(printf '%s\n' "$OUT" | grep -v '^$' | head -n 1)" = "Usage:" ] &&
			printf '%s\n' "$OUT" | grep -Fq ' nsrun [options] [<program> [<argument>...]]'; then
			ok "$m: $o prints the usage on stdout and exits 0"
		else
			not_ok "$m: $o prints the usage on stdout and exits 0"
			diag "status $RC" "stdout: $OUT" "stderr: $ERR"
		fi
	done
	run_as "$m" "$NSRUN" --help
	for o in $LONGOPTS; do
		printf '%s\n' "$OUT" | grep -Eq -- "--$o([^a-z-]|$)" || missing="$missing --$o"
	done
	if [ -z "$missing" ]; then
		ok "$m: --help lists every long option"
	else
		not_ok "$m: --help lists every long option"
		diag "missing:$missing"
	fi
	# help stops at the option: nothing after it runs
	run_as "$m" "$NSRUN" --help -n true
	expect "$m: --help wins over later options" 0 "$(cd "$T" && "$NSRUN" --help)"
}

case_version() {
	local m=$1 o
	for o in --version -V --vers; do
		run_as "$m" "$NSRUN" $o
		if [ -n "$ERR" ]; then
			not_ok "$m: $o"
			diag "stderr: $ERR"
		else
			expect "$m: $o prints the version" 0 "nsrun 0.1.0"
		fi
	done
}

case_bad_options() {
	local m=$1
	differ "$m" "unknown long option" --bogus true
	differ "$m" "unknown short option" -x true
	differ "$m" "short option given =FILE" -n=/tmp true
	differ "$m" "missing argument of a short option" -R
	differ "$m" "missing argument of a long option" --map-user
	differ "$m" "argument given to --fork" --fork=1 true
	differ "$m" "ambiguous prefix --map" --map true
	run_as "$m" "$NSRUN" --bogus true
	if [ "$RC" -eq 1 ] && [ -z "$OUT" ] &&
		[ "$(printf '%s\n' "$ERR" | sed -n 2p)" = "Try 'nsrun --help' for more information." ] &&
		[ "$(printf '%s\n' "$ERR" | wc -l)" -eq 2 ] &&
		printf '%s\n' "$ERR" | head -n 1 | grep -q "^nsrun: unrecognized option '--bogus'\$"; then
		# getopt's line begins with the tool's name, run by its path too
		# (unshare's begins with argv[0], the path)
		ok "$m: bad option: getopt's line, then the --help hint, exit 1"
	else
		not_ok "$m: bad option: getopt's line, then the --help hint, exit 1"
		diag "status $RC" "stdout: $OUT" "stderr: $ERR"
	fi
	# the other tools' getopt lines too, each run by its path
	local tool path
	for tool in nsls nsveth nsmap; do
		path=$NSLS
		[ "$tool" = nsveth ] && path=$NSVETH
		[ "$tool" = nsmap ] && path=$NSMAP
		run_as "$m" "$path" --bogus
		if [ "$RC" -eq 1 ] && [ "$ERR" = "$tool: unrecognized option '--bogus'
Try '$tool --help' for more information." ]; then
			ok "$m: $tool: getopt's line begins with the tool's name"
		else
			not_ok "$m: $tool: getopt's line begins with the tool's name"
			diag "command: $path --bogus" "status $RC" "stderr: $ERR"
		fi
	done
	run_as "$m" "$NSRUN" --map true
	if [ "$RC" -eq 1 ] && [ "$(printf '%s\n' "$ERR" | wc -l)" -eq 2 ] &&
		printf '%s\n' "$ERR" | head -n 1 | grep -q "^nsrun: option '--map' is ambiguous"; then
		ok "$m: --map is ambiguous"
	else
		not_ok "$m: --map is ambiguous"
		diag "status $RC" "stderr: $ERR"
	fi
}

case_parsing() {
	local m=$1
	differ "$m" "prefix --map-root" --map-root id -u
	differ "$m" "prefix --map-cur" --map-cur id -u
	differ "$m" "prefix --prop with =" -r --prop=private --mount findmnt -no TARGET /
	differ "$m" "options stop at the program" -r ls -ld /
	differ "$m" "the program's options are its own" -r echo -r -U --help -V
	differ "$m" "-- ends the options" -r -- id -u
	differ "$m" "no namespace at all" echo hello
	differ "$m" "grouped short options" -rnu sh -c 'id -u; ip -o link | wc -l'
	run_as "$m" "$NSRUN" -r echo -r --version
	expect "$m: options after the program reach the program" 0 "-r --version"
}

# invalid VALUE ARGS... -- PATTERN: both tools fail the same way, and ours
# says PATTERN: unshare's words of util-linux 2.42 (sys-utils/unshare.c),
# where 2.38 may word it otherwise (--map-user, --map-users), then any hint.
case_invalid() {
	local m=$1
	inval "$m" "nsrun: unsupported propagation mode: foo \(expected slave, shared, private or unchanged\)" \
		-rm --propagation foo true
	inval "$m" "nsrun: unsupported propagation mode: Private \(expected slave, shared, private or unchanged\)" \
		-rm --propagation=Private true
	inval "$m" "nsrun: unsupported --setgroups argument 'foo' \(expected allow or deny\)" \
		-U --setgroups foo true
	inval "$m" "nsrun: unsupported --setgroups argument '' \(expected allow or deny\)" \
		-U --setgroups= true
	inval "$m" "nsrun: unknown signal: NOPE" --kill-child=NOPE true
	inval "$m" "nsrun: unknown signal: SIGNOPE" -r --kill-child=SIGNOPE true
	inval "$m" "nsrun: unknown signal: " -r --kill-child= true
	inval "$m" "nsrun: failed to parse uid '': Invalid argument" --map-user= true
	inval "$m" "nsrun: failed to parse uid 'nsutils-no-such-user': Invalid argument" \
		--map-user=nsutils-no-such-user true
	inval "$m" "nsrun: failed to parse gid 'nsutils-no-such-group': Invalid argument" \
		--map-group=nsutils-no-such-group true
	inval "$m" "nsrun: failed to parse uid: 'abc'" -r -S abc true
	inval "$m" "nsrun: failed to parse uid: '12x'" -r -S 12x true
	inval "$m" "nsrun: failed to parse uid: ''" -r --setuid= true
	inval "$m" "nsrun: failed to parse uid: 'root'" -r -S root true
	inval "$m" "nsrun: failed to parse gid: 'abc'" -r -G abc true
	inval "$m" "nsrun: failed to parse gid: '-1': Numerical result out of range" -r --setgid=-1 true
	inval "$m" "nsrun: failed to parse monotonic offset: 'abc'" -rT --monotonic abc true
	inval "$m" "nsrun: failed to parse monotonic offset: '1.5'" -rT --monotonic 1.5 true
	inval "$m" "nsrun: failed to parse boottime offset: 'abc'" -rT --boottime abc true
	inval "$m" "nsrun: failed to parse boottime offset: '10s'" -rT --boottime=10s true
	inval "$m" "nsrun: options --monotonic and --boottime require unsharing of a time namespace \(-T\)" \
		-r --monotonic 100 true
	inval "$m" "nsrun: options --monotonic and --boottime require unsharing of a time namespace \(-T\)" \
		-r --boottime 100 true
	inval "$m" "nsrun: options --setgroups=allow and --map-group are mutually exclusive" \
		-U --setgroups allow --map-group=0 true
	inval "$m" "nsrun: options --setgroups=allow and --map-group are mutually exclusive" \
		-r --setgroups=allow true
	inval "$m" "nsrun: invalid mapping '1:2' \(expected inner:outer:count\)" \
		--map-users=1:2 true
	inval "$m" "nsrun: invalid mapping '1:2:3:4' \(expected inner:outer:count\)" \
		--map-users=1:2:3:4 true
	inval "$m" "nsrun: invalid mapping 'a,b,c' \(expected inner:outer:count\)" \
		--map-groups=a,b,c true
	inval "$m" "nsrun: invalid mapping '' \(expected inner:outer:count\)" \
		--map-groups= true
	# options 2.38 does not know: ours alone
	own_inval "$m" "nsrun: failed to parse owner \(expected uid:gid, not 'abc'\)" --owner abc true
	own_inval "$m" "nsrun: failed to parse owner \(expected uid:gid, not '1'\)" --owner 1 true
	own_inval "$m" "nsrun: failed to parse owner \(expected uid:gid, not '1:2:3'\)" --owner=1:2:3 true
	own_inval "$m" "nsrun: failed to parse owner \(expected uid:gid, not '1:x'\)" --owner=1:x true
	own_inval "$m" "nsrun: invalid mapping '1:2:x' \(expected inner:outer:count\)" \
		--map-users=1:2:x true
}

inval() {
	local m=$1 pat=$2
	shift 2
	differ "$m" "fails on $*" "$@"
	own_inval "$m" "$pat" "$@"
}

own_inval() {
	local m=$1 pat=$2
	shift 2
	run_as "$m" "$NSRUN" "$@"
	expect_err "$m: message for $*" 1 "^$pat\$"
}

for_each_mode case_help
for_each_mode case_version
for_each_mode case_bad_options
for_each_mode case_parsing
for_each_mode case_invalid
ns_done
