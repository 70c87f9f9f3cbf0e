#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# User and group maps: -r, -c, --map-user/--map-group, --setgroups, a user
# namespace without a map, range maps (--map-users/--map-groups in every
# form, --map-auto, --map-subids) written by root or through newuidmap for a
# user with subordinate ids, and the NSRUN_NEWUIDMAP/NSRUN_NEWGIDMAP helpers.

. "$(dirname "$0")/../lib.sh"
ns_setup

MAPS="cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups"

case_single() {
	local m=$1
	differ "$m" "-r id -u" -r id -u
	differ "$m" "-r id -g" -r id -g
	differ "$m" "-r maps and setgroups" -r $MAPS
	differ "$m" "--map-root-user id" --map-root-user id
	differ "$m" "-c id" -c id
	differ "$m" "-c maps and setgroups" -c $MAPS
	differ "$m" "--map-current-user id -u" --map-current-user id -u
	differ "$m" "--map-user=123 --map-group=456 id" --map-user=123 --map-group=456 id
	differ "$m" "--map-user alone: maps" --map-user=123 $MAPS
	differ "$m" "--map-group alone: maps, setgroups deny" --map-group 456 $MAPS
	differ "$m" "--map-user/--map-group by name" --map-user=daemon --map-group=daemon id
	differ "$m" "--map-user=root by name" --map-user=root id -u
	differ "$m" "last --map-user wins" --map-user=7 --map-user=8 id -u
	differ "$m" "-U without a map: overflow ids" -U id
	differ "$m" "-U without a map: empty maps" -U $MAPS
	differ "$m" "-U --setgroups deny" -U --setgroups deny cat /proc/self/setgroups
	differ "$m" "-U --setgroups=allow" -U --setgroups=allow cat /proc/self/setgroups
	differ "$m" "-r --setgroups deny" -r --setgroups deny cat /proc/self/setgroups
	differ "$m" "--setgroups without -U" --setgroups deny true
	# the values themselves, not only sameness
	run_as "$m" "$NSRUN" -r $MAPS
	expect "$m: -r: 0 maps to the caller" 0 "$(kmap "0 $(mode_uid "$m") 1" \
		"0 $(mode_gid "$m") 1")
deny"
	run_as "$m" "$NSRUN" -c $MAPS
	expect "$m: -c: the caller maps to itself" 0 "$(kmap "$(mode_uid "$m") $(mode_uid "$m") 1" \
		"$(mode_gid "$m") $(mode_gid "$m") 1")
deny"
	run_as "$m" "$NSRUN" --map-user=123 --map-group=456 $MAPS
	expect "$m: --map-user=123 --map-group=456" 0 "$(kmap "123 $(mode_uid "$m") 1" \
		"456 $(mode_gid "$m") 1")
deny"
	run_as "$m" "$NSRUN" -U id -u
	expect "$m: -U without a map: uid 65534" 0 65534
}

