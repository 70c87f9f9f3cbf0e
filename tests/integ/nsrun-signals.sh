#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# --fork and signals: waiting for the child, dying of the child's signal,
# --kill-child, --forward-signals, and SIGINT/SIGTERM ignored while waiting.

. "$(dirname "$0")/../lib.sh"
ns_setup

TOKEN_PREFIX=10

# a child's busy wait, bounded so that a broken nsrun leaves nothing behind
LOOP='i=0; while [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done'

# run_sh MODE SCRIPT: SCRIPT run by sh as MODE, with $NSRUN in its environment
run_sh() {
	run_as "$1" env NSRUN="$NSRUN" sh -c "$2"
}

case_fork() {
	local m=$1
	run_as "$m" "$NSRUN" -rf sh -c 'sleep 0.3; echo done'
	expect "$m: --fork waits for the child" 0 "done"
	differ "$m" "--fork -p: the child is PID 1" -rpf sh -c 'echo $$'
	run_as "$m" "$NSRUN" -rpf sh -c 'echo $$; exit 9'
	expect "$m: --fork -p: PID 1, its status" 9 "1"
	run_as "$m" "$NSRUN" -rp --kill-child sh -c 'echo $$'
	expect "$m: --kill-child implies --fork" 0 "1"
	run_as "$m" "$NSRUN" -rp --forward-signals sh -c 'echo $$'
	expect "$m: --forward-signals implies --fork" 0 "1"
	differ "$m" "--kill-child implies --fork" -rp --kill-child sh -c 'echo $$'
}

# wait status of CMD... as perl's system() sees it: "exit N" or "signal N"
WSTATUS='system @ARGV; print $? & 127 ? "signal " . ($? & 127) : "exit " . ($? >> 8)'

# died MODE SIG NUM: the child kills itself with SIG; nsrun must die of that
# same signal, not exit 128+N, and say nothing
died() {
	local m=$1 sig=$2 n=$3
	run_as "$m" perl -e "$WSTATUS" "$NSRUN" -rf sh -c "kill -$sig \$\$; sleep 5"
	if [ "$OUT" = "signal $n" ] && [ -z "$ERR" ]; then
		ok "$m: child killed by SIG$sig: nsrun dies of SIG$sig, silently"
	else
		not_ok "$m: child killed by SIG$sig: nsrun dies of SIG$sig, silently"
		diag "nsrun: $OUT, stderr: $ERR"
	fi
}

case_child_signal() {
	local m=$1
	differ "$m" "child killed by SIGTERM" -rf sh -c 'kill -TERM $$; sleep 5'
	died "$m" TERM 15
	died "$m" INT 2
	died "$m" HUP 1
	died "$m" USR1 10
	died "$m" KILL 9
	# what a calling shell sees
	run_sh "$m" '"$NSRUN" -rf sh -c "kill -KILL \$\$"; echo $?'
	expect "$m: SIGKILL: the calling shell sees 137" 0 137
	run_sh "$m" '"$NSRUN" -f sh -c "kill -TERM \$\$"; echo $?'
	expect "$m: SIGTERM, no namespace: the calling shell sees 143" 0 143
	run_sh "$m" '"$NSRUN" -rpf sh -c "sleep 5 & kill -KILL \$!; wait \$!; exit \$?"; echo $?'
	expect "$m: init reports its child's death as a status" 0 137
	# without --fork the program is nsrun, so the signal is direct
	run_as "$m" "$NSRUN" -r sh -c 'kill -TERM $$'
	expect "$m: without --fork: killed directly" 143 ""
}

