#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The other namespaces and credentials: -u, -i, -n, -p, -C, -T with
# --monotonic/--boottime, --keep-caps, -S/-G, --owner, and the EPERM hint
# when an unprivileged caller forgets --user. The messages begin with
# unshare(1)'s words ("unshare failed", "setgroups failed", "failed to parse
# uid: '%s'"), nsrun's hint after them.

. "$(dirname "$0")/../lib.sh"
ns_setup

# newns MODE OPTION NSNAME: the program runs in a namespace of type NSNAME
# other than ours
newns() {
	local m=$1 opt=$2 ns=$3
	run_as "$m" "$NSRUN" $opt readlink /proc/self/ns/$ns
	if [ "$RC" -eq 0 ] && printf '%s\n' "$OUT" | grep -Eqx "$ns:\[[0-9]+\]" &&
		[ "$OUT" != "$(readlink /proc/self/ns/$ns)" ]; then
		ok "$m: $opt: a new $ns namespace"
	else
		not_ok "$m: $opt: a new $ns namespace"
		diag "status $RC, stdout: $OUT, stderr: $ERR, ours: $(readlink /proc/self/ns/$ns)"
	fi
}

# samens MODE OPTION NSNAME: the program stays in our namespace NSNAME
samens() {
	local m=$1 opt=$2 ns=$3
	run_as "$m" "$NSRUN" $opt readlink /proc/self/ns/$ns
	expect "$m: $opt: $ns namespace kept" 0 "$(readlink /proc/self/ns/$ns)"
}

case_types() {
	local m=$1
	newns "$m" -rm mnt
	newns "$m" "--map-root-user --mount" mnt
	newns "$m" -ru uts
	newns "$m" -ri ipc
	newns "$m" -rn net
	newns "$m" -rC cgroup
	newns "$m" -rT time
	newns "$m" -U user
	newns "$m" --user user
	samens "$m" -r net
	samens "$m" -rn uts
	samens "$m" -rm ipc
	samens "$m" -rp pid
	newns "$m" -rpf pid
	# without --fork the first child is PID 1, the program is not
	run_as "$m" "$NSRUN" -rp sh -c 'test "$$" != 1 && sh -c "echo \$\$"; true'
	expect "$m: -p without --fork: the program's first child is PID 1" 0 1
	differ "$m" "-p without --fork" -rp sh -c 'sh -c "echo \$\$"; true'
	if [ "$m" = root ]; then
		newns "$m" -m mnt
		newns "$m" -u uts
		newns "$m" -i ipc
		newns "$m" -n net
		newns "$m" -C cgroup
		newns "$m" -T time
		samens "$m" -n user
	fi
}

HINT="Operation not permitted \(only root may create these namespaces; add --user or -r to create a user namespace as well\)"

case_eperm() {
	local m=user o
	for o in -m -u -i -n -p -C -T -mu --net --mount-proc; do
		differ $m "$o without --user" $o true
		run_as $m "$NSRUN" $o true
		expect_err "$m: $o without --user: the hint" 1 "^nsrun: unshare failed: $HINT\$"
	done
	run_as $m "$NSRUN" -Um true
	expect "$m: -Um works" 0 ""
}

case_uts() {
	local m=$1 host
	host=$(hostname)
	differ "$m" "-ru: hostname copied" -ru hostname
	differ "$m" "-ru: hostname set inside" -ru sh -c 'hostname nsutils-uts && hostname'
	differ "$m" "-ru: domainname set inside" -ru sh -c 'domainname nsutils.dom && domainname'
	run_as "$m" "$NSRUN" --map-root-user --uts sh -c 'hostname nsutils-uts2 && uname -n'
	expect "$m: --uts: hostname set inside" 0 nsutils-uts2
	check "$m: -u: our hostname unchanged" [ "$(hostname)" = "$host" ]
	differ "$m" "-r without -u: hostname may not be set" -r hostname nsutils-uts
}