# The rule of unshare 2.42 for a single id (--map-user, -r, -c) combined with
# ranges: the single id comes first; a range it overlaps (inner or outer
# side, end included) loses one id, and is split around the single id.
case_ranges_root() {
	local m=root
	run_as $m "$NSRUN" --map-users=100000:0:10 sh -c 'cat /proc/self/uid_map; id -u'
	expect "$m: --map-users inner:outer:count" 0 "$(kmap "100000 0 10")
100000"
	run_as $m "$NSRUN" --map-users=100000,0,10 sh -c 'cat /proc/self/uid_map; id -u'
	expect "$m: --map-users outer,inner,count (the 2.38 form)" 0 "$(kmap "0 100000 10")
65534"
	run_as $m "$NSRUN" --map-groups=200:0:10 sh -c 'cat /proc/self/gid_map; id -g'
	expect "$m: --map-groups inner:outer:count" 0 "$(kmap "200 0 10")
200"
	run_as $m "$NSRUN" --map-groups=0,200,10 cat /proc/self/gid_map
	expect "$m: --map-groups outer,inner,count" 0 "$(kmap "200 0 10")"
	run_as $m "$NSRUN" --map-users=0:1000:10 --map-users=10:2000:10 cat /proc/self/uid_map
	expect "$m: --map-users repeated: ranges in the order given" 0 \
		"$(kmap "0 1000 10" "10 2000 10")"
	run_as $m "$NSRUN" --map-groups=10:2000:10 --map-groups 0:1000:10 cat /proc/self/gid_map
	expect "$m: --map-groups repeated: ranges in the order given" 0 \
		"$(kmap "10 2000 10" "0 1000 10")"
	run_as $m "$NSRUN" --map-users=0:100000:65536 -r $MAPS
	expect "$m: --map-users with -r: hole for 0, highest id dropped" 0 \
		"$(kmap "0 0 1" "1 100000 65535" "0 0 1")
deny"
	run_as $m "$NSRUN" -r --map-groups=0:100000:65536 sh -c \
		'cat /proc/self/uid_map /proc/self/gid_map; id -u; id -g'
	expect "$m: --map-groups with -r: hole for 0" 0 \
		"$(kmap "0 0 1" "0 0 1" "1 100000 65535")
0
0"
	run_as $m "$NSRUN" --map-user=5 --map-users=0:0:10 cat /proc/self/uid_map
	expect "$m: single id inside a range: split in two" 0 \
		"$(kmap "5 0 1" "0 1 5" "6 6 4")"
	run_as $m "$NSRUN" --map-users=10:0:100 --map-user=50 cat /proc/self/uid_map
	expect "$m: single id inside a range, ranges not at 0" 0 \
		"$(kmap "50 0 1" "10 1 40" "51 41 59")"
	run_as $m "$NSRUN" -c --map-users=0:0:100 cat /proc/self/uid_map
	expect "$m: -c with an identity range" 0 "$(kmap "0 0 1" "1 1 99")"
	run_as $m "$NSRUN" --map-users=all --map-groups=all sh -c \
		'cat /proc/self/uid_map /proc/self/gid_map; id -u; id -g'
	expect "$m: --map-users=all --map-groups=all: pass-through" 0 \
		"$(kmap "0 0 4294967295" "0 0 4294967295")
0
0"
	run_as $m "$NSRUN" -r --map-users=all cat /proc/self/uid_map
	expect "$m: --map-users=all with -r" 0 "$(kmap "0 0 1" "1 1 4294967294")"
	run_as $m "$NSRUN" --map-users=0:1000:10 --map-users=5:2000:10 true
	expect_err "$m: overlapping ranges: the kernel's refusal" 1 \
		"^nsrun: failed to write /proc/[0-9]+/uid_map: Invalid argument \(two ranges overlap inside or outside\)\$"
	run_as $m setpriv --groups=4 -- "$NSRUN" --map-users=0:100000:65536 \
		--map-groups=0:100000:65536 -S 1000 -G 2000 sh -c 'id -u; id -g; id -G'
	expect "$m: ranges, then -S/-G to mapped ids, supplementary groups dropped" 0 "1000
2000
2000"
	# root writes maps itself: a helper given in the environment is unused
	run_as $m env NSRUN_NEWUIDMAP="$T/bin/fakeuidmap" NSRUN_NEWGIDMAP="$T/bin/fakegidmap" \
		"$NSRUN" --map-users=0:100000:10 --map-groups=0:100000:10 cat /proc/self/uid_map
	if [ "$RC" -eq 0 ] && [ "$OUT" = "$(kmap "0 100000 10")" ] &&
		[ ! -e "$T/tmp/fakeuidmap.log" ] && [ ! -e "$T/tmp/fakegidmap.log" ]; then
		ok "$m: root writes range maps without newuidmap/newgidmap"
	else
		not_ok "$m: root writes range maps without newuidmap/newgidmap"
		diag "status $RC, stdout: $OUT, stderr: $ERR" \
			"helper logs: $(cat "$T"/tmp/fake*.log 2>/dev/null)"
	fi
	rm -f "$T"/tmp/fake*.log
}

