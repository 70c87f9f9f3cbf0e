#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nsls under hostile input and faults, as root and as nobody: every number
# and name it reads from the command line, -Q expressions nested 10,000
# deep, PIDs that never existed or exit while it reads /proc, closed
# standard fds, tiny fd limits, no room for threads, command lines with
# newlines, escape sequences and invalid UTF-8, and a /proc that hides
# other users' processes. Each case: the exit status, one line on stderr
# naming the cause, and nothing changed or left behind (lib.sh's
# hostile_case). What /proc itself may say (stat lines, mountinfo, uid_map)
# is fed through a fake tree in tests/unit/test-nsinfo.c and the fuzzers.

. "$(dirname "$0")/lib.sh"
hostile_setup nsls "$@"

RANGE='Numerical result out of range$'
ns_stage exec-argv "$EXEC_ARGV"

# sandbox MODE: the command that runs what follows in a PID namespace with
# its own /proc (and so a mount namespace), where the only processes are
# the case's: a listing that is the same from one run to the next.
sandbox() {
	if [ "$1" = root ]; then
		echo unshare -p -f --mount-proc --
	else
		echo unshare -r -p -f --mount-proc --
	fi
}

# --- the command line -------------------------------------------------------

# STATUS|REGEX|ARGS (tab-separated); REGEX "-": no message. Numbers as lsns
# 2.42 reads them: strtoimax(3) in base 10 (blanks and a sign allowed), PIDs
# from 1 to INT_MAX, namespace inodes of 64 bits and not negative.
case_args() {
	hostile_table "$NSLS" <<EOF
1|invalid PID argument: '-1': $RANGE|-p	-1
1|invalid PID argument: '0': $RANGE|-p	0
1|invalid PID argument: '0x10'\$|-p	0x10
1|invalid PID argument: '1x'\$|-p	1x
1|invalid PID argument: ''\$|--task=
1|invalid PID argument: '2147483648': $RANGE|-p	2147483648
1|invalid PID argument: '4294967297': $RANGE|-p	4294967297
1|invalid PID argument: '18446744073709551617': $RANGE|-p	18446744073709551617
1|invalid PID argument: '-9223372036854775809': $RANGE|-p	-9223372036854775809
0|-|-p	010	-n
0|-|-p	 1	-n
0|-|-p	+1	-n
0|-|-p	2147483647	-n
1|invalid namespace argument: '-1': $RANGE|--	-1
1|invalid namespace argument: ' -1': $RANGE|--	 -1
1|invalid namespace argument: '0x10'\$|0x10
1|invalid namespace argument: ''\$|-n		-u
1|invalid namespace argument: '18446744073709551616': $RANGE|18446744073709551616
1|not found namespace: 10\$|010
1|not found namespace: 1\$| +1
1|not found namespace: 18446744073709551615\$|18446744073709551615
1|unknown namespace type: foo\$|-t	foo
1|unknown namespace type: \$|--type=
1|unknown namespace type: NET\$|-t	NET
1|unknown namespace type: net,\$|-t	net,
1|unknown namespace type: net \$|-t	net 
1|unknown namespace type: mount\$|-t	mount
1|unknown column: FOO\$|-o	FOO
1|unknown column: ns2\$|-o	NS,ns2
1|empty column name in ''\$|--output=
1|empty column name in 'NS,,TYPE'\$|-o	NS,,TYPE
1|empty column name in 'NS,'\$|-o	NS,
1|empty column name in ','\$|-o	,
1|empty column name in '\+'\$|-o	+
0|-|-o	NS,ns,Ns,TYPE,TYPE	-n	-t	uts
1|unknown tree type: foo\$|--tree=foo
1|unknown tree type: \$|--tree=
1|unknown tree type: OWNER\$|--tree=OWNER
1|unknown tree type: ownerx\$|-Townerx
1|invalid namespace argument: 'parent'\$|-T	parent
1|failed to parse ""abc": unterminated string\$|-Q	"abc
1|failed to parse "'abc": unterminated string\$|-Q	'abc
1|missing '\)'\$|-Q	(NS == 1
1|unexpected '\)'\$|-Q	NS == 1)
1|missing '\)'\$|-Q	((NS)
1|unknown column: FOO\$|-Q	FOO == 1
1|unknown column: nsx\$|-Q	nsx > 1
1|Invalid regular expression\$|-Q	COMMAND =~ "(["
1|Invalid character class name\$|-Q	TYPE =~ "[[:foo:]]"
1|failed to apply filter: Invalid argument\$|-Q	TYPE == 1
1|failed to apply filter: Invalid argument\$|-Q	not TYPE =~ "x"
1|the right side of =~ and !~ must be a string\$|-Q	NS =~ 1
1|unexpected end of expression\$|-Q	NS ==
1|unexpected end of expression\$|--filter=
1|unexpected end of expression\$|-Q	not
1|unexpected '== NS'\$|-Q	== NS
1|invalid number near '0x10'\$|-Q	NS == 0x10
1|invalid number near '1e5'\$|-Q	NS > 1e5
1|"1YiB" token error: $RANGE|-Q	NS > 1YiB
1|"16EiB" token error: $RANGE|-Q	NS > 16EiB
0|-|-Q	NS > 99999999999999999999999999999	-n
0|-|-Q	NS < 15EiB and NS > 1.99999999999999999999999	-n	-o	NS
EOF
}
hostile_for_each_mode case_args

# Texts no table line can hold: control characters, sizes past any table.
case_big() {
	local deep
	hostile_case "-t with a newline and an escape" 1 \
		"unknown namespace type: net\\\\x0a\\\\x1b\\[1m\$" -- \
		"$NSLS" -t "$(printf 'net\n\033[1m')"
	hostile_case "-Q quoting a newline" 1 'unterminated string$' -- \
		"$NSLS" -Q "$(printf 'TYPE == "a\nb"')"
	hostile_case "-o with 10,000 columns" 1 \
		'too many columns specified, the limit is 33 columns$' -- \
		"$NSLS" -o "$(yes NS | head -n 10000 | paste -sd,)"
	# parsing, evaluating and freeing recurse once a level: 10,000 levels
	# are refused before any of it can overflow the stack
	deep=$(printf '%*s' 10000 '' | tr ' ' '(')NS$(printf '%*s' 10000 '' | tr ' ' ')')
	hostile_case "-Q 10,000 parentheses deep" 1 'nested deeper than 1000 levels$' -- \
		"$NSLS" -Q "$deep"
	deep=$(printf '%*s' 30000 '' | tr ' ' '(')NS$(printf '%*s' 30000 '' | tr ' ' ')')
	hostile_case "-Q 30,000 parentheses deep" 1 'nested deeper than 1000 levels$' -- \
		"$NSLS" -Q "$deep"
	deep=$(printf '%*s' 60000 '' | tr ' ' '(')NS$(printf '%*s' 60000 '' | tr ' ' ')')
	hostile_case "-Q 60,000 parentheses deep" 1 'nested deeper than 1000 levels$' -- \
		"$NSLS" -Q "$deep"
	hostile_case "-Q 10,000 times not" 1 'nested deeper than 1000 levels$' -- \
		"$NSLS" -Q "$(yes not | head -n 10000 | tr '\n' ' ')NS"
	hostile_case "-Q 10,000 times !" 1 'nested deeper than 1000 levels$' -- \
		"$NSLS" -Q "$(printf '%*s' 10000 '' | tr ' ' '!')NS"
	# "and", "or" and comparisons chain without recursing while parsing,
	# but make a tree as deep as the chain
	hostile_case "-Q 20,000 terms joined by or" 1 'nested deeper than 1000 levels$' -- \
		"$NSLS" -Q "NS$(yes ' or NS' | head -n 20000 | tr -d '\n')"
	hostile_case "-Q 20,000 comparisons chained" 1 'nested deeper than 1000 levels$' -- \
		"$NSLS" -Q "NS$(yes ' == 1' | head -n 20000 | tr -d '\n')"
	hostile_case "-Q 20,000 terms joined by or, 1 MiB of stack" 1 \
		'nested deeper than 1000 levels$' -- prlimit --stack=1048576 \
		"$NSLS" -Q "NS$(yes ' or NS' | head -n 20000 | tr -d '\n')"
	# regcomp(3) writes repetitions out and its closures grow with the
	# square of the empty nodes and the cube of the anchors: patterns of a
	# few bytes that would take gigabytes and minutes are refused at once
	hostile_case "-Q four nested {100}" 1 'Regular expression too big$' -- \
		timeout 10 "$NSLS" -Q 'COMMAND =~ "(((a{100}){100}){100}){100}"'
	# POSIX leaves a repetition of a repetition undefined; glibc's cost
	# for it grows exponentially
	hostile_case "-Q a+ stacked around a star" 1 'Invalid preceding regular expression$' -- \
		timeout 10 "$NSLS" -Q 'COMMAND =~ "a+++++*++++++++++++"'
	hostile_case "-Q 100 stars after an anchor" 1 'Invalid preceding regular expression$' -- \
		timeout 10 "$NSLS" -Q "COMMAND =~ \"^0$(printf '%*s' 100 '' | tr ' ' '*')\""
	hostile_case "-Q starred groups nested 200 deep" 1 'Regular expression too big$' -- \
		timeout 10 "$NSLS" -Q "COMMAND =~ \"^$(printf '%*s' 200 '' | tr ' ' '(')0$(yes ')*' | head -n 200 | tr -d '\n')\""
	hostile_case "-Q 2,000 anchors" 1 'Regular expression too big$' -- \
		timeout 10 "$NSLS" -Q "COMMAND =~ \"$(printf '%*s' 2000 '' | tr ' ' '^')\""
	hostile_case "-Q 30,000 times a*" 1 'Regular expression too big$' -- \
		timeout 10 "$NSLS" -Q "COMMAND =~ \"$(yes 'a*' | head -n 30000 | tr -d '\n')\""
	hostile_case "-Q 20 patterns share one budget" 1 'Regular expression too big$' -- \
		timeout 10 "$NSLS" -Q "NS == 0$(yes ' or COMMAND =~ "(a{256}){256}"' | head -n 20 | tr -d '\n')"
	hostile_case "-Q 65,536 nodes written out" 0 - -- \
		timeout 10 "$NSLS" -n -Q 'COMMAND =~ "(a{256}){256}" or TYPE =~ "^(mnt|net)+[a-z]{0,3}$"'
	# as deep as allowed: it parses and runs (with -p 1, one row at most),
	# within a stack of 1 MiB (the sanitizer build's frames included)
	deep=$(printf '%*s' 999 '' | tr ' ' '(')NS$(printf '%*s' 999 '' | tr ' ' ')')
	hostile_case "-Q 999 parentheses deep runs" 0 - -- \
		prlimit --stack=1048576 "$NSLS" -n -p 1 -Q "$deep"
	hostile_case "-Q 999 times not runs" 0 - -- prlimit --stack=1048576 \
		"$NSLS" -n -p 1 -Q "$(yes not | head -n 999 | tr '\n' ' ')NS"
	hostile_case "-Q an expression of 120 kB" 0 - -- \
		"$NSLS" -n -p 1 -Q "NS$(yes ' or NS > 1' | head -n 499 | tr -d '\n')"
}
hostile_for_each_mode case_big

# --- processes --------------------------------------------------------------

case_procs() {
	local m=$1 sb
	read -r -a sb <<<"$(sandbox "$m")"
	# processes that come and go while /proc is read: each listing
	# succeeds, skipping those gone, and says nothing
	cat >"$T/churn.sh" <<'EOF'
( while :; do /bin/true & /bin/true & wait; done ) &
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	"$@" >/dev/null || exit $?
done
kill $!
EOF
	hostile_case "PIDs that exit mid-scan, 20 listings" 0 - -- \
		"${sb[@]}" sh "$T/churn.sh" "$NSLS" -n -o NS,TYPE,NPROCS,PID,PPID,COMMAND,UID,USER,PNS,ONS
	hostile_case "-p of a PID that exits mid-scan" 0 - -- \
		"${sb[@]}" sh "$T/churn.sh" "$NSLS" -n -p 2
	hostile_case "a PID that never existed" 0 - -- "${sb[@]}" "$NSLS" -p 999999 -n
	[ -n "$OUT" ] && { not_ok "$m: nothing listed for a PID that never existed"; diag "$OUT"; }
}
hostile_for_each_mode case_procs

# --- standard fds closed ----------------------------------------------------

# With stdout closed, the table must not reach a file nsls opened (/proc, a
# mount point, a netlink socket) under fd 1: the write fails, as on the
# closed fd, and nothing in the scratch directory or elsewhere changes.
case_fds() {
	local m=$1
	# a scratch file where nsls would see it, holding a namespace as root
	if [ "$m" = root ]; then
		: >"$HOSTILE_SCRATCH/held"
		mount --bind /proc/self/ns/uts "$HOSTILE_SCRATCH/held"
	fi
	hostile_case "stdin, stdout and stderr closed" 1 - -- \
		sh -c 'exec "$0" -o NS,TYPE,NSFS,NETNSID,NAME <&- >&- 2>&-' "$NSLS"
	hostile_case "stdout closed: a write error" 1 'write error' -- \
		sh -c 'exec "$0" -o NS,TYPE,NSFS,NETNSID,NAME >&-' "$NSLS"
	hostile_case "stdin and stdout closed: a write error" 1 'write error' -- \
		sh -c 'exec "$0" -o NS,TYPE,NSFS,NETNSID,NAME <&- >&-' "$NSLS"
	hostile_case "stderr closed, a bad filter" 1 - -- \
		sh -c 'exec "$0" -Q "TYPE == 1" 2>&-' "$NSLS"
	hostile_case "stdin closed" 0 - -- sh -c 'exec "$0" -n -o NS <&-' "$NSLS"
	if [ "$m" = root ]; then
		umount "$HOSTILE_SCRATCH/held"
		rm -f "$HOSTILE_SCRATCH/held"
	fi
}
hostile_for_each_mode case_fds

# --- resource limits ----------------------------------------------------------

# limits.sh N ARGS...: in a sandbox with a few namespaces held, nsls ARGS
# once freely, once with RLIMIT_NOFILE N: the second run must succeed with
# the same output or fail with nsls's one line; a listing that leaves out
# what it could not open would pass for the truth.
cat >"$T/limits.sh" <<'EOF'
n=$1
shift
unshare -U -n sleep 100 & unshare -U -u sleep 100 & sleep 100 &
sleep 0.2
d=$(mktemp -d "$HD/limits.XXXXXX") || exit 2
"$@" >"$d/free" 2>&1 || { echo "nsls: free run failed: $(cat "$d/free")" >&2; exit 2; }
prlimit --nofile="$n" "$@" >"$d/limited"
rc=$?
if [ $rc -eq 0 ] && ! cmp -s "$d/free" "$d/limited"; then
	echo "nsls: output with --nofile=$n differs: $(diff "$d/free" "$d/limited" | tr '\n' ' ')" >&2
	rc=3
fi
rm -rf "$d"
# the PID namespace ends with its first process, and the holders with it
exit $rc
EOF

case_limits() {
	local m=$1 sb n
	read -r -a sb <<<"$(sandbox "$m")"
	for n in 4 5 6 7 8 9 10; do
		HD=$HD hostile_case "RLIMIT_NOFILE $n" 0/1 'Too many open files$' -- \
			env HD="$HD" "${sb[@]}" sh "$T/limits.sh" "$n" "$NSLS" -n \
			-o NS,TYPE,NPROCS,PID,PNS,ONS,NETNSID,CAPS,UIDMAP,USER,COMMAND --tree=parent
	done
	hostile_case "RLIMIT_NOFILE 6, default columns" 0/1 'Too many open files$' -- \
		env HD="$HD" "${sb[@]}" sh "$T/limits.sh" 6 "$NSLS" -n
	hostile_case "RLIMIT_NOFILE 9, default columns" 0/1 'Too many open files$' -- \
		env HD="$HD" "${sb[@]}" sh "$T/limits.sh" 9 "$NSLS" -n
	# no process or thread more for this user: the scan reads alone
	# (root is not held to RLIMIT_NPROC; the case runs anyway); the
	# threads themselves are refused in test-nsinfo
	# (LeakSanitizer needs a thread of its own to check at exit: in the
	# sanitizer build it is left out here, AddressSanitizer stays)
	hostile_case "RLIMIT_NPROC 1" 0 - -- env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		prlimit --nproc=1 "$NSLS" -n
	hostile_case "RLIMIT_NPROC 1, commands and relations" 0 - -- \
		env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		prlimit --nproc=1 "$NSLS" -n -o NS,PNS,ONS,COMMAND,CAPS -T
	# AddressSanitizer reserves terabytes of address space up front, so
	# no sanitizer binary lives under RLIMIT_AS: the case is the plain
	# build's (tests/run-all runs both)
	if ! grep -qa __asan_init "$NSLS"; then
		hostile_case "RLIMIT_AS 64 MiB" 0/1 'Cannot allocate memory$' -- \
			prlimit --as=67108864 "$NSLS" -n
	fi
}
hostile_for_each_mode case_limits

# --- hostile command lines ------------------------------------------------------

# same DESC A B: ok if the texts A and B are the same; both shown if not.
same() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "got:    $2" "wanted: $3"
	fi
}