case_ipc() {
	local m=$1 host
	host=$(wc -l </proc/sysvipc/msg)
	differ "$m" "-ri: System V IPC" -ri ls /proc/sysvipc
	differ "$m" "-ri: no message queue" -ri sh -c 'wc -l </proc/sysvipc/msg'
	run_as "$m" "$NSRUN" -ri sh -c 'ipcmk -Q >/dev/null && ipcmk -M 4096 >/dev/null &&
		tail -n +2 /proc/sysvipc/msg | wc -l; tail -n +2 /proc/sysvipc/shm | wc -l'
	expect "$m: -ri: queues made inside are its own" 0 "1
1"
	check "$m: -i: ours untouched" [ "$(wc -l </proc/sysvipc/msg)" = "$host" ]
	run_as "$m" "$NSRUN" --map-root-user --ipc sh -c 'tail -n +2 /proc/sysvipc/msg | wc -l'
	expect "$m: --ipc: a fresh one each time" 0 0
}

case_net() {
	local m=$1
	differ "$m" "-rn: only lo, down" -rn ip -o link
	run_as "$m" "$NSRUN" -rn ip -o link
	expect_re "$m: -rn: lo down" 0 "^1: lo: <LOOPBACK> mtu 65536 .*state DOWN"
	check "$m: -rn: lo is the only link" [ "$(printf '%s\n' "$OUT" | wc -l)" -eq 1 ]
	run_as "$m" "$NSRUN" -rn sh -c 'ip link set lo up && ip -o -4 addr show lo | awk "{print \$4}"'
	expect "$m: -rn: lo can be brought up inside" 0 "127.0.0.1/8"
}

case_cgroup() {
	local m=$1
	differ "$m" "-rC: /proc/self/cgroup" -rC cat /proc/self/cgroup
	[ -n "$CG" ] || return 0
	in_cg "$m" "$NSRUN" -r grep ^0:: /proc/self/cgroup
	expect "$m: in a child cgroup, without -C" 0 "0::/${CG##*/}"
	in_cg "$m" "$NSRUN" -rC grep ^0:: /proc/self/cgroup
	expect "$m: -rC: the cgroup is the root of the new namespace" 0 "0::/"
	in_cg "$m" "$NSRUN" --map-root-user --cgroup grep ^0:: /proc/self/cgroup
	expect "$m: --cgroup" 0 "0::/"
}

# in_cg MODE CMD...: CMD as MODE, started from inside the scratch cgroup
in_cg() {
	local m=$1
	shift
	if [ "$m" = root ]; then
		run_as root sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG" "$@"
	else
		run_as root sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG" \
			setpriv --reuid=$NOBODY_UID --regid=$NOBODY_GID --clear-groups -- "$@"
	fi
}

OFFSETS="cat /proc/self/timens_offsets"

case_time() {
	local m=$1 up
	differ "$m" "-rT: no offsets" -rT $OFFSETS
	differ "$m" "-rT --monotonic 100" -rT --monotonic 100 $OFFSETS
	differ "$m" "-rT --boottime 100" -rT --boottime=100 $OFFSETS
	differ "$m" "-rT --monotonic=-10 --boottime 5" -rT --monotonic=-10 --boottime 5 $OFFSETS
	differ "$m" "--time --monotonic with --fork" -rf --time --monotonic 7 $OFFSETS
	run_as "$m" "$NSRUN" -rT --monotonic 100 --boottime 200 $OFFSETS
	OUT=$(printf '%s\n' "$OUT" | awk '{print $1, $2, $3}')
	expect "$m: -rT: both offsets" 0 "monotonic 100 0
boottime 200 0"
	run_as "$m" "$NSRUN" -rT --monotonic -10 $OFFSETS
	OUT=$(printf '%s\n' "$OUT" | awk '{print $1, $2}')
	expect "$m: -rT: negative monotonic offset" 0 "monotonic -10
boottime 0"
	# the boot clock moves: /proc/uptime counts from it
	up=$(cut -d. -f1 /proc/uptime)
	run_as "$m" "$NSRUN" -rT --boottime 1000 sh -c 'cut -d. -f1 /proc/uptime'
	if [ "$RC" -eq 0 ] && [ "$OUT" -ge $((up + 1000)) ] && [ "$OUT" -lt $((up + 1030)) ]; then
		ok "$m: --boottime 1000: uptime 1000s ahead"
	else
		not_ok "$m: --boottime 1000: uptime 1000s ahead"
		diag "ours $up, inside: $OUT, status $RC, stderr: $ERR"
	fi
	run_as "$m" "$NSRUN" -rT --boottime -10 sh -c 'cut -d. -f1 /proc/uptime'
	if [ "$RC" -eq 0 ] && [ "$OUT" -ge $((up - 10)) ] && [ "$OUT" -lt $((up + 20)) ] &&
		[ "$OUT" -lt "$(cut -d. -f1 /proc/uptime)" ]; then
		ok "$m: --boottime -10: uptime behind"
	else
		not_ok "$m: --boottime -10: uptime behind"
		diag "ours $up, inside: $OUT, status $RC, stderr: $ERR"
	fi
}

