#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Mount side of nsrun: --mount-proc, --propagation, --mount-binfmt,
# --load-interp, --root with a fresh /proc, and persisting namespaces by
# binding them onto files (also onto a shared mount, and as nobody). The
# messages begin with unshare(1)'s words ("mount %s failed", "mount %s on %s
# failed", "unshare failed"), nsrun's hint after them.

. "$(dirname "$0")/../lib.sh"
ns_setup

# mountpoint_free FILE: nothing is mounted on FILE in our namespace
mountpoint_free() {
	! awk -v f="$1" '$5 == f { found = 1 } END { exit !found }' /proc/self/mountinfo
}

case_proc() {
	local m=$1
	differ "$m" "-rpf --mount-proc: PID 1 and a fresh /proc" \
		-rpf --mount-proc sh -c 'echo $$; readlink /proc/self; ps -e -o pid=,comm='
	differ "$m" "--mount-proc mount options" \
		-rpf --mount-proc sh -c 'findmnt -no FSTYPE,VFS-OPTIONS /proc | tail -n 1'
	run_as "$m" "$NSRUN" -rpf --mount-proc sh -c 'echo $$; echo /proc/[0-9]*'
	expect "$m: -rpf --mount-proc: only PID 1 in /proc" 0 "1
/proc/1"
	run_as "$m" "$NSRUN" -rpf --mount-proc sh -c \
		'findmnt -no FSTYPE,VFS-OPTIONS /proc | tail -n 1 | tr , "\n" | grep -x -e proc.* -e nosuid -e nodev -e noexec | sort'
	expect "$m: --mount-proc: proc, nosuid, nodev, noexec" 0 "nodev
noexec
nosuid
proc   rw"
	differ "$m" "--mount-proc=DIR" -rpf --mount-proc="$T/procdir" \
		sh -c "echo $T/procdir/[0-9]*; readlink $T/procdir/self"
	run_as "$m" "$NSRUN" -rpf --mount-proc="$T/procdir" sh -c \
		"echo $T/procdir/[0-9]*; test \$(readlink /proc/self) -gt 2 && echo host-proc-kept"
	expect "$m: --mount-proc=DIR: mounted there, /proc left alone" 0 "$T/procdir/1
host-proc-kept"
	check "$m: --mount-proc=DIR: gone after the run" mountpoint_free "$T/procdir"
	differ "$m" "-rp --mount-proc without --fork" -rp --mount-proc true
	run_as "$m" "$NSRUN" -rp --mount-proc true
	expect_err "$m: -rp --mount-proc without --fork: the hint" 1 \
		"^nsrun: mount /proc failed: Operation not permitted \(a new PID namespace needs --fork before its /proc can be mounted\)\$"
	run_as "$m" "$NSRUN" -rp --mount-proc="$T/procdir" true
	expect_err "$m: -rp --mount-proc=DIR without --fork: the hint" 1 \
		"^nsrun: mount $T/procdir failed: Operation not permitted \(a new PID namespace needs --fork before its /proc can be mounted\)\$"
	differ "$m" "-r --mount-proc without --pid" -r --mount-proc true
	run_as "$m" "$NSRUN" -r --mount-proc true
	expect_err "$m: -r --mount-proc without --pid: the PID namespace hint" 1 \
		"^nsrun: mount /proc failed: Operation not permitted \(a new user namespace may only mount the proc of a PID namespace it owns; add --pid --fork\)\$"
	if [ "$m" = root ]; then
		differ "$m" "--mount-proc without --pid, as root" --mount-proc \
			sh -c 'findmnt -no FSTYPE /proc | tail -n 1; test -e /proc/1 && echo host-pids'
		differ "$m" "-p --mount-proc without --fork, as root" -p --mount-proc true
		differ "$m" "-pf --mount-proc as root" -pf --mount-proc sh -c 'echo $$ /proc/[0-9]*'
	else
		differ "$m" "--mount-proc without a user namespace" -pf --mount-proc true
		run_as "$m" "$NSRUN" -pf --mount-proc true
		expect_err "$m: --mount-proc without a user namespace: the hint" 1 \
			"^nsrun: unshare failed: Operation not permitted \(only root may create these namespaces; add --user or -r to create a user namespace as well\)\$"
	fi
}

