#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nsveth under hostile input and faults, as root and as nobody, each case
# inside a throwaway network namespace (lib.sh's hostile_net_case): every
# number it reads (MTUs, groups, prefix lengths), every name (interfaces,
# bridges, MACs, targets), targets that never existed or are gone, batch
# files with huge lines, binary and NUL bytes, CRLF, missing fields and
# thousands of words, closed standard fds and tiny fd limits. Each case:
# the exit status, one line on stderr naming the cause, and no link, mount
# or process left behind.

. "$(dirname "$0")/lib.sh"
hostile_setup nsveth "$@"

# self CMD...: CMD with "@" in its arguments replaced by the PID of the
# nsveth that runs (the case's own network namespace as the target).
cat >"$T/self.sh" <<'EOF'
a=
for x in "$@"; do
	[ "$x" = @ ] && x=$$
	a="$a$(printf '%s\n' "$x" | sed "s/'/'\\\\''/g; s/^/'/; s/\$/'/") "
done
eval "exec $a"
EOF

# STATUS|REGEX|ARGS (tab-separated), the target "@" the namespace itself.
case_args() {
	hostile_net_table <<EOF
1|invalid MTU '-1'\$|--mtu	-1	a	b	@
1|invalid MTU '0'\$|--mtu	0	a	b	@
1|invalid MTU '0x100'\$|--mtu	0x100	a	b	@
1|invalid MTU '0100'\$|--mtu	0100	a	b	@
1|invalid MTU '\+1500'\$|--mtu	+1500	a	b	@
1|invalid MTU '4294967296'\$|--mtu	4294967296	a	b	@
1|invalid MTU '18446744073709551617'\$|--peer-mtu	18446744073709551617	a	b	@
1|cannot create veth pair 'a'/'b': Invalid argument\$|--mtu	67	a	b	@
1|cannot create veth pair 'a'/'b': Invalid argument\$|--peer-mtu	4294967294	a	b	@
1|invalid group '-1'\$|-G	-1	a	b	@
1|invalid group ''\$|--group=	a	b	@
1|invalid group '4294967295'\$|-G	4294967295	a	b	@
1|invalid group '0x10'\$|-G	0x10	a	b	@
1|invalid group '010'\$|-D	010
1|invalid group '\+1'\$|-D	+1
1|invalid address '10.0.0.1/33' \(prefix length out of range\)\$|-a	10.0.0.1/33	a	b	@
1|invalid address '10.0.0.1/-1'\$|-a	10.0.0.1/-1	a	b	@
1|invalid address '10.0.0.1/0x8'\$|-a	10.0.0.1/0x8	a	b	@
1|invalid address '10.0.0.1/4294967320'|-a	10.0.0.1/4294967320	a	b	@
1|invalid address '::1/129' \(prefix length out of range\)\$|-A	::1/129	a	b	@
1|invalid address ''\$|-a		a	b	@
1|invalid interface name '0123456789abcdef' \(at most 15 bytes\)\$|0123456789abcdef	b	@
1|invalid interface name '0123456789abcdef' \(at most 15 bytes\)\$|a	0123456789abcdef	@
1|invalid interface name 'a/b'\$|a/b	b	@
1|invalid interface name 'a b'\$|a b	b	@
1|invalid interface name ''\$|	b	@
1|invalid interface name '\.\.'\$|a	..	@
1|invalid interface name '0123456789abcdef' \(at most 15 bytes\)\$|-m	0123456789abcdef	--create-bridge	a	b	@
1|invalid interface name ''\$|-m		a	b	@
1|nobridge.*No such device\$|-m	nobridge	a	b	@
1|invalid interface name 'x/y'\$|-d	x/y
1|cannot delete.*'nosuch'|-d	nosuch
1|invalid MAC address 'zz:zz:zz:zz:zz:zz'\$|--mac	zz:zz:zz:zz:zz:zz	a	b	@
1|invalid MAC address ''\$|--peer-mac		a	b	@
1|invalid MAC address '001:02:03:04:05:06'\$|--mac	001:02:03:04:05:06	a	b	@
1|Cannot assign requested address\$|--mac	ff:ff:ff:ff:ff:ff	a	b	@
1|Cannot assign requested address\$|--peer-mac	00:00:00:00:00:00	a	b	@
1|cannot open network namespace '999999999': No such process\$|a	b	999999999
1|cannot open network namespace '0'|a	b	0
1|cannot open network namespace '': not a network namespace file\$|a	b	
1|cannot open network namespace '/dev/null': not a network namespace file\$|a	b	/dev/null
1|cannot open network namespace '/proc/self/ns/uts': not a network namespace file\$|a	b	/proc/self/ns/uts
1|cannot open network namespace 'a/../b'|a	b	a/../b
1|cannot open network namespace '/nonexistent/x'|-N	/nonexistent/x	a	b	@
EOF
}

