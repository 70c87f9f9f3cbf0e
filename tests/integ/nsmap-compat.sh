#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nsmap under the names newuidmap and newgidmap against the system's
# newuidmap/newgidmap (shadow): for every accepted and refused input the
# same exit status, the same maps and setgroups, and the same message;
# where nsmap refuses on purpose what shadow takes (numbers that are not
# plain decimal), nothing is written. Run as root, as nobody and as a
# throwaway user with subordinate ids, for nsmap installed set-user-ID root
# and with file capabilities.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib-nsmap.sh"
ns_setup

U0=$SUBUID_START
G0=$SUBGID_START
U2=$SUBUID2_START
G2=$SUBGID2_START
# a third line, continuing the first: ranges across both are allotted
U3=$((U0 + SUBID_COUNT))
HARD=0

# run_both MODE [sh -c SCRIPT] TOOL ARGS...: the system's TOOL, then ours under that
# name ($T/$DIR/TOOL), each as MODE on a fresh target of MODE; "@" in ARGS
# is the target's PID (and in the messages). Theirs: $RC1, $ERR1, $MAPS1;
# ours: $RC, $ERR, $MAPS2.
run_both() {
	local m=$1 tool=$2 prog pre=()
	shift 2
	# "sh -c SCRIPT" in front of TOOL: run through that script
	if [ "$tool" = sh ]; then
		pre=(sh -c "$2")
		tool=$3
		shift 3
	fi
	HARD=$((HARD + 1))
	for prog in "/usr/bin/$tool" "$T/$DIR/$tool"; do
		target_start "$m"
		run_as "$m" "${pre[@]}" "$prog" "${@//@/$TGT}"
		ERR=$(mask_pid "$ERR" "$TGT")
		MAPS2=$(target_maps)
		target_stop
		if [ "$prog" = "/usr/bin/$tool" ]; then
			RC1=$RC ERR1=$ERR MAPS1=$MAPS2
		fi
	done
}

# judge OK DESC: a test point from the condition OK (0 or 1) with both
# runs shown on failure
judge() {
	if [ "$1" -eq 1 ]; then
		ok "$2"
	else
		not_ok "$2"
		diag "theirs: status $RC1, maps $MAPS1, stderr: $ERR1" \
			"ours:   status $RC, maps $MAPS2, stderr: $ERR"
	fi
}

# differ_map MODE DESC TOOL ARGS...: the same status, maps and message
differ_map() {
	local m=$1 desc=$2 good=0
	shift 2
	run_both "$m" "$@"
	[ "$RC1" -eq "$RC" ] && [ "$MAPS1" = "$MAPS2" ] && [ "$ERR1" = "$ERR" ] && good=1
	judge $good "$m/$DIR: as $1: $desc"
}

# same_effect MODE DESC TOOL ARGS...: as differ_map, where our message is
# a different one on purpose; status and maps agree.
same_effect() {
	local m=$1 desc=$2 good=0
	shift 2
	run_both "$m" "$@"
	[ "$RC1" -eq "$RC" ] && [ "$MAPS1" = "$MAPS2" ] && [ -n "$ERR" ] && good=1
	judge $good "$m/$DIR: as $1: same outcome, own message: $desc"
}

# stricter MODE DESC TOOL ARGS...: shadow's TOOL takes ARGS, ours refuses
# them with the usage message and writes nothing.
stricter() {
	local m=$1 desc=$2 tool=$3 id=uid good=0
	shift 2
	[ "$tool" = newgidmap ] && id=gid
	run_both "$m" "$@"
	[ "$RC1" -eq 0 ] && [ "$MAPS1" != "$EMPTY" ] && [ "$RC" -eq 1 ] && [ "$MAPS2" = "$EMPTY" ] &&
		[ "$ERR" = "usage: $tool <pid> <$id> <lower$id> <count> [ <$id> <lower$id> <count> ] ... " ] &&
		good=1
	judge $good "$m/$DIR: as $tool: refused though shadow takes it: $desc"
}