case_root_proc() {
	local m=$1
	differ "$m" "-R DIR --mount-proc: proc inside the new root" \
		-rpf -R "$T/root" --mount-proc /bin/sh -c 'echo $$ /proc/[0-9]*; echo *'
	run_as "$m" "$NSRUN" -rpf -R "$T/root" --mount-proc /bin/sh -c 'echo $$ /proc/[0-9]*'
	expect "$m: -R DIR --mount-proc: /proc of DIR holds the new PID namespace" 0 "1 /proc/1"
	check "$m: -R DIR --mount-proc: DIR/proc untouched outside" mountpoint_free "$T/root/proc"
	differ "$m" "-R / -w DIR --mount-proc" -rpf -R / -w /tmp --mount-proc \
		sh -c 'pwd; echo $$; readlink /proc/self'
}

case_propagation() {
	local m=$1 p
	for p in slave shared private unchanged; do
		differ "$m" "-rm --propagation $p: /" -rm --propagation $p findmnt -no PROPAGATION /
		differ "$m" "-rm --propagation $p: a shared mount" \
			-rm --propagation=$p findmnt -no PROPAGATION "$T/pm"
	done
	differ "$m" "-rm: private by default" -rm findmnt -no PROPAGATION "$T/pm"
	differ "$m" "--propagation without -m is ignored" \
		-r --propagation private findmnt -no PROPAGATION "$T/pm"
	# a shared mount copied into a less privileged mount namespace becomes
	# a slave (mount_namespaces(7)); --propagation then applies on top
	prop "$m" "-rm --propagation slave" "private,slave" -rm --propagation slave
	prop "$m" "-rm --propagation shared" "shared,slave" -rm --propagation shared
	prop "$m" "-rm --propagation private" "private" -rm --propagation private
	prop "$m" "-rm --propagation unchanged" "private,slave" -rm --propagation unchanged
	prop "$m" "-rm" "private" -rm
	prop "$m" "-r --propagation shared, no -m" "shared" -r --propagation shared
	if [ "$m" = root ]; then
		for p in slave shared private unchanged; do
			differ "$m" "-m --propagation $p: a shared mount" \
				-m --propagation $p findmnt -no PROPAGATION "$T/pm"
		done
		prop "$m" "-m --propagation slave" "private,slave" -m --propagation slave
		prop "$m" "-m --propagation shared" "shared" -m --propagation shared
		prop "$m" "-m --propagation private" "private" -m --propagation private
		prop "$m" "-m --propagation unchanged" "shared" -m --propagation unchanged
		prop "$m" "--mount-proc implies -m, private" "private" --mount-proc \
			--propagation private
	fi
}

prop() {
	local m=$1 desc=$2 want=$3
	shift 3
	run_as "$m" "$NSRUN" "$@" findmnt -no PROPAGATION "$T/pm"
	expect "$m: $desc: $want" 0 "$want"
}

BINFMT=/proc/sys/fs/binfmt_misc
INTERP=':nsutils:E::nstest::/bin/cat:'

