#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nsveth creating pairs: addresses, MAC, MTU, routes, up, lo, checked with
# ip -j in both namespaces and by ping; the target as PID, path and
# /run/netns name; --netns; --master; the result against ip link add; list,
# delete. Every case runs inside a network namespace of its own that plays
# the host (nsrun -r -n), with child namespaces held by nsrun processes.

. "$(dirname "$0")/../lib.sh"
ns_setup

nsveth_setup

case_full() {
	local m=$1
	inhost "$m" '
		set -e
		p=$(hold)
		"$NSVETH" -u -l -a 10.1.0.1/24 -a fd01::1/64 -A 10.1.0.2/24 -A fd01::2/64 \
			--mtu 1400 --peer-mtu 1300 --mac 02:00:00:00:01:01 --peer-mac 02:00:00:00:01:02 \
			-g 10.1.0.1 -g fd01::1 -r 10.7.0.0/16,via=10.1.0.1 veth0 eth0 $p
		echo "host: $(links)"
		echo "veth0: $(linkinfo veth0) $(addrs veth0)"
		echo "peer: $(inns $p bash -c links)"
		echo "eth0: $(inns $p bash -c "linkinfo eth0") $(inns $p bash -c "addrs eth0")"
		echo "lo: $(inns $p ip -j link show lo | jq_ ".[0].flags | index(\"UP\") != null")"
		inns $p bash -c defroutes
		inns $p ip -j route show 10.7.0.0/16 | jq_ ".[] | \"\(.dst) via \(.gateway)\""
		ping -c1 -W2 10.1.0.2 >/dev/null && echo "ping 10.1.0.2"
		ping -c1 -W2 fd01::2 >/dev/null && echo "ping fd01::2"
		inns $p ping -c1 -W2 10.1.0.1 >/dev/null && echo "ping back 10.1.0.1"
		inns $p ping -c1 -W2 127.0.0.1 >/dev/null && echo "ping lo"
		"$NSVETH" --delete veth0
		echo "after delete: $(links) / $(inns $p bash -c links)"
	'
	expect "$m: addresses, MAC, MTU, routes, up, lo; ping; delete" 0 "host: lo veth0
veth0: UP mtu 1400 02:00:00:00:01:01 10.1.0.1/24 fd01::1/64
peer: eth0 lo
eth0: UP mtu 1300 02:00:00:00:01:02 10.1.0.2/24 fd01::2/64
lo: true
default via 10.1.0.1 dev eth0
default via fd01::1 dev eth0
10.7.0.0/16 via 10.1.0.1
ping 10.1.0.2
ping fd01::2
ping back 10.1.0.1
ping lo
after delete: lo / lo"
}

# The same pair made by ip link add and by nsveth, compared attribute by
# attribute on both ends (names, indexes, MACs and counters aside).
case_differ_ip() {
	local m=$1
	inhost "$m" '
		set -e
		p=$(hold)
		ip link add ipa type veth peer name ipb netns $p
		"$NSVETH" nva nvb $p
		strip="del(.ifindex, .ifname, .address, .link_index, .link, .stats64, .stats,
			.altnames, .perm_address, .parentbus, .parentdev)"
		a=$(ip -j -d link show ipa | jq -S -c ".[0] | $strip")
		b=$(ip -j -d link show nva | jq -S -c ".[0] | $strip")
		[ "$a" = "$b" ] && echo "local ends alike" || echo "local: $a != $b"
		a=$(inns $p ip -j -d link show ipb | jq -S -c ".[0] | $strip")
		b=$(inns $p ip -j -d link show nvb | jq -S -c ".[0] | $strip")
		[ "$a" = "$b" ] && echo "peer ends alike" || echo "peer: $a != $b"
		ip -j -d link show nva | jq_ ".[0].linkinfo.info_kind"
		"$NSVETH" -d nva
		ip link del ipa
		echo "left: $(links) / $(inns $p bash -c links)"
	'
	expect "$m: same link attributes as ip link add ... netns PID" 0 "local ends alike
peer ends alike
veth
left: lo / lo"
}

