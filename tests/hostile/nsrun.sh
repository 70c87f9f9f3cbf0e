#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nsrun under hostile input and faults, as root and as nobody: every number
# it reads (uids, gids, ranges in both forms, time offsets, durations, fds,
# signals, limits, the owner), every name (propagation and setgroups words,
# signals, sysctl keys, limits, hostnames, veth names), persistence onto
# shared mounts, directories, missing paths and symlinks, closed standard
# fds, tiny fd limits, no room for a process, and SIGTERM or SIGINT
# delivered at each system call of the set-up (strace's fault injection).
# Each case: the exit status, one line on stderr naming the cause, and no
# mount, namespace file, process or link left (lib.sh's hostile_case).

. "$(dirname "$0")/lib.sh"
hostile_setup nsrun "$@"

RANGE='Numerical result out of range$'
# LeakSanitizer (the sanitizer build) cannot run under ptrace, in a PID
# namespace of its own /proc, or without fds to spare: left out there,
# AddressSanitizer stays
NOLEAK="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
MAPERR="\\(expected inner:outer:count\\)\$"
MAPRANGE="\\(count at least 1, ids below 4294967295\\)\$"
TIMEOUT="\\(expected a number of seconds, or with a unit s, m, h or d\\)\$"
RLIM="\\(expected NAME=SOFT\\[:HARD\\], NAME as prlimit\\(1\\) names it, e.g. NOFILE=4096:8192\\)\$"

# --- the command line -------------------------------------------------------

