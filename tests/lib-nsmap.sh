# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Helpers for tests/integ/nsmap-*.sh, on top of lib.sh: nsmap installed
# privileged in the scratch directory, and target processes in new user
# namespaces whose maps are checked afterwards.

# nsmap_install: two privileged copies of the staged nsmap, each with
# newuidmap and newgidmap links: $T/suid (set-user-ID root) and $T/fcap
# (file capabilities cap_setuid,cap_setgid). Root only; returns 1 if a
# copy does not come up privileged (a nosuid mount, no setcap).
nsmap_install() {
	local d
	mkdir -p "$T/suid" "$T/fcap"
	cp "$NSMAP" "$T/suid/nsmap" && chown root:root "$T/suid/nsmap" &&
		chmod 4755 "$T/suid/nsmap" || return 1
	cp "$NSMAP" "$T/fcap/nsmap" && chmod 755 "$T/fcap/nsmap" &&
		setcap cap_setuid,cap_setgid+ep "$T/fcap/nsmap" || return 1
	for d in suid fcap; do
		ln -s nsmap "$T/$d/newuidmap"
		ln -s nsmap "$T/$d/newgidmap"
		chmod 755 "$T/$d"
	done
	as_mode user "$T/suid/nsmap" --check 2>/dev/null | grep -qx 'privileges: set-user-ID root' &&
		as_mode user "$T/fcap/nsmap" --check 2>/dev/null | grep -qx 'privileges: file capabilities'
}

# in_new_userns PID: PID runs (as sleep) in a user namespace of its own
in_new_userns() {
	[ "$(readlink "/proc/$1/ns/user" 2>/dev/null)" != "$(readlink /proc/self/ns/user)" ] &&
		[ "$(cat "/proc/$1/comm" 2>/dev/null)" = sleep ]
}

# target_start MODE: a process of MODE in a new user namespace with no map
# yet; its PID in $TGT. target_stop ends it.
target_start() {
	spawn_as "$1" "$UNSHARE" --user sleep 60
	TGT=$BG_PID
	wait_for 5 in_new_userns "$TGT"
}

target_stop() {
	kill -KILL "$TGT" 2>/dev/null
	wait "$TGT" 2>/dev/null
	TGT=
}

# target_maps [PID]: uid_map, gid_map and setgroups of $TGT (or PID) on one
# line, blanks squeezed: "uid lines|gid lines|setgroups"
target_maps() {
	local p=${1:-$TGT} f
	for f in uid_map gid_map setgroups; do
		sed 's/^ *//; s/  */ /g' "/proc/$p/$f" | tr '\n' ';'
		[ $f = setgroups ] || printf '|'
	done
}

# refused DESC MSG [MAPS]: the last run_as exited 1 with exactly MSG on
# stderr, and the maps of $TGT are MAPS (default: none written)
refused() {
	if [ "$RC" -eq 1 ] && [ "$(target_maps)" = "${3:-$EMPTY}" ] && [ "$ERR" = "$2" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "status $RC, maps $(target_maps), stderr: $ERR" "wanted stderr: $2"
	fi
}

# EMPTY: the maps of a target nothing was written for
EMPTY="||allow;"

# seq_ranges N FIRST-OUTER: N one-id ranges "i FIRST-OUTER+i 1"
seq_ranges() {
	local i
	for ((i = 0; i < $1; i++)); do
		printf '%d %d 1 ' "$i" $(($2 + i))
	done
}

# mask_pid TEXT PID: TEXT with PID, where it stands as a whole number,
# replaced by "@" (a PID such as 5536 inside 65536 stays)
mask_pid() {
	printf '%s' "$1" | sed -E ":a; s/(^|[^0-9])$2([^0-9]|\$)/\1@\2/; ta"
}

