#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nsrun's named sessions: create, enter from other processes, list, destroy
# (with nothing left: no mount, file or process), a killed creator, stale
# and half-made sessions, ip netns and nsveth by session name.

# Root's sessions live in /run: the whole test runs in a mount namespace of
# its own with a fresh /run, shared as the machine's usually is, so that
# neither /run/nsutils nor /run/netns of the machine is touched.
if [ "$(id -u)" -eq 0 ] && [ -z "${NS_SESSIONS_PRIVATE:-}" ]; then
	export NS_SESSIONS_PRIVATE=1
	exec unshare --mount --propagation private sh -c \
		'mount -t tmpfs -o mode=755 tmpfs /run && mount --make-shared /run && exec "$0" "$@"' \
		"$0" "$@"
fi

. "$(dirname "$0")/../lib.sh"
ns_setup

# the runtime directory of nobody: made here, owned by nobody
XDG=$T/xdg
mkdir -m 700 "$XDG"
[ "$(id -u)" -eq 0 ] && chown $NOBODY_UID:$NOBODY_GID "$XDG"
export XDG_RUNTIME_DIR=$XDG

# sdir MODE: where MODE's sessions are
sdir() {
	if [ "$1" = root ]; then echo /run/nsutils; else echo "$XDG/nsutils"; fi
}

# Sessions outlive the processes that made them: a run cut short (a
# timeout, ^C) destroys whatever sessions are left, in every mode.
cleanup_sessions() {
	local m n
	for m in $NS_MODES; do
		[ -d "$(sdir "$m")" ] || continue
		for n in $(ls "$(sdir "$m")" 2>/dev/null); do
			run_as "$m" "$NSRUN" --destroy "$n"
		done
	done
}
NS_EXTRA_CLEANUP="cleanup_sessions${NS_EXTRA_CLEANUP:+; $NS_EXTRA_CLEANUP}"

# make_opts MODE: the namespaces of a lab session; the user namespace
# with root in it for anyone, root's too
make_opts() {
	echo "-r -n -u -i -m -p --mount-proc --hostname lab1"
}

# session_gone MODE NAME INIT: no directory, no mount below the sessions
# directory or on /run/netns/NAME, and the init (if any) ended
session_gone() {
	local d
	d=$(sdir "$1")
	[ ! -e "$d/$2" ] || { diag "$d/$2 remains: $(ls -la "$d/$2")"; return 1; }
	if awk -v d="$d/$2" -v n="/run/netns/$2" '$5 == n || index($5, d "/") == 1' \
		/proc/self/mountinfo | grep -q .; then
		diag "mounts remain: $(grep -e "$d/$2" -e "/run/netns/$2" /proc/self/mountinfo)"
		return 1
	fi
	[ ! -e "/run/netns/$2" ] || { diag "/run/netns/$2 remains"; return 1; }
	if [ -n "${3:-}" ] && ! wait_for 5 gone "$3"; then
		diag "init $3 still runs"
		return 1
	fi
	return 0
}

# init_of MODE NAME: the PID the session recorded for its init
init_of() {
	cut -d: -f1 "$(sdir "$1")/$2/init" 2>/dev/null
}

# destroy_session MODE NAME INIT DESC: --destroy NAME succeeds silently and
# leaves nothing of it, its init INIT included
destroy_session() {
	run_as "$1" "$NSRUN" --destroy "$2"
	expect "$4: --destroy" 0 ""
	check "$4: nothing remains" session_gone "$1" "$2" "$3"
}

