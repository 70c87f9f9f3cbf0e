#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/bench/bench-all.sh [-n RUNS] [-q]: every benchmark of the tools as
# installed, in one table. Builds the tree into a scratch directory, runs
# `meson install` into a scratch prefix there (nsmap set-user-ID when run
# as root) and times what is installed, as a distribution would run it:
# nsrun's start-up against util-linux unshare(1) and ref-unshare (the
# system calls each variant needs and nothing else), interleaved with the
# order rotated; starts per second over 1,000 runs in a row; range maps as
# root against a direct write and without privileges against unshare with
# newuidmap/newgidmap; nsrun --enter against nsenter(1) once nsrun has an
# enter mode; nsls against lsns(8), a bare /proc walk and one reading what
# lsns's default output needs of each process; nsveth --batch
# against ip -batch. -q leaves out the slow nsls and nsveth runs.
set -u
runs=200 quick=
while getopts n:q opt; do
	case $opt in
	n) runs=$OPTARG ;;
	q) quick=1 ;;
	*) echo "usage: bench-all.sh [-n RUNS] [-q]" >&2; exit 1 ;;
	esac
done
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/nsutils-bench.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
b=$work/build prefix=$work/prefix
privs=none
[ "$(id -u)" -eq 0 ] && privs=setuid