case_binfmt() {
	local m=$1
	run_as "$m" "$NSRUN" -pf --mount-binfmt sh -c "ls $BINFMT; cat $BINFMT/status"
	expect "$m: --mount-binfmt: a fresh binfmt_misc at $BINFMT" 0 "register
status
enabled"
	run_as "$m" "$NSRUN" -pf --mount-binfmt sh -c \
		'echo $$; findmnt -no FSTYPE /proc/sys/fs/binfmt_misc; findmnt -no FSTYPE /proc | tail -n 1'
	expect "$m: --mount-binfmt: also a new /proc (PID 1 is ours)" 0 "1
binfmt_misc
proc"
	run_as "$m" "$NSRUN" -rpf --mount-binfmt --mount-proc="$T/procdir" sh -c \
		"echo $T/procdir/[0-9]*; findmnt -no FSTYPE $BINFMT; grep -c ' - proc ' /proc/self/mountinfo"
	expect "$m: --mount-binfmt with --mount-proc=DIR: one new proc, at DIR" 0 "$T/procdir/1
binfmt_misc
$(($(grep -c ' - proc ' /proc/self/mountinfo) + 1))"
	run_as "$m" "$NSRUN" --mount-binfmt="$T/binfmt" sh -c \
		"ls $T/binfmt; findmnt -no FSTYPE $T/binfmt; grep -c ' - proc ' /proc/self/mountinfo"
	expect "$m: --mount-binfmt=DIR: there, /proc not remounted" 0 "register
status
binfmt_misc
$(grep -c ' - proc ' /proc/self/mountinfo)"
	check "$m: --mount-binfmt=DIR: gone after the run" mountpoint_free "$T/binfmt"
	run_as "$m" "$NSRUN" --mount-binfmt="$T/binfmt" readlink /proc/self/ns/user
	expect_re "$m: --mount-binfmt implies --user" 0 "^user:\[[0-9]+\]\$"
	if [ "$OUT" = "$(readlink /proc/self/ns/user)" ]; then
		not_ok "$m: --mount-binfmt: a new user namespace"
	else
		ok "$m: --mount-binfmt: a new user namespace"
	fi
	run_as "$m" "$NSRUN" -rpf -l "$INTERP" "$T/x.nstest"
	expect "$m: -l: the interpreter runs the file" 0 "echo run-by-sh"
	run_as "$m" "$NSRUN" -rpf --load-interp="$INTERP" sh -c \
		"cat $BINFMT/nsutils; $T/x.nstest"
	expect "$m: --load-interp: the entry and the run" 0 "enabled
interpreter /bin/cat
flags: 
extension .nstest
echo run-by-sh"
	run_as "$m" "$NSRUN" -r --mount-binfmt="$T/binfmt" -l "$INTERP" sh -c \
		"cat $T/binfmt/nsutils | head -n 2; $T/x.nstest"
	expect "$m: -l with --mount-binfmt=DIR: registered there" 0 "enabled
interpreter /bin/cat
echo run-by-sh"
	# F opens the interpreter at once: registered before chroot(2), /bin/cat
	# serves in a root that has none
	run_as "$m" "$NSRUN" -rpf -R "$T/root" -l ':nsutilsf:E::nstest::/bin/cat:F' \
		/bin/sh -c 'test -e /bin/cat || echo no-cat; /x.nstest; echo /proc/sys/fs/binfmt_misc/*'
	expect "$m: -l with the F flag and -R DIR: interpreter from outside DIR" 0 "no-cat
echo run-by-sh
/proc/sys/fs/binfmt_misc/nsutilsf /proc/sys/fs/binfmt_misc/register /proc/sys/fs/binfmt_misc/status"
	run_as "$m" "$NSRUN" -rf "$T/x.nstest"
	expect "$m: without -l the file is a shell script" 0 "run-by-sh"
	run_as "$m" "$NSRUN" -rpf -l 'garbage' true
	# the kernel refuses the definition: util-linux 2.42's words
	# (sys-utils/unshare.c; 2.38 had no --load-interp)
	expect_err "$m: -l with a bad definition" 1 \
		"^nsrun: write failed /proc/sys/fs/binfmt_misc/register: Invalid argument\$"
	if [ -e $BINFMT/nsutils ] || [ -e $BINFMT/nsutilsf ]; then
		not_ok "$m: the host's binfmt_misc is untouched"
	else
		ok "$m: the host's binfmt_misc is untouched"
	fi
}

# persist TYPE NSNAME PRE ARGS...: runs nsrun --TYPE=FILE ARGS sh -c "PRE
# readlink /proc/self/ns/NSNAME": FILE must be bound to that namespace, a
# new one
persist() {
	local t=$1 ns=$2 pre=$3 f=$T/persist/$1 ino
	shift 3
	touch "$f"
	run_as root "$NSRUN" --$t="$f" "$@" sh -c "$pre readlink /proc/self/ns/$ns"
	ino=$(stat -L -c %i "$f")
	if [ "$RC" -eq 0 ] && [ -z "$ERR" ] && [ "$OUT" = "$ns:[$ino]" ] &&
		[ "$OUT" != "$(readlink /proc/self/ns/$ns)" ]; then
		ok "root: --$t=FILE $*: FILE is the new namespace"
	else
		not_ok "root: --$t=FILE $*: FILE is the new namespace"
		diag "status $RC, stdout: $OUT, stderr: $ERR, FILE inode $ino"
	fi
}

