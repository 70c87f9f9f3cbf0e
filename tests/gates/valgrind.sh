#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The tools' main paths under valgrind's memcheck, as root and as nobody:
# no memory error, no definite leak, no fd left open at exit but 0-2. The
# tools that exec a program are checked by what that program is started
# with instead (valgrind sees nothing after an exec): only 0-2 and the fds
# the caller handed on, in every mode of nsrun.
#
# Valgrind 3.19 (Debian 12) has no pidfd_open(2), which every nsrun path
# with a supervisor (--fork and all that implies) needs: those paths run
# here for their fds only; the ASan build's tests cover their memory.

. "$(dirname "$0")/../lib.sh"

# whatever the test runner left open would be inherited by everything and
# reported; bash's own fd 255 is close-on-exec
for f in "/proc/$$/fd/"*; do
	n=${f##*/}
	[ "$n" -gt 2 ] && [ "$n" -ne 255 ] && eval "exec $n>&-"
done

ns_setup

cp "$LIST_FDS" "$T/bin/list-fds" && chmod 755 "$T/bin/list-fds"
LIST_FDS=$T/bin/list-fds
mkdir -p "$T/vg" && chmod 1777 "$T/vg"
VALGRIND=(valgrind --tool=memcheck --track-fds=yes --error-exitcode=99 --leak-check=full
	--errors-for-leak-kinds=definite --trace-children=no --child-silent-after-fork=yes
	--log-file="$T/vg/%p.log")

# opened_fds LOG: the fds above 2 a log says were open at exit that the
# process opened itself (not inherited: valgrind's log, an fd handed on)
opened_fds() {
	awk '/== Open (file descriptor|AF_[A-Z0-9]+ socket) [0-9]+/ {
			if (fd != "" && !inh) print fd
			fd = $0; sub(/.*== Open [^0-9]*/, "", fd); sub(/[^0-9].*/, "", fd)
			if (fd + 0 <= 2) fd = ""
			inh = 0
			next
		}
		/<inherited from parent>/ { inh = 1 }
		END { if (fd != "" && !inh) print fd }' "$1"
}

