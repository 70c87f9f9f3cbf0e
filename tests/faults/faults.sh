#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Fault injection: each tool's main paths run once per system call they make
# with that call failing (strace -e inject), one call at a time; every run
# must end cleanly: success, or one line "tool: ..." with the documented
# status, no crash, no hang, nothing left behind.
#
# Which calls are ours: the dynamic loader and the libraries' constructors
# (libcap's probes the bounding set with prctl) run before main, and a
# fault there kills the process before any of our code runs. A first run
# under strace -k prints a backtrace for every call; the tool's own start
# is its first call with a frame in the staged binary or libns (main or a
# constructor of ours), and everything before it is the start-up. strace
# counts the calls of each process separately (-e inject's when=N is the
# Nth call of that name in each process, counting from its start): in the
# tool's process the Nth call of a name is ours when more than that many
# calls of the name come before our start. A child forked by the tool runs
# our code from its first call until it executes the program, where -b
# execve detaches strace, so no fault reaches the program or its loader.
# The occurrences a child makes at an index the start-up of the first
# process also reaches cannot be singled out and are counted as such.

. "$(dirname "$0")/../lib.sh"
ns_setup

if ! command -v strace >/dev/null || ! strace -k -o /dev/null true 2>/dev/null; then
	echo "1..0 # SKIP strace with -k (stack traces) not available"
	exit 0
fi

# occurrences of each system call tried (N = the first ones that are ours)
FAULT_PER_CALL=${FAULT_PER_CALL:-3}
# the paths run: those whose description matches this regular expression
FAULT_ONLY=${FAULT_ONLY:-.}
# seconds a run may take
FAULT_TIMEOUT=${FAULT_TIMEOUT:-5}
# at most this many runs per path: past it, only the first occurrence of
# each call, then further ones while the budget lasts
FAULT_MAX_RUNS=${FAULT_MAX_RUNS:-90}

ALL_RUNS=0
ALL_BAD=0

# calls that cannot fail, or whose failure is not the program's to handle
# (returning from a signal handler, leaving); a fault there is meaningless.
# brk(2) fails by returning the break unchanged, never an errno: an
# injected -ENOMEM becomes glibc's idea of the break, and malloc crashes.
# futex(2) under glibc's own locks (pthread_once, the loader's): an error
# the kernel does not return there makes glibc abort by design.
NO_FAULT=" exit exit_group rt_sigreturn restart_syscall getpid getppid gettid getuid geteuid
	getgid getegid getpgrp set_tid_address set_robust_list rseq arch_prctl umask
	sched_yield brk futex "

# errno_for CALL: an error the kernel really returns for CALL
errno_for() {
	case $1 in
	mmap | mremap | mprotect | munmap | madvise) echo ENOMEM ;;
	clone | clone3 | fork | vfork) echo EAGAIN ;;
	wait4 | waitid | poll | ppoll | pselect6 | epoll_wait | epoll_pwait | nanosleep | \
		clock_nanosleep | rt_sigtimedwait | rt_sigsuspend | pause | futex) echo EINTR ;;
	openat | open | openat2 | newfstatat | fstat | statx | access | faccessat2 | \
		readlink | readlinkat | mkdirat | chdir | fchdir | execve | execveat | \
		unlinkat | chroot) echo EACCES ;;
	socket | pipe2 | dup | dup2 | dup3 | pidfd_open | eventfd2 | signalfd4 | \
		timerfd_create | epoll_create1 | memfd_create | pidfd_getfd | fcntl) echo EMFILE ;;
	sendto | sendmsg | recvfrom | recvmsg | bind | connect | setsockopt | getsockopt | \
		getsockname) echo ENOBUFS ;;
	ioctl) echo ENOTTY ;;
	read | write | pread64 | pwrite64 | readv | writev | getdents64 | close | lseek) echo EIO ;;
	getrandom) echo EAGAIN ;;
	rt_sigaction | rt_sigprocmask | sigaltstack | uname) echo EINVAL ;;
	*) echo EPERM ;;
	esac
}

