#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nsmap under the names newuidmap and newgidmap against the system's
# newuidmap/newgidmap (shadow): for every accepted and refused input the
# same exit status, the same maps and setgroups, and the same message
# where shadow 4.20 words it as the installed shadow does, else 4.20's;
# where nsmap refuses on purpose what shadow takes (numbers that are not
# plain decimal), nothing is written. Run as root, as nobody and as a
# throwaway user with subordinate ids, for nsmap installed set-user-ID root
# and with file capabilities.

. "$(dirname "$0")/../lib.sh"
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

# The words of shadow 4.20 (src/newuidmap.c, src/newgidmap.c,
# lib/idmapping.c and lib/get_pid.c upstream), which nsmap speaks: they
# differ from the installed shadow's (4.13) for the usage line, the owner
# check, ranges of the wrong number or out of range, and a target that is
# no process. For those inputs status and maps are still compared with the
# installed shadow, and the message with this table. newgidmap's usage line
# leaves a bracket open, as upstream prints it.
usage420() {
	case $1 in
	newuidmap) echo "usage: newuidmap [<pid>|fd:<pidfd>] <uid> <loweruid> <count> [ <uid> <loweruid> <count> ] ... " ;;
	newgidmap) echo "usage: newgidmap [<pid|fd:<pidfd>] <gid> <lowergid> <count> [ <gid> <lowergid> <count> ] ... " ;;
	esac
}

# overflow420 TOOL: a value out of range, then the usage line
overflow420() {
	printf '%s: subuid overflow detected.\n%s' "$1" "$(usage420 "$1")"
}

# count420 TOOL N: N arguments after the target, no multiple of three
count420() {
	printf '%s: ranges: %d is wrong for argc: %d\n%s' "$1" $((($2 + 2) / 3)) "$2" \
		"$(usage420 "$1")"
}

# noproc420 TOOL PID: no process PID (upstream's only line without its name)
noproc420() {
	printf 'Could not open proc directory for target %s: No such file or directory\n%s' "$2" \
		"$(usage420 "$1")"
}

# said420 MODE DESC WANT TOOL ARGS...: as differ_map, with our message WANT,
# shadow 4.20's words for it
said420() {
	local m=$1 desc=$2 want=$3 good=0
	shift 3
	run_both "$m" "$@"
	[ "$RC1" -eq "$RC" ] && [ "$MAPS1" = "$MAPS2" ] && [ "$ERR" = "$want" ] && good=1
	judge $good "$m/$DIR: as $1: in 4.20's words: $desc"
	[ $good -eq 1 ] || diag "wanted: $want"
}

