#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nsrun --kill-child SIGKILLed at a random moment right after its start,
# many times over: the program it runs never outlives it by more than a
# second, whatever step nsrun had reached (before the fork, with the child
# at the gate, in its exec, running).

. "$(dirname "$0")/../lib.sh"
ns_setup

RACE_LOOPS=${RACE_LOOPS:-500}
# iterations run side by side
RACE_JOBS=${RACE_JOBS:-4}

# a sleep 60 whose second argument (a few microseconds more) no other
# process has: "sleep 60 0.000PPPPPI", PPPPP this test's PID
marker() {
	printf '0.000%05d%d' $(($$ % 100000)) "$1"
}

now_ms() {
	local t=${EPOCHREALTIME/./}
	echo $((t / 1000))
}

# race_one MODE I ARGS...: nsrun ARGS sleep 60 MARKER as MODE, SIGKILLed
# after 0 to 20 ms (every 10th time at once); the time of the kill goes in
# KILLED[MARKER]
race_one() {
	local m=$1 i=$2 pid mk d=0
	shift 2
	mk=$(marker "$i")
	(as_mode_exec "$m" "$NSRUN" "$@" sleep 60 "$mk") >/dev/null 2>&1 </dev/null &
	pid=$!
	if [ $((i % 10)) -ne 0 ]; then
		d=$((RANDOM % 21))
		sleep "$(printf '0.%03d' "$d")"
	fi
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	KILLED[$mk]=$(now_ms)
	ARGS[$mk]="nsrun $* (killed after $d ms)"
}

# race_check: one pgrep for every program of this test still there; one
# whose nsrun was killed a second ago or more is printed and killed, the
# others are looked at again next time. A pgrep per iteration would cost
# more than the iteration.
race_check() {
	local pid args mk now
	now=$(now_ms)
	while read -r pid args; do
		mk=${args##* }
		[ -n "${KILLED[$mk]:-}" ] || continue
		[ $((now - KILLED[$mk])) -ge 1000 ] || continue
		echo "${ARGS[$mk]}: the program survived"
		kill -KILL "$pid" 2>/dev/null
	done < <(pgrep -a -f "^sleep 60 0\.000$(printf '%05d' $(($$ % 100000)))")
	for mk in "${!KILLED[@]}"; do
		[ $((now - KILLED[$mk])) -ge 1000 ] && unset "KILLED[$mk]"
	done
}

# race_worker MODE W: the iterations I with I % RACE_JOBS == W, each with
# the variant I % the number of variants; a check every 20 iterations and,
# a second after the last, at the end
race_worker() {
	local m=$1 w=$2 i v n=0
	local -A KILLED ARGS
	for ((i = w; i < RACE_LOOPS; i += RACE_JOBS)); do
		v=${VARIANTS[i % ${#VARIANTS[@]}]}
		# shellcheck disable=SC2086
		race_one "$m" "$i" $v
		n=$((n + 1))
		[ $((n % 20)) -eq 0 ] && race_check
	done
	sleep 1
	race_check
}

case_race() {
	local m=$1 w t0 t1 bad
	VARIANTS=("-r --kill-child" "-r --pid --kill-child" "-r --pid --mount-proc --kill-child")
	# without a user namespace: root only (nobody may not unshare)
	[ "$m" = root ] && VARIANTS+=("--kill-child" "--pid --kill-child")
	t0=$(date +%s%N)
	for ((w = 0; w < RACE_JOBS; w++)); do
		race_worker "$m" "$w" >"$T/tmp/race.$m.$w" &
	done
	wait
	t1=$(date +%s%N)
	bad=$(cat "$T/tmp/race.$m".*)
	diag "$m: $RACE_LOOPS iterations over ${#VARIANTS[@]} variants, $RACE_JOBS at a time," \
		"  $(((t1 - t0) / 1000000)) ms"
	if [ -z "$bad" ]; then
		ok "$m: --kill-child: nsrun killed right after start, $RACE_LOOPS times: no program left"
	else
		not_ok "$m: --kill-child: nsrun killed right after start, $RACE_LOOPS times: no program left"
		diag "$bad"
	fi
}
for_each_mode case_race

ns_done
