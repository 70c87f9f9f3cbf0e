#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nsveth --batch: one pair per line from a file or stdin, options of the
# command line for every line, all or nothing; --group and --delete-group;
# --list with several namespaces.

. "$(dirname "$0")/../lib.sh"
ns_setup

nsveth_setup

case_batch() {
	local m=$1
	inhost "$m" '
		set -e
		p=$(hold); q=$(hold)
		cat >$T/tmp/batch.$$ <<EOF
# host end, peer end, target, options
h1 e1 $p -a 10.4.1.1/24 -A 10.4.1.2/24 -g 10.4.1.1

h2 e2 $q -a 10.4.2.1/24 -A 10.4.2.2/24 --peer-mtu 9000 -l
-A fd04::2/64 h3 e3 $q   # options before the names
EOF
		"$NSVETH" -u --group 7 --batch $T/tmp/batch.$$
		echo "host: $(links)"
		echo "p: $(inns $p bash -c links) $(inns $p bash -c "addrs e1") $(inns $p bash -c defroutes)"
		echo "q: $(inns $q bash -c links) $(inns $q bash -c "addrs e2") $(inns $q bash -c "addrs e3")"
		echo "e2: $(inns $q bash -c "linkinfo e2" | cut -d" " -f1-3)"
		ping -c1 -W2 10.4.2.2 >/dev/null && echo "ping 10.4.2.2"
		"$NSVETH" -L -J | jq_ "[.veths[] | .group] | @text"
		printf "%s\n" "b1 c1 $p" "b2 c2 $q" | "$NSVETH" -G 8 -b -
		echo "host: $(links)"
		"$NSVETH" --delete-group 7
		echo "after group 7: $(links) / $(inns $p bash -c links) / $(inns $q bash -c links)"
		"$NSVETH" -D 8
		echo "after group 8: $(links) / $(inns $p bash -c links) / $(inns $q bash -c links)"
		rm $T/tmp/batch.$$
	'
	expect "$m: batch from a file and stdin, group delete" 0 "host: h1 h2 h3 lo
p: e1 lo 10.4.1.2/24 default via 10.4.1.1 dev e1
q: e2 e3 lo 10.4.2.2/24 fd04::2/64
e2: UP mtu 9000
ping 10.4.2.2
[7,7,7]
host: b1 b2 h1 h2 h3 lo
after group 7: b1 b2 lo / c1 lo / c2 lo
after group 8: lo / lo / lo"
}

# A failure on a late line undoes the earlier lines; a bad line stops the
# batch before anything is made.
case_all_or_nothing() {
	local m=$1
	inhost "$m" '
		p=$(hold)
		"$NSVETH" x0 y0 $p || exit 9
		printf "%s\n" "x1 y1 $p" "x2 y2 $p -A 10.5.0.1/24" "x3 y0 $p" "x4 y4 $p" |
			"$NSVETH" -u -b -
		echo "status $? $(links) / $(inns $p bash -c links)"
		printf "%s\n" "x1 y1 $p" "x2 y2 $p -A 10.5.0.1/33" | "$NSVETH" -b -
		echo "status $? $(links) / $(inns $p bash -c links)"
		printf "%s\n" "x1 y1 $p" "x2 y2 $p --list" | "$NSVETH" -b -
		echo "status $? $(links) / $(inns $p bash -c links)"
		printf "%s\n" "x1 y1 $p" "x2 y2 $p -A 10.6.0.1/24 -A 10.6.0.1/24" | "$NSVETH" -u -b -
		echo "status $? $(links) / $(inns $p bash -c links)"
	'
	expect "$m: a failing batch leaves nothing" 0 "status 1 lo x0 / lo y0
status 1 lo x0 / lo y0
status 1 lo x0 / lo y0
status 1 lo x0 / lo y0"
	[ "$ERR" = "nsveth: cannot create veth pair 'x3'/'y0' (line 3): File exists
nsveth: invalid address '10.5.0.1/33' (line 2) (prefix length out of range)
nsveth: option not allowed in a batch line (line 2): --list
nsveth: cannot add address 10.6.0.1/24 to 'y2' (line 2): ipv4: Address already assigned" ] &&
		ok "$m: a failing batch names the line" ||
		{ not_ok "$m: a failing batch names the line"; diag "$ERR"; }
}

# The socket fails mid-batch (strace makes the second sendto(2), the second
# slice of 128 requests, or the first recvmsg(2), the first slice's acks,
# fail): the rollback deletes the pairs this run made and nothing else; x5,
# made before the batch (its line failed with EEXIST), stays.
case_socket_failure() {
	local m=$1
	inhost "$m" '
		p=$(hold)
		"$NSVETH" x5 y5 $p || exit 9
		for i in $(seq 200); do echo "x$i w$i $p"; done >$T/tmp/batch.$$
		for inject in sendto:error=ENOBUFS:when=2 recvmsg:error=ENOBUFS:when=1; do
			strace -qq -o /dev/null -e trace=sendto,recvmsg -e inject=$inject \
				"$NSVETH" -b $T/tmp/batch.$$
			echo "status $? $(links) / $(inns $p bash -c links)"
		done
		rm $T/tmp/batch.$$
	'
	expect "$m: a socket failure rolls back only the pairs made" 0 "status 1 lo x5 / lo y5
status 1 lo x5 / lo y5"
}

# Lines naming one namespace in different words share one socket inside it:
# one setns(2), by the thread that opens it.
case_one_socket() {
	local m=$1
	inhost "$m" '
		p=$(hold)
		f=$(mktemp -p $T/tmp) && mount --bind /proc/$p/ns/net $f
		printf "%s\n" "s1 t1 $p" "s2 t2 /proc/$p/ns/net" "s3 t3 $f" "s4 t4 $p" |
			strace -f -qq -e trace=setns -o $T/tmp/trace.$$ "$NSVETH" -u -l -b -
		echo "status $? setns: $(grep -c setns $T/tmp/trace.$$)"
		echo "$(links) / $(inns $p bash -c links)"
		inns $p ip -j link | jq_ "[.[] | select(.flags | index(\"UP\"))] | length"
		umount $f; rm $f $T/tmp/trace.$$
	'
	expect "$m: one namespace named three ways: one socket inside it" 0 "status 0 setns: 1
lo s1 s2 s3 s4 / lo t1 t2 t3 t4
5"
}

# Many pairs over one socket: more requests than fit in flight at once.
case_many() {
	local m=$1
	inhost "$m" '
		p=$(hold)
		for i in $(seq 300); do
			echo "m$i n$i $p -a 10.8.$((i / 200)).$((i % 200 + 1))/16"
		done | "$NSVETH" -u -G 9 -b - || exit 9
		echo "$(ip -o link | wc -l) $(ip -o -4 addr | wc -l) $(inns $p ip -o link | wc -l)"
		inns $p ip -j link | jq_ "[.[] | select(.flags | index(\"UP\"))] | length"
		"$NSVETH" -D 9
		echo "$(ip -o link | wc -l) $(inns $p ip -o link | wc -l)"
	'
	expect "$m: 300 pairs in one batch, up, addressed; one group delete" 0 "301 300 301
300
1 1"
}

for_each_mode case_batch
for_each_mode case_all_or_nothing
for_each_mode case_socket_failure
for_each_mode case_one_socket
for_each_mode case_many
ns_done