# A process whose argv holds a newline, a tab, an ANSI escape sequence and
# invalid UTF-8, alone in a user namespace of its own, so that it is the
# namespace's lowest PID. lsns (2.42 as 2.38) hands the text to
# libsmartcols, which shows control characters and bytes that are no
# character as \xHH in a table, blanks too in raw output, and \uXXXX in
# JSON: nsls must do the same, and no raw escape byte may reach the output.
case_cmdline() {
	local m=$1 weird ino want a try
	weird=$(printf 'x\ny\tz\033[31mRED\xff\xfe\033]0;title\007')
	# unshare and exec-argv exec: the PID is sleep's
	spawn_as "$m" unshare -U "$T/bin/exec-argv" /bin/sleep 2 "$weird" 100
	local pid=$BG_PID
	wait_for 5 grep -q RED "/proc/$pid/cmdline" 2>/dev/null
	ino=$(stat -L -c %i "/proc/$pid/ns/user" 2>/dev/null)
	want='x\x0ay\x09z\x1b[31mRED\xff\xfe\x1b]0;title\x07 100'
	HOSTILE_PIDS=$pid hostile_case "argv with control bytes: table" 0 - -- \
		"$NSLS" -n -o COMMAND "$ino"
	same "$m: table shows them as \\xHH" "$OUT" "$want"
	HOSTILE_PIDS=$pid hostile_case "argv with control bytes: raw" 0 - -- \
		"$NSLS" -r -n -o COMMAND "$ino"
	same "$m: raw output shows them and the blanks as \\xHH" "$OUT" "${want// /\\x20}"
	HOSTILE_PIDS=$pid hostile_case "argv with control bytes: JSON" 0 - -- \
		"$NSLS" -J -o COMMAND "$ino"
	check "$m: JSON escapes them" grep -qF '"x\ny\tz\u001b[31mRED' "$T/out"
	grep -qF '"x\ny\tz\u001b[31mRED' "$T/out" || diag "$OUT"
	HOSTILE_PIDS=$pid hostile_case "argv with control bytes: the whole listing" 0 - -- \
		"$NSLS" -o NS,TYPE,PID,COMMAND
	check "$m: no raw escape, newline or tab byte from the command line" \
		sh -c '! grep -q "$(printf "\033")" "$1" && ! grep -q "$(printf "\ty")" "$1" &&
			! grep -qx "y.*" "$1"' sh "$T/out"
	if [ -x /usr/bin/lsns ]; then
		local ours=$OUT
		for a in -n -r -J; do
			run_as "$m" "$NSLS" "$a" -o PID,COMMAND "$ino"
			ours=$OUT
			# lsns 2.38 at times prints nothing and fails when a
			# process of the machine ends during its scan: asked
			# again then, up to three times; its own failure is
			# shown, never taken for a match
			for try in 1 2 3; do
				run_as "$m" /usr/bin/lsns "$a" -o PID,COMMAND "$ino"
				[ "$RC" -eq 0 ] && [ -n "$OUT" ] && break
				diag "lsns $a, try $try: status $RC, stderr: $ERR"
			done
			same "$m: $a shows the command line as lsns does" "$ours" "$OUT"
		done
	fi
	kill_tree "$BG_PID"
	reap "$BG_PID"
	true
}
hostile_for_each_mode case_cmdline