is_nsfs() {
	[ "$(findmnt -no FSTYPE --mountpoint "$1")" = nsfs ]
}

unpersist() {
	local f=$T/persist/$1
	umount "$f" && mountpoint_free "$f"
}

case_persist_root() {
	local f=$T/persist
	mkdir -p "$f"
	persist net net ""
	run_as root nsenter --net="$f/net" ip -o link
	expect_re "root: --net=FILE: nsenter enters it, only lo" 0 "^1: lo: <LOOPBACK> .* state DOWN "
	check "root: --net=FILE: one link" [ "$(printf '%s\n' "$OUT" | wc -l)" -eq 1 ]
	check "root: --net=FILE: umount" unpersist net
	persist uts uts "hostname nsutils-persist &&"
	run_as root nsenter --uts="$f/uts" hostname
	expect "root: --uts=FILE keeps the hostname set inside" 0 nsutils-persist
	check "root: --uts=FILE: umount" unpersist uts
	persist ipc ipc ""
	check "root: --ipc=FILE: umount" unpersist ipc
	persist cgroup cgroup ""
	check "root: --cgroup=FILE: umount" unpersist cgroup
	persist mount mnt ""
	run_as root nsenter --mount="$f/mount" findmnt -no PROPAGATION /
	expect "root: --mount=FILE: nsenter enters it" 0 private
	check "root: --mount=FILE: umount" unpersist mount
	persist user user "" -r
	run_as root nsenter --preserve-credentials --user="$f/user" cat /proc/self/uid_map
	expect "root: --user=FILE -r: its map" 0 "$(kmap "0 0 1")"
	check "root: --user=FILE: umount" unpersist user
	persist user user ""
	check "root: --user=FILE without a map: umount" unpersist user
	persist pid pid "" -f
	check "root: --pid=FILE -f: umount" unpersist pid
	touch "$f/pid"
	run_as root "$NSRUN" --pid="$f/pid" true
	expect_err "root: --pid=FILE without --fork fails" 1 "^nsrun: "
	check "root: --pid=FILE without --fork: nothing left mounted" mountpoint_free "$f/pid"
	persist time time "" --monotonic 50
	run_as root nsenter --time="$f/time" cat /proc/self/timens_offsets
	expect_re "root: --time=FILE --monotonic 50: the offset stays" 0 "^monotonic +50 +0\$"
	check "root: --time=FILE: umount" unpersist time
	touch "$f/a" "$f/b" "$f/c"
	run_as root "$NSRUN" -r --net="$f/a" --uts="$f/b" --mount="$f/c" true
	expect "root: three namespaces persisted at once" 0 ""
	if is_nsfs "$f/a" && is_nsfs "$f/b" && is_nsfs "$f/c" &&
		nsenter --net="$f/a" --uts="$f/b" --mount="$f/c" true &&
		umount "$f/a" "$f/b" "$f/c"; then
		ok "root: three namespaces persisted at once: all bound"
	else
		not_ok "root: three namespaces persisted at once: all bound"
	fi
	run_as root "$NSRUN" --net="$f/nonexistent" true
	expect_err "root: persisting onto a missing file" 1 \
		"^nsrun: mount /proc/[0-9]+/ns/net on $f/nonexistent failed: No such file or directory\$"
	# all or nothing: a later failure takes back the binds already made,
	# from nsrun itself (net) and from its helper child (user)
	run_as root "$NSRUN" -r --user="$f/a" --net="$f/b" --uts="$f/nonexistent" true
	expect_err "root: one of three persistence targets missing" 1 \
		"^nsrun: mount /proc/[0-9]+/ns/uts on $f/nonexistent failed: No such file or directory\$"
	check "root: one of three targets missing: the other two released" \
		eval 'mountpoint_free "$f/a" && mountpoint_free "$f/b"'
	for extra in "" "--mount=$f/c"; do
		rm -f "$T/ran"
		run_as root "$NSRUN" --net="$f/a" $extra --uts="$f/nonexistent" -f \
			sh -c "sleep 0.5; touch $T/ran"
		expect_err "root: with --fork${extra:+ and a helper}, a target missing" 1 \
			"^nsrun: mount /proc/[0-9]+/ns/uts on $f/nonexistent failed: No such file or directory\$"
		check "root: with --fork${extra:+ and a helper}, a target missing: others released" \
			eval 'mountpoint_free "$f/a" && mountpoint_free "$f/c"'
		sleep 1
		check "root: with --fork${extra:+ and a helper}, a target missing: the program was stopped" \
			test ! -e "$T/ran"
	done
	# a shared mount cannot hold a mount namespace file (mount_namespaces(7))
	mkdir -p "$T/s"
	mount --bind "$T/s" "$T/s" && mount --make-shared "$T/s" && touch "$T/s/f"
	run_as root "$NSRUN" --mount="$T/s/f" true
	expect_err "root: --mount=FILE on a shared mount: the hint" 1 \
		"^nsrun: mount /proc/[0-9]+/ns/mnt on $T/s/f failed: (Invalid argument|Too many levels of symbolic links) \(the mount holding '$T/s/f' is shared; make it private first, e\.g\. mount --make-private on its mount point\)\$"
	check "root: --mount=FILE on a shared mount: nothing left mounted" mountpoint_free "$T/s/f"
	run_as root "$NSRUN" --net="$T/s/f" true
	expect "root: --net=FILE on a shared mount is fine" 0 ""
	check "root: --net=FILE on a shared mount: umount" umount "$T/s/f"
	umount "$T/s"
}