case_kill_child() {
	local m=$1 opt
	for opt in --kill-child --kill-child=SIGKILL --kill-child=KILL --kill-child=term \
		--kill-child=SIGTERM; do
		new_token
		spawn_as "$m" "$NSRUN" -r $opt sleep $TOKEN
		if ! wait_for 10 sleeper >/dev/null; then
			not_ok "$m: $opt: the child started"
			diag "$(cat "$T/bg.err")"
			reap $BG_PID
			continue
		fi
		kill -KILL $BG_PID
		reap $BG_PID
		if wait_for 10 eval '[ -z "$(sleeper)" ]'; then
			ok "$m: $opt: the child dies with nsrun"
		else
			not_ok "$m: $opt: the child dies with nsrun"
			stop_sleeper
		fi
	done
	# the signal is the one asked for: the child traps it
	spawn_as "$m" "$NSRUN" -r --kill-child=SIGUSR1 sh -c \
		"trap 'echo got-usr1 >$T/tmp/kc; exit 0' USR1; echo ready; $LOOP"
	wait_for 10 grep -q ready "$T/bg.out"
	kill -KILL $BG_PID
	reap $BG_PID
	if wait_for 10 [ -s "$T/tmp/kc" ] && [ "$(cat "$T/tmp/kc")" = got-usr1 ]; then
		ok "$m: --kill-child=SIGUSR1: the child gets SIGUSR1"
	else
		not_ok "$m: --kill-child=SIGUSR1: the child gets SIGUSR1"
	fi
	rm -f "$T/tmp/kc"
	# with -p the whole tree goes: init dies, the kernel kills the rest
	new_token

	spawn_as "$m" "$NSRUN" -rp --kill-child sh -c "sleep $TOKEN & wait"
	if wait_for 10 sleeper >/dev/null; then
		kill -KILL $BG_PID
		reap $BG_PID
		if wait_for 10 eval '[ -z "$(sleeper)" ]'; then
			ok "$m: --kill-child -p: the whole PID namespace goes"
		else
			not_ok "$m: --kill-child -p: the whole PID namespace goes"
			stop_sleeper
		fi
	else
		not_ok "$m: --kill-child -p: the tree started"
		reap $BG_PID
	fi
	# control: without --kill-child the child outlives nsrun
	new_token
	spawn_as "$m" "$NSRUN" -rf sleep $TOKEN
	if wait_for 10 sleeper >/dev/null; then
		kill -KILL $BG_PID
		reap $BG_PID
		sleep 0.3
		if [ -n "$(sleeper)" ]; then
			ok "$m: without --kill-child the child outlives nsrun"
		else
			not_ok "$m: without --kill-child the child outlives nsrun"
		fi
		stop_sleeper
	else
		not_ok "$m: -rf: the child started"
		reap $BG_PID
	fi
	# the child's status still comes back
	run_as "$m" "$NSRUN" -r --kill-child sh -c 'exit 4'
	expect "$m: --kill-child: the child's status" 4 ""
}

# forward SIG: nsrun gets SIG; the child traps it and exits 7
forward() {
	local m=$1 sig=$2
	spawn_as "$m" "$NSRUN" -r --forward-signals sh -c \
		"trap 'echo got-$sig; exit 7' $sig; echo ready; $LOOP"
	wait_for 10 grep -q ready "$T/bg.out"
	kill -$sig $BG_PID
	if reap $BG_PID && [ "$RC" -eq 7 ] && [ "$(cat "$T/bg.out")" = "ready
got-$sig" ]; then
		ok "$m: --forward-signals: SIG$sig reaches the child, its status comes back"
	else
		not_ok "$m: --forward-signals: SIG$sig reaches the child, its status comes back"
		diag "status $RC, stdout: $(cat "$T/bg.out"), stderr: $(cat "$T/bg.err")"
	fi
}

case_forward() {
	local m=$1 sig
	forward "$m" TERM
	forward "$m" INT
	# a child that does not trap SIGTERM dies of it, and so does nsrun
	spawn_as "$m" "$NSRUN" -r --forward-signals sh -c "echo ready; $LOOP"
	wait_for 10 grep -q ready "$T/bg.out"
	kill -TERM $BG_PID
	if reap $BG_PID && [ "$RC" -eq 143 ]; then
		ok "$m: --forward-signals: SIGTERM kills an untrapping child, nsrun dies of it"
	else
		not_ok "$m: --forward-signals: SIGTERM kills an untrapping child, nsrun dies of it"
		diag "status $RC, stderr: $(cat "$T/bg.err")"
	fi
	# without it, nsrun ignores SIGINT and SIGTERM while the child runs
	for sig in TERM INT; do
		spawn_as "$m" "$NSRUN" -rf sh -c \
			"trap 'echo got-$sig' $sig; echo ready; sleep 0.5; echo finished; exit 3"
		wait_for 10 grep -q ready "$T/bg.out"
		kill -$sig $BG_PID
		if reap $BG_PID && [ "$RC" -eq 3 ] && [ "$(cat "$T/bg.out")" = "ready
finished" ]; then
			ok "$m: --fork alone: SIG$sig to nsrun neither kills it nor reaches the child"
		else
			not_ok "$m: --fork alone: SIG$sig to nsrun neither kills it nor reaches the child"
			diag "status $RC, stdout: $(cat "$T/bg.out"), stderr: $(cat "$T/bg.err")"
		fi
	done
	# the child still gets SIGINT and SIGTERM at their defaults
	run_as "$m" "$NSRUN" -rf sh -c 'kill -INT $$; sleep 5'
	expect "$m: --fork: the child's SIGINT is not blocked" 130 ""
}

for_each_mode case_fork
for_each_mode case_child_signal
# bash reports each background job that died of a signal on its stderr
for_each_mode case_kill_child 2>/dev/null
for_each_mode case_forward 2>/dev/null
ns_done
