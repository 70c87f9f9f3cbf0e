#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# What a start costs in system calls, counted with strace -f (the dynamic
# loader's calls and those of the program nsrun runs included): nsrun's
# headline commands, nsls over a fixed small process tree, and nsrun
# --enter once there is one. A harness starts these thousands of times;
# each count must stay within the budget recorded here. Not a timing.
. "$(dirname "$0")/../lib.sh"
ns_setup

if ! command -v strace >/dev/null; then
	echo "1..0 # SKIP strace not installed"
	exit 0
fi
# a sanitizer's run-time maps its shadow memory and reads its options
# at every start: its counts say nothing about nsrun's
if readelf -d "$NSRUN" 2>/dev/null | grep -q 'NEEDED.*lib[at]san\|NEEDED.*libubsan'; then
	echo "1..0 # SKIP built with a sanitizer"
	exit 0
fi
# the program's path search is part of the count: the same few
# directories in every mode
export PATH=/usr/bin:/bin
# the tools carry libns inside; a library path would only add the loader's
# searches of it to every count
unset LD_LIBRARY_PATH

# count MODE CMD...: the system calls of CMD and every process it starts,
# as MODE, in $N (resumed halves of interrupted calls not counted twice);
# only fds 0-2 open, so what nsls finds of them is the same in any run
count() {
	local mode=$1
	shift
	rm -f "$T/strace" "$T/tmp/strace"
	as_mode "$mode" bash -c 'for fd in /proc/$$/fd/*; do fd=${fd##*/}
		[ "$fd" -gt 2 ] && eval "exec $fd>&-"; done 2>/dev/null
		exec strace -f -qq -e signal=none -o "$0" "$@"' "$T/tmp/strace" "$@" \
		>/dev/null 2>"$T/err" </dev/null
	RC=$?
	mv "$T/tmp/strace" "$T/strace" 2>/dev/null
	N=$(grep -vc 'resumed>' "$T/strace" 2>/dev/null)
}

# budget DESC COUNT LIMIT: ok while COUNT <= LIMIT; says both
budget() {
	if [ "$2" -le "$3" ]; then
		ok "$1: $2 system calls, budget $3"
	else
		not_ok "$1: $2 system calls, budget $3"
		diag "$(sed 's/^[0-9]* *//' "$T/strace" | cut -c1-100)"
	fi
}

# A dynamically linked program that does nothing, /usr/bin/true: the
# loader's and libc's share of any start on this machine. nsrun's budgets
# are what it makes beyond two of those (its own start and the program's),
# so another libc or loader moves the baseline, not the budget.
count root /usr/bin/true
base=$N
if [ "$RC" -ne 0 ] || [ "$base" -lt 5 ]; then
	not_ok "strace counts /usr/bin/true"
	diag "$(cat "$T/err")"
	ns_done
fi
ok "strace counts /usr/bin/true: $base system calls"

# nsrun -r --net --pid --fork --mount-proc true: 23 calls of its own, one
# fewer counted (the exit_group of the baseline's second run is nsrun's
# program's): unshare; the fork (clone), glibc's set_robust_list in the
# child and wait4 in the parent; SIGINT and SIGTERM blocked across the fork
# and unblocked in the child (two rt_sigprocmask); SIGCHLD reset to default
# (rt_sigaction, as unshare(1) does for the program); geteuid and getegid
# for the maps; /proc/self opened and closed, uid_map, setgroups and
# gid_map each opened, written and closed; / made private and /proc
# mounted; execve; the parent's exit_group. Then one poll(2) of fds 0-2,
# which hold a closed standard fd on /dev/null so that no file of nsrun's
# own takes its number (cli.c hold_std_fds).
HEADLINE=23
# nsrun --user true: unshare, rt_sigaction, execve (its loader makes one
# call fewer than true's), and the poll of fds 0-2, one fewer counted
USER_ONLY=2
case_nsrun() {
	local mode=$1
	count "$mode" "$NSRUN" -r --net --pid --fork --mount-proc true
	if [ "$RC" -ne 0 ]; then
		not_ok "$mode: nsrun -r --net --pid --fork --mount-proc true runs under strace"
		diag "$(cat "$T/err")"
	else
		budget "$mode: nsrun -r --net --pid --fork --mount-proc true" \
			$((N - 2 * base)) $HEADLINE
	fi
	count "$mode" "$NSRUN" --user true
	if [ "$RC" -ne 0 ]; then
		not_ok "$mode: nsrun --user true runs under strace"
		diag "$(cat "$T/err")"
	else
		budget "$mode: nsrun --user true" $((N - 2 * base)) $USER_ONLY
	fi
}
for_each_mode case_nsrun