# --- /proc with hidepid=2 -------------------------------------------------------

# /proc mounted with hidepid=2 in a private mount and PID namespace: nobody
# sees its own processes only, and nsls lists their namespaces and exits 0.
# As root, root's processes sit beside nobody's; as nobody (root of a user
# namespace of its own, the only user there), the mount is made all the same.
cat >"$T/hidepid.sh" <<'EOF'
mount -t proc -o hidepid=2 proc /proc || exit 2
sleep 100 &
if [ "$(id -u)" -eq 0 ] && [ "$1" = root ]; then
	setpriv --reuid=65534 --regid=65534 --clear-groups -- sleep 100 &
	setpriv --reuid=65534 --regid=65534 --clear-groups -- "$2" -n -o NS,PID,USER,NPROCS
else
	sleep 100 &
	"$2" -n -o NS,PID,USER,NPROCS
fi
rc=$?
# the PID namespace ends with its first process, and the holders with it
exit $rc
EOF

case_hidepid() {
	local m=$1 wrap=(unshare -p -f -m --propagation private --)
	[ "$m" = root ] || wrap=(unshare -r -p -f -m --propagation private --)
	hostile_case "/proc with hidepid=2" 0 - -- "${wrap[@]}" sh "$T/hidepid.sh" "$m" "$NSLS"
	if [ "$m" = root ]; then
		check "$m: only nobody's processes listed" \
			sh -c '[ -s "$1" ] && ! awk "\$3 != \"nobody\"" "$1" | grep -q .' sh "$T/out"
	else
		check "$m: the namespace's processes listed" grep -q . "$T/out"
	fi
}
hostile_for_each_mode case_hidepid

# --- a throwaway network namespace ------------------------------------------------

# NETNSID and NSFS of a namespace without any other: the case's links must
# be what they were (hostile_net_case reads them inside).
case_net() {
	hostile_net_case "NETNSID in a throwaway network namespace" 0 - -- \
		"$NSLS" -n -t net -o NS,NETNSID,NSFS
	HOSTILE_SYSCTLS="net.ipv4.ip_forward net.ipv6.conf.all.forwarding" hostile_net_case \
		"a sysctl of the throwaway namespace named" 0 - -- "$NSLS" -n -t net
	hostile_net_case "-Q on NETNSID with a bad number" 1 'invalid number' -- \
		"$NSLS" -t net -Q 'NETNSID == 1x'
}
hostile_for_each_mode case_net

hostile_done
