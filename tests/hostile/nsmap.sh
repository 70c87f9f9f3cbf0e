#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nsmap under hostile input and faults, as root and as nobody: every number
# it reads (the target PID, fd:N, inner, outer and count), maps the kernel
# or the caller's allotment refuses (overlaps, 341 ranges, host 0 as
# non-root, ranges not allotted), targets owned by another user, already
# mapped, never existing or exiting between the pidfd and the write,
# closed standard fds and tiny fd limits. Each case: the exit status, one
# line on stderr naming the cause, and the target's maps, /etc/sub[ug]id
# and the rest of the snapshot as they were (lib.sh's hostile_case). The
# set-user-ID attacks of a user with subordinate ids are in
# tests/integ/nsmap-attacks.sh.

. "$(dirname "$0")/lib.sh"
hostile_setup nsmap "$@"

NUM="invalid number '%s' \\(decimal digits only, no sign, blank or leading zero\\)\$"
RANGE="invalid [ug]id range '%s' \\(count at least 1, ids below 4294967295\\)\$"
TARGET="invalid target '%s' \\(expected a PID or fd:N\\)\$"

# target MODE [OWNER]: a process of OWNER (MODE's user unless given) alone
# in a new user namespace, its maps unwritten; its PID in $TGT.
target() {
	spawn_as "${2:-$1}" unshare -U sleep 100
	TGT=$BG_PID
	wait_for 5 sh -c '[ "$(readlink /proc/$1/ns/user)" != "$(readlink /proc/self/ns/user)" ]' \
		sh "$TGT"
}

target_stop() {
	kill_tree "$TGT"
	reap "$TGT" >/dev/null 2>&1
	true
}

# map_table MODE: hostile cases on stdin as STATUS|REGEX|ARGS (tabs between
# the arguments), each against a fresh target, "@" in ARGS its PID.
map_table() {
	local m=$1 want re args line desc i
	while IFS='|' read -r want re args; do
		case $want in '' | '#'*) continue ;; esac
		hostile_split line "$args"
		target "$m"
		for i in "${!line[@]}"; do
			[ "${line[$i]}" = @ ] && line[i]=$TGT
		done
		desc=$(printf '%s ' "${line[@]}" | sed "s/\\b$TGT\\b/@/g" | hostile_desc)
		HOSTILE_PIDS=$TGT hostile_case "${desc% }" "$want" "$re" -- "$NSMAP" "${line[@]}"
		target_stop
	done
}

# --- numbers: parsed before any privilege is looked at -----------------------

case_numbers() {
	# shellcheck disable=SC2059
	map_table "$1" <<EOF
1|$(printf "$TARGET" 0x10)|0x10	0	0	1
1|$(printf "$TARGET" '\+1')|+1	0	0	1
1|$(printf "$TARGET" ' 1')| 1	0	0	1
1|$(printf "$TARGET" '')|	0	0	1
1|$(printf "$TARGET" 01)|01	0	0	1
1|$(printf "$TARGET" 4294967296)|4294967296	0	0	1
1|$(printf "$TARGET" 18446744073709551617)|18446744073709551617	0	0	1
1|$(printf "$TARGET" -1)|--	-1	0	0	1
1|$(printf "$TARGET" fd:x)|fd:x	0	0	1
1|$(printf "$TARGET" fd:-1)|fd:-1	0	0	1
1|$(printf "$TARGET" fd:)|fd:	0	0	1
1|$(printf "$TARGET" fd:0x3)|fd:0x3	0	0	1
1|$(printf "$TARGET" fd:4294967296)|fd:4294967296	0	0	1
1|invalid target 'fd:99': Bad file descriptor\$|fd:99	0	0	1
1|invalid target 'fd:0': not a /proc/PID directory\$|fd:0	0	0	1
1|cannot open process 2147483647: No such process\$|2147483647	0	0	1
1|$(printf "$NUM" -1)|@	-1	0	1
1|$(printf "$NUM" -1)|@	0	-1	1
1|$(printf "$NUM" -1)|@	0	0	-1
1|$(printf "$NUM" 0x0)|@	0x0	0	1
1|$(printf "$NUM" 010)|@	0	010	1
1|$(printf "$NUM" '\+0')|@	+0	0	1
1|$(printf "$NUM" ' 0')|@	 0	0	1
1|$(printf "$NUM" '')|@		0	1
1|$(printf "$NUM" '1 ')|@	0	0	1 
1|$(printf "$RANGE" '0 0 18446744073709551617')|@	0	0	18446744073709551617
1|$(printf "$RANGE" '0 0 0')|@	0	0	0
1|$(printf "$RANGE" '0 0 4294967296')|@	0	0	4294967296
1|$(printf "$RANGE" '4294967295 0 1')|@	4294967295	0	1
1|$(printf "$RANGE" '0 4294967295 1')|-g	@	0	4294967295	1
1|$(printf "$RANGE" '1 0 4294967295')|@	1	0	4294967295
EOF
}
hostile_for_each_mode case_numbers