case_caps() {
	local m=$1 prm amb
	differ "$m" "-r --keep-caps: capability sets" -r --keep-caps grep ^Cap /proc/self/status
	differ "$m" "-r: capability sets" -r grep ^Cap /proc/self/status
	differ "$m" "-U --keep-caps" -U --keep-caps grep ^Cap /proc/self/status
	run_as "$m" "$NSRUN" -r --keep-caps sh -c 'grep -E "^Cap(Prm|Amb)" /proc/self/status'
	prm=$(printf '%s\n' "$OUT" | awk '$1 == "CapPrm:" {print $2}')
	amb=$(printf '%s\n' "$OUT" | awk '$1 == "CapAmb:" {print $2}')
	if [ "$RC" -eq 0 ] && [ -n "$prm" ] && [ "$prm" = "$amb" ] &&
		[ "$prm" != 0000000000000000 ]; then
		ok "$m: --keep-caps: the ambient set is the permitted set"
	else
		not_ok "$m: --keep-caps: the ambient set is the permitted set"
		diag "status $RC, stdout: $OUT, stderr: $ERR"
	fi
	# ambient capabilities survive the exec of an unprivileged program
	run_as "$m" "$NSRUN" -r --keep-caps sh -c 'grep ^CapEff /proc/self/status | cut -f2'
	expect "$m: --keep-caps: the program keeps them effective" 0 "$prm"
	run_as "$m" "$NSRUN" -r grep ^CapAmb /proc/self/status
	expect "$m: without --keep-caps: no ambient set" 0 "CapAmb:	0000000000000000"
	if [ "$m" = root ]; then
		differ "$m" "--keep-caps without --user" --keep-caps grep ^CapAmb /proc/self/status
		run_as "$m" "$NSRUN" --keep-caps grep ^CapAmb /proc/self/status
		expect "$m: --keep-caps without --user: nothing" 0 "CapAmb:	0000000000000000"
	fi
}

case_ids() {
	local m=$1
	differ "$m" "-r -S 0 id -u" -r -S 0 id -u
	differ "$m" "-r --setuid=0 --setgid 0: setgroups is denied" -r --setuid=0 --setgid 0 id
	differ "$m" "-r -S 1: unmapped uid" -r -S 1 id -u
	differ "$m" "-r -G 1: unmapped gid" -r -G 1 id -g
	differ "$m" "-S without a user namespace" -S "$(mode_uid "$m")" id -u
	differ "$m" "-S bad" -r -S x1 true
	differ "$m" "-G bad" -r -G '' true
	run_as "$m" "$NSRUN" -r -S 1 id -u
	# util-linux 2.42's "setuid() failed" (sys-utils/unshare.c); 2.38 said
	# "setuid failed"
	expect_err "$m: -S to an unmapped uid" 1 \
		"^nsrun: setuid\(\) failed: Invalid argument \(uid 1 is not mapped in the user namespace\)\$"
	run_as "$m" "$NSRUN" -r -G 0 id -g
	expect_err "$m: -G with setgroups denied" 1 "^nsrun: setgroups failed: Operation not permitted\$"
	run_as "$m" "$NSRUN" -S x1 true
	expect_err "$m: -S invalid" 1 "^nsrun: failed to parse uid: 'x1'\$"
	run_as "$m" "$NSRUN" -G 1x true
	expect_err "$m: -G invalid" 1 "^nsrun: failed to parse gid: '1x'\$"
	if [ "$m" = root ]; then
		run_as "$m" setpriv --groups=4,5 -- "$NSRUN" --map-users=0:0:2000 --map-groups=0:0:2000 \
			-S 1000 -G 1001 sh -c 'id -u; id -g; id -G'
		expect "$m: -S/-G: the ids set, supplementary groups dropped" 0 "1000
1001
1001"
		run_as "$m" setpriv --groups=4,5 -- "$NSRUN" --map-users=0:0:2000 \
			--map-groups=0:0:2000 -S 1000 sh -c 'id -u; id -g; id -G'
		expect "$m: -S alone: groups kept" 0 "1000
0
0 4 5"
		differ "$m" "-S/-G without a user namespace, as root" -S 1000 -G 1001 \
			sh -c 'id -u; id -g; id -G'
	fi
}