declare -A STRERROR
strerror() {
	[ -n "${STRERROR[$1]:-}" ] ||
		STRERROR[$1]=$(python3 -c 'import errno, os, sys
print(os.strerror(getattr(errno, sys.argv[1])))' "$1")
	echo "${STRERROR[$1]}"
}

# plan_faults LOG: "CALL N" lines, each the Nth call CALL of some process
# of the recorded run that is our code in every process making an Nth CALL;
# "skipped CALL COUNT" lines for the occurrences no N reaches alone.
plan_faults() {
	awk -v t="$T/" -v per="$FAULT_PER_CALL" -v nofault="$NO_FAULT" '
	BEGIN { split(nofault, a, /[ \t\n]+/); for (i in a) if (a[i] != "") nf[a[i]] = 1 }
	/^ > / {
		# a backtrace line of the last call printed; main is ours from
		# the first one with a frame of ours
		if (!started && lastpid == main && index($0, " > " t) == 1)
			{ start = calls[main]; started = 1 }
		next
	}
	/^[0-9]+ / {
		pid = $1
		if (main == "") main = pid
		lastpid = pid
		rest = substr($0, length(pid) + 1)
		sub(/^ +/, "", rest)
		if (rest ~ /^(<\.\.\.|---|\+\+\+)/) next
		if (!match(rest, /^[a-z_0-9]+\(/)) next
		name = substr(rest, 1, RLENGTH - 1)
		n = ++calls[pid]
		k = ++cnt[pid, name]
		seq[pid, n] = name; occ[pid, n] = k
		if (!(pid in seen)) { seen[pid] = 1; pids[++np] = pid }
	}
	END {
		for (p = 1; p <= np; p++) {
			pid = pids[p]
			for (n = 1; n <= calls[pid]; n++) {
				name = seq[pid, n]; k = occ[pid, n]
				if (pid == main && n < start) { pre[name] = k; continue }
				if (name in nf) continue
				ours[name, k] = 1
				if (!(name in names)) { names[name] = 1; order[++nn] = name }
			}
		}
		for (i = 1; i <= nn; i++) {
			name = order[i]; got = 0; lost = 0
			for (k = 1; got < per && k <= 100000; k++) {
				if (!((name, k) in ours)) {
					if (k > pre[name] + 0) break
					continue
				}
				if (k <= pre[name] + 0) { lost++; continue }
				print name, k; got++
			}
			if (lost) print "skipped", name, lost
		}
	}' "$1"
}

# The paths. Each is a function: PATH_FN MODE TRACER...: runs the path as
# MODE with the tool started by TRACER... (strace and its options); sets
# RC and ERR (run_as) and LEFT, empty or what the run left behind.

leftover_procs() {
	local p left
	left=$(pgrep -f "$T/(bin|suid)/")
	[ -z "$left" ] && return 0
	sleep 0.2
	left=$(pgrep -f "$T/(bin|suid)/")
	[ -z "$left" ] && return 0
	# shellcheck disable=SC2086
	LEFT="$LEFT processes: $(ps -o pid=,args= -p "$(echo $left | tr ' ' ,)" | tr '\n' ';')"
	for p in $left; do
		kill_tree "$p"
	done
}

leftover_mounts() {
	local m
	m=$(awk -v t="$T/" 'index($5, t) == 1 && $5 != t "persist" && $5 != t "suid" {print $5}' \
		/proc/self/mountinfo)
	[ -z "$m" ] && return 0
	LEFT="$LEFT mounts: $m"
	printf '%s\n' "$m" | sort -r | while read -r p; do umount -l "$p"; done
}

run_plain() {
	local m=$1
	shift
	LEFT=
	run_as "$m" "$@"
	leftover_procs
}

# shellcheck disable=SC2317
path_nsrun_r() { run_plain "$1" "${@:2}" "$NSRUN" -r true; }
# shellcheck disable=SC2317
path_nsrun_pid() { run_plain "$1" "${@:2}" "$NSRUN" -r --net --pid --fork --mount-proc true; }
# shellcheck disable=SC2317
path_nsrun_kill() {
	run_plain "$1" "${@:2}" "$NSRUN" -r --fork --kill-child --timeout 5 true
}

# --uts=FILE, FILE on a private tmpfs of the test's own: bound afterwards
# when the run succeeded, never when it failed
# shellcheck disable=SC2317
path_nsrun_persist() {
	local m=$1 f=$T/persist/uts
	shift
	touch "$f"
	run_plain "$m" "$@" "$NSRUN" -r -m --uts="$f" true
	if [ "$RC" -eq 0 ]; then
		if [ "$(findmnt -no FSTYPE --mountpoint "$f")" = nsfs ]; then
			umount "$f"
		else
			LEFT="$LEFT success without --uts=FILE bound"
		fi
	fi
	leftover_mounts
}

# the "host" is a network namespace made for the run (unshare -n, with a
# user namespace as nobody); the links it has after the run are checked in
# there, given a moment, as the namespace the peer went into dies in the
# background.
LINKS_AFTER='links_after() { i=0; while ip -o link show | grep -qv ": lo:"; do
	i=$((i + 1)); [ $i -gt 40 ] && { ip -o link show | grep -v ": lo:" |
	cut -d: -f2 | tr -d "\n" >&3; return; }; sleep 0.05; done; }'

in_throwaway_net() {
	local m=$1 script=$2
	shift 2
	local wrap=("$UNSHARE" --net)
	[ "$m" = root ] || wrap=("$UNSHARE" -rn)
	: >"$T/tmp/links"
	LEFT=
	run_as "$m" "${wrap[@]}" bash -c "$LINKS_AFTER; $script" bash "$@" 3>"$T/tmp/links"
	[ -s "$T/tmp/links" ] && LEFT="$LEFT links: $(cat "$T/tmp/links")"
	leftover_procs
}

# shellcheck disable=SC2317
path_nsrun_veth() {
	in_throwaway_net "$1" '"$@"; rc=$?; links_after; exit $rc' \
		"${@:2}" "$NSRUN" -r --net --loopback --veth a:b,addr=10.0.0.1/24 true
}

# nsveth into a namespace held by a sleep (started by nsrun -n, killed by
# the script): the pair stays on success and is deleted here; a failure
# leaves no link on either side
# shellcheck disable=SC2317
path_nsveth() {
	in_throwaway_net "$1" '
		unshare -n sleep 60 & p=$!
		while [ "$(readlink /proc/$p/ns/net)" = "$(readlink /proc/self/ns/net)" ]; do
			sleep 0.01; done
		err=$(mktemp)
		"$@" va vb $p 2>"$err"; rc=$?
		cat "$err" >&2
		# a write error on stdout, when nsveth ends, comes after the
		# pair is made: it stays, as on success
		if [ $rc -eq 0 ] || grep -q "^nsveth: write error" "$err"; then
			ip link del va
		fi
		rm -f "$err"
		nsenter -t $p -n ip -o link show | grep -v ": lo:" | cut -d: -f2 | tr -d "\n" >&3
		kill $p; wait $p 2>/dev/null
		links_after; exit $rc' "${@:2}" "$NSVETH"
}

# nsmap writes the maps of a fresh target each run (a map is written once);
# as nobody through the set-user-ID copy, traced by root (strace -u), as a
# ptrace by nobody would run it without its privileges
# shellcheck disable=SC2317
path_nsmap() {
	local m=$1 tgt u g
	shift
	spawn_as "$m" "$NSRUN" -U sleep 60
	tgt=$BG_PID
	if ! wait_for 5 in_own_userns "$tgt"; then
		LEFT="target did not start"
		kill -KILL "$tgt"
		wait "$tgt" 2>/dev/null
		RC=1
		return
	fi
	u=$(mode_uid "$m") g=$(mode_gid "$m")
	if [ "$m" = root ]; then
		run_plain root "$@" "$NSMAP" --both "$tgt" 0 "$u" 1 -- 0 "$g" 1
	else
		run_plain root "$@" -u nobody "$T/suid/nsmap" --both "$tgt" 0 "$u" 1 -- 0 "$g" 1
	fi
	kill -KILL "$tgt"
	wait "$tgt" 2>/dev/null
}

in_own_userns() {
	[ "$(readlink "/proc/$1/ns/user" 2>/dev/null)" != "$(readlink /proc/self/ns/user)" ] &&
		[ "$(cat "/proc/$1/comm" 2>/dev/null)" = sleep ]
}

# shellcheck disable=SC2317
path_nsmap_check() {
	if [ "$1" = root ]; then
		run_plain root "${@:2}" "$NSMAP" --check
	else
		run_plain root "${@:2}" -u nobody "$T/suid/nsmap" --check
	fi
}

# shellcheck disable=SC2317
path_nsls() { run_plain "$1" "${@:2}" "$NSLS"; }
# shellcheck disable=SC2317
path_nsls_json() { run_plain "$1" "${@:2}" "$NSLS" -J -T; }

# stderr_write_hit LOG: a write(2) to fd 2 was among the injected calls
# (the line of a call another process interrupted is finished later, on a
# "resumed" line of the same PID)
stderr_write_hit() {
	awk '$2 ~ /^write\(2,/ { if (/INJECTED/) hit = 1; else if (/<unfinished/) w[$1] = 1 }
		$2 == "<..." && $3 == "write" && w[$1] { if (/INJECTED/) hit = 1; delete w[$1] }
		END { exit !hit }' "$1"
}

# fault_path MODE TOOL DESC FN: records FN's calls, then runs FN once per
# planned fault and checks each run.
fault_path() {
	local m=$1 tool=$2 desc=$3 fn=$4 plan call n e runs=0 bad=0 missed=0 fails=0 lost=0
	local t0 t1 why msg cause max base_rc base_err hits
	local -A reason
	[[ $desc =~ ${FAULT_ONLY:-.} ]] || return 0
	LOG=$T/tmp/fault.$m.log
	t0=$(date +%s%N)
	"$fn" "$m" strace -f -k -b execve -o "$LOG"
	if { [ "$RC" -ne 0 ] && [ "$fn" != path_nsmap_check ]; } || [ -n "$LEFT" ]; then
		not_ok "$m: $desc: runs under strace"
		diag "status $RC, stderr: $ERR, left: $LEFT"
		return
	fi
	# what a run without a fault gives (nsmap --check fails when the
	# caller has no subordinate ids): a fault run may end the same way
	base_rc=$RC base_err=$ERR
	plan=$(plan_faults "$LOG")
	if [ -z "$plan" ]; then
		not_ok "$m: $desc: a call of its own recorded"
		diag "$(wc -l <"$LOG") lines, $(grep -c "^ > $T/" "$LOG") frames in $T"
		return
	fi
	lost=$(printf '%s\n' "$plan" | awk '$1 == "skipped" {s += $3} END {print s + 0}')
	plan=$(printf '%s\n' "$plan" | grep -v '^skipped ')
	max=$(printf '%s\n' "$plan" | awk '{print $1}' | sort -u | wc -l)
	[ "$max" -gt "$FAULT_MAX_RUNS" ] || max=$FAULT_MAX_RUNS
	if [ "$(printf '%s\n' "$plan" | wc -l)" -gt "$max" ]; then
		# every call once, then the later occurrences in order
		plan=$(printf '%s\n' "$plan" | awk '{ print ++c[$1], NR, $0 }' | sort -n -k1,1 -k2,2 |
			head -n "$max" | sort -n -k2,2 | cut -d' ' -f3-)
	fi
	while read -r call n; do
		[ -n "$call" ] || continue
		e=$(errno_for "$call")
		runs=$((runs + 1))
		"$fn" "$m" timeout -k 1 "$FAULT_TIMEOUT" strace -f -b execve -o "$LOG" \
			-e trace=all -e inject="$call":error="$e":when="$n"
		why=
		# strace's own notes (a tracee that died while being
		# tampered with) are not the tool's
		ERR=$(printf '%s\n' "$ERR" | grep -v '^strace: ')
		if ! grep -q 'INJECTED' "$LOG" 2>/dev/null; then
			# the path went another way (a PID, a count read from
			# /proc that changed): the run is still checked
			missed=$((missed + 1))
		fi
		if [ "$RC" -eq 124 ] || [ "$RC" -eq 137 ]; then
			why="hang (no end within ${FAULT_TIMEOUT}s)"
		elif grep -Eq '\+\+\+ killed by SIG(SEGV|BUS|ABRT|ILL|FPE|SYS|TRAP)' "$LOG"; then
			why="crash: $(grep -Eo 'killed by SIG[A-Z]+' "$LOG" | head -1)"
		elif [ "$RC" -eq "$base_rc" ] && [ "$ERR" = "$base_err" ]; then
			:
		elif [ "$RC" -eq 0 ]; then
			[ -z "$ERR" ] || why="success, yet stderr: $ERR"
		else
			case $tool:$RC in
			nsrun:126 | nsrun:127 | nsls:2 | *:1) ;;
			*) why="exit status $RC" ;;
			esac
			msg=$(printf '%s\n' "$ERR" | head -1)
			strerror "$e" >/dev/null
			cause=${STRERROR[$e]}
			# when= counts in each process: a fault may hit the
			# Nth call of several, each of which may then say why
			# it failed; a write to stderr that failed garbles or
			# loses the message it was writing
			hits=$(grep -c 'INJECTED' "$LOG")
			if stderr_write_hit "$LOG"; then
				:
			elif [ "$(printf '%s\n' "$ERR" | wc -l)" -gt "$((hits > 1 ? hits : 1))" ]; then
				why="${why:+$why, }$(printf '%s\n' "$ERR" | wc -l) lines on stderr"
			elif [ -z "$ERR" ] || printf '%s\n' "$ERR" | grep -qv "^$tool: "; then
				why="${why:+$why, }not a '$tool: ' line"
			elif printf '%s\n' "$ERR" | sed "s/^$tool: //" | grep -qv ': '; then
				why="${why:+$why, }a message without a cause"
			elif [[ $msg != *": $cause"* ]]; then
				# the cause may be a consequence (a read that
				# failed gives a short file): shown, for review
				reason[$call.$n]="$msg"
			fi
			fails=$((fails + 1))
		fi
		[ -n "$LEFT" ] && why="${why:+$why, }left behind:$LEFT"
		if [ -n "$why" ]; then
			bad=$((bad + 1))
			diag "$m: $desc: $call #$n ($e): status $RC: $why" \
				"  stderr: $(printf '%s' "$ERR" | head -3 | tr '\n' '|')"
		fi
	done <<<"$plan"
	t1=$(date +%s%N)
	ALL_RUNS=$((ALL_RUNS + runs))
	ALL_BAD=$((ALL_BAD + bad))
	diag "$m: $desc: $runs runs ($fails failed cleanly or not, $missed without a fault hit," \
		"  $lost occurrences in children not reachable alone), $bad bad," \
		"  $(((t1 - t0) / 1000000)) ms"
	for n in "${!reason[@]}"; do
		diag "  $n: cause not the injected error's: ${reason[$n]}"
	done
	if [ $bad -eq 0 ] && [ $runs -gt 0 ]; then
		ok "$m: $desc: every system call failing in turn: a clean end"
	else
		not_ok "$m: $desc: every system call failing in turn: a clean end"
	fi
}