# --- maps the kernel or the allotment refuses ---------------------------------

many_ranges() {
	local n=$1 i
	for ((i = 0; i < n; i++)); do
		printf '\t%d\t%d\t1' "$i" $((3000000 + 2 * i))
	done
}

case_maps_root() {
	map_table root <<EOF
1|cannot write the uid map of process [0-9]+: Invalid argument \(two ranges overlap inside or outside\)\$|@	0	0	1	0	0	1
1|cannot write the uid map of process [0-9]+: Invalid argument \(two ranges overlap inside or outside\)\$|@	0	0	1	1	0	1
1|cannot write the gid map of process [0-9]+: Invalid argument \(two ranges overlap inside or outside\)\$|-g	@	5	0	1	5	0	1
1|uid range 1-1 is not allotted to user 'root' in /etc/subuid\$|@	0	0	1	0	1	1
1|gid range 0-9 is not allotted to user 'root' in /etc/subgid\$|-g	@	0	0	10
1|uid range 3000000-3000000 is not allotted to user 'root' in /etc/subuid\$|@$(many_ranges 340)
1|too many uid ranges: 341 \(the kernel takes 340\)\$|@$(many_ranges 341)
1|too many gid ranges: 1000 \(the kernel takes 340\)\$|-g	@$(many_ranges 1000)
EOF
	# a target that already has a map: the second write is refused, the
	# first stays as it was
	target root
	"$NSMAP" "$TGT" 0 0 1 && "$NSMAP" -g "$TGT" 0 0 1
	HOSTILE_PIDS=$TGT hostile_case "a uid map already written" 1 \
		'cannot write the uid map of process [0-9]+: it is already written$' -- \
		"$NSMAP" "$TGT" 0 0 1
	HOSTILE_PIDS=$TGT hostile_case "a gid map already written" 1 \
		'cannot write the gid map of process [0-9]+: it is already written$' -- \
		"$NSMAP" -g "$TGT" 1 0 1
	HOSTILE_PIDS=$TGT hostile_case "--both with the uid map already written" 1 \
		'already written$' -- "$NSMAP" -b "$TGT" 0 0 1 -- 0 0 1
	target_stop
}