case_args() {
	hostile_table "$NSRUN" <<EOF
1|failed to parse uid: '-1': $RANGE|-U	-S	-1	true
1|failed to parse uid: '0x10'\$|-U	-S	0x10	true
1|failed to parse uid: '\+1'\$|-U	-S	+1	true
1|failed to parse uid: ''\$|-U	-S		true
1|failed to parse uid: '4294967296': $RANGE|-U	-S	4294967296	true
1|failed to parse uid: '18446744073709551617': $RANGE|-U	-S	18446744073709551617	true
1|failed to parse gid: 'abc'\$|-U	-G	abc	true
1|failed to parse gid: '-1': $RANGE|-U	-G	-1	true
1|failed to parse uid '-1': $RANGE|--map-user	-1	true
1|failed to parse uid '': Invalid argument\$|--map-user=	true
1|failed to parse uid 'nsutils-no-such-user': Invalid argument\$|--map-user	nsutils-no-such-user	true
1|failed to parse gid '4294967296': $RANGE|--map-group	4294967296	true
1|failed to parse gid 'nsutils-no-such-group': Invalid argument\$|--map-group	nsutils-no-such-group	true
1|invalid mapping '0:0' $MAPERR|--map-users	0:0	true
1|invalid mapping '0:0:0' $MAPRANGE|--map-users	0:0:0	true
1|invalid mapping '0:0:-1' $MAPERR|--map-users	0:0:-1	true
1|invalid mapping '0:0:4294967296' $MAPRANGE|--map-users	0:0:4294967296	true
1|invalid mapping '4294967295:0:1' $MAPRANGE|--map-groups	4294967295:0:1	true
1|invalid mapping '0:0:1:1' $MAPERR|--map-users	0:0:1:1	true
1|invalid mapping '\+0:0:1' $MAPERR|--map-users	+0:0:1	true
1|invalid mapping '' $MAPERR|--map-users=	true
1|invalid mapping '0,0,0' $MAPRANGE|--map-users	0,0,0	true
1|invalid mapping '0,0' $MAPERR|--map-groups	0,0	true
1|invalid mapping '0,-1,1' $MAPERR|--map-users	0,-1,1	true
1|invalid mapping '0,0,4294967296' $MAPRANGE|--map-users	0,0,4294967296	true
1|invalid mapping '0:0,1' $MAPERR|--map-users	0:0,1	true
1|failed to parse monotonic offset: 'x'\$|-T	--monotonic	x	true
1|failed to parse monotonic offset: '0x10'\$|-T	--monotonic	0x10	true
1|failed to parse monotonic offset: '1.5'\$|-T	--monotonic	1.5	true
1|failed to parse monotonic offset: '99999999999999999999': $RANGE|-T	--monotonic	99999999999999999999	true
1|failed to parse boottime offset: '1e3'\$|-T	--boottime	1e3	true
1|failed to parse boottime offset: '-99999999999999999999': $RANGE|-T	--boottime	-99999999999999999999	true
1|failed to write to /proc/self/timens_offsets: $RANGE|-U	-r	-T	--boottime	9223372036854775807	true
1|invalid --timeout '-1' $TIMEOUT|--timeout	-1	true
1|invalid --timeout 'x' $TIMEOUT|--timeout	x	true
1|invalid --timeout '' $TIMEOUT|--timeout=	true
1|invalid --timeout '0x10' $TIMEOUT|--timeout	0x10	true
1|invalid --timeout '99999999999999999999s' $TIMEOUT|--timeout	99999999999999999999s	true
1|invalid --json-status-fd '-1'\$|--json-status-fd	-1	true
1|invalid --json-status-fd ''\$|--json-status-fd=	true
1|invalid --json-status-fd '0x3'\$|--json-status-fd	0x3	true
1|invalid --json-status-fd '99999999999'\$|--json-status-fd	99999999999	true
1|invalid --json-status-fd '4294967299'\$|--json-status-fd	4294967299	true
1|invalid --json-status-fd '9': Bad file descriptor\$|--json-status-fd	9	true
1|unknown signal: FOO\$|--kill-child=FOO	true
1|unknown signal: \$|--kill-child=	true
1|unknown signal: SIG\$|--kill-child=SIG	true
1|unknown signal: 65\$|--kill-child=65	true
1|unknown signal: 0\$|--kill-child=0	true
1|unknown signal: 0x9\$|--kill-child=0x9	true
1|unknown signal: 4294967305\$|--kill-child=4294967305	true
0|-|--kill-child=sigterm	true
0|-|--kill-child=64	true
1|invalid --rlimit 'foo=1' $RLIM|--rlimit	foo=1	true
1|invalid --rlimit 'nofile=' $RLIM|--rlimit	nofile=	true
1|invalid --rlimit 'nofile=-1' $RLIM|--rlimit	nofile=-1	true
1|invalid --rlimit 'nofile' $RLIM|--rlimit	nofile	true
1|invalid --rlimit 'nofile=0x10' $RLIM|--rlimit	nofile=0x10	true
1|invalid --rlimit 'nofile=99999999999999999999': value out of range\$|--rlimit	nofile=99999999999999999999	true
1|cannot set limit NOFILE: the soft limit would exceed the hard limit, [0-9]+\$|--rlimit	nofile=2:1	true
1|failed to parse owner \(expected uid:gid, not '0'\)\$|--owner	0	true
1|failed to parse owner \(expected uid:gid, not '0:x'\)\$|--owner	0:x	true
1|failed to parse owner \(expected uid:gid, not '-1:0'\)\$|--owner	-1:0	true
1|failed to parse owner \(expected uid:gid, not '4294967296:0'\)\$|--owner	4294967296:0	true
1|failed to parse owner \(expected uid:gid, not ''\)\$|--owner=	true
1|unsupported propagation mode: foo \(expected slave, shared, private or unchanged\)\$|-m	--propagation	foo	true
1|unsupported propagation mode:  \(expected slave, shared, private or unchanged\)\$|-m	--propagation=	true
1|unsupported propagation mode: SHARED \(expected|-m	--propagation	SHARED	true
1|unsupported --setgroups argument 'foo' \(expected allow or deny\)\$|-U	--setgroups	foo	true
1|unsupported --setgroups argument 'ALLOW' \(expected allow or deny\)\$|-U	--setgroups	ALLOW	true
1|invalid sysctl key 'net.ipv4..ip_forward'\$|-n	--sysctl	net.ipv4..ip_forward=1	true
1|invalid sysctl key 'net.ipv4.ip_forward.'\$|-n	--sysctl	net.ipv4.ip_forward.=1	true
1|invalid --sysctl 'net/ipv4/ip_forward' \(expected key=value\)\$|-n	--sysctl	net/ipv4/ip_forward	true
1|invalid --sysctl '=1' \(expected key=value\)\$|-n	--sysctl	=1	true
1|cannot set sysctl 'kernel.panic': it is not per-namespace; it would change the whole system\$|-n	-u	-i	--sysctl	kernel.panic=1	true
1|cannot set sysctl 'vm.swappiness': it is not per-namespace|-n	--sysctl	vm.swappiness=1	true
EOF
}
hostile_for_each_mode case_args

# sysctl keys that need the new namespace to exist before they are refused;
# with a name of the throwaway network namespace, its value is checked too
case_sysctl() {
	HOSTILE_SYSCTLS="net.ipv4.ip_forward" hostile_net_case "--sysctl a key with a blank" 1 \
		"cannot set sysctl 'net.ipv4. ip_forward': no such key in the new network namespace\$" -- \
		"$NSRUN" -U -r -n --sysctl 'net.ipv4. ip_forward=1' true
	HOSTILE_SYSCTLS="net.ipv4.conf.all.forwarding" hostile_net_case "--sysctl a bad value" 1 \
		"cannot set sysctl 'net.ipv4.conf.all.forwarding' to '1x': Invalid argument\$" -- \
		"$NSRUN" -U -r -n --sysctl net.ipv4.conf.all.forwarding=1x true
	HOSTILE_SYSCTLS="net.ipv4.ip_forward" hostile_net_case "--sysctl ../ in a key" 1 \
		"invalid sysctl key 'net/../kernel/panic'" -- \
		"$NSRUN" -U -r -n --sysctl net/../kernel/panic=1 true
	hostile_net_case "--veth a name of 16 bytes" 1 "0123456789abcdef" -- \
		"$NSRUN" -U -r --veth 0123456789abcdef:b true
	hostile_net_case "--veth a name with '/'" 1 "a/b" -- "$NSRUN" -U -r --veth a/b:b true
	hostile_net_case "--veth an empty peer" 1 "veth" -- "$NSRUN" -U -r --veth a: true
	hostile_net_case "--veth a bad address" 1 "10.0.0.1/33" -- \
		"$NSRUN" -U -r --veth a:b,addr=10.0.0.1/33 true
}
hostile_for_each_mode case_sysctl

# --- persistence --------------------------------------------------------------

case_persist() {
	local m=$1 s=$HOSTILE_SCRATCH
	mkdir -p "$s/dir"
	: >"$s/file"
	ln -sfn file "$s/link"
	ln -sfn dir "$s/dlink"
	hostile_case "--uts onto a missing path" 1 \
		"mount /proc/[0-9]+/ns/uts on $s/none/x failed: No such file or directory\$" -- \
		"$NSRUN" -U -r --uts="$s/none/x" true
	hostile_case "--net onto a directory" 1 \
		"mount /proc/[0-9]+/ns/net on $s/dir failed: Not a directory\$" -- \
		"$NSRUN" -U -r --net="$s/dir" true
	hostile_case "--uts through a symlink" 1 \
		"on $s/link failed: Too many levels of symbolic links \\(no symbolic link may be on the path\\)\$" -- \
		"$NSRUN" -U -r --uts="$s/link" true
	hostile_case "--ipc through a symlinked directory" 1 \
		"on $s/dlink/x failed: Too many levels of symbolic links" -- \
		"$NSRUN" -U -r --ipc="$s/dlink/x" true
	hostile_case "--mount-proc onto a symlink" 1 "mount $s/link failed: Not a directory\$" -- \
		env "$NOLEAK" "$NSRUN" -U -r -p -f --mount-proc="$s/link" true
	if [ "$m" = root ]; then
		# a shared mount of its own, inside the script's private namespace
		mkdir -p "$s/shared"
		mount -t tmpfs hostile "$s/shared"
		mount --make-shared "$s/shared"
		: >"$s/shared/f"
		hostile_case "--mount onto a shared mount" 1 \
			"the mount holding '$s/shared/f' is shared; make it private first" -- \
			"$NSRUN" --mount="$s/shared/f" true
		# with --fork the namespace bound is the child's, which the
		# kernel takes on a shared mount too, as for unshare(1), unless
		# the bind propagates into the child's copy of the mount before
		# the child made it private: refused then as a loop (ELOOP); a
		# race as in unshare(1)
		hostile_case "--mount onto a shared mount, with --fork, undone" 0/1 \
			"on $s/shared/f failed: Too many levels of symbolic links( \\(the mount holding '$s/shared/f' is shared.*\\))?\$" -- \
			sh -c '"$0" -f --mount="$1" true && umount "$1"' "$NSRUN" "$s/shared/f"
		# refused as shared, or as a loop of mount namespaces (ELOOP)
		hostile_case "--uts and --mount, the second onto a shared mount" 1 \
			"on $s/shared/f failed: (Invalid argument \\(the mount holding '$s/shared/f' is shared|Too many levels of symbolic links)" -- \
			"$NSRUN" --uts="$s/file" --mount="$s/shared/f" true
		umount "$s/shared"
		rmdir "$s/shared"
	else
		hostile_case "--user onto a file of the host's mounts" 1 \
			"mount /proc/[0-9]+/ns/user on $s/file failed: Operation not permitted\$" -- \
			"$NSRUN" -U --user="$s/file" true
		hostile_case "--uts onto a file, with --fork" 1 \
			"on $s/file failed: Operation not permitted\$" -- \
			"$NSRUN" -U -r -f --uts="$s/file" true
	fi
	rm -rf "${s:?}"/*
}
hostile_for_each_mode case_persist

# --- standard fds, limits -------------------------------------------------------

case_fds() {
	local m=$1 n
	hostile_case "stdin, stdout and stderr closed" 0 - -- \
		sh -c 'exec "$0" -U -r -f true <&- >&- 2>&-' "$NSRUN"
	hostile_case "stdin, stdout and stderr closed, a bad uid" 1 - -- \
		sh -c 'exec "$0" -U -S x true <&- >&- 2>&-' "$NSRUN"
	hostile_case "stdout closed, --json-status-fd 1" 1 "invalid --json-status-fd '1': Bad file descriptor\$" -- \
		sh -c 'exec "$0" --json-status-fd 1 -U -r true >&-' "$NSRUN"
	hostile_case "stdout closed, --dry-run: a write error" 1 'write error: Bad file descriptor$' -- \
		sh -c 'exec "$0" --dry-run -U -r true >&-' "$NSRUN"
	hostile_case "stdin, stdout and stderr closed, --timeout" 0 - -- \
		sh -c 'exec "$0" --timeout 5 -U -r true <&- >&- 2>&-' "$NSRUN"
	for n in 4 5 6 8; do
		hostile_case "RLIMIT_NOFILE $n" 0/1 'Too many open files' -- \
			env "$NOLEAK" prlimit --nofile="$n" "$NSRUN" -U -r -f -m -p --mount-proc true
	done
	hostile_case "RLIMIT_NOFILE 6, --kill-child and --timeout" 0/1 'Too many open files' -- \
		env "$NOLEAK" prlimit --nofile=6 "$NSRUN" -U -r --kill-child --timeout 5 true
	# root is not held to RLIMIT_NPROC: there the fork succeeds
	local want=1
	[ "$m" = root ] && want=0
	hostile_case "RLIMIT_NPROC 1, --fork" "$want" 'fork failed: Resource temporarily unavailable$' -- \
		env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		prlimit --nproc=1 "$NSRUN" -U -r -f true
	hostile_case "RLIMIT_NPROC 1, --pid --fork --mount-proc" "$want" \
		'fork failed: Resource temporarily unavailable$' -- \
		env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		prlimit --nproc=1 "$NSRUN" -U -r -p -f --mount-proc true
	hostile_case "RLIMIT_NPROC 1, --timeout" "$want" 'fork failed: Resource temporarily unavailable$' -- \
		env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		prlimit --nproc=1 "$NSRUN" -U -r --timeout 5 true
	hostile_case "RLIMIT_NPROC 1, --kill-child" "$want" 'fork failed: Resource temporarily unavailable$' -- \
		env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		prlimit --nproc=1 "$NSRUN" -U -r --kill-child true
}
hostile_for_each_mode case_fds

# --- a signal at each step of the set-up ----------------------------------------

# strace stops at a system call's entry and queues the signal for the
# process making it, the first time it makes it (each process counts its
# own): nsrun itself before it forks the program dies of it (130, 143, as
# unshare(1)); after, it keeps SIGINT and SIGTERM blocked and reports the
# program's status; its helpers finish their work with them blocked. The
# persistence bind, when made, is undone after the case, not by nsrun.
cat >"$T/inject.sh" <<'EOF'
f=$1
shift
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
# in the background, so that bash says nothing ("Terminated") when
# strace dies as nsrun did; with SIGINT as it would be in the foreground
env --default-signal=INT,QUIT strace -f -qq -o /dev/null "$@" &
wait $!
rc=$?
# a bind that nsrun made as asked: the case's own to undo, on success only
[ $rc -eq 0 ] && [ -n "$f" ] && umount "$f" 2>/dev/null
exit $rc
EOF

case_signals() {
	local m=$1 sc sig want f= persist=() s
	if [ "$m" = root ]; then
		f=$HOSTILE_SCRATCH/uts
		: >"$f"
		persist=(--uts="$f")
	fi
	# SYSCALL:STATUS, "k" for killed by the signal; as nobody nsrun
	# forks no helper before it unshares (no persistence, -r written by
	# itself), and opens nothing with openat2
	# (as root the binder's socket pair comes first, before signals are
	# blocked, and the first pipe after)
	local list="unshare:k clone:k pidfd_open:k socketpair:k pipe2:0 openat2:k"
	[ "$m" = root ] || list="unshare:k clone:0 pidfd_open:0 socketpair:0 pipe2:0 openat2:0"
	for s in $list write:0 mount:0 sendto:0 recvfrom:0 open_tree:0 \
		move_mount:0 ioctl:0 wait4:0 setgroups:0 execve:0; do
		sc=${s%%:*}
		for sig in SIGTERM SIGINT; do
			[ $sig = SIGINT ] && [[ " unshare mount write clone " != *" $sc "* ]] && continue
			want=${s#*:}
			if [ "$want" = k ]; then
				[ $sig = SIGTERM ] && want=143 || want=130
			fi
			hostile_case "$sig at $sc" "$want" - -- bash "$T/inject.sh" "$f" \
				-e inject="$sc":signal=$sig:when=1 "$NSRUN" -U -r -m -p -f --mount-proc \
				"${persist[@]}" sleep 0.1
		done
	done
	# the watchdog forks (clone) and writes first, before the unshare
	for s in unshare:k clone:k write:k mount:0 wait4:0; do
		sc=${s%%:*}
		want=${s#*:}
		[ "$want" = k ] && want=143
		hostile_case "SIGTERM at $sc, --kill-child and --timeout" "$want" - -- \
			bash "$T/inject.sh" "$f" -e inject="$sc":signal=SIGTERM:when=1 "$NSRUN" -U -r \
			--kill-child --timeout 10 "${persist[@]}" sleep 0.1
	done
	# a delay at each step instead: the set-up just takes longer
	for sc in unshare mount write; do
		hostile_case "300 ms at $sc" 0 - -- bash "$T/inject.sh" "$f" \
			-e inject="$sc":delay_enter=300000 "$NSRUN" -U -r -m -p -f --mount-proc \
			"${persist[@]}" true
	done
	rm -f "$HOSTILE_SCRATCH/uts"
}
hostile_for_each_mode case_signals

hostile_done
