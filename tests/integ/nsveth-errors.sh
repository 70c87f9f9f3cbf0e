#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nsveth failures: each gives one clear line and leaves no interface behind,
# in the throwaway host namespace or in the target. Usage errors too.

. "$(dirname "$0")/../lib.sh"
ns_setup

nsveth_setup

# fails MODE DESC MESSAGE NSVETH-ARGS...: in a host namespace with one pair
# (a/b) already made to a held namespace (its PID as $p in the arguments),
# nsveth ARGS fails with exactly MESSAGE ($p replaced) and both namespaces
# still hold only what they held before.
fails() {
	local m=$1 desc=$2 msg=$3
	shift 3
	inhost "$m" '
		p=$(hold)
		"$NSVETH" a b $p || exit 9
		eval "set -- $*"
		err=$("$NSVETH" "$@" 2>&1 >/dev/null)
		rc=$?
		echo "status $rc"
		printf "%s\n" "$err" | sed "s|/proc/$p/|/proc/PID/|g" >&2
		echo "host: $(links)"
		echo "target: $(inns $p bash -c links)"
	' "$@"
	local got=$ERR
	if [ "$OUT" = "status 1
host: a lo
target: b lo" ] && [ "$got" = "$msg" ]; then
		ok "$m: $desc"
	else
		not_ok "$m: $desc"
		diag "status $RC" "stdout: $OUT" "stderr: $got" "wanted stderr: $msg"
	fi
}

case_errors() {
	local m=$1
	fails "$m" "existing name" "nsveth: cannot create veth pair 'a'/'c': File exists" a c '$p'
	fails "$m" "existing peer name in the target" \
		"nsveth: cannot create veth pair 'x'/'b': File exists" x b '$p'
	fails "$m" "name over 15 bytes" \
		"nsveth: invalid interface name '0123456789abcdef' (at most 15 bytes)" \
		0123456789abcdef y '$p'
	fails "$m" "peer name over 15 bytes" \
		"nsveth: invalid interface name 'peer-name-is-too-long' (at most 15 bytes)" \
		x peer-name-is-too-long '$p'
	fails "$m" "name with a slash" "nsveth: invalid interface name 'a/b'" a/b y '$p'
	fails "$m" "same name twice" \
		"nsveth: invalid veth pair 'x'/'x': both ends have the same name" x x '$p'
	fails "$m" "PID that does not exist" \
		"nsveth: cannot open network namespace '99999': No such process" x y 99999
	fails "$m" "name that does not exist" \
		"nsveth: cannot open network namespace 'nosuch': No such file or directory (no such name under /run/netns; ./nosuch names a file here)" \
		x y nosuch
	# one wording for every file that is no network namespace: an nsfs
	# file of another type, a plain file or a FIFO alike
	fails "$m" "not a network namespace" \
		"nsveth: cannot open network namespace '/proc/PID/ns/uts': not a network namespace file" \
		x y '/proc/$p/ns/uts'
	fails "$m" "bad address" "nsveth: invalid address '10.0.0.300/24'" \
		-a 10.0.0.300/24 x y '$p'
	fails "$m" "bad prefix" \
		"nsveth: invalid address '10.0.0.1/33' (prefix length out of range)" \
		-A 10.0.0.1/33 x y '$p'
	fails "$m" "bad IPv6 prefix" \
		"nsveth: invalid address 'fd00::1/129' (prefix length out of range)" \
		-a fd00::1/129 x y '$p'
	fails "$m" "bad MAC" "nsveth: invalid MAC address '02:00:00:00:00'" \
		--mac 02:00:00:00:00 x y '$p'
	fails "$m" "MAC with a sign" "nsveth: invalid MAC address '02:00:00:00:00:+1'" \
		--peer-mac 02:00:00:00:00:+1 x y '$p'
	fails "$m" "bad gateway" "nsveth: invalid gateway '10.0.0.1/24'" -g 10.0.0.1/24 x y '$p'
	fails "$m" "missing bridge" "nsveth: cannot find bridge 'nobr': No such device" \
		-m nobr x y '$p'
	fails "$m" "kernel refuses the MTU" \
		"nsveth: cannot create veth pair 'x'/'y': Invalid argument" \
		--mtu 10 x y '$p'
	fails "$m" "address taken twice: the pair is deleted again" \
		"nsveth: cannot add address 10.0.0.1/24 to 'y': ipv4: Address already assigned" \
		-A 10.0.0.1/24 -A 10.0.0.1/24 x y '$p'
	fails "$m" "unreachable gateway: the pair is deleted again" \
		"nsveth: cannot add route default via 192.0.2.1 on 'y': Nexthop has invalid gateway" \
		-u -A 10.0.0.2/24 -g 192.0.2.1 x y '$p'
	# a route on a peer left down: the kernel's words, then what is wrong
	fails "$m" "gateway on a peer that is down" \
		"nsveth: cannot add route default via 10.0.0.1 on 'y': Nexthop has invalid gateway (the peer is down; add --up)" \
		-A 10.0.0.2/24 -g 10.0.0.1 x y '$p'
	fails "$m" "IPv6 gateway on a peer that is down" \
		"nsveth: cannot add route default via fd00::1 on 'y': No route to host (the peer is down; add --up)" \
		-A fd00::2/64 -r default,via=fd00::1 x y '$p'
	fails "$m" "direct route on a peer that is down" \
		"nsveth: cannot add route 10.9.0.0/16 on 'y': Device for nexthop is not up (the peer is down; add --up)" \
		-r 10.9.0.0/16 x y '$p'
	fails "$m" "route of the wrong family" \
		"nsveth: invalid route '10.1.0.0/16,via=fd00::1'" -r 10.1.0.0/16,via=fd00::1 x y '$p'
	fails "$m" "delete of a link that is not a veth" \
		"nsveth: cannot delete 'lo': not a veth interface" --delete lo
	fails "$m" "delete of a missing link" "nsveth: cannot delete 'nosuch': No such device" \
		-d nosuch
	fails "$m" "delete of an empty group" "nsveth: cannot delete group 4: No such device" \
		--delete-group 4
}

# A bare word is a /run/netns name and nothing else: a file of that name in
# the working directory, planted there by another user, is never opened
# (else root's peer and the addresses meant for it would land in that
# user's namespace); nor is a symlink in /run/netns followed. A path the
# caller typed is followed, and must end at a network namespace file.
case_lookup() {
	local m=$1
	inhost "$m" '
		m=$1
		p=$(hold)
		mount -t tmpfs tmpfs /run || exit 9
		d=$(mktemp -d -p $T/tmp) || exit 9
		if [ "$m" = root ]; then
			chown 65534:65534 $d
			setpriv --reuid=65534 --regid=65534 --clear-groups \
				ln -s /proc/$p/ns/net $d/testns || exit 9
		else
			ln -s /proc/$p/ns/net $d/testns || exit 9
		fi
		echo plain >$d/plain
		mkfifo $d/fifo
		cd $d
		try() {
			"$NSVETH" "$@" 2>&1 >/dev/null | sed "s|/proc/$p/|/proc/PID/|g"
			echo "status ${PIPESTATUS[0]} host: $(links) target: $(inns $p bash -c links)"
		}
		try -u -A 10.9.0.2/24 a b testns
		try --netns testns a b /proc/self/ns/net
		mkdir /run/netns
		try a b testns
		ln -s /proc/$p/ns/net /run/netns/evil
		try a b evil
		try a b plain
		try a b ./plain
		timeout 5 "$NSVETH" a b ./fifo 2>&1 | sed "s|^|fifo: |"
		try a b /proc/$p/ns/uts
		try a b ./testns
		# a PID through /proc/PID, as before Linux 6.11 (the first ioctl
		# is PIDFD_GET_NET_NAMESPACE)
		strace -qq -o /dev/null -e trace=ioctl -e inject=ioctl:error=ENOTTY:when=1 \
			"$NSVETH" c d $p
		echo "status $? by /proc: $(inns $p bash -c links)"
		"$NSVETH" -d a
		"$NSVETH" -d c
		cd /
		rm -rf $d
	' "$m"
	expect "$m: a bare name is looked up in /run/netns only" 0 \
"nsveth: cannot open network namespace 'testns': No such file or directory (no such name under /run/netns; ./testns names a file here)
status 1 host: lo target: lo
nsveth: cannot open network namespace 'testns': No such file or directory (no such name under /run/netns; ./testns names a file here)
status 1 host: lo target: lo
nsveth: cannot open network namespace 'testns': No such file or directory (no such name under /run/netns; ./testns names a file here)
status 1 host: lo target: lo
nsveth: cannot open network namespace 'evil': Too many levels of symbolic links (/run/netns/evil is a symbolic link)
status 1 host: lo target: lo
nsveth: cannot open network namespace 'plain': No such file or directory (no such name under /run/netns; ./plain names a file here)
status 1 host: lo target: lo
nsveth: cannot open network namespace './plain': not a network namespace file
status 1 host: lo target: lo
fifo: nsveth: cannot open network namespace './fifo': not a network namespace file
nsveth: cannot open network namespace '/proc/PID/ns/uts': not a network namespace file
status 1 host: lo target: lo
status 0 host: a lo target: b lo
status 0 by /proc: b d lo"
}

# A namespace we hold no capability over: made by the other identity (root
# for nobody, nobody for root), handed over as an open fd, since its
# /proc/PID/ns/net is not ours to open; root works from a user namespace of
# its own here, as real root may do anything.
case_foreign() {
	local m=$1 other hp
	if [ "$(id -u)" -ne 0 ]; then
		skip "$m: foreign namespace: needs root to make a namespace owned by another user"
		return
	fi
	if [ "$m" = root ]; then
		other=user
		spawn_as $other "$NSRUN" -r -n sleep 600
	else
		other=root
		spawn_as $other "$NSRUN" -n sleep 600
	fi
	hp=$BG_PID
	wait_for 5 sh -c "[ \"\$(readlink /proc/$hp/ns/net)\" != \"$(readlink /proc/self/ns/net)\" ]"
	exec 7</proc/"$hp"/ns/net
	NSVETH_USERNS=1 inhost "$m" '
		"$NSVETH" a b /proc/self/fd/7
		echo "status $? host: $(links)"
	'
	exec 7<&-
	# the kernel's reason first, as ip(8) prints it, then which capability
	expect_err "$m: target owned by another user namespace: names the capability" 0 \
		"^nsveth: cannot create veth pair 'a'/'b': Operation not permitted \\(CAP_NET_ADMIN missing in the user namespace that owns the target network namespace\\)$"
	[ "$OUT" = "status 1 host: lo" ] || { not_ok "$m: foreign: nothing made"; diag "$OUT"; }
	[ "$OUT" = "status 1 host: lo" ] && ok "$m: foreign: nothing made"
	# nor may we enter it to work from inside
	exec 7</proc/"$hp"/ns/net
	NSVETH_USERNS=1 inhost "$m" '
		"$NSVETH" --netns /proc/self/fd/7 a b /proc/self/ns/net
		echo "status $? host: $(links)"
	'
	exec 7<&-
	expect_err "$m: --netns of a namespace we may not enter" 0 \
		"^nsveth: cannot enter network namespace '/proc/self/fd/7': Operation not permitted \\(CAP_SYS_ADMIN missing over it or in the current user namespace\\)$"
	kill -KILL "$hp"
	reap "$hp" 2>/dev/null
}

# Without CAP_NET_ADMIN over the caller's namespace (nobody in one of
# root's), the first request already fails, making the bridge: ip's words,
# then which capability is missing.
case_no_capability() {
	local m=$1
	inhost "$m" '
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$NSVETH" -m br9 --create-bridge a b /proc/self/ns/net
		echo "status $? $(links)"
	'
	if [ "$OUT" = "status 1 lo" ] && [ "$ERR" = "nsveth: cannot create bridge 'br9': Operation not permitted (CAP_NET_ADMIN missing in the user namespace that owns the current network namespace)" ]; then
		ok "$m: no capability here: the bridge step names it"
	else
		not_ok "$m: no capability here: the bridge step names it"
		diag "stdout: $OUT" "stderr: $ERR"
	fi
}

# expect_usage DESC MESSAGE: status 1, MESSAGE, then the --help hint
expect_usage() {
	if [ "$RC" -eq 1 ] && [ "$ERR" = "$2
Try 'nsveth --help' for more information." ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "status $RC" "stderr: $ERR" "wanted stderr: $2"
	fi
}

expect_value() {
	if [ "$RC" -eq 1 ] && [ "$ERR" = "$2" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "status $RC" "stderr: $ERR" "wanted stderr: $2"
	fi
}

case_usage() {
	local m=$1
	run_as "$m" "$NSVETH" a b
	expect_usage "$m: missing operand" "nsveth: missing operand: <name> <peer> <target>"
	run_as "$m" "$NSVETH" a b c d
	expect_usage "$m: extra operand" "nsveth: extra operand 'd'"
	run_as "$m" "$NSVETH" --json a b c
	expect_usage "$m: --json without --list" "nsveth: --json goes with --list"
	run_as "$m" "$NSVETH" --create-bridge a b c
	expect_usage "$m: --create-bridge without --master" "nsveth: --create-bridge needs --master"
	run_as "$m" "$NSVETH" --list --delete a
	expect_usage "$m: --list with --delete" \
		"nsveth: --delete, --delete-group, --list and --batch exclude each other"
	# a bad number is a bad value, not a bad command line: one line, as
	# for an address or a name, without the pointer to --help
	run_as "$m" "$NSVETH" --mtu 12x a b c
	expect_value "$m: bad MTU" "nsveth: invalid MTU '12x'"
	run_as "$m" "$NSVETH" --group 4294967295 a b c
	expect_value "$m: group out of range, as ip refuses it" "nsveth: invalid group '4294967295'"
	run_as "$m" "$NSVETH" --delete-group +1
	expect_value "$m: group with a sign" "nsveth: invalid group '+1'"
	run_as "$m" "$NSVETH" --bogus
	expect "$m: unknown option" 1 ""
	printf '%s\n' "$ERR" | grep -q "^Try 'nsveth --help' for more information.$" ||
		not_ok "$m: unknown option: the hint line"
	run_as "$m" "$NSVETH" --help
	expect_re "$m: --help" 0 "^ nsveth \[options\] <name> <peer> <target>$"
	run_as "$m" "$NSVETH" --version
	expect_re "$m: --version" 0 "^nsveth [0-9]"
}

for_each_mode case_errors
for_each_mode case_lookup
for_each_mode case_foreign
# nobody inside a namespace of root's: a case of the root mode alone
require_root "needs root to run nobody in a namespace of root's" && case_no_capability root
for_each_mode case_usage
ns_done
