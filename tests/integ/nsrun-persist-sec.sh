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
		run_as root "$NSRUN" --owner "$NOBODY_UID:$NOBODY_GID" $opt --user="$T/ownns" true
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
	spawn_as root "$NSRUN" --owner "$NOBODY_UID:$NOBODY_GID" -r sleep 30
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
	run_as root "$NSRUN" --owner "$NOBODY_UID:$NOBODY_GID" -r \
		cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups
	expect "root: --owner nobody -r: 0 maps to the owner, setgroups denied" 0 \
		"$(kmap "0 $NOBODY_UID 1" "0 $NOBODY_GID 1")
deny"
	run_as root "$NSRUN" --owner "$NOBODY_UID:$NOBODY_GID" -c \
		cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups
	expect "root: --owner nobody -c: the owner's ids to themselves" 0 \
		"$(kmap "$NOBODY_UID $NOBODY_UID 1" "$NOBODY_GID $NOBODY_GID 1")
deny"
	run_as root "$NSRUN" --owner "$NOBODY_UID:$NOBODY_GID" --map-user=5 --map-group=6 \
		cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups
	expect "root: --owner nobody --map-user=5 --map-group=6: onto the owner's ids" 0 \
		"$(kmap "5 $NOBODY_UID 1" "6 $NOBODY_GID 1")
deny"
	run_as root "$NSRUN" --dry-run --owner "$NOBODY_UID:$NOBODY_GID" -r true
	expect "root: --dry-run --owner nobody -r shows the owner's maps" 0 "unshare: user
uid_map: 0 $NOBODY_UID 1
setgroups: deny
gid_map: 0 $NOBODY_GID 1
exec: true"
	run_as root "$NSRUN" --owner "$NOBODY_UID:$NOBODY_GID" -r --setgroups=allow true
	expect_err "root: --owner -r --setgroups=allow: refused" 1 \
		"^nsrun: options --setgroups=allow and --map-group are mutually exclusive\$"
}

# --- C: persistence targets -----------------------------------------------

# unmounted FILE: nothing is mounted on FILE in our namespace
unmounted() {
	! awk -v f="$1" '$5 == f { found = 1 } END { exit !found }' /proc/self/mountinfo
}

# victim_intact DESC: root's file $T/victim still reads as it did and has
# nothing bound over it
victim_intact() {
	if [ "$(cat "$T/victim" 2>&1)" = secret ] && unmounted "$T/victim" &&
		unmounted "$T/vdir/file"; then
		ok "$1"
	else
		not_ok "$1"
		diag "victim: $(cat "$T/victim" 2>&1)" "$(grep "$T" /proc/self/mountinfo)"
		umount "$T/victim" "$T/vdir/file" 2>/dev/null
	fi
}