# hostile_net_table: hostile_table's lines, each in a throwaway network
# namespace with "@" its nsveth's own PID.
hostile_net_table() {
	local want re args line desc
	while IFS='|' read -r want re args; do
		case $want in '' | '#'*) continue ;; esac
		hostile_split line "$args"
		desc=$(printf '%s ' "${line[@]}" | hostile_desc)
		hostile_net_case "${desc% }" "$want" "$re" -- sh "$T/self.sh" "$NSVETH" "${line[@]}"
	done
}
hostile_for_each_mode case_args

# --- targets that go away ---------------------------------------------------

# a PID gone by the time nsveth opens it: a child reaped just before
cat >"$T/gone.sh" <<'EOF'
sleep 0 &
pid=$!
wait $pid
exec "$1" a b "$pid"
EOF
# a target in a namespace of its own that exits while nsveth is at work:
# nsveth holds the namespace by its fd, and the pair is made there, or
# it fails saying why; either way nothing stays here
cat >"$T/dying.sh" <<'EOF'
unshare -n sleep 0.05 &
pid=$!
sleep 0.02
"$1" a b "$pid"
rc=$?
wait
# the namespace's end takes the peer, and the pair with it, a moment later
# (its clean-up is deferred): wait for it, or delete the pair made here
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	ip link del a 2>/dev/null
	ip link show a >/dev/null 2>&1 || break
	sleep 0.1
done
exit $rc
EOF

case_targets() {
	hostile_net_case "target PID gone" 1 "cannot open network namespace '[0-9]+': No such process\$" -- \
		sh "$T/gone.sh" "$NSVETH"
	local i
	for i in 1 2 3; do
		hostile_net_case "target exiting mid-way, run $i" 0/1 \
			"cannot (open network namespace|create veth pair)" -- sh "$T/dying.sh" "$NSVETH"
	done
}
hostile_for_each_mode case_targets

# --- batch files ------------------------------------------------------------