case_persist_user() {
	local m=user t
	mkdir -p "$T/tmp/persist"
	for t in net uts ipc mount user cgroup; do
		touch "$T/tmp/persist/$t"
		run_as $m "$NSRUN" -r --$t="$T/tmp/persist/$t" true
		expect_err "$m: --$t=FILE fails cleanly" 1 \
			"^nsrun: mount /proc/[0-9]+/ns/[a-z]+ on $T/tmp/persist/$t failed: Operation not permitted\$"
		check "$m: --$t=FILE: nothing mounted" mountpoint_free "$T/tmp/persist/$t"
	done
	differ $m "--net=FILE fails" -r --net="$T/tmp/persist/net" true
	differ $m "--mount=FILE fails" -r --mount="$T/tmp/persist/mount" true
	touch "$T/tmp/persist/pid"
	run_as $m "$NSRUN" -rf --pid="$T/tmp/persist/pid" true
	expect_err "$m: --pid=FILE -f fails cleanly" 1 \
		"^nsrun: mount /proc/[0-9]+/ns/pid_for_children on $T/tmp/persist/pid failed: Operation not permitted\$"
}

# scratch: a mount made shared for --propagation, a tiny root with /proc,
# a file for binfmt_misc
setup() {
	local R=$T/root f
	mkdir -p "$T/pm" "$T/procdir" "$T/binfmt"
	if [ "$(id -u)" -eq 0 ]; then
		mount --bind "$T/pm" "$T/pm" && mount --make-shared "$T/pm"
	fi
	mkdir -p "$R/proc"
	for f in /bin/sh $(ldd /bin/sh | grep -o '/[^ ]*'); do
		mkdir -p "$R$(dirname "$f")"
		cp -L "$f" "$R$f"
	done
	chmod -R a+rX "$R"
	printf 'echo run-by-sh\n' >"$T/x.nstest"
	chmod 755 "$T/x.nstest"
	cp -p "$T/x.nstest" "$R/x.nstest"
}

setup
for_each_mode case_proc
for_each_mode case_root_proc
if require_root "a shared scratch mount needs root"; then
	for_each_mode case_propagation
fi
for_each_mode case_binfmt
if require_root "persisting namespaces needs root"; then
	case_persist_root
fi
case_persist_user
ns_done
