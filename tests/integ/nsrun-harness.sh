#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nsrun's options for test harnesses: --loopback, --sysctl, --rlimit,
# --hostname, --veth, --new-session, --die-with-parent, --json-status-fd, --timeout,
# --dry-run; and the benchmark runner they make: 5,000 TCP connections on
# loopback in a namespace of its own, without root.

. "$(dirname "$0")/../lib.sh"
ns_setup
ns_stage conn-storm "$NS_CONN_STORM"
CONN_STORM=$T/bin/conn-storm

case_loopback() {
	local m=$1
	run_as "$m" "$NSRUN" -r --loopback ip -o addr show dev lo
	if [ "$RC" -eq 0 ] && printf '%s\n' "$OUT" | grep -q 'inet 127.0.0.1/8 ' &&
		printf '%s\n' "$OUT" | grep -q 'inet6 ::1/128 '; then
		ok "$m: --loopback: 127.0.0.1/8 and ::1 on lo"
	else
		not_ok "$m: --loopback: 127.0.0.1/8 and ::1 on lo"
		diag "status $RC, stdout: $OUT, stderr: $ERR"
	fi
	# /sys shows the network namespace it was mounted in; ip asks netlink
	run_as "$m" "$NSRUN" -r --loopback ip -o link show lo
	expect_re "$m: --loopback: lo is up (implies --net)" 0 "^1: lo: <LOOPBACK,UP,LOWER_UP> "
	run_as "$m" "$NSRUN" -rn ip -o link show lo
	expect_re "$m: without --loopback lo stays down, as unshare leaves it" 0 "^1: lo: <LOOPBACK> "
	run_as "$m" "$NSRUN" -r --loopback readlink /proc/self/ns/net
	if [ "$RC" -eq 0 ] && [ "$OUT" != "$(readlink /proc/self/ns/net)" ]; then
		ok "$m: --loopback: in a new network namespace"
	else
		not_ok "$m: --loopback: in a new network namespace"
	fi
	# traffic over it: a listener and a client on 127.0.0.1 and ::1
	run_as "$m" "$NSRUN" -r --loopback sh -c 'ping -c1 -W2 127.0.0.1 >/dev/null && ping -c1 -W2 ::1 >/dev/null && echo reached'
	expect "$m: --loopback: 127.0.0.1 and ::1 answer" 0 "reached"
}

# in_host MODE SCRIPT: SCRIPT run by sh as MODE in a throwaway network
# namespace that plays the host (root: a new one of the initial user
# namespace; nobody: under a user namespace of its own), $NSRUN and $T set
in_host() {
	local m=$1
	if [ "$m" = root ]; then
		run_as "$m" env NSRUN="$NSRUN" T="$T" "$UNSHARE" --net sh -c "$2"
	else
		run_as "$m" env NSRUN="$NSRUN" T="$T" "$UNSHARE" -rn sh -c "$2"
	fi
}

# gone_within NAME: the host's link NAME disappears (a namespace's
# links go when it is cleaned up, which the kernel does in the background)
GONE_WITHIN='gone_within() { i=0; while ip link show "$1" >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -gt 100 ] && return 1; sleep 0.05; done; }'