# A symlink nobody plants where root will persist a namespace: once bound
# through it, the namespace sat over root's file, whose reads then failed
# (EINVAL), a denial of service on /etc/shadow and the like.
case_planted_symlink() {
	local opt t
	echo secret >"$T/victim"
	mkdir -p "$T/vdir"
	echo secret >"$T/vdir/file"
	as_mode user ln -s "$T/victim" "$T/tmp/plant"
	as_mode user ln -s "$T/vdir" "$T/tmp/dlink"
	for opt in "--net=$T/tmp/plant" "--uts=$T/tmp/dlink/file" "-r --user=$T/tmp/plant" \
		"--mount=$T/tmp/plant" "-f --pid=$T/tmp/plant" "-f --ipc=$T/tmp/dlink/file"; do
		# shellcheck disable=SC2086
		run_as root "$NSRUN" $opt sh -c 'cat /proc/self/uid_map >"$0/ran"' "$T"
		not_run "root: $opt (a symlink of nobody's): refused, the program never ran"
		# shellcheck disable=SC2086
		run_as root "$NSRUN" $opt true
		t=${opt##*--}
		t=${t%%=*}
		[ "$t" = pid ] && t=pid_for_children
		[ "$t" = mount ] && t=mnt
		expect_err "root: $opt: the message says why" 1 \
			"^nsrun: mount /proc/[0-9]+/ns/$t on .* failed: Too many levels of symbolic links \(no symbolic link may be on the path\)\$"
		victim_intact "root: $opt: root's file untouched"
	done
	# nobody's own attempts meet the same refusal, before any permission
	run_as user "$NSRUN" -r --net="$T/tmp/plant" true
	expect_err "user: -r --net=FILE through a symlink: refused" 1 \
		"^nsrun: mount /proc/[0-9]+/ns/net on $T/tmp/plant failed: Too many levels of symbolic links \(no symbolic link may be on the path\)\$"
	rm -f "$T/tmp/plant" "$T/tmp/dlink"

	# a directory is no place for a namespace file (as mount(2) says)
	mkdir -p "$T/adir"
	run_as root "$NSRUN" --net="$T/adir" true
	expect_err "root: --net=DIR: refused" 1 \
		"^nsrun: mount /proc/[0-9]+/ns/net on $T/adir failed: Not a directory\$"
	check "root: --net=DIR: nothing mounted" unmounted "$T/adir"
}

# The program ran while the parent of --fork was still binding: when a bind
# then failed it had already run, and was killed only afterwards. Now it
# waits at a gate until every bind is made and never runs when one fails;
# the binds already made are taken back.
case_gate() {
	local m=$1 ran=0 left=0 dir
	if [ "$m" = root ]; then
		# a shared mount with a peer in the new mount namespace cannot
		# hold its file (with --propagation unchanged the peer stays):
		# that bind fails after the net namespace (bound before it, as
		# unshare orders them) is in place
		dir=$T/shared
		mkdir -p "$dir"
		mount --bind "$dir" "$dir" && mount --make-shared "$dir"
		touch "$dir/mnt" "$T/a"
		for _ in $(seq 20); do
			run_as root "$NSRUN" -f --propagation unchanged --net="$T/a" \
				--mount="$dir/mnt" touch "$T/ran"
			[ -e "$T/ran" ] && ran=$((ran + 1))
			rm -f "$T/ran"
			unmounted "$T/a" && unmounted "$dir/mnt" || left=$((left + 1))
			umount "$T/a" 2>/dev/null
		done
		expect_err "root: -f, a bind fails: the error" 1 \
			"^nsrun: mount /proc/[0-9]+/ns/mnt on $dir/mnt failed: (Invalid argument|Too many levels of symbolic links) \(.*shared.*\)\$"
		check "root: -f, a bind fails: the program never ran (ran $ran of 20)" [ "$ran" -eq 0 ]
		check "root: -f, a bind fails: the net bind taken back ($left of 20 left)" [ "$left" -eq 0 ]
		umount "$dir"
		dir=$T/shared2
		mkdir -p "$dir"
		touch "$dir/mnt"
		# a child that fails its set-up never reaches the gate: nothing
		# is bound, and nsrun ends as it did
		run_as root "$NSRUN" -f --net="$T/a" --mount="$dir/mnt" --mount-proc="$T/none" true
		expect_err "root: -f, the child's set-up fails: its error" 1 \
			"^nsrun: mount $T/none failed: No such file or directory\$"
		check "root: -f, the child's set-up fails: nothing bound" \
			eval 'unmounted "$T/a" && unmounted "$dir/mnt"'
	else
		# nobody may not mount at all: the first bind fails
		touch "$T/tmp/n"
		for _ in $(seq 20); do
			run_as user "$NSRUN" -rf --net="$T/tmp/n" touch "$T/tmp/ran"
			[ -e "$T/tmp/ran" ] && ran=$((ran + 1))
			rm -f "$T/tmp/ran"
		done
		expect_err "user: -rf --net=FILE fails" 1 \
			"^nsrun: mount /proc/[0-9]+/ns/net on $T/tmp/n failed: Operation not permitted\$"
		check "user: -rf --net=FILE fails: the program never ran (ran $ran of 20)" [ "$ran" -eq 0 ]
	fi
}

# A set-up step failing after the binds, without --fork: nsrun ended with
# its one-line error and the namespace files stayed bound. Now nothing stays
# bound unless the program's exec is reached. As nobody, inside a user and
# mount namespace of its own, where it may bind (in root's it may not bind
# at all, and fails on the first bind).

# the script undo_run runs: "$@" with its stderr in $0.err, then "bound"
# on stdout for each file named $0... left with something mounted on it
# (which it unmounts); exits as "$@" did
UNDO_RUN='"$@" 2>"$0.err"; rc=$?
awk -v f="$0" '"'"'index($5, f) == 1 { print $5 }'"'"' /proc/self/mountinfo |
	while read -r p; do echo bound; umount "$p"; done
exit $rc'

# undo_run MODE ARGS...: nsrun ARGS as MODE (nobody in `unshare -rm`); RC,
# ERR as run_as, OUT one "bound" per file under $T/tmp/undo left bound
undo_run() {
	local m=$1 f=$T/tmp/undo
	shift
	rm -f "$f.err"
	if [ "$m" = root ]; then
		run_as root sh -c "$UNDO_RUN" "$f" "$@"
	else
		run_as user "$UNSHARE" -rm sh -c "$UNDO_RUN" "$f" "$@"
	fi
	ERR=$(cat "$f.err")
	rm -f "$f.err"
}

case_undo() {
	local m=$1 f=$T/tmp/undo
	as_mode "$m" touch "$f" "$f.net"
	mkdir -p "$T/tmp/undo.root"
	undo_run "$m" "$NSRUN" -r -m --uts="$f" --mount-proc="$T/none" true
	expect_err "$m: -r -m --uts=FILE, --mount-proc fails: the error" 1 \
		"^nsrun: mount $T/none failed: No such file or directory\$" &&
		expect "$m: -r -m --uts=FILE, --mount-proc fails: nothing bound" 1 ""
	# nsrun binds these without a helper process
	undo_run "$m" "$NSRUN" --uts="$f" --net="$f.net" --wd="$T/none" true
	expect_err "$m: --uts=FILE --net=FILE, --wd fails: the error" 1 \
		"^nsrun: cannot change directory to $T/none: No such file or directory\$" &&
		expect "$m: --uts=FILE --net=FILE, --wd fails: nothing bound" 1 ""
	undo_run "$m" "$NSRUN" --uts="$f" --root="$T/tmp/undo.root" --wd=/none true
	expect_err "$m: --uts=FILE --root=DIR, --wd fails in DIR: the error" 1 \
		"^nsrun: cannot change directory to /none: No such file or directory\$" &&
		expect "$m: --uts=FILE --root=DIR, --wd fails in DIR: nothing bound" 1 ""
	undo_run "$m" "$NSRUN" -r --uts="$f" -S 1 true
	expect_err "$m: -r --uts=FILE, -S to an unmapped uid: the error" 1 \
		"^nsrun: setuid\(\) failed: Invalid argument \(uid 1 is not mapped in the user namespace\)\$" &&
		expect "$m: -r --uts=FILE, -S to an unmapped uid: nothing bound" 1 ""
	# a program that cannot be executed keeps them, as with unshare(1)
	undo_run "$m" "$NSRUN" --uts="$f" --net="$f.net" "$T/none"
	expect_err "$m: --uts=FILE --net=FILE, no such program: the error" 127 \
		"^nsrun: failed to execute $T/none: No such file or directory\$" &&
		expect "$m: --uts=FILE --net=FILE, no such program: both stay bound" 127 "bound
bound"
	rm -rf "$f" "$f.net" "$T/tmp/undo.root"
}

# The program swaps the target for a symlink to root's file while nsrun
# still has to bind: the bind lands on the file opened first, and before
# the program runs at all.
case_swap() {
	local bad=0
	echo secret >"$T/victim"
	for _ in $(seq 10); do
		as_mode user touch "$T/tmp/f"
		run_as root "$NSRUN" -f --net="$T/tmp/f" -S "$NOBODY_UID" -G "$NOBODY_GID" \
			sh -c 'ln -s "$0/victim" "$0/tmp/f.new" && mv -f "$0/tmp/f.new" "$0/tmp/f"' "$T"
		[ "$(cat "$T/victim" 2>&1)" = secret ] && unmounted "$T/victim" || bad=$((bad + 1))
		umount "$T/victim" 2>/dev/null
		umount "$T/tmp/f" 2>/dev/null
		rm -f "$T/tmp/f" "$T/tmp/f.new"
	done
	check "root: the program swaps FILE for a symlink: root's file untouched ($bad of 10 not)" \
		[ "$bad" -eq 0 ]
}

for_each_mode case_wrap
for_each_mode case_gate
for_each_mode case_undo
if require_root "--owner needs root"; then
	case_owner_attack
	case_planted_symlink
	case_swap
fi
if require_root "a hostile /etc/subuid needs root"; then
	case_subuid_wrap
fi

ns_done
