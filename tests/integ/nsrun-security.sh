#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The supervisor of --fork against the program it runs: what the program may
# name, kill, stop or forge, and the promises about sysctls and fds.

. "$(dirname "$0")/../lib.sh"
ns_setup

# kernel.ns_last_pid belongs to the PID namespace of the writer: without
# --fork nsrun itself stays in the old one, so the write would be the host's.
case_sysctl_pid() {
	local m=$1 host
	run_as "$m" "$NSRUN" -rp --sysctl kernel.ns_last_pid=300 true
	expect_err "$m: --sysctl kernel.ns_last_pid without --fork is refused" 1 \
		"^nsrun: cannot set sysctl 'kernel.ns_last_pid': .*--fork"
	run_as "$m" "$NSRUN" --dry-run -rp --sysctl kernel.ns_last_pid=300 true
	expect_err "$m: --dry-run shows the same refusal" 1 \
		"^nsrun: cannot set sysctl 'kernel.ns_last_pid': .*--fork"
	run_as "$m" "$NSRUN" -rpf --sysctl kernel.ns_last_pid=300 \
		sh -c 'sh -c "echo \$\$" & wait'
	expect "$m: with --fork the next PID in the new namespace follows the value" 0 301
	if [ "$m" = root ]; then
		# without a user namespace root may write the PID namespace
		# it is in, which is the host's when nsrun does not fork
		host=$(cat /proc/sys/kernel/ns_last_pid)
		run_as "$m" "$NSRUN" -p --sysctl kernel.ns_last_pid=$((host + 5000)) true
		expect_err "$m: without -r too, the host's ns_last_pid is refused" 1 \
			"^nsrun: cannot set sysctl 'kernel.ns_last_pid': .*--fork"
		run_as "$m" "$NSRUN" -pf --sysctl kernel.ns_last_pid=300 \
			sh -c 'sh -c "echo \$\$" & wait'
		expect "$m: without -r, the write lands in the new PID namespace" 0 301
		host=$(cat /proc/sys/kernel/ns_last_pid)
		if [ "$host" != 300 ]; then
			ok "$m: the host's ns_last_pid was not written"
		else
			not_ok "$m: the host's ns_last_pid was not written"
		fi
	fi
}
for_each_mode case_sysctl_pid

# --json-status-fd on one of the program's own fds: the program keeps it
case_status_fd_shared() {
	local m=$1
	run_as "$m" "$NSRUN" -r --json-status-fd 1 sh -c 'echo hello'
	if [ "$RC" -eq 0 ] && printf '%s\n' "$OUT" | grep -qx hello &&
		printf '%s\n' "$OUT" | grep -q '"child-pid": [0-9]' &&
		printf '%s\n' "$OUT" | grep -q '"exit-code": 0' && [ -z "$ERR" ]; then
		ok "$m: --json-status-fd 1: the program still writes to stdout, the JSON too"
	else
		not_ok "$m: --json-status-fd 1: the program still writes to stdout, the JSON too"
		diag "status $RC" "stdout: $OUT" "stderr: $ERR"
	fi
	run_as "$m" "$NSRUN" -r --json-status-fd 2 sh -c 'echo oops >&2'
	if [ "$RC" -eq 0 ] && printf '%s\n' "$ERR" | grep -qx oops &&
		printf '%s\n' "$ERR" | grep -q '"exit-code": 0'; then
		ok "$m: --json-status-fd 2: the program keeps stderr"
	else
		not_ok "$m: --json-status-fd 2: the program keeps stderr"
		diag "status $RC" "stdout: $OUT" "stderr: $ERR"
	fi
	run_as "$m" "$NSRUN" -r --json-status-fd 3 sh -c 'echo x >&3' 3>"$T/json"
	expect "$m: --json-status-fd 3 is still not the program's" 2
}
for_each_mode case_status_fd_shared

# FORGE: run by the sandboxed sh of --timeout, whose parent is nsrun (single
# threaded, so its one task is its PID): a tmpfs on /proc holding a children
# file of nsrun that names $VICTIM. nsrun must not read it.
FORGE='mount -t tmpfs none /proc && mkdir -p /proc/$PPID/task/$PPID &&
	echo "$VICTIM" >/proc/$PPID/task/$PPID/children && sleep 5'