case_veth() {
	local m=$1
	rm -f "$T"/tmp/veth-*
	in_host "$m" "$GONE_WITHIN"'
		ip link set lo up
		$NSRUN -r --veth v0:eth0,addr=10.9.0.1/24,addr=fd09::1/64,peer-addr=10.9.0.2/24,peer-addr=fd09::2/64,gateway=10.9.0.1 \
			sh -c "ip -j addr show dev eth0 >$T/tmp/veth-in-addr; ip -j route >$T/tmp/veth-in-route
				ping -c1 -W2 10.9.0.1 >/dev/null && ping -c1 -W2 fd09::1 >/dev/null && echo ping-host
				: >$T/tmp/veth-ready; i=0; while [ ! -e $T/tmp/veth-done ] && [ \$i -lt 100 ]; do sleep 0.05; i=\$((i + 1)); done" &
		i=0; while [ ! -e $T/tmp/veth-ready ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
		ip -j addr show dev v0 >$T/tmp/veth-host-addr
		ping -c1 -W2 10.9.0.2 >/dev/null && echo ping-peer
		: >$T/tmp/veth-done
		wait $!
		echo status $?
		gone_within v0 && echo v0-gone'
	if [ "$RC" -eq 0 ] && [ "$OUT" = "ping-host
ping-peer
status 0
v0-gone" ] && python3 - "$T"/tmp/veth-in-addr "$T"/tmp/veth-in-route "$T"/tmp/veth-host-addr <<'PY'
import json, sys
inner = json.load(open(sys.argv[1]))[0]
routes = json.load(open(sys.argv[2]))
host = json.load(open(sys.argv[3]))[0]
addrs = lambda l: sorted(f"{a['local']}/{a['prefixlen']}" for a in l["addr_info"] if a.get("scope") == "global")
assert inner["ifname"] == "eth0" and "UP" in inner["flags"], inner
assert addrs(inner) == ["10.9.0.2/24", "fd09::2/64"], addrs(inner)
assert host["ifname"] == "v0" and "UP" in host["flags"], host
assert addrs(host) == ["10.9.0.1/24", "fd09::1/64"], addrs(host)
assert inner["link_index"] == host["ifindex"] and host["link_index"] == inner["ifindex"]
assert any(r["dst"] == "default" and r.get("gateway") == "10.9.0.1" and r["dev"] == "eth0" for r in routes), routes
PY
	then
		ok "$m: --veth: both ends up with their addresses, the default route, traffic both ways, gone after exit"
	else
		not_ok "$m: --veth: both ends up with their addresses, the default route, traffic both ways, gone after exit"
		diag "status $RC, stdout: $OUT, stderr: $ERR" "$(cat "$T"/tmp/veth-* 2>/dev/null)"
	fi
	rm -f "$T"/tmp/veth-*

	# with --fork nsrun deletes its pairs once the program has ended, so
	# that a harness can run the same command again at once (without it
	# the kernel takes them when it tears the namespace down, later)
	in_host "$m" '
		for i in 1 2 3; do
			$NSRUN -r --fork --veth h0:eth0,addr=10.7.0.1/24,peer-addr=10.7.0.2/24 \
				ping -c 1 -W 2 -q 10.7.0.1 >/dev/null || echo "run $i: status $?"
			ip -o link show h0 2>/dev/null | sed "s/^/left after run $i: /"
		done
		$NSRUN -r --fork --timeout 1 --veth h0:eth0 sleep 10; echo "timeout: status $?"
		ip -o link show h0 2>/dev/null | sed "s/^/left after the timeout: /"'
	expect "$m: --veth --fork three times in a row, and killed by --timeout: the pair gone each time" \
		0 "timeout: status 124"

	# two pairs, and --loopback beside them
	in_host "$m" "$GONE_WITHIN"'
		$NSRUN -r --loopback --veth a0:a1 --veth b0:b1,peer-addr=10.8.0.2/24 ip -o link show | awk "{print \$2}" | sort
		gone_within a0 && gone_within b0 && echo gone'
	expect "$m: --veth twice with --loopback" 0 "a1@if2:
b1@if3:
lo:
gone"

	in_host "$m" '
		ip link add v0 type veth peer name v0p
		$NSRUN -r --veth v0:eth0 true; echo status $?
		ip -o link show | awk "{print \$2}" | sort | tr "
" " "'
	if [[ $OUT == "status 1"*"lo: v0@v0p: v0p@v0: " ]] &&
		[[ $ERR == "nsrun: cannot create veth pair 'v0'/'eth0': File exists"* ]]; then
		ok "$m: --veth: a name in use: one line, nothing made"
	else
		not_ok "$m: --veth: a name in use: one line, nothing made"
		diag "stdout: $OUT" "stderr: $ERR"
	fi
	in_host "$m" '
		$NSRUN -r --veth v1:eth0,peer-addr=10.0.0.2/24,gateway=10.1.1.1 true; echo status $?
		ip -o link show | awk "{print \$2}" | tr "
" " "'
	if [ "$OUT" = "status 1
lo: " ] && [[ $ERR == "nsrun: cannot add route default via 10.1.1.1 on 'eth0': Network is unreachable"* ]]; then
		ok "$m: --veth: a gateway out of reach: the step named, the pair taken back"
	else
		not_ok "$m: --veth: a gateway out of reach: the step named, the pair taken back"
		diag "stdout: $OUT" "stderr: $ERR"
	fi
	if [ "$m" = root ]; then
		# nobody in a network namespace of root's: no capability there
		in_host "$m" '
			setpriv --reuid=65534 --regid=65534 --clear-groups $NSRUN -r --veth v2:eth0 true
			echo status $?; ip -o link show | awk "{print \$2}" | tr "
" " "'
		if [ "$OUT" = "status 1
lo: " ] && [ "$ERR" = "nsrun: cannot create veth pair 'v2'/'eth0': Operation not permitted (CAP_NET_ADMIN missing in the user namespace that owns the current network namespace)" ]; then
			ok "$m: --veth without a capability over the caller's network namespace: says so"
		else
			not_ok "$m: --veth without a capability over the caller's network namespace: says so"
			diag "stdout: $OUT" "stderr: $ERR"
		fi
	fi
	for bad in v1 "v1234567890123456:x" "v1:v2,foo=1" "v1:v2,addr=10.0.0.300/24" \
		"v1:v2,peer-addr=10.0.0.1/33" "v1:v2,gateway=nonsense" "a/b:c"; do
		run_as "$m" "$NSRUN" -r --veth "$bad" true
		expect_err "$m: --veth '$bad' refused" 1 "^nsrun: invalid --veth '"
	done
}

case_sysctl() {
	local m=$1 host
	host=$(cat /proc/sys/net/ipv4/ip_local_port_range)
	run_as "$m" "$NSRUN" -rn --sysctl "net.ipv4.ip_local_port_range=9024 65535" \
		cat /proc/sys/net/ipv4/ip_local_port_range
	expect "$m: --sysctl: the value inside" 0 "$(printf '9024\t65535')"
	check "$m: --sysctl: the caller's value unchanged" \
		[ "$(cat /proc/sys/net/ipv4/ip_local_port_range)" = "$host" ]
	run_as "$m" "$NSRUN" -rn --sysctl net/ipv4/ping_group_range="0 0" \
		--sysctl net.core.somaxconn=77 --sysctl net.ipv4.ip_unprivileged_port_start=80 \
		cat /proc/sys/net/ipv4/ping_group_range /proc/sys/net/core/somaxconn \
		/proc/sys/net/ipv4/ip_unprivileged_port_start
	expect "$m: --sysctl repeated, path form too" 0 "$(printf '0\t0\n77\n80')"
	run_as "$m" "$NSRUN" -r --ipc --sysctl kernel.shmmni=77 --sysctl fs.mqueue.msg_max=20 \
		cat /proc/sys/kernel/shmmni /proc/sys/fs/mqueue/msg_max
	expect "$m: --sysctl: IPC namespace keys" 0 "77
20"
	run_as "$m" "$NSRUN" -r --sysctl user.max_user_namespaces=3 \
		cat /proc/sys/user/max_user_namespaces
	expect "$m: --sysctl: a user namespace's own limit" 0 "3"
	check "$m: --sysctl: the caller's user namespace limit unchanged" \
		[ "$(cat /proc/sys/user/max_user_namespaces)" != 3 ]

	run_as "$m" "$NSRUN" -rn --sysctl vm.swappiness=1 true
	expect_err "$m: --sysctl: a key of the whole system is refused" 1 \
		"^nsrun: cannot set sysctl 'vm.swappiness': it is not per-namespace; it would change the whole system\$"
	run_as "$m" "$NSRUN" -r --sysctl net.ipv4.ip_forward=1 true
	expect_err "$m: --sysctl: a network key without --net" 1 \
		"^nsrun: cannot set sysctl 'net.ipv4.ip_forward': it belongs to the network namespace, which is not a new one here \(add --net\)\$"
	run_as "$m" "$NSRUN" -r --sysctl kernel.shmmni=5 true
	expect_err "$m: --sysctl: an IPC key without --ipc" 1 "which is not a new one here \(add --ipc\)\$"
	run_as "$m" "$NSRUN" -rn --sysctl net.ipv4.no_such_key=1 true
	expect_err "$m: --sysctl: no such key" 1 \
		"^nsrun: cannot set sysctl 'net.ipv4.no_such_key': no such key in the new network namespace\$"
	run_as "$m" "$NSRUN" -rn --sysctl net.core.rmem_max=4096 true
	expect_err "$m: --sysctl: a key read-only in a new network namespace" 1 \
		"^nsrun: cannot set sysctl 'net.core.rmem_max': Permission denied \(it is read-only"
	run_as "$m" "$NSRUN" -rn --sysctl net.ipv4.ip_local_port_range=nonsense true
	expect_err "$m: --sysctl: a value the kernel refuses" 1 \
		"^nsrun: cannot set sysctl 'net.ipv4.ip_local_port_range' to 'nonsense': Invalid argument\$"
	for bad in "net.ipv4.ip_forward" "=1" "net..ipv4=1" "net/../../etc/passwd=x"; do
		run_as "$m" "$NSRUN" -rn --sysctl "$bad" true
		expect_err "$m: --sysctl '$bad' refused" 1 "^nsrun: invalid (--sysctl|sysctl key) '"
	done
}

limits() {
	echo "$(ulimit -Sn):$(ulimit -Hn)"
}

has_sys_resource() {
	[ $((0x$(awk '/^CapEff/ {print $2}' /proc/self/status) >> 24 & 1)) -eq 1 ]
}

case_rlimit() {
	local m=$1 hard
	hard=$(as_mode "$m" sh -c 'ulimit -Hn')
	run_as "$m" prlimit --nofile=256: "$NSRUN" -r --rlimit nofile=max sh -c 'ulimit -Sn; ulimit -Hn'
	expect "$m: --rlimit nofile=max: soft raised to the hard limit" 0 "$hard
$hard"
	run_as "$m" "$NSRUN" -r --rlimit NOFILE=300:400 --rlimit RLIMIT_CORE=0 --rlimit stack=:unlimited \
		sh -c 'ulimit -Sn; ulimit -Hn; ulimit -Sc; ulimit -Hs'
	expect "$m: --rlimit: soft and hard, prlimit and RLIMIT_ names" 0 "300
400
0
$(as_mode "$m" sh -c 'ulimit -Hs')"
	run_as "$m" "$NSRUN" -r --rlimit nofile=:200 sh -c 'ulimit -Sn; ulimit -Hn'
	expect "$m: --rlimit: lowering the hard limit takes the soft one along" 0 "200
200"
	run_as "$m" "$NSRUN" --rlimit nofile=100 sh -c 'ulimit -Sn'
	expect "$m: --rlimit without namespaces" 0 "100"
	# the hard limit is raised before the user namespace exists: it takes
	# CAP_SYS_RESOURCE of the initial user namespace, which mapped root
	# inside never has
	run_as "$m" "$NSRUN" -r --rlimit nofile=:$((hard + 1)) sh -c 'ulimit -Hn'
	if [ "$m" = root ] && has_sys_resource; then
		expect "$m: --rlimit: root raises the hard limit" 0 "$((hard + 1))"
	else
		expect_err "$m: --rlimit: raising the hard limit without CAP_SYS_RESOURCE" 1 \
			"^nsrun: cannot set limit NOFILE: Operation not permitted \(the hard limit is $hard; raising it needs CAP_SYS_RESOURCE in the initial user namespace, and NOFILE cannot pass fs.nr_open\)\$"
	fi
	run_as "$m" "$NSRUN" -r --rlimit nofile=$((hard + 1)) true
	expect_err "$m: --rlimit: soft above hard" 1 \
		"^nsrun: cannot set limit NOFILE: the soft limit would exceed the hard limit, $hard\$"
	for bad in nofile files=5 nofile=-1 nofile=1:2:3 nofile=0x10 "nofile= 5" nofile=5k; do
		run_as "$m" "$NSRUN" -r --rlimit "$bad" true
		expect_err "$m: --rlimit '$bad' refused" 1 "^nsrun: invalid --rlimit '"
	done
}

case_hostname() {
	local m=$1 long
	run_as "$m" "$NSRUN" -r --hostname box.test sh -c 'hostname; readlink /proc/self/ns/uts'
	if [ "$RC" -eq 0 ] && [ "$(printf '%s\n' "$OUT" | head -1)" = box.test ] &&
		[ "$(printf '%s\n' "$OUT" | tail -1)" != "$(readlink /proc/self/ns/uts)" ]; then
		ok "$m: --hostname: set, in a new UTS namespace"
	else
		not_ok "$m: --hostname: set, in a new UTS namespace"
		diag "status $RC, stdout: $OUT, stderr: $ERR"
	fi
	check "$m: --hostname: the caller's hostname unchanged" [ "$(hostname)" != box.test ]
	long=$(printf 'h%.0s' $(seq 65))
	run_as "$m" "$NSRUN" -r --hostname "$long" true
	expect_err "$m: --hostname: 65 bytes refused" 1 "^nsrun: invalid hostname '$long' \(1 to 64 bytes\)\$"
	run_as "$m" "$NSRUN" -r --hostname "$(printf 'h%.0s' $(seq 64))" hostname
	expect "$m: --hostname: 64 bytes taken" 0 "$(printf 'h%.0s' $(seq 64))"
}

# field 6 of /proc/PID/stat is the session
case_new_session() {
	local m=$1
	run_as "$m" "$NSRUN" -r --new-session sh -c \
		'set -- $(sed "s/.*) //" /proc/$$/stat); [ "$4" = $$ ] && echo leader'
	expect "$m: --new-session: the program leads a session of its own" 0 "leader"
	run_as "$m" "$NSRUN" -r sh -c 'set -- $(sed "s/.*) //" /proc/$$/stat); [ "$4" = $$ ] || echo same'
	expect "$m: without --new-session the caller's session" 0 "same"
	run_as "$m" setsid -w "$NSRUN" -r --new-session sh -c 'exit 6'
	expect "$m: --new-session from a session leader: forks, status passes" 6 ""
	# the terminal's signals reach nsrun alone now: it forwards them
	spawn_as "$m" "$NSRUN" -r --new-session sh -c \
		"trap 'echo got-int; exit 9' INT; echo ready; i=0; while [ \$i -lt 200 ]; do sleep 0.05; i=\$((i + 1)); done"
	wait_for 10 grep -q ready "$T/bg.out"
	kill -INT $BG_PID
	if reap $BG_PID && [ "$RC" -eq 9 ] && grep -q got-int "$T/bg.out"; then
		ok "$m: --new-session: SIGINT forwarded to the program"
	else
		not_ok "$m: --new-session: SIGINT forwarded to the program"
		diag "status $RC, stdout: $(cat "$T/bg.out"), stderr: $(cat "$T/bg.err")"
	fi
}

case_die_with_parent() {
	local m=$1 token=$((RANDOM + 1000)).25
	spawn_as "$m" "$NSRUN" -r --die-with-parent sleep $token
	if wait_for 10 pgrep -x -f "sleep $token" >/dev/null; then
		kill -KILL $BG_PID
		reap $BG_PID
		if wait_for 10 eval '! pgrep -x -f "sleep $token" >/dev/null'; then
			ok "$m: --die-with-parent: the program dies with nsrun"
		else
			not_ok "$m: --die-with-parent: the program dies with nsrun"
			pkill -KILL -x -f "sleep $token"
		fi
	else
		not_ok "$m: --die-with-parent: the program started"
		reap $BG_PID
	fi
	run_as "$m" "$NSRUN" -rp --die-with-parent sh -c 'echo $$'
	expect "$m: --die-with-parent implies --fork" 0 "1"
}

# json_check FILE PYTHON-EXPR...: each expression, over the list of parsed
# JSON lines L, must hold
json_check() {
	local f=$1
	shift
	python3 - "$f" "$@" <<'PY'
import json, sys
L = [json.loads(line) for line in open(sys.argv[1])]
for expr in sys.argv[2:]:
    if not eval(expr):
        print(f"false: {expr}; lines: {L}")
        sys.exit(1)
PY
}

case_json_status() {
	local m=$1 out
	run_as "$m" "$NSRUN" -r --net --pid --mount-proc --json-status-fd 3 sh -c \
		'for n in net pid mnt user; do stat -L -c %i /proc/self/ns/$n; done; exit 3' 3>"$T/json"
	out=$OUT
	if [ "$RC" -eq 3 ] && out=$(json_check "$T/json" "len(L) == 2" \
		"L[0]['child-pid'] > 1" \
		"[L[0]['net-namespace'], L[0]['pid-namespace'], L[0]['mnt-namespace'], L[0]['user-namespace']] == [int(x) for x in '''$out'''.split()]" \
		"L[1] == {'exit-code': 3}"); then
		ok "$m: --json-status-fd: the child's pid and namespaces, then its exit code"
	else
		not_ok "$m: --json-status-fd: the child's pid and namespaces, then its exit code"
		diag "status $RC, $out" "$(cat "$T/json")"
	fi
	run_as "$m" "$NSRUN" -r --json-status-fd 3 sh -c 'kill -TERM $$' 3>"$T/json"
	if [ "$RC" -eq 143 ] && json_check "$T/json" "L[-1] == {'exit-code': 143}" >/dev/null; then
		ok "$m: --json-status-fd: death by a signal is 128+n"
	else
		not_ok "$m: --json-status-fd: death by a signal is 128+n"
		diag "status $RC, $(cat "$T/json")"
	fi
	# the first line comes when setup is done, while the program runs
	rm -f "$T/tmp/json"
	spawn_as "$m" sh -c "exec 3>\"$T/tmp/json\"; exec \"$NSRUN\" -rn --json-status-fd 3 sleep 3"
	if wait_for 5 grep -qs child-pid "$T/tmp/json" && ! grep -q exit-code "$T/tmp/json" &&
		pid=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["child-pid"])' "$T/tmp/json") &&
		[ "$(readlink /proc/$pid/exe)" = /usr/bin/sleep ]; then
		ok "$m: --json-status-fd: child-pid names the running program"
	else
		not_ok "$m: --json-status-fd: child-pid names the running program"
		diag "$(cat "$T/tmp/json")"
	fi
	kill_tree $BG_PID
	reap $BG_PID
	# the program does not inherit the status fd
	run_as "$m" "$NSRUN" -r --json-status-fd 3 sh -c 'test -e /proc/self/fd/3 && echo inherited; true' 3>"$T/json"
	expect "$m: --json-status-fd: the fd is not passed on" 0 ""
	run_as "$m" "$NSRUN" -r --json-status-fd 9 true
	expect_err "$m: --json-status-fd on a closed fd" 1 \
		"^nsrun: invalid --json-status-fd '9': Bad file descriptor\$"
	run_as "$m" "$NSRUN" -r --json-status-fd x true
	expect_err "$m: --json-status-fd x" 1 "^nsrun: invalid --json-status-fd 'x'\$"
}

case_timeout() {
	local m=$1 token=$((RANDOM + 1000)).75 start end opts
	for opts in "-r" "-rp --mount-proc"; do
		start=$(date +%s%N)
		# shellcheck disable=SC2086
		run_as "$m" "$NSRUN" $opts --timeout 0.5 sh -c \
			"sleep $token & (sleep $token &); sh -c 'sleep $token' & setsid sleep $token & sleep $token"
		end=$(date +%s%N)
		if [ "$RC" -eq 124 ] && [ $(((end - start) / 1000000)) -lt 5000 ] &&
			wait_for 5 eval '! pgrep -x -f "sleep $token" >/dev/null'; then
			ok "$m: --timeout with $opts: 124, the whole tree killed"
		else
			not_ok "$m: --timeout with $opts: 124, the whole tree killed"
			diag "status $RC after $(((end - start) / 1000000)) ms, stderr: $ERR" \
				"left: $(pgrep -a -f "sleep $token")"
			pkill -KILL -f "sleep $token"
		fi
	done
	run_as "$m" "$NSRUN" -r --timeout 10 sh -c 'exit 5'
	expect "$m: --timeout not reached: the program's status" 5 ""
	run_as "$m" "$NSRUN" -r --timeout 0 sh -c 'sleep 0.3; echo done'
	expect "$m: --timeout 0 disables the timeout" 0 "done"
	run_as "$m" "$NSRUN" -r --timeout 0.01m sleep 5
	expect "$m: --timeout 0.01m: a unit" 124 ""
	for bad in -1 1x 0x1 inf "" " 1" 1ms; do
		run_as "$m" "$NSRUN" -r --timeout "$bad" true
		expect_err "$m: --timeout '$bad' refused" 1 "^nsrun: invalid --timeout '"
	done
}

# maps_of MODE ARGS...: the id maps and setgroups a real run gets, in the
# dry run's words, sorted
real_maps() {
	local m=$1
	shift
	run_as "$m" "$NSRUN" "$@" sh -c 'awk "{print \"uid_map: \" \$1 \" \" \$2 \" \" \$3}" /proc/self/uid_map
		awk "{print \"gid_map: \" \$1 \" \" \$2 \" \" \$3}" /proc/self/gid_map
		echo "setgroups: $(cat /proc/self/setgroups)"'
	printf '%s\n' "$OUT" | sort
}

dry_vs_real() {
	local m=$1 desc=$2 dry real
	shift 2
	run_as "$m" "$NSRUN" --dry-run "$@" true
	dry=$(printf '%s\n' "$OUT" | grep -E '^(uid_map|gid_map|setgroups):' | sort)
	real=$(real_maps "$m" "$@")
	# setgroups is printed only when an option sets it
	grep -q '^setgroups:' <<<"$dry" || real=$(grep -v '^setgroups:' <<<"$real")
	if [ -n "$dry" ] && [ "$dry" = "$real" ]; then
		ok "$m: --dry-run $desc: the maps a real run writes"
	else
		not_ok "$m: --dry-run $desc: the maps a real run writes"
		diag "dry run:" "$dry" "real run:" "$real"
	fi
}

case_dry_run() {
	local m=$1 u g
	u=$(mode_uid "$m")
	g=$(mode_gid "$m")
	dry_vs_real "$m" "-r" -r
	dry_vs_real "$m" "-c" -c
	dry_vs_real "$m" "--map-user/--map-group" --map-user=5 --map-group=6
	dry_vs_real "$m" "-r --setgroups=deny" -U --map-user=0 --setgroups=deny
	if [ "$m" = root ]; then
		dry_vs_real "$m" "ranges" --map-users=0:100000:1000 --map-users=2000:300000:10 \
			--map-groups=0:200000:500
		dry_vs_real "$m" "legacy outer,inner,count" --map-users=100000,0,1000 --map-groups=100000,0,1000
		dry_vs_real "$m" "-r punching a hole in a range" -r --map-users=0:0:1000 --map-groups=0:0:1000
		dry_vs_real "$m" "all" --map-users=all --map-groups=all
	elif [ "$m" = sub ]; then
		dry_vs_real "$m" "--map-auto" --map-auto
		dry_vs_real "$m" "--map-subids" --map-subids
		dry_vs_real "$m" "-r with --map-auto" -r --map-auto
		dry_vs_real "$m" "ranges" --map-users=1:$SUBUID_START:100 --map-groups=1:$SUBGID_START:100
	fi
	# nothing is done
	run_as "$m" "$NSRUN" --dry-run -r --net="$T/tmp/netns" --rlimit nofile=10 \
		--sysctl net.core.somaxconn=5 --hostname x touch "$T/tmp/made"
	if [ "$RC" -eq 0 ] && [ ! -e "$T/tmp/made" ] && [ ! -e "$T/tmp/netns" ]; then
		ok "$m: --dry-run does nothing"
	else
		not_ok "$m: --dry-run does nothing"
		diag "status $RC, stderr: $ERR"
	fi
	rm -f "$T/tmp/made" "$T/tmp/netns"
	run_as "$m" "$NSRUN" --dry-run -r --net --pid --fork --mount-proc --loopback \
		--sysctl "net.ipv4.ip_local_port_range=9024 65535" --rlimit nofile=100:200 \
		--hostname box --new-session --timeout 2 printf '%s\n' "it's"
	expect "$m: --dry-run: the plan" 0 "rlimit: NOFILE 100:200
unshare: mnt uts net pid user
uid_map: 0 $u 1
setgroups: deny
gid_map: 0 $g 1
fork: yes
propagation: private
mount: proc /proc
loopback: up 127.0.0.1/8 ::1/128
sysctl: net.ipv4.ip_local_port_range=9024 65535
hostname: box
new-session: yes
timeout: 2000 ms
exec: printf '%s\n' 'it'\\''s'"
	# the same checks as a real run: errors come before anything
	run_as "$m" "$NSRUN" --dry-run -r --sysctl vm.swappiness=1 true
	expect_err "$m: --dry-run: a bad sysctl is an error" 1 "not per-namespace"
	run_as "$m" "$NSRUN" --dry-run --keep-caps -r true
	expect_err "$m: --dry-run: --keep-caps without --net warns" 0 \
		"^nsrun: warning: --keep-caps keeps capabilities in the new user namespace only; the network namespace is still the caller's"
	run_as "$m" "$NSRUN" --dry-run --keep-caps -rn true
	expect "$m: --dry-run: --keep-caps with --net: no warning" 0 "unshare: net user
uid_map: 0 $u 1
setgroups: deny
gid_map: 0 $g 1
keep-caps: yes
exec: true"
}

# The benchmark runner: a network namespace with lo up, a wide port range,
# the open-file limit raised as far as it goes, a PID namespace, no root.
case_conn_storm() {
	local m=$1
	run_as "$m" prlimit --nofile=1024: "$NSRUN" -r --net --pid --fork --mount-proc --loopback \
		--sysctl "net.ipv4.ip_local_port_range=9024 65535" --rlimit nofile=max \
		"$CONN_STORM" 5000 9024 65535
	if [ "$RC" -eq 0 ] && [[ $OUT =~ ^5000\ connections,\ ports\ [0-9]+-[0-9]+,\ ([0-9]+)\ below\ 32768$ ]] &&
		[ "${BASH_REMATCH[1]}" -gt 0 ]; then
		ok "$m: 5,000 connections on loopback, every port in 9024-65535 ($OUT)"
	else
		not_ok "$m: 5,000 connections on loopback, every port in 9024-65535"
		diag "status $RC, stdout: $OUT, stderr: $ERR"
	fi
	# control: without the limit raised it runs out of files
	run_as "$m" prlimit --nofile=1024: "$NSRUN" -r --net --loopback \
		--sysctl "net.ipv4.ip_local_port_range=9024 65535" "$CONN_STORM" 5000 9024 65535
	if [ "$RC" -eq 1 ] && [[ $ERR == *"Too many open files"* ]]; then
		ok "$m: without --rlimit: out of file descriptors"
	else
		not_ok "$m: without --rlimit: out of file descriptors"
		diag "status $RC, stdout: $OUT, stderr: $ERR"
	fi
}

for_each_mode case_loopback
for_each_mode case_veth
for_each_mode case_sysctl
for_each_mode case_rlimit
for_each_mode case_hostname
for_each_mode case_new_session
for_each_mode case_die_with_parent
for_each_mode case_json_status
for_each_mode case_timeout
for_each_mode case_dry_run
for_each_mode case_conn_storm
with_subuser case_dry_run sub
ns_done