# no /etc/subuid line for root or nobody; nobody may not map other ids. The
# message is util-linux 2.42's (sys-utils/unshare.c, errx); 2.38 added
# ": Success".
case_subids_missing() {
	local m=$1 name opt file
	name=$(getent passwd "$(mode_uid "$m")" | cut -d: -f1)
	differ "$m" "--map-auto without a subuid line" --map-auto true
	for opt in --map-auto:subuid --map-subids:subuid --map-users=auto:subuid \
		--map-users=subids:subuid --map-groups=auto:subgid --map-groups=subids:subgid; do
		file=${opt##*:}
		opt=${opt%:*}
		run_as "$m" "$NSRUN" "$opt" true
		expect_err "$m: $opt without a $file line" 1 \
			"^nsrun: no line matching user \"$name\" in /etc/$file\$"
	done
}

# same_err MODE DESC NSRUN-ARGS -- UNSHARE-ARGS: status, stdout and the
# exact stderr agree (the helper's own message, nothing added).
same_err() {
	local m=$1 desc=$2 a=() b=()
	shift 2
	while [ "$1" != -- ]; do
		a+=("$1")
		shift
	done
	shift
	b=("$@")
	run_as "$m" "$UNSHARE" "${b[@]}"
	local rc1=$RC out1=$OUT err1=$ERR
	run_as "$m" "$NSRUN" "${a[@]}"
	if [ "$RC" -eq "$rc1" ] && [ "$OUT" = "$out1" ] && [ "$ERR" = "$err1" ] && [ -n "$ERR" ]; then
		ok "$m: $desc"
	else
		not_ok "$m: $desc"
		diag "unshare ${b[*]}: status $rc1, stdout: $out1, stderr: $err1" \
			"nsrun ${a[*]}: status $RC, stdout: $OUT, stderr: $ERR"
	fi
}

case_ranges_user() {
	local m=user
	same_err $m "--map-users not allowed: newuidmap's message alone" \
		--map-users=0:100000:10 true -- --map-users=100000,0,10 true
	same_err $m "--map-users 2.38 form not allowed: newuidmap's message alone" \
		--map-users=100000,0,10 true -- --map-users=100000,0,10 true
	same_err $m "--map-groups not allowed: newgidmap's message alone" \
		--map-groups=0:100000:10 true -- --map-groups=100000,0,10 true
	run_as $m "$NSRUN" --map-users=all true
	expect_err "$m: --map-users=all: newuidmap refuses" 1 "^newuidmap: "
	run_as $m "$NSRUN" --map-groups=all true
	expect_err "$m: --map-groups=all: newgidmap refuses" 1 "^newgidmap: "
}

# a user with /etc/subuid and /etc/subgid lines: maps go through newuidmap
case_ranges_sub() {
	local m=sub S=$SUB_UID G=$SUB_GID U0=$SUBUID_START G0=$SUBGID_START
	differ $m "--map-auto" --map-auto $MAPS
	differ $m "--map-auto, ids inside" --map-auto sh -c 'id -u; id -g'
	differ $m "--map-users outer,inner,count with -r" --map-users=$U0,0,65536 -r $MAPS
	differ $m "--map-users with --map-user inside the range" \
		--map-users=$U0,1000,10 --map-user=1005 cat /proc/self/uid_map
	differ $m "--map-users/--map-groups then -S/-G" \
		--map-users=$U0,0,65536 --map-groups=$G0,0,65536 -S 1000 -G 1000 \
		sh -c 'id -u; id -g; cat /proc/self/setgroups'
	same_err $m "a range outside the subuid lines: newuidmap's message alone" \
		--map-users=0:6000000:10 true -- --map-users=6000000,0,10 true

	run_as $m "$NSRUN" --map-auto sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u'
	expect "$m: --map-auto: first subuid/subgid block from 0" 0 \
		"$(kmap "0 $U0 65536" "0 $G0 65536")
65534"
	run_as $m "$NSRUN" --map-subids sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u'
	expect "$m: --map-subids: identity map of the block" 0 \
		"$(kmap "$U0 $U0 65536" "$G0 $G0 65536")
65534"
	run_as $m "$NSRUN" --map-users=subids --map-groups=auto $MAPS
	expect "$m: --map-users=subids --map-groups=auto" 0 \
		"$(kmap "$U0 $U0 65536" "0 $G0 65536")
allow"
	run_as $m "$NSRUN" --map-users=auto --map-groups=subids $MAPS
	expect "$m: --map-users=auto --map-groups=subids" 0 \
		"$(kmap "0 $U0 65536" "$G0 $G0 65536")
allow"
	run_as $m "$NSRUN" --map-users=0:$U0:65536 -r $MAPS
	expect "$m: --map-users inner:outer:count with -r: hole for 0" 0 \
		"$(kmap "0 $S 1" "1 $U0 65535" "0 $G 1")
deny"
	run_as $m "$NSRUN" --map-users=0:$U0:65536 --map-groups=0:$G0:65536 -r \
		sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; id -g'
	expect "$m: --map-users/--map-groups with -r" 0 \
		"$(kmap "0 $S 1" "1 $U0 65535" "0 $G 1" "1 $G0 65535")
0
0"
	# unshare 2.42 shifts an auto block past the single id instead of
	# shortening it (2.38 drops its highest id: 65535)
	run_as $m "$NSRUN" --map-auto -r cat /proc/self/uid_map /proc/self/gid_map
	expect "$m: --map-auto with -r: block shifted past 0" 0 \
		"$(kmap "0 $S 1" "1 $U0 65536" "0 $G 1" "1 $G0 65536")"
	run_as $m "$NSRUN" --map-users=auto --map-user=5 cat /proc/self/uid_map
	expect "$m: --map-users=auto with --map-user=5: split around 5" 0 \
		"$(kmap "5 $S 1" "0 $U0 5" "6 $((U0 + 5)) 65531")"
	run_as $m "$NSRUN" --map-subids -r cat /proc/self/uid_map /proc/self/gid_map
	expect "$m: --map-subids with -r: no overlap, nothing dropped" 0 \
		"$(kmap "0 $S 1" "$U0 $U0 65536" "0 $G 1" "$G0 $G0 65536")"
	run_as $m "$NSRUN" --map-users=1000:$U0:10 --map-user=1005 cat /proc/self/uid_map
	expect "$m: --map-user inside the range: split" 0 \
		"$(kmap "1005 $S 1" "1000 $U0 5" "1006 $((U0 + 5)) 4")"
	run_as $m "$NSRUN" --map-users=0:$U0:10 --map-users=10:$((U0 + 100)):10 \
		cat /proc/self/uid_map
	expect "$m: --map-users repeated" 0 "$(kmap "0 $U0 10" "10 $((U0 + 100)) 10")"
	run_as $m "$NSRUN" -c --map-groups=0:$G0:100 sh -c \
		'cat /proc/self/uid_map /proc/self/gid_map; id -u; id -g'
	expect "$m: -c with --map-groups" 0 "$(kmap "$S $S 1" "$G $G 1" "0 $G0 100")
$S
$G"
	run_as $m "$NSRUN" --map-auto -S 1000 -G 1001 sh -c 'id -u; id -g; id -G'
	expect "$m: --map-auto then -S/-G" 0 "1000
1001
1001"
	run_as $m "$NSRUN" -rn --map-auto ip -o link
	expect_re "$m: --map-auto with -rn: root of the new net namespace" 0 "^1: lo: "
	run_as $m "$NSRUN" --map-users=0:$SUBUID2_START:$SUBID2_COUNT --map-groups=0:$SUBGID2_START:10 \
		cat /proc/self/uid_map /proc/self/gid_map
	expect "$m: a range from the second subuid/subgid line" 0 \
		"$(kmap "0 $SUBUID2_START $SUBID2_COUNT" "0 $SUBGID2_START 10")"
	run_as $m "$NSRUN" --map-users=0:6000000:10 true
	expect_err "$m: a range outside the subuid lines" 1 "^newuidmap: "
	run_as $m "$NSRUN" --map-groups=0:6000000:10 true
	expect_err "$m: a gid range outside the subgid lines" 1 "^newgidmap: "
}

# NSRUN_NEWUIDMAP and NSRUN_NEWGIDMAP name the helpers
make_fakes() {
	local k
	for k in uid gid; do
		cat >"$T/bin/fake${k}map" <<-EOF
			#!/bin/sh
			printf '%s\n' "\$*" >>"$T/tmp/fake${k}map.log"
			exec /usr/bin/new${k}map "\$@"
		EOF
		cat >"$T/bin/fail${k}map" <<-EOF
			#!/bin/sh
			echo "fail${k}map: refused" >&2
			exit 3
		EOF
		cat >"$T/bin/killed${k}map" <<-EOF
			#!/bin/sh
			kill -KILL \$\$
		EOF
		chmod 755 "$T/bin/fake${k}map" "$T/bin/fail${k}map" "$T/bin/killed${k}map"
	done
}

# check_log FILE "ARGS": FILE holds one call, a PID or fd:N and then ARGS
check_log() {
	[ -f "$1" ] && [ "$(wc -l <"$1")" -eq 1 ] &&
		grep -Eqx "([0-9]+|fd:[0-9]+) $2" "$1"
}

case_helpers() {
	local m=$1 U0=$SUBUID_START G0=$SUBGID_START S G
	S=$(mode_uid "$m") G=$(mode_gid "$m")
	rm -f "$T"/tmp/fake*.log
	if [ "$m" = sub ]; then
		run_as $m env NSRUN_NEWUIDMAP="$T/bin/fakeuidmap" \
			NSRUN_NEWGIDMAP="$T/bin/fakegidmap" "$NSRUN" \
			--map-users=0:$U0:10 --map-groups=0:$G0:20 -r cat /proc/self/uid_map
		if [ "$RC" -eq 0 ] && [ "$OUT" = "$(kmap "0 $S 1" "1 $U0 9")" ] &&
			check_log "$T/tmp/fakeuidmap.log" "0 $S 1 1 $U0 9" &&
			check_log "$T/tmp/fakegidmap.log" "0 $G 1 1 $G0 19"; then
			ok "$m: NSRUN_NEWUIDMAP/NSRUN_NEWGIDMAP: the helpers' arguments"
		else
			not_ok "$m: NSRUN_NEWUIDMAP/NSRUN_NEWGIDMAP: the helpers' arguments"
			diag "status $RC, stdout: $OUT, stderr: $ERR" \
				"uid helper: $(cat "$T/tmp/fakeuidmap.log" 2>/dev/null)" \
				"gid helper: $(cat "$T/tmp/fakegidmap.log" 2>/dev/null)"
		fi
		rm -f "$T"/tmp/fake*.log
		run_as $m env NSRUN_NEWUIDMAP="$T/bin/fakeuidmap" "$NSRUN" --map-auto \
			cat /proc/self/uid_map
		if [ "$RC" -eq 0 ] && check_log "$T/tmp/fakeuidmap.log" "0 $U0 65536" &&
			[ ! -e "$T/tmp/fakegidmap.log" ]; then
			ok "$m: NSRUN_NEWUIDMAP alone: only the uid helper replaced"
		else
			not_ok "$m: NSRUN_NEWUIDMAP alone: only the uid helper replaced"
			diag "status $RC, stdout: $OUT, stderr: $ERR" \
				"uid helper: $(cat "$T/tmp/fakeuidmap.log" 2>/dev/null)"
		fi
		rm -f "$T"/tmp/fake*.log
	fi
	# a failing helper's status is nsrun's, as unshare(1) passes it on
	# (2.38 and the newest alike: the helper is exec'd by its child)
	run_as "$m" env NSRUN_NEWUIDMAP="$T/bin/failuidmap" "$NSRUN" --map-users=0:$U0:10 true
	helper_failed "$m: failing uid helper: its status, its message alone" failuidmap
	run_as "$m" env NSRUN_NEWGIDMAP="$T/bin/failgidmap" "$NSRUN" --map-groups=0:$G0:10 true
	helper_failed "$m: failing gid helper: its status, its message alone" failgidmap
	run_as "$m" env NSRUN_NEWUIDMAP="$T/bin/failuidmap" NSRUN_NEWGIDMAP="$T/bin/fakegidmap" \
		"$NSRUN" --map-users=0:$U0:10 --map-groups=0:$G0:10 true
	helper_failed "$m: failing uid helper before the gid one: its status, its message alone" \
		failuidmap
	# the same through unshare, which finds its helpers in PATH
	mkdir -p "$T/tmp/failpath"
	ln -sf "$T/bin/failuidmap" "$T/tmp/failpath/newuidmap"
	ln -sf "$T/bin/failgidmap" "$T/tmp/failpath/newgidmap"
	run_as "$m" env PATH="$T/tmp/failpath:$PATH" "$UNSHARE" --map-users=$U0,0,10 \
		--map-groups=$G0,0,10 true
	helper_failed "$m: unshare with a failing uid helper: the same" failuidmap
	rm -r "$T/tmp/failpath"
	# unshare's helper child ends in errexec(): 127 for a helper that is
	# not there, 126 for one that cannot run
	run_as "$m" env NSRUN_NEWUIDMAP=/nonexistent/newuidmap "$NSRUN" --map-users=0:$U0:10 true
	expect_err "$m: missing uid helper: one line, status 127" 127 \
		"^nsrun: failed to execute /nonexistent/newuidmap: No such file or directory\$"
	run_as "$m" env NSRUN_NEWGIDMAP=/etc/passwd "$NSRUN" --map-groups=0:$G0:10 true
	expect_err "$m: a gid helper that cannot run: one line, status 126" 126 \
		"^nsrun: failed to execute /etc/passwd: Permission denied\$"
	# a helper failing without a word is named, with how it ended
	run_as "$m" env NSRUN_NEWUIDMAP=/bin/false "$NSRUN" --map-users=0:$U0:10 true
	expect_err "$m: a silent failing uid helper is named" 1 \
		"^nsrun: /bin/false failed with exit status 1\$"
	run_as "$m" env NSRUN_NEWUIDMAP=/bin/false NSRUN_NEWGIDMAP="$T/bin/fakegidmap" \
		"$NSRUN" --map-users=0:$U0:10 --map-groups=0:$G0:10 true
	expect_err "$m: a silent failing uid helper before the gid one is named" 1 \
		"^nsrun: /bin/false failed with exit status 1\$"
	run_as "$m" env NSRUN_NEWGIDMAP="$T/bin/killedgidmap" "$NSRUN" --map-groups=0:$G0:10 true
	expect_err "$m: a gid helper killed by a signal is named" 1 \
		"^nsrun: $T/bin/killedgidmap died of signal 9\$"
}

helper_failed() {
	if [ "$RC" -eq 3 ] && [ -z "$OUT" ] && [ "$ERR" = "$2: refused" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "status $RC, stdout: $OUT, stderr: $ERR"
	fi
}

case_sub() {
	case_single sub
	case_ranges_sub
	case_helpers sub
}

make_fakes
for_each_mode case_single
require_root "range maps for other ids are written by root" && case_ranges_root
for_each_mode case_subids_missing
case_ranges_user
case_helpers user
with_subuser case_sub
ns_done