case_batch() {
	local b=$HOSTILE_SCRATCH
	head -c 1048576 /dev/zero | tr '\0' a >"$b/huge"
	echo >>"$b/huge"
	printf 'a b /proc/self/ns/net\0 --mtu 1\n' >"$b/nul"
	printf 'a b /proc/self/ns/net\r\n' >"$b/crlf"
	printf 'a b\n' >"$b/missing"
	printf 'a b /proc/self/ns/net extra\n' >"$b/extra"
	printf '\xff\xfe\x01\x7f b /proc/self/ns/net\n' >"$b/binary"
	printf 'a b /proc/self/ns/net\nc d /proc/self/ns/net --mtu x\n' >"$b/late"
	printf 'a b /proc/self/ns/net\na c /proc/self/ns/net\n' >"$b/twice"
	{ yes -- '-a 10.0.0.1/24' | head -n 5000 | tr '\n' ' '; echo a b /proc/self/ns/net; } >"$b/fields"
	{ yes -- 'x' | head -n 100000 | tr '\n' ' '; echo; } >"$b/words"
	{ printf 'a b /proc/self/ns/net -a '; head -c 1048576 /dev/zero | tr '\0' 1; echo; } >"$b/hugeword"
	hostile_net_case "batch: a 1 MiB line" 1 '\(line 1\)' -- "$NSVETH" --batch "$b/huge"
	hostile_net_case "batch: a NUL byte" 1 'invalid batch line \(line 1\): a NUL byte$' -- \
		"$NSVETH" --batch "$b/nul"
	# a CR is a blank, as in a file written on another system
	hostile_net_case "batch: CRLF, the pair made and deleted" 0 - -- \
		sh -c '"$0" --batch "$1" && exec "$0" -d a' "$NSVETH" "$b/crlf"
	hostile_net_case "batch: a missing field" 1 \
		'missing operand: <name> <peer> <target> \(line 1\)$' -- "$NSVETH" --batch "$b/missing"
	hostile_net_case "batch: an extra field" 1 "extra operand 'extra' \(line 1\)\$" -- \
		"$NSVETH" --batch "$b/extra"
	hostile_net_case "batch: binary bytes, a bad second line" 1 "\(line 2\)" -- \
		sh -c 'cat "$1" "$2" | "$0" --batch -' "$NSVETH" "$b/binary" "$b/missing"
	hostile_net_case "batch: a bad line after a good one" 1 "invalid MTU 'x' \(line 2\)\$" -- \
		"$NSVETH" --batch "$b/late"
	hostile_net_case "batch: a name twice" 1 "\(line 2\)" -- "$NSVETH" --batch "$b/twice"
	hostile_net_case "batch: 5,000 addresses" 1 'too many (addresses|words) \(line 1\)' -- \
		"$NSVETH" --batch "$b/fields"
	hostile_net_case "batch: 100,000 words" 1 'too many words \(line 1\)$' -- \
		"$NSVETH" --batch "$b/words"
	hostile_net_case "batch: a 1 MiB address" 1 "invalid address '1+' \(line 1\)\$" -- \
		"$NSVETH" --batch "$b/hugeword"
	hostile_net_case "batch: a missing file" 1 "cannot open '$b/none': No such file or directory\$" -- \
		"$NSVETH" --batch "$b/none"
	hostile_net_case "batch: a directory" 1 "cannot read '$b': Is a directory\$" -- \
		"$NSVETH" --batch "$b"
	hostile_net_case "batch: stdin closed" 1 "cannot read '-': Bad file descriptor\$" -- \
		sh -c 'exec "$0" --batch - <&-' "$NSVETH"
	rm -f "$b"/*
}
hostile_for_each_mode case_batch

# --- standard fds closed and fd limits ----------------------------------------

case_fds() {
	hostile_net_case "stdin, stdout and stderr closed, a bad MTU" 1 - -- \
		sh -c 'exec "$0" --mtu x a b /proc/self/ns/net <&- >&- 2>&-' "$NSVETH"
	hostile_net_case "stdout and stderr closed, --list" 0/1 - -- \
		sh -c 'exec "$0" --list >&- 2>&-' "$NSVETH"
	hostile_net_case "stdout closed, --list: a write error" 1 'write error' -- \
		sh -c 'exec "$0" --list >&-' "$NSVETH"
	hostile_net_case "stdin, stdout and stderr closed, a pair made and deleted" 0 - -- \
		sh -c '"$0" a b /proc/self/ns/net <&- >&- 2>&- && exec "$0" -d a <&- >&- 2>&-' "$NSVETH"
	local n
	for n in 4 5 6 8; do
		hostile_net_case "RLIMIT_NOFILE $n, a pair made and deleted" 0/1 'Too many open files' -- \
			sh -c 'prlimit --nofile="$1" "$0" -u -a 10.9.0.1/24 a b /proc/self/ns/net &&
				exec "$0" -d a' "$NSVETH" "$n"
	done
}
hostile_for_each_mode case_fds

hostile_done
