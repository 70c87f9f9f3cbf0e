# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Shared helpers for tests/hostile/*.sh: each case feeds a tool bad input or
# a fault and checks that it fails cleanly (the status wanted, one line on
# stderr naming the cause, no crash, no sanitizer report) and leaves the
# system as it found it (a snapshot before and after, compared).
#
# A test script:
#   . "$(dirname "$0")/lib.sh"
#   hostile_setup nsls            # lib.sh's ns_setup, the tool's name, snapshots
#   case_table() {                # a case is one line: status|regex|args
#       hostile_table "$NSLS" <<'EOF'
#   1|invalid PID argument: 'x'$|-p	x
#   EOF
#   }
#   hostile_for_each_mode case_table    # as root, then as nobody
#   hostile_done                   # counts per mode, the plan, exit status
#
# The case runner is hostile_case; hostile_net_case is the same inside a
# throwaway network namespace. What a snapshot holds is in hostile_snapshot.
# Tests that add cases for another tool need nothing but these helpers and
# lib.sh's (run_as, spawn_as, reap, kmap, ...).
#
# Adding a tool: tests/hostile/TOOL.sh (executable, as nsls.sh), its name
# in hostile_tests in tests/meson.build (the test is hostile-TOOL, in the
# "hostile" suite, with the integration tests' environment: $NSRUN, $NSMAP,
# $NSVETH, $NSLS staged where nobody can run them, $EXEC_ARGV, ...). Run it
# alone with: meson test -C build --print-errorlogs hostile-TOOL.
# A case that needs a target (a process whose maps a tool writes, a sysctl
# it sets) names it for the snapshot: HOSTILE_PIDS="$pid" hostile_case ...;
# HOSTILE_SYSCTLS="net.ipv4.ip_forward" hostile_net_case ...
# A case's extra checks read $OUT, $ERR and $RC after it, as after run_as.

. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

HOSTILE_TOOL=
HOSTILE_MODE=
HOSTILE_N=0
declare -A HOSTILE_COUNT=()

# hostile_setup TOOL: ns_setup, then: TOOL is the name every message must
# begin with ("TOOL: "); $HD is the runner's own directory (outputs and
# snapshots, never part of one); $HOSTILE_SCRATCH a directory every mode may
# write to, part of every snapshot, for cases that need files. As root the
# script first moves into a mount namespace of its own with private
# propagation, so that no mount made by a test running alongside shows in a
# snapshot, and no mount of a case could reach the host's.
hostile_setup() {
	HOSTILE_TOOL=$1
	if [ "$(id -u)" -eq 0 ] && [ -z "${HOSTILE_PRIVATE_MNT:-}" ]; then
		export HOSTILE_PRIVATE_MNT=1
		exec unshare -m --propagation private -- "$BASH" "$0" "$@"
	fi
	ns_setup
	HD=$T/hostile
	HOSTILE_SCRATCH=$T/scratch
	mkdir -p "$HD" "$HOSTILE_SCRATCH"
	chmod 1777 "$HD" "$HOSTILE_SCRATCH"
}

# hostile_for_each_mode FN ARGS...: FN ARGS... MODE for each mode, with
# $HOSTILE_MODE set, as lib.sh's for_each_mode.
hostile_for_each_mode() {
	local mode
	for mode in $NS_MODES; do
		HOSTILE_MODE=$mode
		"$@" "$mode"
	done
	HOSTILE_MODE=
}

# --- the snapshot ---------------------------------------------------------

