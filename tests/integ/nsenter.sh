#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nsrun's enter mode (nsrun --enter, or nsrun called nsenter) against
# Debian's nsenter (util-linux 2.38) wherever both agree, and the newest
# nsenter's behaviour (2.42) where 2.38 has no such option or differs: as
# root and as nobody entering rootless namespaces of its own.
. "$(dirname "$0")/../lib.sh"
ns_setup

NSENTER_REF=${NSENTER_REF:-/usr/bin/nsenter}
ln -s nsrun "$T/bin/nsenter"
NSENTER=$T/bin/nsenter
PY=/usr/bin/python3
if [ ! -x "$NSENTER_REF" ]; then
	echo "1..0 # SKIP no nsenter to compare with (Debian package util-linux)"
	exit 0
fi

# start_target MODE CMD...: CMD (an unshare(1) line that ends in a program
# it execs) as MODE in the background, once it is in a network namespace of
# its own; its PID is $TGT.
start_target() {
	local mode=$1
	shift
	spawn_as "$mode" "$@"
	TGT=$BG_PID
	if ! wait_for 5 new_netns "$TGT"; then
		diag "target did not start: $(cat "$T/bg.err")"
	fi
}
new_netns() {
	[ -e "/proc/$1/ns/net" ] &&
		[ "$(readlink "/proc/$1/ns/net")" != "$(readlink /proc/self/ns/net)" ]
}
stopped() {
	[ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" = T ]
}
stop_target() {
	kill_tree "$TGT"
	wait "$TGT" 2>/dev/null
}
# the id of a namespace (NS_GET_ID) and the inode of a pidfd, for root
pyid() {
	"$PY" -c 'import fcntl,os,struct,sys
fd = os.open(sys.argv[1], os.O_RDONLY)
print(struct.unpack("Q", fcntl.ioctl(fd, 0x8008b70d, bytes(8)))[0])' "$1"
}
pyparent() {
	"$PY" -c 'import fcntl,os,sys
print(os.fstat(fcntl.ioctl(os.open(sys.argv[1], os.O_RDONLY), 0xb702)).st_ino)' "$1"
}
pidfd_ino() {
	"$PY" -c 'import os,sys; print(os.fstat(os.pidfd_open(int(sys.argv[1]))).st_ino)' "$1"
}

# --- the interface ---------------------------------------------------------

run_as user "$NSRUN" --enter --help
expect "--enter --help: usage on stdout, status 0" 0 && {
	printf '%s\n' "$OUT" | grep -q -- '--wdns\[=<dir>\]' &&
		printf '%s\n' "$OUT" | grep -q -- '--net-socket <fd>'
} || not_ok "--enter --help lists --wdns[=<dir>] and --net-socket <fd>"
run_as user "$NSENTER" -V
expect "nsenter -V" 0 "nsenter $(sed -n "s/^ *version *: *'\(.*\)'.*/\1/p" \
	"$NS_SOURCE_ROOT/meson.build" | head -1)"
differ_nsenter user "an unknown option" --bogus
NSENTER_LOOSE=1 differ_nsenter user "a bad uid (2.38 and 2.42 word it alike)" -S abc
# 2.42: no namespace at all is an error (2.38 ran the program as it was)
run_as user "$NSENTER" -t $$ true
expect_err "no namespace option: 'no namespace specified' (2.42)" 1 \
	'^nsenter: no namespace specified$'
run_as user "$NSENTER" -t $$ -t $$ -n true
expect_err "--target twice is refused (2.42)" 1 \
	'^nsenter: option --target may be given only once$'
run_as user "$NSENTER" -t abc -n true
expect_err "a bad PID: 2.42's words" 1 \
	"^nsenter: failed to parse PID argument 'abc': Invalid argument$"
run_as user "$NSENTER" -t 5:0 -n true
expect_err "an inode of 0 is out of range" 1 \
	"^nsenter: failed to parse PID argument '5:0': Numerical result out of range$"
run_as user "$NSENTER" -w/ -W/ -t $$ -n true
expect_err "--wd with --wdns: 2.42's words" 1 \
	'^nsenter: options --wd and --wdns cannot be combined$'
# 2.42 built without SELinux: -Z is in the short options but falls through
# to the usage error; --follow-context is unknown
run_as user "$NSENTER" -Z -t $$ -n true
expect_err "-Z without SELinux: the usage error" 1 \
	"^Try 'nsenter --help' for more information.$"
run_as user "$NSRUN" --enter --follow-context -t $$ -n true
# getopt's line begins with the tool's name, not the path it ran by
if [ "$RC" -eq 1 ] && [ "$ERR" = "nsrun: unrecognized option '--follow-context'
Try 'nsrun --enter --help' for more information." ]; then
	ok "--follow-context without SELinux is an unknown option"
else
	not_ok "--follow-context without SELinux is an unknown option"
	diag "status $RC, stderr: $ERR"
fi
run_as user "$NSENTER" -t 2147483646 -n true
expect_err "no such process" 1 \
	'^nsenter: cannot open /proc/2147483646/ns/net: No such file or directory'
run_as user "$NSENTER" -n true
expect_err "no target" 1 '^nsenter: no target PID specified$'

# --- entering rootless namespaces, in each mode -----------------------------

enter_own() {
	local mode=$1 net
	start_target "$mode" "$UNSHARE" --user --map-root-user --net --uts --ipc --mount \
		sh -c 'hostname target; exec sleep 600'
	wait_for 5 sh -c "[ \"\$(readlink /proc/$TGT/exe)\" = /usr/bin/sleep ]"
	net=$(readlink "/proc/$TGT/ns/net")
	differ_nsenter "$mode" "-U -n -u -i --preserve-credentials" -t "$TGT" -U -n -u -i \
		--preserve-credentials sh -c 'readlink /proc/self/ns/net; hostname'
	[ "$OUT" = "$net
target" ] && ok "$mode: the program runs in the target's namespaces" ||
		not_ok "$mode: the program runs in the target's namespaces"
	differ_nsenter "$mode" "a namespace as a file" -t "$TGT" -U \
		--net="/proc/$TGT/ns/net" --preserve-credentials readlink /proc/self/ns/net
	# 2.42 enters files after the pidfd, which fails here unprivileged;
	# 2.38's order (the user namespace first) works, and is kept
	differ_nsenter "$mode" "--user as a file, -n from the target" -t "$TGT" \
		--user="/proc/$TGT/ns/user" -n --preserve-credentials readlink /proc/self/ns/net
	differ_nsenter "$mode" "-w: the target's working directory" -t "$TGT" -U \
		--preserve-credentials -w pwd
	differ_nsenter "$mode" "--wd=DIR" -t "$TGT" -U --preserve-credentials --wd=/usr pwd
	differ_nsenter "$mode" "--wdns=DIR" -t "$TGT" -U -m --preserve-credentials --wdns=/usr pwd
	# 2.42: -W's argument is optional, so in "-W DIR" DIR is the program
	run_as "$mode" "$NSENTER" -t "$TGT" -U --preserve-credentials -W /usr pwd
	expect_err "$mode: -W DIR runs DIR (2.42's optional argument)" 126 \
		'^nsenter: failed to execute /usr: Permission denied$'
	differ_nsenter "$mode" "no program: \$SHELL as a login shell" -t "$TGT" -U \
		--preserve-credentials
	printf 'echo $0\n' >"$T/in"
	NS_STDIN=$T/in SHELL=/bin/sh run_as "$mode" "$NSENTER" -t "$TGT" -U --preserve-credentials
	expect "$mode: the shell is \$SHELL, as a login shell" 0 "-sh"
	NS_STDIN=$T/in run_as "$mode" env -u SHELL "$NSENTER" -t "$TGT" -U --preserve-credentials
	want=$(getent passwd 0 | cut -d: -f7)
	expect "$mode: without \$SHELL, the passwd entry's of the uid inside" 0 "-${want##*/}"
	differ_nsenter "$mode" "exit status" -t "$TGT" -U --preserve-credentials sh -c 'exit 7'
	differ_nsenter "$mode" "not found: 127" -t "$TGT" -U --preserve-credentials /nonexistent
	differ_nsenter "$mode" "killed by SIGKILL" -t "$TGT" -U --preserve-credentials \
		sh -c 'kill -KILL $$'
	[ "$RC" -eq 137 ] && ok "$mode: SIGKILL: 137 seen by the shell" ||
		not_ok "$mode: SIGKILL: 137 seen by the shell"
	differ_nsenter "$mode" "killed by SIGTERM" -t "$TGT" -U --preserve-credentials \
		sh -c 'kill -TERM $$'
	differ_nsenter "$mode" "-S 0 -G 0" -t "$TGT" -U --preserve-credentials -S 0 -G 0 sh -c 'id -u; id -g'
	# -e (2.42)
	run_as "$mode" env -i FOO=bar "$NSENTER" -t "$TGT" -U --preserve-credentials -e /usr/bin/env
	expect "$mode: -e: the target's environment" 0 "$(tr '\0' '\n' <"/proc/$TGT/environ")"
	differ_nsenter "$mode" "-F" -t "$TGT" -U --preserve-credentials -F true
	if [ "$mode" = user ]; then
		# unshare -r denies setgroups(2): nsenter's default of dropping
		# groups then fails, as in 2.38 and 2.42
		differ_nsenter "$mode" "no --preserve-credentials: setgroups fails" \
			-t "$TGT" -U -n true
		expect_err "$mode: the failure says to add --preserve-credentials" 1 \
			'^nsenter: setgroups failed: Operation not permitted \(.*--preserve-credentials\)$'
	else
		differ_nsenter "$mode" "uid and gid 0 by default" -t "$TGT" -U -n sh -c 'id -u; id -g'
	fi
	# --keep-caps (2.42): the user namespace's capabilities stay ambient,
	# except when it is the only namespace, where 2.42 checks too late
	run_as "$mode" "$NSENTER" -t "$TGT" -U -n --preserve-credentials --keep-caps \
		grep CapAmb /proc/self/status
	expect_re "$mode: --keep-caps keeps capabilities ambient" 0 'CapAmb:	000001ff'
	run_as "$mode" "$NSENTER" -t "$TGT" -U --preserve-credentials --keep-caps \
		grep CapAmb /proc/self/status
	expect "$mode: --keep-caps with -U alone does nothing (2.42)" 0 \
		"CapAmb:	0000000000000000"
	# -N (2.42): the namespace of a socket the target holds
	run_as "$mode" "$NSENTER" -t "$TGT" -U --preserve-credentials -N 0 true
	expect_err "$mode: -N on a non-socket fd" 1 \
		'^nsenter: ioctl\([0-9]+, SIOCGSKNS\): Inappropriate ioctl for device \(fd 0 of process [0-9]+ is not a socket\)$'
	stop_target
	start_target "$mode" "$UNSHARE" --user --map-root-user --net "$PY" -c '
import os, socket, time
s = socket.socket(socket.AF_UNIX)
os.dup2(s.fileno(), 9)
time.sleep(600)'
	wait_for 5 test -e "/proc/$TGT/fd/9"
	run_as "$mode" "$NSENTER" -t "$TGT" -U --preserve-credentials -N 9 readlink /proc/self/ns/net
	expect "$mode: -N FD enters the network namespace of the target's socket" 0 \
		"$(readlink "/proc/$TGT/ns/net")"
	stop_target

	# PID namespaces: a fork by default, none with -F
	start_target "$mode" "$UNSHARE" --user --map-root-user --net --pid --cgroup --time --fork \
		sleep 600
	# the forked child, once unshare has made it
	wait_for 5 test -s "/proc/$TGT/task/$TGT/children"
	TGT=$(cut -d' ' -f1 "/proc/$TGT/task/$TGT/children")
	wait_for 5 sh -c "[ \"\$(readlink /proc/$TGT/exe)\" = /usr/bin/sleep ]"
	differ_nsenter "$mode" "-C -T" -t "$TGT" -U -C -T --preserve-credentials \
		readlink /proc/self/ns/cgroup /proc/self/ns/time
	[ "$OUT" = "$(readlink "/proc/$TGT/ns/cgroup" "/proc/$TGT/ns/time")" ] &&
		ok "$mode: -C -T: the target's cgroup and time namespaces" ||
		not_ok "$mode: -C -T: the target's cgroup and time namespaces"
	run_as "$mode" "$NSENTER" -t "$TGT" -U -p --preserve-credentials sh -c 'echo $$'
	[ "$RC" -eq 0 ] && [ "$OUT" -lt 100 ] && ok "$mode: -p forks into the PID namespace" ||
		{ not_ok "$mode: -p forks into the PID namespace"; diag "$RC $OUT $ERR"; }
	run_as "$mode" "$NSENTER" -t "$TGT" -U -p -F --preserve-credentials sh -c 'echo $$'
	[ "$RC" -eq 0 ] && [ "$OUT" -gt 2 ] && [ "$OUT" -ne "$TGT" ] &&
		ok "$mode: -p -F stays out of it" || not_ok "$mode: -p -F stays out of it"
	differ_nsenter "$mode" "-p, SIGKILL re-raised by the parent" -t "$TGT" -U -p \
		--preserve-credentials sh -c 'kill -KILL $$'
	differ_nsenter "$mode" "-p, SIGTERM re-raised by the parent" -t "$TGT" -U -p \
		--preserve-credentials sh -c 'kill -TERM $$'
	differ_nsenter "$mode" "-p, exit status" -t "$TGT" -U -p --preserve-credentials \
		sh -c 'exit 3'
	# a stopped program stops nsenter too, and both go on with SIGCONT
	local tool ptgt=$TGT name
	for tool in "$NSENTER_REF" "$NSENTER"; do
		name=ours
		[ "$tool" = "$NSENTER_REF" ] && name="nsenter 2.38"
		spawn_as "$mode" "$tool" -t "$ptgt" -U -p --preserve-credentials \
			sh -c 'kill -STOP $$; echo resumed'
		if wait_for 5 stopped "$BG_PID"; then
			kill -CONT "$BG_PID"
			reap "$BG_PID"
			[ "$RC" -eq 0 ] && [ "$(cat "$T/bg.out")" = resumed ] &&
				ok "$mode: $name: a stopped program stops it; SIGCONT resumes both" ||
				not_ok "$mode: $name: a stopped program stops it; SIGCONT resumes both"
		else
			not_ok "$mode: $name: a stopped program stops it; SIGCONT resumes both"
			kill_tree "$BG_PID"
			wait "$BG_PID"
		fi
	done
	# --user-parent (2.42): the parent of the target's user namespace
	run_as "$mode" "$NSENTER" -t "$TGT" --user-parent --preserve-credentials -n \
		readlink /proc/self/ns/user
	expect_err "$mode: --user-parent is the caller's own user namespace here" 1 \
		"^nsenter: reassociate to namespace 'ns/user' failed: Invalid argument"
	stop_target
	# a target of nsrun -r
	start_target "$mode" "$NSRUN" -r --net --uts sleep 600
	wait_for 5 sh -c "[ \"\$(readlink /proc/$TGT/exe)\" = /usr/bin/sleep ]"
	differ_nsenter "$mode" "an nsrun -r target" -t "$TGT" -U -n -u --preserve-credentials \
		sh -c 'id -u; readlink /proc/self/ns/net'
	differ_nsenter "$mode" "an nsrun -r target, without --preserve-credentials" -t "$TGT" \
		-U -n id -u
	stop_target
	start_target "$mode" "$UNSHARE" --user --map-root-user "$UNSHARE" --user --map-root-user \
		--net sleep 600
	wait_for 5 sh -c "[ \"\$(readlink /proc/$TGT/exe)\" = /usr/bin/sleep ]"
	run_as "$mode" "$NSENTER" -t "$TGT" --user-parent --preserve-credentials \
		stat -L -c %i /proc/self/ns/user
	expect "$mode: --user-parent enters the parent of the target's user namespace" 0 \
		"$(pyparent "/proc/$TGT/ns/user")"
	stop_target
}
for_each_mode enter_own

# --- nobody and root's namespaces -------------------------------------------

if [ "$(id -u)" -eq 0 ]; then
	start_target root "$UNSHARE" --net --uts sleep 600
	NSENTER_LOOSE=1 differ_nsenter user "nobody entering root's namespaces" -t "$TGT" -n true
	expect_err "user: refused with the reason" 1 \
		'^nsenter: reassociate to namespaces failed: Operation not permitted \(process [0-9]+ runs as uid 0: only a caller with CAP_SYS_ADMIN over its network namespace may enter it\)$'
	differ_nsenter root "-a" -t "$TGT" -a sh -c 'readlink /proc/self/ns/net /proc/self/ns/uts'
	differ_nsenter root "not a namespace file" -t "$TGT" --net=/etc/passwd true
	expect_err "root: the file is named" 1 \
		"^nsenter: reassociate to namespace 'ns/net' failed: Invalid argument \('/etc/passwd' is not a namespace file\)$"
	differ_nsenter root "a namespace file of another type" --net="/proc/$TGT/ns/uts" true
	# --root: a program only the new root has
	mkdir -p "$T/chroot/bin"
	cp /sbin/ldconfig "$T/chroot/bin/probe"
	differ_nsenter root "--root=DIR" -t "$TGT" -n --root="$T/chroot" /bin/probe --version
	differ_nsenter root "-r: the target's root" -t "$TGT" -n -r ls -d /
	# namespace ids (2.42): the id of the target's network namespace
	id=$(pyid "/proc/$TGT/ns/net")
	run_as root "$NSENTER" --net=:"$id" readlink /proc/self/ns/net
	expect "root: --net=:NSID enters the namespace of that id (2.42)" 0 \
		"$(readlink "/proc/$TGT/ns/net")"
	run_as root "$NSENTER" --net=:999999999 true
	expect_err "root: an unknown id" 1 '^nsenter: cannot open namespace of id 999999999: Stale file handle'
	run_as root "$NSENTER" --net=:x true
	expect_err "root: a bad id" 1 '^nsenter: failed to parse nsid: x$'
	# PID:INODE (2.42)
	ino=$(pidfd_ino "$TGT")
	run_as root "$NSENTER" -t "$TGT:$ino" -n readlink /proc/self/ns/net
	expect "root: -t PID:INODE of the process" 0 "$(readlink "/proc/$TGT/ns/net")"
	run_as root "$NSENTER" -t "$TGT:$((ino + 1))" -n true
	expect_err "root: -t PID:INODE of another process is refused" 1 \
		"^nsenter: failed to obtain a valid file descriptor for PID $TGT: No such process"
	# -c (2.42): the target's cgroup; only cgroup v2 has one to join
	if [ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ]; then
		run_as root "$NSENTER" -t "$TGT" -n -c true
		expect_err "root: -c without cgroup v2 on /sys/fs/cgroup" 1 \
			'^nsenter: --join-cgroup is only supported in cgroup v2$'
		stop_target
	else
		cg=/sys/fs/cgroup/nsutils-enter-$$
		mkdir "$cg" && echo "$TGT" >"$cg/cgroup.procs"
		run_as root "$NSENTER" -t "$TGT" -n -c cat /proc/self/cgroup
		expect "root: -c joins the target's cgroup" 0 "0::/nsutils-enter-$$"
		stop_target
		rmdir "$cg"
	fi

	# -S follow / -G follow (2.42): the target's ids inside its namespace
	start_target root "$NSRUN" --user --map-users=0:0:65536 --map-groups=0:0:65536 --net \
		setpriv --reuid=1000 --regid=1001 --clear-groups sleep 600
	wait_for 5 sh -c "[ \"\$(readlink /proc/$TGT/exe)\" = /usr/bin/sleep ]"
	run_as root "$NSENTER" -t "$TGT" -U -n -S follow -G follow sh -c 'id -u; id -g'
	expect "root: -S follow -G follow take the target's ids" 0 "1000
1001"
	stop_target

	# a PID reused inside a private PID namespace is refused
	run_as root "$UNSHARE" --pid --fork --mount-proc bash -c '
		sleep 600 & a=$!
		ino=$('"$PY"' -c "import os,sys; print(os.fstat(os.pidfd_open(int(sys.argv[1]))).st_ino)" $a)
		kill -KILL $a; wait $a 2>/dev/null
		echo $((a - 1)) >/proc/sys/kernel/ns_last_pid
		unshare --net sleep 600 & b=$!
		[ $b -eq $a ] || { echo "no reuse: $a $b"; kill $b; exit 9; }
		sleep 0.2
		"$0" -t $a:$ino -n true; rc=$?
		kill -KILL $b
		exit $rc' "$NSENTER"
	expect_err "root: -t PID:INODE where PID was reused is refused" 1 \
		'^nsenter: failed to obtain a valid file descriptor for PID [0-9]+: No such process \(the PID now names another process'
fi

# --- the startup cost: nsrun --enter against nsenter -------------------------

ns_done