# stricter MODE DESC TOOL ARGS...: shadow's TOOL takes ARGS, ours refuses
# them with the usage message and writes nothing.
stricter() {
	local m=$1 desc=$2 tool=$3 good=0
	shift 2
	run_both "$m" "$@"
	[ "$RC1" -eq 0 ] && [ "$MAPS1" != "$EMPTY" ] && [ "$RC" -eq 1 ] && [ "$MAPS2" = "$EMPTY" ] &&
		[ "$ERR" = "$(usage420 "$tool")" ] &&
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
	# 4.20 reads a count of 0 as out of range, before any range is checked
	said420 "$m" "count 0" "$(overflow420 $t)" $t @ 0 $U0 0
	said420 "$m" "a refused range before a count 0" "$(overflow420 $t)" \
		$t @ 0 6000000 10 10 $U0 0
	said420 "$m" "two numbers" "$(count420 $t 2)" $t @ 0 $U0
	said420 "$m" "four numbers" "$(count420 $t 4)" $t @ 0 $U0 1 2
	# 4.20 writes an empty map (nothing) and succeeds; nsmap refuses it
	# as the installed shadow does, in words 4.20 also has
	differ_map "$m" "no range" $t @
	said420 "$m" "no target" "$(usage420 $t)" $t
	said420 "$m" "count overflows 32 bits" "$(overflow420 $t)" $t @ 0 $U0 4294967295
	said420 "$m" "inner id 2^32-1" "$(overflow420 $t)" $t @ 4294967295 $U0 1
	said420 "$m" "inner wraps" "$(overflow420 $t)" $t @ 1 $U0 4294967295
	said420 "$m" "outer id 2^32" "$(overflow420 $t)" $t @ 0 4294967296 1
	said420 "$m" "an overflow after a count 0" "$(overflow420 $t)" \
		$t @ 0 $U0 0 0 4294967296 1
	said420 "$m" "a number past 64 bits" "$(overflow420 $t)" $t @ 0 99999999999999999999999 1
	said420 "$m" "an overflow before a malformed number" "$(overflow420 $t)" \
		$t @ 0 $U0 1 1 4294967296 x
	# 4.20 reads -1 as out of range; to nsmap it is no plain number
	said420 "$m" "negative count: a form error, not an overflow" "$(usage420 $t)" \
		$t @ 0 $U0 -1
	said420 "$m" "341 ranges: refused before the kernel sees them" "$(usage420 $t)" \
		$t @ $(seq_ranges 341 $U0)
	said420 "$m" "letters" "$(usage420 $t)" $t @ x $U0 1
	said420 "$m" "empty number" "$(usage420 $t)" $t @ '' $U0 1
	differ_map "$m" "overlapping inside" $t @ 0 $U0 10 5 $((U0 + 100)) 10
	differ_map "$m" "overlapping outside" $t @ 0 $U0 10 100 $((U0 + 5)) 10
	differ_map "$m" "the same range twice" $t @ 0 $U0 1 0 $U0 1
	differ_map "$m" "340 ranges, longer than a page" $t @ $(seq_ranges 340 $U0)
	said420 "$m" "target is no number" "$(usage420 $t)" $t abc 0 $U0 1
	said420 "$m" "target PID 0" "$(usage420 $t)" $t 0 0 $U0 1
	said420 "$m" "no such target" "$(noproc420 $t 99999999)" $t 99999999 0 $U0 1
	if [ "$m" = root ]; then
		differ_map "$m" "target PID 1" $t 1 0 "$S" 1
	else
		said420 "$m" "target PID 1" \
			"$t: Target process is owned by a different user: uid:$S pw_uid:$S st_uid:0, gid:$G pw_gid:$G st_gid:0" \
			$t 1 0 "$S" 1
	fi
	said420 "$m" "--help is a target" "$(usage420 $t)" $t --help
	stricter "$m" "hexadecimal" $t @ 0x0 "$S" 1
	stricter "$m" "octal" $t @ 0 "$S" 01
	stricter "$m" "leading zero" $t @ 00 "$S" 1
	stricter "$m" "plus sign" $t @ +0 "$S" 1
	stricter "$m" "leading blank" $t @ ' 0' "$S" 1
	stricter "$m" "blank in the target" $t ' @' 0 "$S" 1
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
	said420 "$m" "count 0" "$(overflow420 $t)" $t @ 0 $G0 0
	said420 "$m" "three numbers short" "$(count420 $t 5)" $t @ 0 $G0 1 1 2
	said420 "$m" "outer overflows" "$(overflow420 $t)" $t @ 0 4294967295 2
	said420 "$m" "no such target" "$(noproc420 $t 99999999)" $t 99999999 0 "$G" 1
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

# --- GRANT_AUX_GROUP_SUBIDS (login.defs(5)) ------------------------------
# A caller whose real gid is not its passwd group may map ids when
# login.defs sets GRANT_AUX_GROUP_SUBIDS to yes (shadow since 4.9, so
# Debian's 4.13 honours it too and the behaviour is compared with it). The
# machine's /etc/login.defs is never changed: each run gets a scratch copy
# bound over it in a private mount namespace of its own, gone when the run
# ends.
AUX_GID=$NOBODY_GID

# aux_run DEFS PROG ARGS...: PROG as the throwaway user with real gid
# $AUX_GID, DEFS as its /etc/login.defs; status, stderr and the target's
# maps in $RC, $ERR (PID masked) and $MAPS2
aux_run() {
	printf '%s\n' "$1" >"$T/login.defs"
	shift
	# shellcheck disable=SC2016
	unshare --mount --propagation private sh -c \
		'd=$1 u=$2 g=$3; shift 3; mount --bind "$d" /etc/login.defs &&
		exec setpriv --reuid="$u" --regid="$g" --clear-groups -- "$@"' \
		sh "$T/login.defs" "$SUB_UID" "$AUX_GID" "$@" >"$T/out" 2>"$T/err" </dev/null
	RC=$?
	ERR=$(mask_pid "$(cat "$T/err")" "$TGT")
	MAPS2=$(target_maps)
}

# aux_target: a process of the throwaway user with real gid $AUX_GID in a
# new user namespace, its PID in $TGT
aux_target() {
	HOME=/nonexistent setpriv --reuid="$SUB_UID" --regid="$AUX_GID" --clear-groups -- \
		env --default-signal=INT,QUIT "$UNSHARE" --user sleep 60 </dev/null >/dev/null 2>&1 &
	TGT=$!
	wait_for 5 in_new_userns "$TGT"
}

# aux_both DESC DEFS WANT_ERR TOOL ARGS...: shadow's TOOL, then ours, each on
# a fresh target: the same status and maps, and our stderr WANT_ERR ("@" in
# ARGS is the target's PID)
aux_both() {
	local desc=$1 defs=$2 want=$3 tool=$4 prog good=0
	shift 4
	for prog in "/usr/bin/$tool" "$T/$DIR/$tool"; do
		aux_target
		aux_run "$defs" "$prog" "${@//@/$TGT}"
		target_stop
		if [ "$prog" = "/usr/bin/$tool" ]; then
			RC1=$RC ERR1=$ERR MAPS1=$MAPS2
		fi
	done
	[ "$RC1" -eq "$RC" ] && [ "$MAPS1" = "$MAPS2" ] && [ "$ERR" = "$want" ] && good=1
	judge $good "sub/$DIR: as $tool with gid $AUX_GID: $desc"
}

# aux_ours DESC DEFS RC MAPS WANT_ERR PROG ARGS...: ours alone
aux_ours() {
	local desc=$1 defs=$2 rc=$3 maps=$4 want=$5
	shift 5
	aux_target
	aux_run "$defs" "${@//@/$TGT}"
	aux_run_maps=$MAPS2
	target_stop
	if [ "$RC" -eq "$rc" ] && [ "$aux_run_maps" = "$maps" ] && [ "$ERR" = "$want" ]; then
		ok "sub/$DIR: gid $AUX_GID: $desc"
	else
		not_ok "sub/$DIR: gid $AUX_GID: $desc"
		diag "status $RC, maps $aux_run_maps, stderr: $ERR" "wanted $rc, $maps, $want"
	fi
}

case_aux() {
	local yes='GRANT_AUX_GROUP_SUBIDS yes' owner long
	# shadow 4.20's owner message (src/newuidmap.c), which 4.13 words
	# differently
	owner="Target process is owned by a different user: uid:$SUB_UID pw_uid:$SUB_UID st_uid:$SUB_UID, gid:$AUX_GID pw_gid:$SUB_GID st_gid:$AUX_GID"
	aux_both "granted: a subuid range" "$yes" "" newuidmap @ 0 $U0 10
	aux_both "granted: the real gid is the own gid" "$yes" "" newgidmap @ 0 $AUX_GID 1
	aux_both "granted: a subgid range" "$yes" "" newgidmap @ 0 $G0 10
	aux_both "granted: the passwd gid is not the own gid" "$yes" \
		"newgidmap: gid range [0-1) -> [$SUB_GID-$((SUB_GID + 1))) not allowed" \
		newgidmap @ 0 "$SUB_GID" 1
	aux_both "granted: YES in capitals" "GRANT_AUX_GROUP_SUBIDS YES" "" newuidmap @ 0 $U0 10
	aux_both "granted: blanks, a tab and quotes" \
		"$(printf '  GRANT_AUX_GROUP_SUBIDS\t"yes"  ')" "" newuidmap @ 0 $U0 10
	aux_both "not set: refused" "# nothing" "newuidmap: $owner" newuidmap @ 0 $U0 10
	aux_both "not set: refused" "# nothing" "newgidmap: $owner" newgidmap @ 0 $AUX_GID 1
	aux_both "commented out" "#$yes" "newuidmap: $owner" newuidmap @ 0 $U0 10
	aux_both "no" "GRANT_AUX_GROUP_SUBIDS no" "newuidmap: $owner" newuidmap @ 0 $U0 10
	aux_both "yes, then no: the last line decides" "$yes
GRANT_AUX_GROUP_SUBIDS no" "newuidmap: $owner" newuidmap @ 0 $U0 10
	aux_both "no, then yes: the last line decides" "GRANT_AUX_GROUP_SUBIDS no
$yes" "" newuidmap @ 0 $U0 10
	aux_both "the key alone" "GRANT_AUX_GROUP_SUBIDS" "newuidmap: $owner" newuidmap @ 0 $U0 10
	aux_both "yes as the start of a word" "GRANT_AUX_GROUP_SUBIDS yesplease" \
		"newuidmap: $owner" newuidmap @ 0 $U0 10
	# shadow also warns of the unknown key; nsmap does not
	aux_ours "a longer key is another key" "GRANT_AUX_GROUP_SUBIDS_X yes" 1 "$EMPTY" \
		"newuidmap: $owner" "$T/$DIR/newuidmap" @ 0 $U0 10
	aux_ours "the key in lower case is another key" "grant_aux_group_subids yes" 1 "$EMPTY" \
		"newuidmap: $owner" "$T/$DIR/newuidmap" @ 0 $U0 10
	# a line past 1023 characters is skipped whole, where shadow would
	# read its first 1023 as a line
	long="$yes$(printf '%1100s' '')"
	aux_ours "a line past 1023 characters counts for nothing" "$long" 1 "$EMPTY" \
		"newuidmap: $owner" "$T/$DIR/newuidmap" @ 0 $U0 10
	aux_ours "nsmap: granted" "$yes" 0 "0 $U0 10;||allow;" "" "$T/$DIR/nsmap" @ 0 $U0 10
	aux_ours "nsmap: not set" "# nothing" 1 "$EMPTY" \
		"nsmap: the caller's gid $AUX_GID is not the group $SUB_GID of user '$SUB_USER'" \
		"$T/$DIR/nsmap" @ 0 $U0 10
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
			case_aux
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