case_timeout_forged_proc() {
	local m=$1 victim
	spawn_as "$m" sleep 1000
	victim=$BG_PID
	run_as "$m" env VICTIM="$victim" "$NSRUN" -rm --fork --timeout 1 sh -c "$FORGE"
	if [ "$RC" -eq 124 ] && [ -e "/proc/$victim" ] && ! gone "$victim"; then
		ok "$m: --timeout: a forged /proc/PID/task/TID/children kills no outside process"
	else
		not_ok "$m: --timeout: a forged /proc/PID/task/TID/children kills no outside process"
		diag "status $RC, stderr: $ERR"
	fi
	kill -KILL "$victim" 2>/dev/null
	{ reap "$victim"; } 2>/dev/null
}
for_each_mode case_timeout_forged_proc

# The same forgery writing -1, which kill(2) takes for every process: run in
# a PID namespace of the test's own, so a broken nsrun kills only what is in
# there: a sleep, whose survival the case prints.
case_timeout_forged_all() {
	local m=$1 wrap
	wrap="$UNSHARE --pid --fork --mount-proc"
	[ "$m" = root ] || wrap="$UNSHARE --user --map-root-user --pid --fork --mount-proc"
	run_as "$m" env VICTIM=-1 NSRUN="$NSRUN" FORGE="$FORGE" $wrap sh -c '
		sleep 1000 & s=$!
		"$NSRUN" -rm --fork --timeout 1 sh -c "$FORGE"
		rc=$?
		if kill -0 $s 2>/dev/null; then echo "$rc alive"; else echo "$rc dead"; fi
		kill -KILL $s 2>/dev/null; exit 0'
	expect "$m: --timeout: a forged children file saying -1 kills nothing outside" 0 "124 alive"
}
for_each_mode case_timeout_forged_all

# With --pid the whole namespace goes with its PID 1, orphans included, and
# no file in the shared /proc (here the child's own procfs) is read.
case_timeout_pid() {
	local m=$1
	run_as "$m" "$NSRUN" -rpm --mount-proc --fork --timeout 1 sh -c \
		'(sleep 7; echo late) & (sleep 8 &) ; sleep 9'
	expect "$m: --timeout --pid --mount-proc: the namespace ends, nothing is late" 124 ""
	run_as "$m" "$NSRUN" -rm --fork --timeout 1 sh -c \
		'(sleep 7; echo late) & (sleep 8 &) ; sleep 9'
	expect "$m: --timeout without --pid: the tree and its orphans end" 124 ""
}
for_each_mode case_timeout_pid

# --forward-signals goes through the child's pidfd: a kill(2) by number
# could reach another process once the child is reaped and its PID reused.
# strace without -f follows nsrun alone, not the program.
case_forward_pidfd() {
	local m=$1
	have_or_skip strace "$m: --forward-signals through a pidfd" || return
	run_as "$m" strace -o "$T/tmp/trace.$m" -e trace=kill,pidfd_send_signal \
		"$NSRUN" -r --forward-signals sh -c 'kill -TERM $PPID; sleep 5'
	check_diag "$m: --forward-signals sends through the child's pidfd" \
		"$(cat "$T/tmp/trace.$m")" first_signal_by_pidfd "$T/tmp/trace.$m"
}
# the first signal sent is the forwarded one; a kill(2) of nsrun's own
# PID follows when it dies as the child did
first_signal_by_pidfd() {
	grep -m1 -E '^(kill|pidfd_send_signal)\(' "$1" | grep -q '^pidfd_send_signal(.*SIGTERM'
}
for_each_mode case_forward_pidfd

# With --pid the program cannot name its supervisor: its parent PID reads 0
# and no outside process has a PID in its namespace. Its process group is
# nsrun's unless --new-session gives it one of its own: kill(0) would reach
# nsrun through it. So --pid --new-session, and a SIGSTOP to everything the
# program can name (0, -1, $PPID) leaves --timeout on time. setsid(1) keeps
# the test's own process group out of reach of a broken nsrun.
case_pid_hides_supervisor() {
	local m=$1 t0 t1
	t0=$(date +%s%N)
	run_as "$m" setsid -w "$NSRUN" -rp --fork --new-session --timeout 1 sh -c \
		'echo $PPID; kill -STOP $PPID 0 -1; sleep 4; echo late'
	t1=$(date +%s%N)
	expect "$m: --pid --new-session: the program's parent PID is 0, and --timeout fires" 124 0
	check_diag "$m: --pid --new-session: a SIGSTOP from the program does not delay --timeout" \
		"took $(((t1 - t0) / 1000000)) ms" [ $(((t1 - t0) / 1000000)) -lt 3000 ]
}
for_each_mode case_pid_hides_supervisor