case_maps_nobody() {
	map_table user <<EOF
1|uid range 0-0 includes host uid 0, which only root may map\$|@	0	0	1
1|gid range 0-0 includes host gid 0, which only root may map\$|-g	@	0	0	1
1|uid range 65534-65535 is not allotted to user 'nobody' in /etc/subuid\$|@	0	65534	2
1|uid range 3000000-3000009 is not allotted to user 'nobody' in /etc/subuid\$|@	0	3000000	10
1|gid range 3000000-3000000 is not allotted to user 'nobody' in /etc/subgid\$|-g	@	0	3000000	1
1|no line for user 'nobody' in /etc/subuid\$|--auto	@
1|too many uid ranges: 341 \(the kernel takes 340\)\$|@$(many_ranges 341)
1|nsmap is neither set-user-ID root nor has the cap_setuid file capability\$|@	0	65534	1
EOF
	# targets of another user: root's, and a process of root's own
	target user root
	HOSTILE_PIDS=$TGT hostile_case "a target owned by root" 1 \
		"process [0-9]+ is owned by uid 0 gid 0, not by the caller \\(uid $NOBODY_UID gid $NOBODY_GID\\)\$" -- \
		"$NSMAP" "$TGT" 0 65534 1
	HOSTILE_PIDS=$TGT hostile_case "a target owned by root, --both" 1 \
		"process [0-9]+ is owned by uid 0 gid 0, not by the caller" -- \
		"$NSMAP" -b "$TGT" 0 65534 1 -- 0 65534 1
	target_stop
	HOSTILE_PIDS=1 hostile_case "PID 1" 1 "process 1 is owned by uid 0 gid 0, not by the caller" -- \
		"$NSMAP" 1 0 65534 1
}

case_maps() {
	if [ "$1" = root ]; then case_maps_root; else case_maps_nobody; fi
}
hostile_for_each_mode case_maps

# --- targets that never existed or go away ------------------------------------

# a target that exits while nsmap works on it: the map is written while it
# lives, or nsmap fails saying why; a PID reaped before nsmap opens it
cat >"$T/dying.sh" <<'EOF'
unshare -U sleep "$2" &
pid=$!
sleep "$3"
"$1" "$pid" 0 "$(id -u)" 1
rc=$?
wait
exit $rc
EOF
cat >"$T/gone.sh" <<'EOF'
unshare -U true &
pid=$!
wait $pid
exec "$1" "$pid" 0 "$(id -u)" 1
EOF

# a /proc/PID directory opened, then its process reaped: it reads as
# root's, which must not be reported as an owner mismatch
cat >"$T/reaped.sh" <<'EOF'
sleep 100 &
pid=$!
exec 7</proc/$pid
kill $pid
wait $pid 2>/dev/null
exec "$1" fd:7 0 "$(id -u)" 1
EOF

case_gone() {
	local m=$1 s want=0/1
	hostile_case "a PID reaped before" 1 'cannot open process [0-9]+: No such process$' -- \
		sh "$T/gone.sh" "$NSMAP"
	hostile_case "fd:N of a process reaped since" 1 'cannot (open process|write the uid map of process) fd:7: No such process$' -- \
		sh "$T/reaped.sh" "$NSMAP"
	for s in 0.01 0.02 0.05; do
		hostile_case "a target exiting after ${s}s" 0/1 \
			'(cannot (open|write|read).*(No such process|Invalid argument|gone|exited)|neither set-user-ID)' -- \
			sh "$T/dying.sh" "$NSMAP" "$s" 0.01
	done
}
hostile_for_each_mode case_gone

# --- standard fds closed, fd limits -------------------------------------------

case_fds() {
	local m=$1 n id
	id=$(mode_uid "$m")
	target "$m"
	HOSTILE_PIDS=$TGT hostile_case "stdin, stdout and stderr closed, a bad count" 1 - -- \
		sh -c 'exec "$0" "$1" 0 0 0 <&- >&- 2>&-' "$NSMAP" "$TGT"
	HOSTILE_PIDS=$TGT hostile_case "stdout and stderr closed, --dry-run" 0/1 - -- \
		sh -c 'exec "$0" -n "$1" 0 "$2" 1 >&- 2>&-' "$NSMAP" "$TGT" "$id"
	for n in 4 5 6 8; do
		HOSTILE_PIDS=$TGT hostile_case "RLIMIT_NOFILE $n, --dry-run" 0/1 \
			'(Too many open files|neither set-user-ID)' -- \
			prlimit --nofile="$n" "$NSMAP" -n "$TGT" 0 "$id" 1
	done
	target_stop
}
hostile_for_each_mode case_fds

hostile_done