# vg_check DESC RC: the last run_as (of valgrind) exited RC, not with
# valgrind's 99; no log reports an error or an fd the process opened and
# left open at exit
vg_check() {
	local desc=$1 rc=$2 bad='' l
	for l in "$T"/vg/*.log; do
		[ -f "$l" ] || continue
		if [ -n "$(opened_fds "$l")" ] ||
			grep -Eq 'ERROR SUMMARY: [1-9]' "$l"; then
			bad="$bad $l"
		fi
	done
	if [ "$RC" -ne "$rc" ] || [ -n "$bad" ]; then
		not_ok "$desc"
		diag "exit status $RC (wanted $rc; 99: valgrind found an error)" "stderr: $ERR"
		for l in "$T"/vg/*.log; do
			[ -f "$l" ] && diag "$(grep -v '^==[0-9]*== *$' "$l" | head -60)"
		done
	else
		ok "$desc"
	fi
	rm -f "$T"/vg/*.log
}

# vg MODE DESC CMD...: CMD under valgrind as MODE ends as it does without
vg() {
	local mode=$1 desc=$2 rc
	shift 2
	run_as "$mode" "$@"
	rc=$RC
	run_as "$mode" "${VALGRIND[@]}" "$@"
	vg_check "$mode: valgrind: $desc (exit $rc)" "$rc"
}

# vg_in_netns MODE DESC CMD...: vg, CMD in a throwaway network namespace
vg_in_netns() {
	local mode=$1 desc=$2 rc
	shift 2
	run_as "$mode" "$NSRUN" -r -n "$@"
	rc=$RC
	run_as "$mode" "$NSRUN" -r -n "${VALGRIND[@]}" "$@"
	vg_check "$mode: valgrind: $desc (exit $rc)" "$rc"
}

case_memcheck() {
	local m=$1 uid
	uid=$(mode_uid "$m")
	vg "$m" "nsrun -r true" "$NSRUN" -r true
	vg "$m" "nsrun -r with every namespace but pid" \
		"$NSRUN" -r --net --mount --uts --ipc --cgroup --time true
	vg "$m" "nsrun -r --loopback" "$NSRUN" -r --loopback true
	vg "$m" "nsls" "$NSLS"
	vg "$m" "nsls -J -t net" "$NSLS" -J -t net
	vg "$m" "nsls -T" "$NSLS" -T
	# nsveth in a throwaway network namespace: a pair, its peer moved by
	# path, a batch of two lines naming one target twice, the list
	printf '%s\n' 'b1 b2 /proc/self/ns/net -a 10.9.0.1/24' \
		'c1 c2 /proc/self/ns/net -A 10.9.1.2/24' >"$T/batch"
	chmod 644 "$T/batch"
	vg_in_netns "$m" "nsveth creates a pair" \
		"$NSVETH" va vb /proc/self/ns/net -a 10.8.0.1/24 -A 10.8.0.2/24
	vg_in_netns "$m" "nsveth --batch" "$NSVETH" --batch "$T/batch"
	# shellcheck disable=SC2016
	run_as "$m" "$NSRUN" -r -n sh -c '"$0" a b /proc/self/ns/net && exec "$@"' \
		"$NSVETH" "${VALGRIND[@]}" "$NSVETH" --list --json
	vg_check "$m: valgrind: nsveth --list --json" 0
	case $OUT in
	*'"a"'*) ok "$m: nsveth --list --json lists the pair" ;;
	*) not_ok "$m: nsveth --list --json lists the pair"; diag "stdout: $OUT" ;;
	esac
	vg "$m" "nsmap --check" "$NSMAP" --check
	# the target as an fd of its /proc directory (as nsrun hands it):
	# valgrind 3.19 has no pidfd_open(2), which a PID target needs
	target_start "$m" || { not_ok "$m: a target in a new user namespace"; return; }
	vg "$m" "nsmap --dry-run" sh -c 'exec "$@" 7<"/proc/$0"' "$TGT" \
		"$NSMAP" --dry-run fd:7 0 "$uid" 1
	vg "$m" "nsmap --dry-run --both" sh -c 'exec "$@" 7<"/proc/$0"' "$TGT" \
		"$NSMAP" --dry-run --both fd:7 0 "$uid" 1 -- 0 "$(mode_gid "$m")" 1
	# writing needs nsmap's privileges, which a program under valgrind
	# never has (set-user-ID and file capabilities do not apply): root only
	if [ "$m" = root ]; then
		run_as "$m" sh -c 'exec "$@" 7<"/proc/$0"' "$TGT" "${VALGRIND[@]}" \
			"$NSMAP" fd:7 0 "$uid" 1
		vg_check "$m: valgrind: nsmap writes a uid map" 0
		[ "$(target_maps)" = "0 $uid 1;||allow;" ] && ok "$m: nsmap wrote the uid map" ||
			not_ok "$m: nsmap wrote the uid map: $(target_maps)"
	fi
	target_stop
}

# fds_at_exec MODE DESC WANT NSRUN-ARGS...: the program nsrun starts is
# given exactly the fds WANT
fds_at_exec() {
	local m=$1 desc=$2 want=$3
	shift 3
	run_as "$m" "$NSRUN" "$@" "$LIST_FDS" -l
	if [ "$RC" -eq 0 ] && [ "$(printf '%s\n' "$OUT" | head -1)" = "$want" ]; then
		ok "$m: fds at exec: $desc"
	else
		not_ok "$m: fds at exec: $desc"
		diag "exit status $RC" "stdout: $OUT" "stderr: $ERR" "wanted fds: $want"
	fi
}

case_fds() {
	local m=$1
	fds_at_exec "$m" "nsrun -r" "0 1 2" -r
	fds_at_exec "$m" "nsrun -r --net --mount --uts --ipc" "0 1 2" -r --net --mount --uts --ipc
	fds_at_exec "$m" "nsrun -r --fork" "0 1 2" -r --fork
	fds_at_exec "$m" "nsrun -r --pid --fork --mount-proc" "0 1 2" -r --pid --fork --mount-proc
	fds_at_exec "$m" "nsrun -r --kill-child" "0 1 2" -r --kill-child
	fds_at_exec "$m" "nsrun -r --forward-signals --new-session" "0 1 2" \
		-r --forward-signals --new-session
	fds_at_exec "$m" "nsrun -r --timeout 30" "0 1 2" -r --timeout 30
	fds_at_exec "$m" "nsrun -r --pid --fork --mount-proc --timeout 30 --kill-child" "0 1 2" \
		-r --pid --fork --mount-proc --timeout 30 --kill-child
	if [ "$m" = root ]; then
		: >"$T/netns"
		fds_at_exec "$m" "nsrun -r --net=FILE" "0 1 2" -r --net="$T/netns"
		umount "$T/netns" 2>/dev/null
	fi
	# the status fd is nsrun's: the program cannot write lines into it
	run_as "$m" sh -c 'exec "$@" 3>"$0"' "$T/tmp/status.$m" "$NSRUN" -r --json-status-fd 3 \
		"$LIST_FDS" -l
	if [ "$RC" -eq 0 ] && [ "$(printf '%s\n' "$OUT" | head -1)" = "0 1 2" ] &&
		grep -q '"exit-code": 0' "$T/tmp/status.$m"; then
		ok "$m: fds at exec: nsrun -r --json-status-fd 3 keeps fd 3 to itself"
	else
		not_ok "$m: fds at exec: nsrun -r --json-status-fd 3 keeps fd 3 to itself"
		diag "exit status $RC" "stdout: $OUT" "stderr: $ERR" "status: $(cat "$T/tmp/status.$m")"
	fi
	# an fd the caller hands on reaches the program, as with unshare(1)
	run_as "$m" sh -c 'exec "$@" 5</dev/null' sh "$NSRUN" -r --fork "$LIST_FDS"
	expect "$m: fds at exec: an fd the caller hands on (5) is passed" 0 "0 1 2 5"
	# --veth from a throwaway host namespace, as nsveth's
	run_as "$m" "$NSRUN" -r -n "$NSRUN" -r --veth va:vb,addr=10.7.0.1/24,peer-addr=10.7.0.2/24 \
		"$LIST_FDS" -l
	if [ "$RC" -eq 0 ] && [ "$(printf '%s\n' "$OUT" | head -1)" = "0 1 2" ]; then
		ok "$m: fds at exec: nsrun -r --veth"
	else
		not_ok "$m: fds at exec: nsrun -r --veth"
		diag "exit status $RC" "stdout: $OUT" "stderr: $ERR"
	fi
}

for_each_mode case_memcheck
for_each_mode case_fds
ns_done