# nsls in a PID and mount namespace of its own, with a fresh /proc, where
# the only processes are strace (PID 1) and nsls: the whole run, loader,
# libsmartcols, the user lookup and the table included. The few calls of
# slack cover a longer /etc/passwd or mount table, not another design.
NSLS_BUDGET=159
case_nsls() {
	local mode=$1
	rm -f "$T/strace" "$T/tmp/strace"
	as_mode "$mode" bash -c 'for fd in /proc/$$/fd/*; do fd=${fd##*/}
		[ "$fd" -gt 2 ] && eval "exec $fd>&-"; done 2>/dev/null
		exec "$0" -r --pid --fork --mount-proc strace -f -qq -e signal=none -o "$1" "$2"' \
		"$NSRUN" "$T/tmp/strace" "$NSLS" >/dev/null 2>"$T/err" </dev/null
	RC=$?
	mv "$T/tmp/strace" "$T/strace" 2>/dev/null
	if [ "$RC" -ne 0 ]; then
		not_ok "$mode: nsls runs under strace in a namespace of its own"
		diag "$(cat "$T/err")"
		return
	fi
	budget "$mode: nsls over two processes" "$(grep -vc 'resumed>' "$T/strace")" \
		"$NSLS_BUDGET"
}
for_each_mode case_nsls

# nsrun --enter -t PID -a true: at most what nsenter(1) makes for the same
# sleeping_child PID: PID's first child runs sleep, set up to the end
# (read afresh at each poll of wait_for)
sleeping_child() {
	local c
	c=$(cat /proc/"$1"/task/"$1"/children 2>/dev/null)
	[ -n "$c" ] && [ "$(cat /proc/"${c%% *}"/comm 2>/dev/null)" = sleep ]
}

case_enter() {
	local mode=$1 pid want
	spawn_as "$mode" "$NSRUN" -r --net --pid --fork --mount-proc sleep 100
	pid=$BG_PID
	if ! wait_for 10 sleeping_child "$pid"; then
		not_ok "$mode: a process to enter"
		kill_tree "$pid"
		return
	fi
	pid=$(cat /proc/"$pid"/task/"$pid"/children)
	pid=${pid%% *}
	# an unprivileged caller enters its own namespaces with its own
	# credentials, and not the cgroup namespace it shares (nsenter(1))
	local args=(-t "$pid" -a)
	[ "$mode" = root ] || args=(-t "$pid" -U -m -n -p --preserve-credentials)
	count "$mode" /usr/bin/nsenter "${args[@]}" true
	want=$N
	count "$mode" "$NSRUN" --enter "${args[@]}" true
	if [ "$RC" -ne 0 ]; then
		not_ok "$mode: nsrun --enter ${args[*]:2} true runs under strace"
		diag "status $RC: $(cat "$T/err")" "$(tail -3 "$T/strace" 2>/dev/null)"
	else
		budget "$mode: nsrun --enter ${args[*]:2} true (nsenter: $want)" "$N" "$want"
	fi
	kill_tree "$BG_PID"
	reap "$BG_PID"
}
for_each_mode case_enter

ns_done