case_lab() {
	local m=$1 init a b spid
	# shellcheck disable=SC2046
	run_as "$m" "$NSRUN" --name lab $(make_opts "$m") sh -c \
		'ip addr add 10.9.9.1/32 dev lo; sleep 1000 </dev/null >/dev/null 2>&1 & echo $!'
	spid=$OUT
	expect_re "$m: a session is made and its program ends" 0 '^[0-9]+$' || return
	init=$(init_of "$m" lab)
	check "$m: its init runs" test -n "$init" -a -d "/proc/$init"
	if [ "$m" = root ]; then
		# /run is shared here: the sessions directory is a private
		# mount of its own
		check "root: /run/nsutils is a private mount under a shared /run" awk '
			$5 == "/run" && $0 ~ / shared:/ { run = 1 }
			$5 == "/run/nsutils" && $0 !~ / (shared|master):/ { own = 1 }
			END { exit !(run && own) }' /proc/self/mountinfo
	fi

	run_as "$m" "$NSRUN" --enter --name lab sh -c \
		'hostname; ip -br addr show lo | grep -o 10.9.9.1; pgrep -x sleep; id -u; cat /proc/1/comm'
	expect "$m: entered from another process: the same hostname, address, PIDs, root" 0 \
		"lab1
10.9.9.1
$spid
0
nsrun-init"
	# two at once
	spawn_as "$m" "$NSRUN" --enter --name lab sh -c 'sleep 0.5; hostname'
	a=$BG_PID
	run_as "$m" "$NSRUN" --enter --name lab sh -c 'sleep 0.3; hostname; pgrep -fx "sleep 1000"'
	reap "$a"
	if [ "$RC" -eq 0 ] && [ "$OUT" = "lab1
$spid" ] && [ "$(cat "$T/bg.out")" = lab1 ]; then
		ok "$m: two enters at once"
	else
		not_ok "$m: two enters at once"
		diag "out: $OUT" "bg: $(cat "$T/bg.out") $(cat "$T/bg.err")"
	fi

	# nsveth by the session's name, from a throwaway network namespace
	if [ "$m" = root ]; then
		run_as root unshare --net sh -c '"$0" -A 10.7.0.2/24 v0 p0 lab &&
			"$1" --enter --name lab ip -br addr show p0' "$NSVETH" "$NSRUN"
	else
		run_as "$m" "$NSRUN" --enter --name lab "$NSRUN" -n sh -c \
			'"$0" -A 10.7.0.2/24 v0 p0 lab && "$1" --enter --name lab ip -br addr show p0' \
			"$NSVETH" "$NSRUN"
	fi
	expect_re "$m: nsveth puts the peer into the session by name" 0 "^p0(@if[0-9]+)? .*10.7.0.2/24"

	run_as "$m" "$NSLS" -n -r -t uts -o NAME
	expect_re "$m: nsls names the session's namespaces" 0 "^lab$"

	run_as "$m" "$NSRUN" --list-names
	expect_re "$m: --list-names shows it" 0 \
		"^NAME +TYPES +PID CREATED
lab +mnt,uts,ipc,net,pid,user +$init [0-9]{4}-[0-9]{2}-[0-9]{2}T"
	run_as "$m" "$NSRUN" --list-names -J
	if [ "$RC" -eq 0 ] && b=$(printf '%s' "$OUT" | python3 -c '
import json, sys
s = json.load(sys.stdin)["sessions"]
print(s[0]["name"], s[0]["types"], s[0]["pid"])') && [ "$b" = "lab mnt,uts,ipc,net,pid,user $init" ]; then
		ok "$m: --list-names -J"
	else
		not_ok "$m: --list-names -J"
		diag "$OUT" "$ERR"
	fi

	run_as "$m" "$NSRUN" --name lab -n true
	expect_err "$m: a name that exists is refused" 1 \
		"^nsrun: cannot create session 'lab': it exists \(nsrun --destroy lab ends it\)$"

	run_as "$m" "$NSRUN" --destroy lab
	expect "$m: --destroy" 0 ""
	check "$m: no mount, file or process remains" session_gone "$m" lab "$init"
	check "$m: the session's processes ended with it" \
		wait_for 5 sh -c '! pgrep -x sleep -P '"$init"' >/dev/null'
	run_as "$m" "$NSRUN" --destroy lab
	expect_err "$m: --destroy of a name that does not exist" 1 \
		"^nsrun: cannot destroy session 'lab': no such session$"
	run_as "$m" "$NSRUN" --enter --name lab true
	expect_err "$m: --enter of a name that does not exist" 1 \
		"^nsrun: cannot enter session 'lab': no such session$"
}

case_killed_creator() {
	local m=$1 init
	# shellcheck disable=SC2046
	spawn_as "$m" "$NSRUN" --name k $(make_opts "$m") sh -c 'echo up; exec sleep 1000'
	if ! wait_for 10 grep -q up "$T/bg.out"; then
		not_ok "$m: killed creator: the program started"
		diag "$(cat "$T/bg.err")"
		kill_tree "$BG_PID"
		return
	fi
	kill -KILL "$BG_PID"
	reap "$BG_PID"
	init=$(init_of "$m" k)
	run_as "$m" "$NSRUN" --enter --name k hostname
	expect "$m: creator killed by SIGKILL: the session still enters" 0 lab1
	destroy_session "$m" k "$init" "$m: creator killed"
	check "$m: creator killed: its program ended with the PID namespace" \
		wait_for 5 sh -c '! pgrep -f "^sleep 1000$" >/dev/null'
}

# the program that made the session killed: nsrun dies as it did, and the
# session stays whole
case_killed_program() {
	local m=$1 init
	run_as "$m" "$NSRUN" --name kp -r -u -n --hostname kp1 sh -c 'kill -KILL $$'
	expect "$m: the creating program killed: nsrun ends as it did" 137 "" || return
	init=$(init_of "$m" kp)
	run_as "$m" "$NSRUN" --enter --name kp hostname
	expect "$m: the creating program killed: the session enters" 0 kp1
	destroy_session "$m" kp "$init" "$m: the creating program killed"
}

# the init killed, or (root) the bound files unmounted: a stale session
case_stale() {
	local m=$1 init d
	d=$(sdir "$m")
	run_as "$m" "$NSRUN" --name st -r -u true
	expect "$m: stale: made" 0 "" || return
	init=$(init_of "$m" st)
	if [ "$m" = root ]; then
		umount "$d/st/uts" "$d/st/user"
	else
		kill -KILL "$init"
		wait_for 5 gone "$init"
	fi
	run_as "$m" "$NSRUN" --enter --name st true
	expect_err "$m: a stale session is named so" 1 \
		"^nsrun: cannot enter session 'st': it is stale, its (user|uts) namespace is gone \(nsrun --destroy st removes it\)$"
	run_as "$m" "$NSRUN" --list-names
	expect_re "$m: a stale session lists without a PID" 0 "^st +uts,user +[0-9T:-]+$"
	run_as "$m" "$NSRUN" --destroy st
	expect "$m: a stale session is destroyed" 0 ""
	check "$m: stale: nothing remains" session_gone "$m" st
}

case_names() {
	local m=$1 n
	for n in a/b . .. -x "a b" "$(printf 'x%.0s' $(seq 65))"; do
		run_as "$m" "$NSRUN" --name "$n" -r true
		expect_err "$m: invalid name '$n'" 1 "^nsrun: invalid session name '.*' \(1 to 64 printable bytes"
	done
	run_as "$m" "$NSRUN" --name "$(printf 'x%.0s' $(seq 64))" -r true
	expect "$m: a name of 64 bytes" 0 ""
	run_as "$m" "$NSRUN" --destroy "$(printf 'x%.0s' $(seq 64))"
	expect "$m: a name of 64 bytes: destroyed" 0 ""
	run_as "$m" "$NSRUN" --name x true
	expect_err "$m: no namespace to keep" 1 "^nsrun: --name needs a namespace to keep"
}

# A program whose set-up fails: the session is taken back, init and all.
case_setup_fails() {
	local m=$1
	run_as "$m" "$NSRUN" --name f -r -n -p --mount-proc="$T/nonexistent" true
	expect_err "$m: set-up fails" 1 "^nsrun: .*$T/nonexistent"
	check "$m: set-up fails: nothing half-made" session_gone "$m" f
	check "$m: set-up fails: no init left" wait_for 5 sh -c '! pgrep -f "[n]srun --name f " >/dev/null'
}

# A runtime directory nobody may write, one that is full, none at all:
# a clear error and nothing half-made.
case_runtime_dir() {
	local m=user
	[ "$m" = "$1" ] || return 0
	(unset XDG_RUNTIME_DIR; as_mode "$m" "$NSRUN" --name z -r true) >"$T/out" 2>"$T/err"
	RC=$? ERR=$(cat "$T/err")
	expect_err "no XDG_RUNTIME_DIR: named" 1 \
		"^nsrun: cannot find the session directory: XDG_RUNTIME_DIR is not set"
	if [ "$(id -u)" -ne 0 ]; then
		skip "read-only and full runtime directories need root to mount"
		return
	fi
	mkdir "$T/ro" && mount -t tmpfs -o ro,mode=700,uid=$NOBODY_UID tmpfs "$T/ro"
	XDG_RUNTIME_DIR=$T/ro run_as "$m" "$NSRUN" --name z -r true
	expect_err "a read-only runtime directory" 1 \
		"^nsrun: cannot open $T/ro/nsutils: Read-only file system$"
	umount "$T/ro"
	mkdir "$T/full" && mount -t tmpfs -o size=8k,mode=700,uid=$NOBODY_UID tmpfs "$T/full"
	mkdir "$T/full/nsutils" && chown $NOBODY_UID "$T/full/nsutils"
	dd if=/dev/zero of="$T/full/fill" bs=4k count=4 2>/dev/null
	XDG_RUNTIME_DIR=$T/full run_as "$m" "$NSRUN" --name z -r true
	expect_err "a full runtime directory" 1 \
		"^nsrun: cannot create session 'z' in $T/full/nsutils: No space left on device$"
	check "a full runtime directory: nothing half-made" test ! -e "$T/full/nsutils/z"
	umount "$T/full"
}

# ip netns, and nsveth, by a root session's name; and entering a name
# only ip netns made
case_netns() {
	[ "$1" = root ] || return 0
	run_as root "$NSRUN" --name net1 -n sh -c 'ip addr add 10.9.8.1/32 dev lo'
	expect "root: a network session" 0 "" || return
	run_as root ip netns exec net1 sh -c 'ip -br addr show lo | grep -o 10.9.8.1'
	expect "root: ip netns exec into the session" 0 10.9.8.1
	run_as root ip -n net1 -br addr show lo
	expect_re "root: ip -n NAME" 0 "10.9.8.1"
	run_as root "$NSRUN" --destroy net1
	expect "root: the network session is destroyed" 0 ""
	check "root: network session: nothing remains" session_gone root net1

	run_as root ip netns add only1
	run_as root "$NSRUN" --enter --name only1 sh -c 'ls /sys/class/net; ip -br link | cut -d" " -f1'
	expect "root: a name only ip netns made enters as ip netns exec" 0 "lo
lo"
	ip netns delete only1
}

for_each_mode case_lab
for_each_mode case_killed_creator
for_each_mode case_killed_program
for_each_mode case_stale
for_each_mode case_names
for_each_mode case_setup_fails
for_each_mode case_runtime_dir
for_each_mode case_netns
ns_done
