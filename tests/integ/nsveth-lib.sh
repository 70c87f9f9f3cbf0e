# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Helpers of the nsveth tests, sourced after lib.sh's ns_setup. The shell
# functions are exported so the scripts that run inside the throwaway
# namespaces (bash -c) have them too.

# --- helpers run inside the throwaway host namespace ----------------------

# hold: starts a process in a new network namespace and prints its PID once
# the namespace is in place
hold() {
	"$NSRUN" -n sleep 600 >/dev/null 2>&1 </dev/null &
	local pid=$! n=0
	while [ "$(readlink /proc/$pid/ns/net 2>/dev/null)" = "$(readlink /proc/self/ns/net)" ] &&
		[ $n -lt 200 ]; do
		sleep 0.01
		n=$((n + 1))
	done
	echo $pid
}

# inns PID CMD...: CMD in the network namespace of PID
inns() {
	local pid=$1
	shift
	nsenter -t "$pid" -n -- "$@"
}

# jq_ EXPR: jq over stdin, one compact line per result
jq_() {
	jq -c -r "$@"
}

# links: the link names of the namespace, sorted, on one line
links() {
	ip -j link | jq -r '[.[].ifname] | sort | join(" ")'
}

# addrs NAME: NAME's global addresses as "ADDR/LEN ...", sorted
addrs() {
	ip -j addr show dev "$1" | jq -r '[.[0].addr_info[] | select(.scope == "global") |
		"\(.local)/\(.prefixlen)"] | sort | join(" ")'
}

# linkinfo NAME: UP or DOWN (as set, not the carrier, which follows
# asynchronously), MTU, MAC of link NAME
linkinfo() {
	ip -j link show dev "$1" |
		jq -r '.[0] | "\(if (.flags | index("UP")) then "UP" else "DOWN" end) mtu \(.mtu) \(.address)"'
}

defroutes() {
	{
		ip -j -4 route show default
		ip -j -6 route show default
	} | jq -r '.[] | "default via \(.gateway) dev \(.dev)"'
}

export -f hold inns jq_ links addrs linkinfo defroutes
export NSRUN NSVETH T

# inhost MODE SCRIPT [ARG...]: SCRIPT in bash as MODE, with ARGs as $1...,
# in fresh network, mount and PID namespaces; bash is PID 1 there, so the
# holders end with it. Root keeps its own user namespace (real root); any
# other mode, or with NSVETH_USERNS=1, gets a user namespace of its own
# (nsrun -r), the unprivileged way.
inhost() {
	local m=$1 script=$2 user=-r
	shift 2
	[ "$m" = root ] && [ "${NSVETH_USERNS:-0}" = 0 ] && user=
	run_as "$m" "$NSRUN" $user -n -m -p -f --mount-proc bash -c "$script" bash "$@"
}