echo "building and installing into $prefix ..." >&2
if ! meson setup "$b" "$src" --prefix="$prefix" -Dfuzz=disabled -Dbuildtype=release \
	-Dnsmap_privileges=$privs >"$work/setup.log" 2>&1 ||
	! ninja -C "$b" >"$work/build.log" 2>&1 ||
	! meson install -C "$b" --no-rebuild >"$work/install.log" 2>&1; then
	cat "$work"/*.log >&2
	exit 1
fi
bin=$prefix/bin
br=$b/tests/bench/bench-run
ref=$b/tests/bench/ref-unshare
export PATH=/usr/bin:/bin LC_ALL=C
unset LD_LIBRARY_PATH

rows=$work/rows
: >"$rows"
# row NAME OURS OTHER REF: one line of the table (values as printed)
row() {
	printf '%-52s %12s %12s %12s %8s %8s\n' "$@" >>"$rows"
}
# field LABEL: LABEL's median (or starts/s) in $work/out
field() {
	awk -v l="$1" '$1 == l {print ($2 == "median") ? $3 : $2}' "$work/out"
}
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {if (a > 0 && b > 0) printf "%.2f", a / b; else print "-"}'
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# start-up, in microseconds: nsrun, unshare, ref-unshare
for v in "-r --net --pid --fork --mount-proc" "--user" "-muinpUC --fork" "-r" "-r --net" \
	"-r --pid --fork --mount-proc"; do
	# shellcheck disable=SC2086
	"$br" -n "$runs" -w 10 -l nsrun,unshare,ref -- "$bin/nsrun" $v true \
		-- /usr/bin/unshare $v true -- "$ref" $v true >"$work/out" || exit 1
	n=$(field nsrun) u=$(field unshare) r=$(field ref)
	row "start (us): $v true" "$n" "$u" "$r" "$(ratio "$n" "$r")" "$(ratio "$n" "$u")"
done

# starts per second, 1,000 in a row each, 3 rounds rotated
v="-r --net --pid --fork --mount-proc"
# shellcheck disable=SC2086
"$br" -n 3 -w 1 -b 1000 -l nsrun,unshare,ref -- "$bin/nsrun" $v true \
	-- /usr/bin/unshare $v true -- "$ref" $v true >"$work/out" || exit 1
n=$(field nsrun) u=$(field unshare) r=$(field ref)
row "starts/s, 1000 in a row: $v true" "$n" "$u" "$r" "$(ratio "$n" "$r")" "$(ratio "$n" "$u")"

# range maps as root: nsrun writes them from a helper, as the reference does
if [ "$(id -u)" -eq 0 ]; then
	m="--map-users=0:100000:65536 --map-groups=0:100000:65536"
	# shellcheck disable=SC2086
	# (unshare 2.38 runs newuidmap even as root, which wants root's own
	# subordinate ids: no comparison there)
	"$br" -n "$runs" -w 10 -l nsrun,ref -- "$bin/nsrun" $m true \
		-- "$ref" $m true >"$work/out" || exit 1
	n=$(field nsrun) r=$(field ref)
	row "start (us): range maps as root" "$n" "-" "$r" "$(ratio "$n" "$r")" "-"

	# without privileges: one set-user-ID nsmap run against newuidmap and
	# newgidmap, as a throwaway user with subordinate ids
	if NSRUN=$bin/nsrun NSMAP=$bin/nsmap BENCH_RUN=$br NS_SOURCE_ROOT=$src \
		NS_BUILD_ROOT=$b BENCH_RUNS=$runs "$src/tests/bench/bench-maps.sh" >"$work/out" 2>&1; then
		n=$(field nsrun) u=$(field unshare)
		row "start (us): range maps, user with subids" "$n" "$u" "-" "-" "$(ratio "$n" "$u")"
	else
		row "range maps, user with subids: skipped" "-" "-" "-" "-" "-"
	fi
fi

# nsrun --enter against nsenter, once there is an enter mode
if "$bin/nsrun" --enter --help >/dev/null 2>&1; then
	"$bin/nsrun" -r --net --pid --fork --mount-proc sleep 1000 </dev/null >/dev/null 2>&1 &
	holder=$!
	for _ in $(seq 100); do
		pid=$(cat "/proc/$holder/task/$holder/children" 2>/dev/null)
		[ -n "$pid" ] && break
		sleep 0.05
	done
	pid=${pid%% *}
	"$br" -n "$runs" -w 10 -l nsrun,nsenter -- "$bin/nsrun" --enter -t "$pid" -a true \
		-- /usr/bin/nsenter -t "$pid" -a true >"$work/out" || { kill -KILL "$pid"; exit 1; }
	# the holder is the first process of its PID namespace, which
	# ignores SIGTERM from outside (pid_namespaces(7)): nsrun's
	# forwarding of it would leave both waiting for 1,000 seconds
	kill -KILL "$pid"
	wait "$holder" 2>/dev/null
	n=$(field nsrun) u=$(field nsenter)
	row "start (us): nsrun --enter -t PID -a true" "$n" "$u" "-" "-" "$(ratio "$n" "$u")"
else
	row "nsrun --enter: no enter mode yet" "-" "-" "-" "-" "-"
fi

if [ -z "$quick" ]; then
	# nsls: wall-clock medians at 1,000 and 5,000 namespace holders; then
	# at 1,000 with every column lsns(8) knows, as JSON
	cols=NS,TYPE,PATH,NPROCS,PID,PPID,COMMAND,UID,USER,NETNSID,NSFS,PNS,ONS
	for args in "" "-J -o $cols"; do
		what=nsls sizes=1000,5000
		[ -n "$args" ] && what="nsls -J, lsns's columns" sizes=1000
		if "$b/tests/bench/nsls-scale" -N $sizes -n 9 ${args:+-a "$args"} "$bin/nsls" \
			/usr/bin/lsns >"$work/out" 2>&1; then
			awk '/^N=/ {n = substr($1, 3)} /^  nsls / {a = $4} /^  lsns / {l = $4}
			     /^  \/proc walk/ {w = $5}
			     /^  files walk/ {printf "%s %s %s %s %s\n", n, a, l, w, $5}' \
				"$work/out" |
				while read -r n a l w f; do
					row "$what (us), $n holders (lsns; /proc walk)" "$a" "$l" \
						"$w" "$(ratio "$a" "$w")" "$(ratio "$a" "$l")"
					row "  the same (lsns; walk + stat + fds)" "$a" "$l" \
						"$f" "$(ratio "$a" "$f")" "$(ratio "$a" "$l")"
				done
		else
			row "$what: skipped ($(tail -1 "$work/out"))" "-" "-" "-" "-" "-"
		fi
	done
	# nsveth: seconds for 1,000 pairs, median of 3 rounds
	if bash "$src/tests/bench/nsveth-bench.sh" -n 1000 -r 3 "$bin/nsrun" "$bin/nsveth" \
		>"$work/out" 2>&1; then
		a=$(awk '/^add: nsveth --batch/ {print $NF}' "$work/out")
		i=$(awk '/^add: ip -batch/ {print $4}' "$work/out")
		row "nsveth --batch (s), 1000 pairs (ip -batch)" "$a" "$i" "-" "-" "$(ratio "$a" "$i")"
		a=$(awk '/^delete: nsveth --delete-group/ {print $NF}' "$work/out")
		i=$(awk '/^delete: ip -batch link del/ {print $6}' "$work/out")
		row "nsveth --delete-group (s) (ip -batch del)" "$a" "$i" "-" "-" "$(ratio "$a" "$i")"
	else
		row "nsveth: skipped ($(tail -1 "$work/out"))" "-" "-" "-" "-" "-"
	fi
fi

echo "nsutils $(meson introspect "$b" --projectinfo | sed -n 's/.*"version": "\([^"]*\)".*/\1/p') as installed, $runs runs each, medians; $(nproc) CPUs, load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after"
printf '%-52s %12s %12s %12s %8s %8s\n' "benchmark" "nsutils" "other" "reference" "/ref" "/other"
cat "$rows"
echo "other: util-linux unshare (nsenter, lsns, ip -batch where named); reference: ref-unshare (the system calls the variant needs), or for nsls a bare /proc walk and one that also reads each process's stat file and stats its fds; starts/s ratios are ours over theirs"
