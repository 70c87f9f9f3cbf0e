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

for_each_mode case_wrap
if require_root "a hostile /etc/subuid needs root"; then
	case_subuid_wrap
fi

ns_done
