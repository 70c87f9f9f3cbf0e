#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Attacks on nsrun's id maps, --owner and persistence: ranges that wrap past
# 2^32 to host root, an owner handed host root, and namespace files bound
# through a symlink or while the program already runs.

. "$(dirname "$0")/../lib.sh"
ns_setup

# not_run DESC: the last run_as failed with status 1 and the program, which
# would have left $T/ran with its uid_map, never ran
not_run() {
	if [ "$RC" -eq 1 ] && [ ! -e "$T/ran" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "exit status $RC (wanted 1)" "stderr: $ERR" \
			"uid_map seen by the program: $(cat "$T/ran" 2>/dev/null)"
	fi
	rm -f "$T/ran"
}

# --- A: id ranges that wrap past 2^32 -----------------------------------

case_wrap() {
	local m=$1 spec
	# 0:4294967295:1 came out as "0 0 1" once the single-id cut moved
	# its outer id one past 2^32-1; 4294967294,0,2 as "0 4294967294 1"
	# and "1 0 1". Either way host root inside.
	for spec in 0:4294967295:1 4294967294,0,2 4294967295:0:1 0:4294967200:100 \
		1:0:4294967295; do
		run_as "$m" "$NSRUN" --user --map-users="$spec" \
			sh -c 'cat /proc/self/uid_map >"$0/ran"' "$T"
		not_run "$m: --map-users=$spec: refused, nothing written"
		if [ "$m" = root ]; then
			run_as "$m" "$NSRUN" --user --map-users="$spec" true
			expect_err "$m: --map-users=$spec: unshare's message" 1 \
				"^nsrun: invalid mapping '$spec' \(count at least 1, ids below 4294967295\)\$"
		fi
	done
	run_as "$m" "$NSRUN" --user --map-groups=0:4294967295:1 \
		sh -c 'cat /proc/self/gid_map >"$0/ran"' "$T"
	not_run "$m: --map-groups=0:4294967295:1: refused, nothing written"
	# the last id below 2^32-1 still maps
	if [ "$m" = root ]; then
		run_as "$m" "$NSRUN" --user --map-users=0:4294967294:1 cat /proc/self/uid_map
		expect "$m: --map-users=0:4294967294:1: the top id maps" 0 \
			"$(kmap "0 4294967294 1")"
	fi
}

# A hostile /etc/subuid, bound over the real one in a mount namespace of
# our own: a line reaching 2^32 made "auto" and "subids" write host root.
case_subuid_wrap() {
	local line opt
	for line in "root:4294967295:1" "0:4294967295:1"; do
		printf '%s\n' "$line" >"$T/subuid"
		for opt in --map-users=auto --map-users=subids --map-auto; do
			run_as root unshare --mount --propagation private sh -c '
				mount --bind "$0/subuid" /etc/subuid &&
				mount --bind "$0/subuid" /etc/subgid &&
				exec "$1" --user "$2" sh -c "cat /proc/self/uid_map >\"\$0/ran\"" "$0"' \
				"$T" "$NSRUN" "$opt"
			not_run "root: /etc/subuid '$line', $opt: refused, nothing written"
		done
	done
	run_as root unshare --mount --propagation private sh -c '
		mount --bind "$0/subuid" /etc/subuid && exec "$1" --user --map-users=auto true' \
		"$T" "$NSRUN"
	expect_err "root: /etc/subuid past the top: says which line" 1 \
		"^nsrun: invalid mapping '4294967295:1' for user 'root' in /etc/subuid \(count at least 1, ids below 4294967295\)\$"
}

# --- B: --owner and host root -------------------------------------------

# try_write MODE FILE: as MODE, join the user namespace bound at FILE and try
# to create a file in root's 0700 directory $T/secret as uid 0 there (nsenter
# sets uid and gid 0 inside); $RC is 0 if it worked
try_write() {
	run_as "$1" nsenter --user="$2" \
		sh -c 'echo x >"$0/secret/pwned"' "$T"
}

case_owner_attack() {
	local opt
	mkdir -m 700 "$T/secret"
	for opt in -r -c --map-user=0 "--map-user=0 --map-group=0" "-r --map-users=1:100000:10"; do
		touch "$T/ownns"
		# shellcheck disable=SC2086
		run_as root "$NSRUN" --owner $NOBODY_UID:$NOBODY_GID $opt --user="$T/ownns" true
		expect "root: --owner nobody $opt --user=FILE" 0 ""
		try_write user "$T/ownns"
		if [ "$RC" -ne 0 ] && [ ! -e "$T/secret/pwned" ]; then
			ok "root: --owner nobody $opt: nobody joins, cannot write as host root"
		else
			not_ok "root: --owner nobody $opt: nobody joins, cannot write as host root"
			diag "status $RC, stderr: $ERR"
		fi
		rm -f "$T/secret/pwned"
		umount "$T/ownns"
		rm -f "$T/ownns"
	done

	# while the program runs: nsenter -t PID
	spawn_as root "$NSRUN" --owner $NOBODY_UID:$NOBODY_GID -r sleep 30
	wait_for 5 sh -c '[ "$(readlink /proc/$0/ns/user)" != "$(readlink /proc/self/ns/user)" ]' \
		"$BG_PID"
	run_as user nsenter -U -t "$BG_PID" \
		sh -c 'echo x >"$0/secret/pwned"' "$T"
	if [ "$RC" -ne 0 ] && [ ! -e "$T/secret/pwned" ]; then
		ok "root: --owner nobody -r: nobody joins the running program, cannot write as host root"
	else
		not_ok "root: --owner nobody -r: nobody joins the running program, cannot write as host root"
		diag "status $RC, stderr: $ERR"
	fi
	kill "$BG_PID"
	reap "$BG_PID"
	rm -rf "$T/secret"

	# the maps as the owner would have made them, and setgroups denied
	run_as root "$NSRUN" --owner $NOBODY_UID:$NOBODY_GID -r \
		cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups
	expect "root: --owner nobody -r: 0 maps to the owner, setgroups denied" 0 \
		"$(kmap "0 $NOBODY_UID 1" "0 $NOBODY_GID 1")
deny"
	run_as root "$NSRUN" --owner $NOBODY_UID:$NOBODY_GID -c \
		cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups
	expect "root: --owner nobody -c: the owner's ids to themselves" 0 \
		"$(kmap "$NOBODY_UID $NOBODY_UID 1" "$NOBODY_GID $NOBODY_GID 1")
deny"
	run_as root "$NSRUN" --owner $NOBODY_UID:$NOBODY_GID --map-user=5 --map-group=6 \
		cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups
	expect "root: --owner nobody --map-user=5 --map-group=6: onto the owner's ids" 0 \
		"$(kmap "5 $NOBODY_UID 1" "6 $NOBODY_GID 1")
deny"
	run_as root "$NSRUN" --dry-run --owner $NOBODY_UID:$NOBODY_GID -r true
	expect "root: --dry-run --owner nobody -r shows the owner's maps" 0 "unshare: user
uid_map: 0 $NOBODY_UID 1
setgroups: deny
gid_map: 0 $NOBODY_GID 1
exec: true"
	run_as root "$NSRUN" --owner $NOBODY_UID:$NOBODY_GID -r --setgroups=allow true
	expect_err "root: --owner -r --setgroups=allow: refused" 1 \
		"^nsrun: options --setgroups=allow and --map-group are mutually exclusive\$"
}

for_each_mode case_wrap
if require_root "--owner needs root"; then
	case_owner_attack
fi
if require_root "a hostile /etc/subuid needs root"; then
	case_subuid_wrap
fi

ns_done