# hostile_snapshot FILE: writes to FILE, one section per kind, what a tool
# could change or leave behind:
#  - mounts: /proc/self/mountinfo of the test's mount namespace (private to
#    the script as root), sorted, without the mount ids, which a remount
#    changes without changing what is mounted, and without the mounts in
#    other tests' scratch directories (/tmp/nsutils-test.*), which vanish
#    from every namespace when their test removes the directory; as an
#    ordinary user (whose namespace others may share) only the mounts below
#    $T and /run;
#  - files: every path below $T but the runner's own ($HD) and lib.sh's
#    outputs, with type, mode, owner, size and, for regular files, a
#    checksum; namespace files bind-mounted there show as mounts above;
#  - ids: the checksums of /etc/passwd, /etc/group, /etc/subuid, /etc/subgid,
#    less the lines of other tests' throwaway users (nsutils-tPID);
#  - maps: uid_map, gid_map and setgroups of each PID in $HOSTILE_PIDS;
#  - sysctls: the value of each name in $HOSTILE_SYSCTLS (net.ipv4.ip_forward);
#  - links: with $HOSTILE_LINKS set, "ip -o link" of the current network
#    namespace, minus the counters (hostile_net_case takes these itself,
#    inside the case's namespace).
# Processes are not in it: none of a case may survive it (hostile_survivors).
hostile_snapshot() {
	local out=$1 p s f
	{
		echo "== mounts"
		if [ -n "${HOSTILE_PRIVATE_MNT:-}" ]; then
			awk -v t="$T" 'index($5, "/tmp/nsutils-test.") != 1 || index($5, t) == 1' \
				/proc/self/mountinfo | cut -d' ' -f3- | sort
		else
			awk -v t="$T" 'index($5, t) == 1 || index($5, "/run") == 1' \
				/proc/self/mountinfo | cut -d' ' -f3- | sort
		fi
		echo "== files"
		find "$T" -path "$HD" -prune -o \( -path "$T/out" -o -path "$T/err" -o \
			-path "$T/in" -o -path "$T/bg.out" -o -path "$T/bg.err" \) -prune -o \
			-printf '%y %m %u %s %P\n' 2>/dev/null | sort
		find "$T" -path "$HD" -prune -o -path "$T/out" -prune -o -path "$T/err" -prune -o \
			-path "$T/bg.out" -prune -o -path "$T/bg.err" -prune -o -path "$T/in" -prune -o \
			-type f -readable -print0 2>/dev/null | sort -z | xargs -0 -r md5sum
		echo "== ids"
		# less the throwaway users (tests/lib.sh's ns_subuser_create) that
		# tests running alongside add and remove
		for f in /etc/passwd /etc/group /etc/subuid /etc/subgid; do
			echo "$f $(grep -v '^nsutils-t[0-9]*:' "$f" 2>/dev/null | md5sum)"
		done
		echo "== maps"
		for p in ${HOSTILE_PIDS:-}; do
			for s in uid_map gid_map setgroups; do
				echo "$p/$s: $(tr -s ' ' <"/proc/$p/$s" 2>/dev/null | tr '\n' ';')"
			done
		done
		echo "== sysctls"
		for s in ${HOSTILE_SYSCTLS:-}; do
			echo "$s = $(cat "/proc/sys/${s//.//}" 2>/dev/null)"
		done
		if [ -n "${HOSTILE_LINKS:-}" ]; then
			echo "== links"
			hostile_links
		fi
	} >"$out"
}

# hostile_links: the network interfaces of the current network namespace,
# one a line, without what traffic changes.
hostile_links() {
	ip -o link show 2>&1 | sed -E 's/^[0-9]+: //; s/ qlen [0-9]+//'
}

# hostile_survivors ID [PIDS]: the PIDs of processes still running that a
# case left: those carrying HOSTILE_CASE=ID in their environment (every
# process the case started, unless it cleared its environment), and any
# other with its working directory or a command line below $T (the tools
# are staged there) that is not among PIDS (those running before the case,
# such as the targets a test started for it).
hostile_survivors() {
	local id=$1 pre=" ${2:-} " f p
	{
		grep -lzx "HOSTILE_CASE=$id" /proc/[0-9]*/environ 2>/dev/null
		find /proc/[0-9]*/cwd -maxdepth 0 \( -lname "$T" -o -lname "$T/*" \) -print \
			2>/dev/null
		grep -laF "$T/" /proc/[0-9]*/cmdline 2>/dev/null
	} | while read -r f; do
		p=${f#/proc/}
		p=${p%%/*}
		[ "$p" = $$ ] || [ "$p" = "$BASHPID" ] && continue
		# those running before are excused, unless they carry the mark
		case $f in
		*/environ) ;;
		*) [[ $pre == *" $p "* ]] && continue ;;
		esac
		gone "$p" || echo "$p"
	done | sort -nu
}

# --- the case runner ------------------------------------------------------

# hostile_case DESC STATUS REGEX -- CMD...: one hostile case, as the
# current mode's user (hostile_for_each_mode), from $T, stdin $HOSTILE_STDIN
# or /dev/null. STATUS is a number or several joined by '/' ("0/1": the
# tool may succeed or fail, as when a limit may or may not be reached). It
# passes when:
#  - CMD exits with (one of) STATUS; a status of 128 or more (a signal)
#    only when STATUS names it;
#  - stderr is empty if REGEX is "-" or CMD exited 0; otherwise exactly one
#    line, which begins with "$HOSTILE_TOOL: " and matches the extended
#    regular expression REGEX (grep -E), so it names the cause;
#  - stderr holds no sanitizer report (AddressSanitizer, LeakSanitizer,
#    UBSan's "runtime error:");
#  - no process of the case is left running (hostile_survivors; any found
#    are killed);
#  - the snapshot after equals the one before (hostile_snapshot; the diff
#    is shown otherwise).
# Outputs stay in $OUT, $ERR and $RC, as run_as leaves them, for further
# checks. Returns 0 if the case passed, 1 if not; a TAP line either way.
hostile_case() {
	_hostile_run plain "$@"
}

# hostile_net_case DESC STATUS REGEX -- CMD...: hostile_case with CMD in a
# throwaway network namespace, never the machine's: as root in one made by
# "unshare -n -m" (a mount namespace too, for ip-netns(8)'s mounts), as
# nobody in "unshare -r -n" (a user namespace of its own, where nobody is
# root). The snapshot gains that namespace's links and the values of
# $HOSTILE_SYSCTLS there (the machine's are in it already), taken inside it
# just before and after CMD.
hostile_net_case() {
	_hostile_run net "$@"
}

_hostile_run() {
	local kind=$1 desc="$HOSTILE_MODE: $2" want=$3 re=$4 id fail='' left p
	shift 4
	[ "${1:-}" = -- ] && shift
	HOSTILE_N=$((HOSTILE_N + 1))
	id=$$.$HOSTILE_N
	rm -f "$HD"/links.*
	hostile_snapshot "$HD/before"
	HOSTILE_PRE=$(hostile_survivors "$id" | tr '\n' ' ')
	if [ "$kind" = net ]; then
		local wrap=(unshare -n -m --propagation private)
		[ "$HOSTILE_MODE" = root ] || wrap=(unshare -r -n)
		# the links are read inside, around CMD
		as_mode "$HOSTILE_MODE" env HOSTILE_CASE="$id" "${wrap[@]}" -- bash -c '
			d=$1 sysctls=$2
			shift 2
			state() {
				ip -o link show | sed -E "s/^[0-9]+: //; s/ qlen [0-9]+//"
				for s in $sysctls; do
					echo "$s = $(cat "/proc/sys/${s//.//}" 2>/dev/null)"
				done
			}
			state >"$d/links.before"
			"$@"
			rc=$?
			state >"$d/links.after"
			exit $rc' bash "$HD" "${HOSTILE_SYSCTLS:-}" "$@" >"$T/out" 2>"$T/err" \
			<"${HOSTILE_STDIN:-/dev/null}"
	else
		as_mode "$HOSTILE_MODE" env HOSTILE_CASE="$id" "$@" >"$T/out" 2>"$T/err" \
			<"${HOSTILE_STDIN:-/dev/null}"
	fi
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
	hostile_snapshot "$HD/after"
	if [ "$kind" = net ]; then
		{ echo "== links (case)"; cat "$HD/links.before" 2>/dev/null; } >>"$HD/before"
		{ echo "== links (case)"; cat "$HD/links.after" 2>/dev/null; } >>"$HD/after"
	fi

	if [[ /$want/ != */$RC/* ]]; then
		fail="exit status $RC (wanted $want)"
		[ "$RC" -ge 128 ] && fail="$fail: killed by signal $((RC - 128))"
	fi
	if grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:|ThreadSanitizer' "$T/err"; then
		fail="${fail:+$fail; }sanitizer report on stderr"
	elif [ "$re" = - ] || [ "$RC" -eq 0 ]; then
		[ -s "$T/err" ] && fail="${fail:+$fail; }stderr not empty"
	elif [ "$(grep -c '' "$T/err")" -ne 1 ]; then
		fail="${fail:+$fail; }stderr is $(grep -c '' "$T/err") lines, not one"
	elif ! grep -q "^$HOSTILE_TOOL: " "$T/err" || ! grep -Eq -- "$re" "$T/err"; then
		fail="${fail:+$fail; }stderr does not match '$HOSTILE_TOOL: .*$re'"
	fi
	# a child exiting along with the case may take a moment
	if ! wait_for 1 hostile_none_left "$id"; then
		left=$(hostile_survivors "$id" "$HOSTILE_PRE")
		left=$(echo "$left" | tr '\n' ' ')
		fail="${fail:+$fail; }processes left: $left"
		diag "$(ps -o pid,ppid,user,stat,args -p "$(echo "${left% }" | tr ' ' ,)" 2>&1)"
		for p in $left; do
			kill_tree "$p"
		done
	fi
	if ! cmp -s "$HD/before" "$HD/after"; then
		fail="${fail:+$fail; }the snapshot changed"
		diag "$(diff "$HD/before" "$HD/after" | head -20)"
	fi
	HOSTILE_COUNT[$HOSTILE_MODE]=$((${HOSTILE_COUNT[$HOSTILE_MODE]:-0} + 1))
	if [ -n "$fail" ]; then
		not_ok "$desc"
		diag "$fail" "stdout: $(head -c 2000 "$T/out")" "stderr: $(head -c 2000 "$T/err")"
		[ "$re" = - ] || diag "wanted stderr: $HOSTILE_TOOL: .*$re"
		return 1
	fi
	ok "$desc"
}

hostile_none_left() {
	[ -z "$(hostile_survivors "$1" "$HOSTILE_PRE")" ]
}

# hostile_table CMD...: the cases on stdin, one a line, as
# hostile_split NAME ARGS: the tab-separated ARGS into the array NAME, one
# element per tab-separated field, empty ones (two tabs in a row, a tab at
# either end) kept: read(1) would merge or drop them.
hostile_split() {
	local -n hostile_split_out=$1
	local rest=$2
	hostile_split_out=()
	while :; do
		hostile_split_out+=("${rest%%$'\t'*}")
		[[ $rest == *$'\t'* ]] || break
		rest=${rest#*$'\t'}
	done
}

# hostile_desc: the description of a case from its arguments on stdin:
# shortened to 70 characters, control characters shown as '?'.
hostile_desc() {
	tr -c '[:print:]' '?' | cut -c1-70
}

# "STATUS|REGEX|ARGS" with the arguments separated by tabs (an empty
# argument is two tabs in a row); each runs as hostile_case with CMD and the
# line's arguments appended. Lines that are empty or begin with '#' are
# skipped. The description is the arguments, shortened to 70 characters,
# control characters shown as '?'.
hostile_table() {
	local want re args line desc
	while IFS='|' read -r want re args; do
		case $want in '' | '#'*) continue ;; esac
		line=()
		[ -n "$args" ] && IFS=$'\t' read -r -a line <<<"$args"
		# read(1) merges repeated tabs: split by hand to keep empty ones
		[[ $args == *$'\t\t'* ]] && hostile_split line "$args"
		desc=$(printf '%s ' "${line[@]}" | hostile_desc)
		hostile_case "${desc% }" "$want" "$re" -- "$@" "${line[@]}"
	done
}

# hostile_done: the number of cases per mode as a diagnostic, then ns_done.
hostile_done() {
	local m
	for m in "${!HOSTILE_COUNT[@]}"; do
		diag "$HOSTILE_TOOL hostile cases as $m: ${HOSTILE_COUNT[$m]}"
	done
	ns_done
}
