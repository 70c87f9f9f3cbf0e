#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run inside a fresh PID and mount namespace with its own /proc (nsls-diff.sh
# starts it), so that both tools see the same processes: starts namespace
# holders, then runs every case of CASES through $LSNS and $NSLS, keeping
# stdout, stderr and status in OUT/N.{lsns,nsls}{,.err,.rc}.
# Usage: NSLS=... LSNS=... nsls-sandbox.sh OUT CASES
set -u
out=$1
cases=$2

# in_own_ns PID TYPE: PID has left our namespace of TYPE (its unshare ran)
in_own_ns() {
	[ "$(readlink "/proc/$1/ns/$2" 2>/dev/null)" != "$(readlink "/proc/self/ns/$2")" ] &&
		[ -n "$(readlink "/proc/$1/ns/$2" 2>/dev/null)" ]
}

wait_ns() {
	local n=100
	while [ $n -gt 0 ]; do
		in_own_ns "$1" "$2" && return 0
		sleep 0.05
		n=$((n - 1))
	done
	echo "holder $1 never entered its $2 namespace" >"$out/setup.err"
	exit 1
}

# H1: user, net and uts namespaces of its own
unshare -r -n -u sleep 600 </dev/null &
h1=$!
# H2: a shell and two children in a user and net namespace (a process tree)
unshare -r -n sh -c 'sleep 600 & sleep 600 & wait' </dev/null &
h2=$!
# H3: a PID namespace (and its user namespace) whose PID 1 is sleep
unshare -r -p -f sleep 600 </dev/null &
h3=$!
wait_ns $h1 net
wait_ns $h2 net
wait_ns $h3 user
# both children of H2's shell are there
n=100
while [ "$(wc -w <"/proc/$h2/task/$h2/children" 2>/dev/null || echo 0)" -lt 2 ] && [ $n -gt 0 ]; do
	sleep 0.05
	n=$((n - 1))
done

# H1's network namespace also gets a bind mount, which NSFS shows
: >"$out/netfile"
mount --bind "/proc/$h1/ns/net" "$out/netfile" 2>"$out/mount.err" || exit 1

userns=$(stat -Lc %i "/proc/$h1/ns/user")
netns2=$(stat -Lc %i "/proc/$h2/ns/net")
echo "$h1 $h2 $h3 $userns $netns2" >"$out/ids"

i=0
while IFS= read -r line; do
	line=${line//@H1@/$h1}
	line=${line//@H2@/$h2}
	line=${line//@USERNS@/$userns}
	line=${line//@NETNS2@/$netns2}
	eval "set -- $line"
	"$LSNS" "$@" >"$out/$i.lsns" 2>"$out/$i.lsns.err"
	echo $? >"$out/$i.lsns.rc"
	"$NSLS" "$@" >"$out/$i.nsls" 2>"$out/$i.nsls.err"
	echo $? >"$out/$i.nsls.rc"
	i=$((i + 1))
done <"$cases"
umount "$out/netfile"
echo done >"$out/finished"