case_faults() {
	local m=$1
	fault_path "$m" nsrun "nsrun -r true" path_nsrun_r
	fault_path "$m" nsrun "nsrun -r --net --pid --fork --mount-proc true" path_nsrun_pid
	fault_path "$m" nsrun "nsrun -r --fork --kill-child --timeout 5 true" path_nsrun_kill
	fault_path "$m" nsrun "nsrun -r --net --loopback --veth" path_nsrun_veth
	fault_path "$m" nsveth "nsveth into a namespace" path_nsveth
	# each nsls run reads all of /proc: two occurrences of each call
	FAULT_PER_CALL=2 fault_path "$m" nsls "nsls" path_nsls
	FAULT_PER_CALL=2 fault_path "$m" nsls "nsls -J -T" path_nsls_json
	if [ "$m" = root ] || [ -n "$SUID_OK" ]; then
		fault_path "$m" nsmap "nsmap --check" path_nsmap_check
		fault_path "$m" nsmap "nsmap --both for an nsrun -U target" path_nsmap
	elif [ "$(id -u)" -ne 0 ]; then
		skip "$m: nsmap: a set-user-ID copy needs root"
	else
		not_ok "$m: nsmap: a set-user-ID root copy runs privileged"
	fi
	if [ "$m" = root ]; then
		# binding a namespace file needs root in the caller's mount
		# namespace
		fault_path "$m" nsrun "nsrun -r -m --uts=FILE true" path_nsrun_persist
	fi
}

SUID_OK=
if [ "$(id -u)" -eq 0 ]; then
	mkdir -p "$T/persist" "$T/suid"
	mount -t tmpfs -o mode=755 nsutils-faults "$T/persist" && mount --make-private "$T/persist"
	# the set-user-ID copy nobody's runs go through, on a tmpfs of its
	# own: the scratch directory may be on a nosuid mount
	mount -t tmpfs -o mode=755,suid nsutils-faults-suid "$T/suid" &&
		mount --make-private "$T/suid" &&
		cp "$NSMAP" "$T/suid/nsmap" && chmod 4755 "$T/suid/nsmap" &&
		as_mode user "$T/suid/nsmap" --check 2>/dev/null |
		grep -qx 'privileges: set-user-ID root' && SUID_OK=1
fi

for_each_mode case_faults
diag "$ALL_RUNS fault runs, $ALL_BAD bad"
[ "$(id -u)" -eq 0 ] && umount "$T/persist" "$T/suid"
ns_done
