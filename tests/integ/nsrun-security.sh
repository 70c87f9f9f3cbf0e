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

ns_done