case_uid() {
	local m=$1 S G t=newuidmap
	S=$(mode_uid "$m") G=$(mode_gid "$m")
	differ_map "$m" "own uid" $t @ 0 "$S" 1
	differ_map "$m" "own uid, not at 0" $t @ 1000 "$S" 1
	differ_map "$m" "own uid, count 2" $t @ 0 "$S" 2
	differ_map "$m" "first subordinate id" $t @ 0 $U0 1
	differ_map "$m" "the whole first line" $t @ 0 $U0 $SUBID_COUNT
	differ_map "$m" "own uid and a subordinate line" $t @ 0 "$S" 1 1 $U0 $SUBID_COUNT
	differ_map "$m" "two lines" $t @ 0 $U0 $SUBID_COUNT $SUBID_COUNT $U2 $SUBID2_COUNT
	differ_map "$m" "inside a line" $t @ 1000 $((U0 + 5)) 10
	differ_map "$m" "across two adjacent lines" $t @ 0 $U0 $((SUBID_COUNT + 100))
	differ_map "$m" "one past the adjacent lines" $t @ 0 $U0 $((SUBID_COUNT + 101))
	differ_map "$m" "one past a line" $t @ 0 $U2 $((SUBID2_COUNT + 1))
	differ_map "$m" "one before a line" $t @ 0 $((U0 - 1)) 2
	differ_map "$m" "outside every line" $t @ 0 6000000 10
	differ_map "$m" "host uid 0" $t @ 0 0 1
	differ_map "$m" "host uid 0 in a range" $t @ 0 0 10
	differ_map "$m" "count 0" $t @ 0 $U0 0
	differ_map "$m" "a refused range before a count 0" $t @ 0 6000000 10 10 $U0 0
	differ_map "$m" "two numbers" $t @ 0 $U0
	differ_map "$m" "four numbers" $t @ 0 $U0 1 2
	differ_map "$m" "no range" $t @
	differ_map "$m" "no target" $t
	differ_map "$m" "count overflows 32 bits" $t @ 0 $U0 4294967295
	differ_map "$m" "inner id 2^32-1" $t @ 4294967295 $U0 1
	differ_map "$m" "inner wraps" $t @ 1 $U0 4294967295
	differ_map "$m" "outer id 2^32" $t @ 0 4294967296 1
	differ_map "$m" "an overflow after a count 0" $t @ 0 $U0 0 0 4294967296 1
	differ_map "$m" "a number past 64 bits" $t @ 0 99999999999999999999999 1
	same_effect "$m" "negative count: a form error, not an overflow" $t @ 0 $U0 -1
	same_effect "$m" "341 ranges: refused before the kernel sees them" $t @ $(seq_ranges 341 $U0)
	differ_map "$m" "letters" $t @ x $U0 1
	differ_map "$m" "empty number" $t @ '' $U0 1
	differ_map "$m" "overlapping inside" $t @ 0 $U0 10 5 $((U0 + 100)) 10
	differ_map "$m" "overlapping outside" $t @ 0 $U0 10 100 $((U0 + 5)) 10
	differ_map "$m" "the same range twice" $t @ 0 $U0 1 0 $U0 1
	differ_map "$m" "340 ranges, longer than a page" $t @ $(seq_ranges 340 $U0)
	differ_map "$m" "target is no number" $t abc 0 $U0 1
	differ_map "$m" "target PID 0" $t 0 0 $U0 1
	differ_map "$m" "no such target" $t 99999999 0 $U0 1
	differ_map "$m" "target PID 1" $t 1 0 "$S" 1
	differ_map "$m" "--help is a target" $t --help
	stricter "$m" "hexadecimal" $t @ 0x0 "$S" 1
	stricter "$m" "octal" $t @ 0 "$S" 01
	stricter "$m" "leading zero" $t @ 00 "$S" 1
	stricter "$m" "plus sign" $t @ +0 "$S" 1
	stricter "$m" "leading blank" $t @ ' 0' "$S" 1
	stricter "$m" "blank in the target" $t ' @' 0 "$S" 1
	: "$G"
}

case_gid() {
	local m=$1 S G t=newgidmap
	S=$(mode_uid "$m") G=$(mode_gid "$m")
	differ_map "$m" "own gid: setgroups denied" $t @ 0 "$G" 1
	differ_map "$m" "own gid and a subgid line: setgroups stays" $t @ 0 "$G" 1 1 $G0 10
	differ_map "$m" "the whole first line" $t @ 0 $G0 $SUBID_COUNT
	differ_map "$m" "the second line" $t @ 0 $G2 $SUBID2_COUNT
	differ_map "$m" "one past a line" $t @ 0 $G0 $((SUBID_COUNT + 1))
	differ_map "$m" "one before a line" $t @ 0 $((G0 - 1)) 2
	differ_map "$m" "the uid as a gid" $t @ 0 "$S" 1
	differ_map "$m" "own gid, count 2" $t @ 0 "$G" 2
	differ_map "$m" "host gid 0" $t @ 0 0 1
	differ_map "$m" "count 0" $t @ 0 $G0 0
	differ_map "$m" "three numbers short" $t @ 0 $G0 1 1 2
	differ_map "$m" "outer overflows" $t @ 0 4294967295 2
	differ_map "$m" "no such target" $t 99999999 0 "$G" 1
	# root keeps no CAP_SYS_PTRACE, so PID 1's setgroups is closed to it
	# (EACCES), where newgidmap's write fails (EPERM)
	same_effect "$m" "target PID 1" $t 1 0 "$G" 1
	stricter "$m" "hexadecimal" $t @ 0 "$G" 0x1
}

# a second write is refused by both, and the first map stays
case_twice() {
	local m=$1 tool=$2 id good=0
	id=$(mode_uid "$m")
	[ "$tool" = newgidmap ] && id=$(mode_gid "$m")
	# shellcheck disable=SC2016
	run_both "$m" sh -c '"$0" "$@" && exec "$0" "$@"' "$tool" @ 0 "$id" 1
	[ "$RC1" -eq 1 ] && [ "$RC" -eq 1 ] && [ "$MAPS1" = "$MAPS2" ] && [ "$MAPS1" != "$EMPTY" ] &&
		[ "$ERR1" = "$ERR" ] && good=1
	judge $good "$m/$DIR: as $tool: a second write refused alike"
}

run_all() {
	local m=$1
	case_uid "$m"
	case_gid "$m"
	case_twice "$m" newuidmap
	case_twice "$m" newgidmap
}

if ! require_root "installing nsmap set-user-ID root needs root"; then
	ns_done
fi
if nsmap_install; then
	ok "nsmap installed set-user-ID root and with file capabilities"
else
	not_ok "nsmap installed set-user-ID root and with file capabilities"
	ns_done
fi
extra_remove() {
	usermod --del-subuids "$(subid_range $U3 100)" "$SUB_USER" 2>/dev/null
}
compat_sub() {
	if usermod --add-subuids "$(subid_range $U3 100)" "$SUB_USER"; then
		NS_EXTRA_CLEANUP="extra_remove; $NS_EXTRA_CLEANUP"
		for DIR in suid fcap; do
			run_all sub
		done
	else
		not_ok "a third subuid line, continuing the first"
	fi
	extra_remove
}
with_subuser compat_sub
for DIR in suid fcap; do
	for_each_mode run_all
done
diag "$HARD inputs compared with shadow's newuidmap/newgidmap"
ns_done