# --dry-run notes a program left on the caller's terminal, on stderr only;
# script(1) gives it one
case_dry_run_tty() {
	local m=$1
	have_or_skip script "$m: --dry-run notes a terminal without --new-session" || return
	run_as "$m" script -qec "$NSRUN --dry-run -r true 2>&1 >/dev/null" /dev/null
	if printf '%s\n' "$OUT" | grep -q 'note: .*--new-session'; then
		ok "$m: --dry-run notes a terminal without --new-session"
	else
		not_ok "$m: --dry-run notes a terminal without --new-session"
		diag "stdout: $OUT"
	fi
	run_as "$m" script -qec "$NSRUN --dry-run -r --new-session true 2>&1 >/dev/null" /dev/null
	expect "$m: --dry-run: no note with --new-session" 0 ""
	run_as "$m" "$NSRUN" --dry-run -r true
	expect "$m: --dry-run: no note without a terminal" 0 "$(printf 'unshare: user\nuid_map: 0 %s 1\nsetgroups: deny\ngid_map: 0 %s 1\nexec: true' "$(mode_uid "$m")" "$(mode_gid "$m")")"
	[ -z "$ERR" ] && ok "$m: --dry-run: stderr empty without a terminal" ||
		not_ok "$m: --dry-run: stderr empty without a terminal"
}
for_each_mode case_dry_run_tty

TOKEN_PREFIX=20

# kill_child_survives MODE DESC ARGS...: starts nsrun ARGS (running
# "sleep $TOKEN" in the end), SIGKILLs nsrun once the sleep runs, and
# checks the sleep is gone within a second.
kill_child_survives() {
	local m=$1 desc=$2 nsrun
	shift 2
	spawn_as "$m" "$NSRUN" "$@"
	nsrun=$BG_PID
	if ! wait_for 5 sleeper >/dev/null; then
		not_ok "$m: $desc"
		diag "the program did not start" "$(cat "$T/bg.err")"
		kill -KILL "$nsrun" 2>/dev/null
		{ reap "$nsrun"; } 2>/dev/null
		return
	fi
	kill -KILL "$nsrun"
	{ reap "$nsrun"; } 2>/dev/null
	if wait_for 1 no_sleeper; then
		ok "$m: $desc"
	else
		not_ok "$m: $desc"
		stop_sleeper
	fi
}

# The kernel clears a process's parent-death signal when its credentials
# change: a new uid, or an exec that gains capabilities (a uid 0 that has
# dropped them gets them back at its next exec). --kill-child holds anyway.
case_kill_child_credentials() {
	local m=$1
	if [ "$m" = root ]; then
		new_token
		kill_child_survives "$m" "--kill-child outlives a uid change (setpriv --reuid)" \
			--fork --kill-child setpriv --reuid=65534 --regid=65534 --clear-groups \
			sleep "$TOKEN"
	fi
	have_or_skip capsh "$m: --kill-child outlives a capability gain" || return
	new_token
	kill_child_survives "$m" "-r --kill-child outlives a capability gain at exec" \
		-r --kill-child capsh --caps= -- -c "exec sleep $TOKEN"
	new_token
	kill_child_survives "$m" "-rp --kill-child: the namespace goes too" \
		-rp --kill-child capsh --caps= -- -c "sleep $TOKEN & exec sleep $TOKEN"
}
for_each_mode case_kill_child_credentials

# nsrun SIGKILLed at a random moment right after its start: the program,
# whose own parent-death signal is lost at its exec, never survives.
KILL_LOOPS=${KILL_LOOPS:-50}
case_kill_child_race() {
	local m=$1 i nsrun bad=0
	have_or_skip capsh "$m: --kill-child: nsrun killed right after start" || return
	new_token
	for ((i = 0; i < KILL_LOOPS; i++)); do
		spawn_as "$m" "$NSRUN" -r --kill-child capsh --caps= -- -c "exec sleep $TOKEN"
		nsrun=$BG_PID
		sleep "0.0$((RANDOM % 6))$((RANDOM % 10))"
		kill -KILL "$nsrun" 2>/dev/null
		{ reap "$nsrun"; } 2>/dev/null
		if ! wait_for 1 no_sleeper; then
			bad=$((bad + 1))
			stop_sleeper
		fi
	done
	if [ $bad -eq 0 ]; then
		ok "$m: --kill-child: nsrun killed right after start, $KILL_LOOPS times: no program left"
	else
		not_ok "$m: --kill-child: nsrun killed right after start, $KILL_LOOPS times: no program left"
		diag "$bad programs survived"
	fi
}
for_each_mode case_kill_child_race

ns_done
