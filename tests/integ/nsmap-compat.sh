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

# differ_map MODE DESC TOOL ARGS...: the system's TOOL and ours under that
# name ($T/$DIR/TOOL), each on a fresh target of MODE; "@" in ARGS is the
# target's PID.
differ_map() {
	local m=$1 desc=$2 tool=$3 rc1 err1 maps1 maps2
	shift 3
	HARD=$((HARD + 1))
	target_start "$m"
	run_as "$m" "/usr/bin/$tool" "${@//@/$TGT}"
	rc1=$RC err1=${ERR//$TGT/@} maps1=$(target_maps)
	target_stop
	target_start "$m"
	run_as "$m" "$T/$DIR/$tool" "${@//@/$TGT}"
	maps2=$(target_maps)
	ERR=${ERR//$TGT/@}
	target_stop
	if [ "$rc1" -eq "$RC" ] && [ "$maps1" = "$maps2" ] && [ "$err1" = "$ERR" ]; then
		ok "$m/$DIR: as $tool: $desc"
	else
		not_ok "$m/$DIR: as $tool: $desc"
		diag "$tool: status $rc1, maps $maps1, stderr: $err1" \
			"ours:  status $RC, maps $maps2, stderr: $ERR"
	fi
}

# same_effect MODE DESC TOOL ARGS...: as differ_map, where our message is
# a different one on purpose; status and maps agree.
same_effect() {
	local m=$1 desc=$2 tool=$3 rc1 maps1 maps2
	shift 3
	HARD=$((HARD + 1))
	target_start "$m"
	run_as "$m" "/usr/bin/$tool" "${@//@/$TGT}"
	rc1=$RC maps1=$(target_maps)
	target_stop
	target_start "$m"
	run_as "$m" "$T/$DIR/$tool" "${@//@/$TGT}"
	maps2=$(target_maps)
	target_stop
	if [ "$rc1" -eq "$RC" ] && [ "$maps1" = "$maps2" ] && [ -n "$ERR" ]; then
		ok "$m/$DIR: as $tool: same outcome, own message: $desc"
	else
		not_ok "$m/$DIR: as $tool: same outcome, own message: $desc"
		diag "$tool: status $rc1, maps $maps1" "ours:  status $RC, maps $maps2, stderr: $ERR"
	fi
}

# stricter MODE DESC TOOL ARGS...: shadow's TOOL takes ARGS, ours refuses
# them with the usage message and writes nothing.
stricter() {
	local m=$1 desc=$2 tool=$3 rc1 maps1 maps2 id=uid
	shift 3
	[ "$tool" = newgidmap ] && id=gid
	HARD=$((HARD + 1))
	target_start "$m"
	run_as "$m" "/usr/bin/$tool" "${@//@/$TGT}"
	rc1=$RC maps1=$(target_maps)
	target_stop
	target_start "$m"
	run_as "$m" "$T/$DIR/$tool" "${@//@/$TGT}"
	maps2=$(target_maps)
	target_stop
	if [ "$rc1" -eq 0 ] && [ "$maps1" != "$EMPTY" ] && [ "$RC" -eq 1 ] &&
		[ "$maps2" = "$EMPTY" ] &&
		[ "$ERR" = "usage: $tool <pid> <$id> <lower$id> <count> [ <$id> <lower$id> <count> ] ... " ]; then
		ok "$m/$DIR: as $tool: refused though shadow takes it: $desc"
	else
		not_ok "$m/$DIR: as $tool: refused though shadow takes it: $desc"
		diag "$tool: status $rc1, maps $maps1" "ours:  status $RC, maps $maps2, stderr: $ERR"
	fi
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
	local m=$1 tool=$2 id maps1 maps2 rc1 err1
	id=$(mode_uid "$m")
	[ "$tool" = newgidmap ] && id=$(mode_gid "$m")
	HARD=$((HARD + 1))
	target_start "$m"
	run_as "$m" "/usr/bin/$tool" "$TGT" 0 "$id" 1
	run_as "$m" "/usr/bin/$tool" "$TGT" 0 "$id" 1
	rc1=$RC err1=$ERR maps1=$(target_maps)
	target_stop
	target_start "$m"
	run_as "$m" "$T/$DIR/$tool" "$TGT" 0 "$id" 1
	run_as "$m" "$T/$DIR/$tool" "$TGT" 0 "$id" 1
	maps2=$(target_maps)
	target_stop
	if [ "$rc1" -eq 1 ] && [ "$RC" -eq 1 ] && [ "$maps1" = "$maps2" ] && [ "$err1" = "$ERR" ]; then
		ok "$m/$DIR: as $tool: a second write refused alike"
	else
		not_ok "$m/$DIR: as $tool: a second write refused alike"
		diag "$tool: status $rc1, maps $maps1, stderr: $err1" \
			"ours:  status $RC, maps $maps2, stderr: $ERR"
	fi
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
if ns_subuser_create && usermod --add-subuids "$(subid_range $U3 100)" "$SUB_USER"; then
	NS_EXTRA_CLEANUP="extra_remove; $NS_EXTRA_CLEANUP"
	ok "throwaway user $SUB_USER with subordinate ids created"
	for DIR in suid fcap; do
		run_all sub
	done
else
	not_ok "throwaway user with subordinate ids created"
fi
for DIR in suid fcap; do
	for_each_mode run_all
done
extra_remove
if ns_subuser_remove; then
	ok "throwaway user and its subordinate ids removed"
else
	not_ok "throwaway user and its subordinate ids removed"
fi
diag "$HARD inputs compared with shadow's newuidmap/newgidmap"
ns_done