# TARGET as PID, /proc path, bind-mounted file, /run/netns name (which
# wins over a PID of the same digits, as in ip), and --netns.
case_targets() {
	local m=$1
	inhost "$m" '
		set -e
		p=$(hold); q=$(hold)
		mount -t tmpfs tmpfs /run
		mkdir /run/netns
		touch /run/netns/blue /run/netns/$p
		mount --bind /proc/$q/ns/net /run/netns/blue
		mount --bind /proc/$q/ns/net /run/netns/$p
		f=$(mktemp -p $T/tmp) && mount --bind /proc/$p/ns/net $f
		"$NSVETH" a1 b1 /proc/$p/ns/net
		"$NSVETH" a2 b2 $f
		"$NSVETH" a3 b3 blue
		"$NSVETH" a4 b4 $p
		echo "p: $(inns $p bash -c links)"
		echo "q: $(inns $q bash -c links)"
		umount /run/netns/$p; rm /run/netns/$p
		"$NSVETH" -L -J | jq_ ".veths[] | \"\(.name) \(.peer) \(.netns)\"" | sed "s/ pid $p\$/ pid P/"
		"$NSVETH" -L -J | jq_ ".veths[] | select(.name == \"a1\") | [.peer, .netnsid >= 0, .up, .group] | @text"
		"$NSVETH" a5 b5 $p
		echo "p: $(inns $p bash -c links)"
		# --netns: a pair between two other namespaces, made from here
		"$NSVETH" --netns $p x y blue
		echo "p: $(inns $p bash -c links)"
		echo "q: $(inns $q bash -c links)"
		echo "here: $(links)"
		for l in a1 a2 a3 a4 a5; do "$NSVETH" -d $l; done
		"$NSVETH" -N /proc/$p/ns/net -d x
		echo "left: $(links) / $(inns $p bash -c links) / $(inns $q bash -c links)"
		umount $f; rm $f
	'
	expect "$m: target by path, bind mount, /run/netns name before PID; --netns" 0 "p: b1 b2 lo
q: b3 b4 lo
a1 b1 pid P
a2 b2 pid P
a3 b3 blue
a4 b4 blue
[\"b1\",true,false,0]
p: b1 b2 b5 lo
p: b1 b2 b5 lo x
q: b3 b4 lo y
here: a1 a2 a3 a4 a5 lo
left: lo / lo / lo"
}

case_master() {
	local m=$1
	inhost "$m" '
		p=$(hold)
		"$NSVETH" -u --master br0 --create-bridge -a 10.2.0.1/24 a b $p || exit 1
		ip -j link show a | jq_ ".[0].master"
		ip -j -d link show br0 | jq_ ".[0].linkinfo.info_kind"
		ip link add br1 type bridge
		"$NSVETH" -m br1 c d $p || exit 1
		ip -j link show c | jq_ ".[0].master"
		"$NSVETH" -d a; "$NSVETH" -d c; ip link del br0; ip link del br1
		# a failure after the bridge was made for the pair removes both
		"$NSVETH" -m br2 --create-bridge -a 10.2.0.1/24 -a 10.2.0.1/24 e f $p
		echo "status $?"
		echo "left: $(links) / $(inns $p bash -c links)"
	'
	expect "$m: --master, --create-bridge; rollback removes the bridge made" 0 "br0
bridge
br1
status 1
left: lo / lo"
	printf '%s\n' "$ERR" | grep -qx "nsveth: cannot add address 10.2.0.1/24 to 'e': .*" ||
		diag "stderr: $ERR"
}

# nsrun's coming --veth needs the same from the library; lo alone through
# the loopback option of a pair within one namespace
case_same_ns() {
	local m=$1
	inhost "$m" '
		"$NSVETH" -u -l -a 10.3.0.1/24 -A 10.3.1.1/24 s0 s1 /proc/self/ns/net || exit 1
		echo "$(links)"
		echo "s0 $(addrs s0) s1 $(addrs s1) $(linkinfo s1 | cut -d" " -f1)"
		"$NSVETH" -L | awk "NR > 1 {print \$1, \$2, \$3, \$5}"
		"$NSVETH" -L | head -1
		"$NSVETH" -d s1
		echo "left: $(links)"
	'
	expect "$m: both ends in the same namespace" 0 "lo s0 s1
s0 10.3.0.1/24 s1 10.3.1.1/24 UP
s0 s1 - UP
NAME            PEER            NETNS                     GROUP STATE
left: lo"
}

for_each_mode case_full
for_each_mode case_differ_ip
for_each_mode case_targets
for_each_mode case_master
for_each_mode case_same_ns
ns_done