case_owner_root() {
	local d=$T/owner
	mkdir -p "$d"
	touch "$d/nobody" "$d/root"
	# Unlike unshare 2.42, on purpose: unshare builds -r's map from the
	# caller's ids, "0 0 1", and so hands host root to the owner, who may
	# enter the namespace it owns and act as host root there on host files.
	# nsrun builds the map as if the owner had run it, and denies setgroups.
	run_as root "$NSRUN" --owner 65534:65534 -r sh -c 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups'
	expect "root: --owner 65534:65534 -r: the owner's ids mapped, not root's" 0 "0
0
$(kmap "0 65534 1" "0 65534 1")
deny"
	run_as root "$NSRUN" --owner=65534:65534 id -u
	expect "root: --owner without a map: overflow uid" 0 65534
	run_as root "$NSRUN" --owner 65534:65534 -r --user="$d/nobody" true
	expect "root: --owner with --user=FILE" 0 ""
	run_as root "$NSRUN" -r --user="$d/root" true
	expect "root: -r --user=FILE" 0 ""
	# the owner has every capability in the namespace: nobody may enter it
	run_as user nsenter --preserve-credentials --user="$d/nobody" cat /proc/self/uid_map
	expect "root: --owner 65534:65534: nobody may enter the namespace" 0 "$(kmap "0 65534 1")"
	run_as user nsenter --preserve-credentials --user="$d/root" true
	if [ "$RC" -ne 0 ]; then
		ok "root: without --owner: nobody may not enter"
	else
		not_ok "root: without --owner: nobody may not enter"
	fi
	umount "$d/nobody" "$d/root"
	check "root: --owner: persisted files released" [ -z "$(findmnt -rno TARGET | grep "^$d")" ]
}

case_owner_user() {
	local m=user
	run_as $m "$NSRUN" --owner 65534:65534 -r true
	expect_err "$m: --owner as nobody fails cleanly" 1 "^nsrun: setgroups failed: Operation not permitted\$"
	run_as $m "$NSRUN" --owner 0:0 true
	expect_err "$m: --owner 0:0 as nobody fails cleanly" 1 "^nsrun: setgroups failed: Operation not permitted\$"
}

CG=
if [ "$(id -u)" -eq 0 ] && [ -w /sys/fs/cgroup/unified/cgroup.procs ]; then
	CG=/sys/fs/cgroup/unified/nsutils-t$$
elif [ "$(id -u)" -eq 0 ] && [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
	CG=/sys/fs/cgroup/nsutils-t$$
fi
if [ -n "$CG" ]; then
	if mkdir "$CG"; then
		NS_EXTRA_CLEANUP="rmdir $CG 2>/dev/null${NS_EXTRA_CLEANUP:+; $NS_EXTRA_CLEANUP}"
	else
		not_ok "a scratch cgroup $CG"
		CG=
	fi
fi

for_each_mode case_types
case_eperm
for_each_mode case_uts
for_each_mode case_ipc
for_each_mode case_net
for_each_mode case_cgroup
for_each_mode case_time
for_each_mode case_caps
for_each_mode case_ids
if require_root "--owner needs root"; then
	case_owner_root
fi
case_owner_user
if [ -n "$CG" ]; then
	check "the scratch cgroup is removed" rmdir "$CG"
fi
ns_done
