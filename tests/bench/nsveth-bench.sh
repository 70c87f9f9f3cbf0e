#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nsveth-bench [-n PAIRS] [-r ROUNDS] NSRUN NSVETH: adding PAIRS veth pairs,
# each peer placed in a second namespace, with nsveth --batch, with
# ip -batch and with one ip link add per pair; deleting them with one group
# delete, and one by one (ip -batch, and one ip link del per pair). Rounds
# are interleaved; prints the medians and their ratios. Everything happens
# in namespaces made for the run (nsrun -r -n -m -p -f): the machine's own
# network namespace is never touched.
set -u

pairs=1000
rounds=3
while getopts n:r: opt; do
	case $opt in
	n) pairs=$OPTARG ;;
	r) rounds=$OPTARG ;;
	*) echo "usage: nsveth-bench [-n PAIRS] [-r ROUNDS] NSRUN NSVETH" >&2; exit 1 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || { echo "usage: nsveth-bench [-n PAIRS] [-r ROUNDS] NSRUN NSVETH" >&2; exit 1; }
NSRUN=$1 NSVETH=$2

if [ -z "${NSVETH_BENCH_INSIDE:-}" ]; then
	if ! "$NSRUN" -r true 2>/dev/null; then
		echo "nsveth-bench: skipped: user namespaces unavailable"
		exit 77
	fi
	export NSVETH_BENCH_INSIDE=1 LC_ALL=C
	exec "$NSRUN" -r -n -m -p -f --mount-proc "$0" -n "$pairs" -r "$rounds" "$NSRUN" "$NSVETH"
fi

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$NSRUN" -n sleep 100000 >/dev/null 2>&1 </dev/null &
peer=$!
while [ "$(readlink /proc/$peer/ns/net)" = "$(readlink /proc/self/ns/net)" ]; do
	sleep 0.01
done

for i in $(seq "$pairs"); do
	echo "h$i p$i $peer"
done >"$dir/nsveth"
for i in $(seq "$pairs"); do
	echo "link add h$i group 2 type veth peer name p$i netns $peer"
done >"$dir/ip-add"
for i in $(seq "$pairs"); do
	echo "link del h$i"
done >"$dir/ip-del"

now() {
	echo "${EPOCHREALTIME/,/.}"
}

# timed NAME CMD...: appends CMD's wall time to $dir/NAME; fails the run if
# CMD fails or leaves the wrong number of links
timed() {
	local name=$1 t0 t1
	shift
	t0=$(now)
	"$@" || { echo "nsveth-bench: $name failed" >&2; exit 1; }
	t1=$(now)
	echo "$t0 $t1" | awk '{printf "%.6f\n", $2 - $1}' >>"$dir/$name"
}

links() {
	ip -o link | wc -l
}

expect_links() {
	local n
	n=$(links)
	[ "$n" -eq "$1" ] || { echo "nsveth-bench: $n links after $2, expected $1" >&2; exit 1; }
}

ip_each_add() {
	local i
	for i in $(seq "$pairs"); do
		ip link add h$i group 3 type veth peer name p$i netns "$peer" || return 1
	done
}

ip_each_del() {
	local i
	for i in $(seq "$pairs"); do
		ip link del h$i || return 1
	done
}

base=$(links)
for r in $(seq "$rounds"); do
	timed nsveth-add "$NSVETH" -G 1 --batch "$dir/nsveth"
	expect_links $((base + pairs)) "nsveth --batch"
	timed nsveth-delgroup "$NSVETH" --delete-group 1
	expect_links "$base" "nsveth --delete-group"

	timed ipbatch-add ip -batch "$dir/ip-add"
	expect_links $((base + pairs)) "ip -batch"
	timed ipbatch-del ip -batch "$dir/ip-del"
	expect_links "$base" "ip -batch link del"

	timed ipeach-add ip_each_add
	expect_links $((base + pairs)) "ip link add per pair"
	timed ipeach-del ip_each_del
	expect_links "$base" "ip link del per pair"
done

median() {
	sort -g "$dir/$1" | awk '{v[NR] = $1} END {printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", a / b}'
}

na=$(median nsveth-add)
ba=$(median ipbatch-add)
ea=$(median ipeach-add)
gd=$(median nsveth-delgroup)
bd=$(median ipbatch-del)
ed=$(median ipeach-del)
echo "nsveth-bench: $pairs pairs, peers in a second namespace; median of $rounds rounds, seconds"
printf '%-34s %8s\n' "add: nsveth --batch" "$na"
printf '%-34s %8s   nsveth %sx as fast\n' "add: ip -batch" "$ba" "$(ratio "$ba" "$na")"
printf '%-34s %8s   nsveth %sx as fast\n' "add: one ip link add per pair" "$ea" "$(ratio "$ea" "$na")"
printf '%-34s %8s\n' "delete: nsveth --delete-group" "$gd"
printf '%-34s %8s   group delete %sx as fast\n' "delete: ip -batch link del" "$bd" "$(ratio "$bd" "$gd")"
printf '%-34s %8s   group delete %sx as fast\n' "delete: one ip link del per pair" "$ed" "$(ratio "$ed" "$gd")"
kill "$peer"
