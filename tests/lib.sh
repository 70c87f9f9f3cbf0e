# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# The one helper library of tests/integ/*.sh (and the other shell test
# trees, which source it too): TAP output, a scratch directory, the
# tools staged where an unprivileged user can run them, and running one case
# as root and again as nobody.
#
# A test script:
#   . "$(dirname "$0")/../lib.sh"
#   ns_setup                    # scratch dir, staged tools, probe, traps
#   case_foo() { run_as "$1" "$NSRUN" -r id -u; expect "$1: uid" 0 "0"; }
#   for_each_mode case_foo      # calls case_foo root, then case_foo user
#   ns_done                     # prints the plan, exits 0 or 1

set -u

NS_TESTS=0
NS_FAILED=0
NS_MODES="root user"
NOBODY_UID=65534
NOBODY_GID=65534

# --- TAP ----------------------------------------------------------------

ok() {
	NS_TESTS=$((NS_TESTS + 1))
	echo "ok $NS_TESTS - $*"
}

not_ok() {
	NS_TESTS=$((NS_TESTS + 1))
	NS_FAILED=$((NS_FAILED + 1))
	echo "not ok $NS_TESTS - $*"
}

skip() {
	NS_TESTS=$((NS_TESTS + 1))
	echo "ok $NS_TESTS # SKIP $*"
}

diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

# check DESC CMD...: ok if CMD succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then
		ok "$desc"
	else
		not_ok "$desc"
	fi
}

# have_or_skip CMD DESC: true if CMD is on PATH, else a skip "DESC (no CMD)"
have_or_skip() {
	command -v "$1" >/dev/null && return 0
	skip "$2 (no $1)"
	return 1
}

# check_diag DESC DIAG CMD...: as check, with DIAG as a diagnostic if CMD fails.
check_diag() {
	local desc=$1 why=$2
	shift 2
	if "$@"; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "$why"
	fi
}

# kill_tree PID: SIGKILL to PID and everything below it, children first
# (for processes a test started and that would not end).
kill_tree() {
	local c
	for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		kill_tree "$c"
	done
	kill -KILL "$1" 2>/dev/null
}

# no_leftovers: no process started from the staged tools or naming the
# scratch directory is still running (a helper child blocked forever after
# its parent failed, say); any found are shown and killed.
no_leftovers() {
	local p left=
	sleep 0.1
	for p in $(pgrep -f "$T/"); do
		left="$left $p"
	done
	[ -z "$left" ] && return 0
	# shellcheck disable=SC2086
	diag "$(ps -o pid,ppid,user,stat,args -p ${left# })"
	for p in $left; do
		kill_tree "$p"
	done
	return 1
}

ns_done() {
	check "no process left behind" no_leftovers
	echo "1..$NS_TESTS"
	[ "$NS_FAILED" -eq 0 ]
	exit $?
}

# --- set-up -------------------------------------------------------------

ns_cleanup() {
	local rc=$? j
	# background jobs still running are ours (spawn_as): stop them first
	for j in $(jobs -p); do
		kill -KILL "$j" 2>/dev/null
	done
	wait 2>/dev/null
	# a test's own clean-up while its scratch directory (the staged tools
	# in it) is still there
	[ -n "${NS_EXTRA_CLEANUP:-}" ] && eval "$NS_EXTRA_CLEANUP"
	# scratch mounts made by a test (persistence targets) go first
	if [ -n "${T:-}" ] && [ -d "$T" ]; then
		awk -v t="$T" 'index($5, t) == 1 {print $5}' /proc/self/mountinfo | sort -r |
			while read -r m; do umount -l "$m" 2>/dev/null; done
		rm -rf "$T"
	fi
	exit $rc
}

# The build tree may sit under a directory nobody cannot enter, so the tools
# and the library are copied into a scratch directory everyone can read;
# the binaries' $ORIGIN/../lib run path finds the library there.
ns_stage() {
	local name=$1 src=$2
	mkdir -p "$T/bin" "$T/lib"
	cp "$src" "$T/bin/$name"
	chmod 755 "$T/bin/$name"
}

ns_setup() {
	# a PATH every mode can search (execvp reports EACCES, not ENOENT, when
	# a directory on the way is closed to nobody) and untranslated messages
	export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	export LC_ALL=C
	unset LANGUAGE
	T=$(mktemp -d /tmp/nsutils-test.XXXXXX)
	chmod 755 "$T"
	trap ns_cleanup EXIT
	trap 'exit 130' INT TERM
	local f t
	# every tool the build made (NSRUN, NSMAP, ... from tests/meson.build)
	# is staged and its variable pointed at the copy; NSRUN_BUILD and the
	# like keep the build tree's path
	for t in nsrun nsmap nsls nsveth; do
		f=${t^^}
		[ -n "${!f:-}" ] || continue
		ns_stage "$t" "${!f}"
		printf -v "${f}_BUILD" '%s' "${!f}"
		printf -v "$f" '%s' "$T/bin/$t"
	done
	for f in "$NS_BUILD_ROOT"/lib/libns.so*; do
		[ -d "$f" ] || cp -P "$f" "$T/lib/"
	done
	chmod 755 "$T/lib"
	UNSHARE=${UNSHARE:-/usr/bin/unshare}
	mkdir -p "$T/tmp" && chmod 1777 "$T/tmp"
	if [ "$(id -u)" -ne 0 ]; then
		# as an ordinary user there is no second identity to test with
		NS_MODES="user"
	fi
	if ! "$NSRUN" --user --map-root-user true 2>/dev/null; then
		echo "1..0 # SKIP unprivileged user namespaces unavailable"
		exit 0
	fi
}

# require_root REASON: prints a SKIP line and returns 1 when not root.
require_root() {
	if [ "$(id -u)" -ne 0 ]; then
		skip "$1"
		return 1
	fi
	return 0
}

# --- running as root, as nobody, or as a user with subordinate ids -----

# as_mode_exec MODE CMD...: changes to the scratch directory and replaces
# the current (sub)shell with CMD run as root ("root"), nobody ("user") or
# the throwaway user of ns_subuser_create ("sub").
as_mode_exec() {
	local mode=$1
	shift
	cd "$T" || exit 1
	if [ "$mode" = root ] || { [ "$mode" = user ] && [ "$(id -u)" -ne 0 ]; }; then
		exec "$@"
	elif [ "$mode" = sub ]; then
		HOME=/nonexistent exec setpriv --reuid="$SUB_UID" --regid="$SUB_GID" \
			--clear-groups -- "$@"
	else
		HOME=/nonexistent exec setpriv --reuid=$NOBODY_UID --regid=$NOBODY_GID \
			--clear-groups -- "$@"
	fi
}

# as_mode MODE CMD...: as_mode_exec in a subshell.
as_mode() {
	(as_mode_exec "$@")
}

# mode_uid MODE, mode_gid MODE: the ids MODE runs with.
mode_uid() {
	case $1 in
	root) echo 0 ;;
	sub) echo "$SUB_UID" ;;
	*) if [ "$(id -u)" -ne 0 ]; then id -u; else echo $NOBODY_UID; fi ;;
	esac
}

mode_gid() {
	case $1 in
	root) echo 0 ;;
	sub) echo "$SUB_GID" ;;
	*) if [ "$(id -u)" -ne 0 ]; then id -g; else echo $NOBODY_GID; fi ;;
	esac
}

# run_as MODE CMD...: runs CMD as MODE (see as_mode); stdout, stderr and the
# status land in $OUT, $ERR and $RC. Standard input is $NS_STDIN, /dev/null
# unless set.
run_as() {
	local mode=$1
	shift
	as_mode "$mode" "$@" >"$T/out" 2>"$T/err" <"${NS_STDIN:-/dev/null}"
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
}

# run_in INPUT MODE CMD...: run_as with INPUT on standard input.
run_in() {
	printf '%s\n' "$1" >"$T/in"
	shift
	NS_STDIN=$T/in run_as "$@"
}

# spawn_as MODE CMD...: starts CMD as MODE in the background, output in
# $T/bg.out and $T/bg.err; its PID (CMD itself, not a wrapper) is $BG_PID.
# SIGINT and SIGQUIT are reset to their defaults, which a shell without job
# control sets to ignored for background commands.
spawn_as() {
	local mode=$1
	shift
	# emptied here, not by the background job's own redirection, which
	# may run late: a wait for its output must not see the previous job's
	: >"$T/bg.out"
	: >"$T/bg.err"
	as_mode_exec "$mode" env --default-signal=INT,QUIT "$@" >>"$T/bg.out" 2>>"$T/bg.err" \
		</dev/null &
	BG_PID=$!
}

# gone PID: PID has exited (or is a zombie waiting for us)
gone() {
	[ ! -e "/proc/$1" ] || [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" = Z ]
}

# reap PID: waits (at most 10s) for the background PID to end and puts its
# status in $RC; a PID that would not end is killed and reap returns 1.
reap() {
	local hung=0
	if ! wait_for 10 gone "$1"; then
		hung=1
		kill_tree "$1"
	fi
	wait "$1"
	RC=$?
	return $hung
}

# wait_for SECONDS CMD...: polls CMD every 50ms until it succeeds; returns 1
# when SECONDS pass first.
wait_for() {
	local n=$(($1 * 20))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.05
		n=$((n - 1))
	done
	return 1
}

# kmap "INNER OUTER COUNT"...: the lines as the kernel prints a uid_map.
kmap() {
	local l
	for l in "$@"; do
		# shellcheck disable=SC2086
		printf '%10u %10u %10u\n' $l
	done
}

# --- a throwaway user with subordinate ids (root only) -------------------

SUB_USER=
SUB_UID=
SUB_GID=
SUBUID_START=3000000
SUBGID_START=4000000
SUBID_COUNT=65536
# a second, later line: --map-auto and --map-subids must not take it
SUBUID2_START=5000000
SUBGID2_START=5100000
SUBID2_COUNT=100

# ns_subuser_create: adds a system user without home or login shell and
# gives it two lines in /etc/subuid and /etc/subgid: first SUBID_COUNT ids
# from SUBUID_START / SUBGID_START, then SUBID2_COUNT from SUBUID2_START /
# SUBGID2_START. The EXIT trap removes all of it. Returns 1 if that fails.
ns_subuser_create() {
	local name=nsutils-t$$
	useradd --system -M -d /nonexistent -s /usr/sbin/nologin -U "$name" || return 1
	SUB_USER=$name
	NS_EXTRA_CLEANUP="ns_subuser_remove${NS_EXTRA_CLEANUP:+; $NS_EXTRA_CLEANUP}"
	usermod --add-subuids "$(subid_range $SUBUID_START $SUBID_COUNT)" \
		--add-subgids "$(subid_range $SUBGID_START $SUBID_COUNT)" "$name" &&
		usermod --add-subuids "$(subid_range $SUBUID2_START $SUBID2_COUNT)" \
			--add-subgids "$(subid_range $SUBGID2_START $SUBID2_COUNT)" "$name" ||
		return 1
	SUB_UID=$(id -u "$name") && SUB_GID=$(id -g "$name")
}

subid_range() {
	echo "$1-$(($1 + $2 - 1))"
}

# ns_subuser_remove: undoes ns_subuser_create; fails if a trace is left in
# /etc/passwd, /etc/group, /etc/subuid or /etc/subgid.
ns_subuser_remove() {
	[ -n "$SUB_USER" ] || return 0
	usermod --del-subuids "$(subid_range $SUBUID_START $SUBID_COUNT)" \
		--del-subgids "$(subid_range $SUBGID_START $SUBID_COUNT)" "$SUB_USER" 2>/dev/null
	usermod --del-subuids "$(subid_range $SUBUID2_START $SUBID2_COUNT)" \
		--del-subgids "$(subid_range $SUBGID2_START $SUBID2_COUNT)" "$SUB_USER" 2>/dev/null
	userdel "$SUB_USER" 2>/dev/null
	getent group "$SUB_USER" >/dev/null && groupdel "$SUB_USER" 2>/dev/null
	if grep -q "^$SUB_USER:" /etc/passwd /etc/group /etc/shadow /etc/gshadow \
		/etc/subuid /etc/subgid; then
		return 1
	fi
	SUB_USER=
	return 0
}

# with_subuser CMD...: as root, creates the throwaway user, runs CMD (which
# may use mode "sub"), removes the user again, each step a test point.
with_subuser() {
	[ "$(id -u)" -eq 0 ] || return 0
	if ns_subuser_create; then
		ok "throwaway user $SUB_USER with subordinate ids created"
		"$@"
	else
		not_ok "throwaway user with subordinate ids created"
	fi
	if ns_subuser_remove; then
		ok "throwaway user and its subordinate ids removed"
	else
		not_ok "throwaway user and its subordinate ids removed"
		diag "$(grep -H "^nsutils-t$$:" /etc/passwd /etc/group /etc/shadow /etc/gshadow \
			/etc/subuid /etc/subgid)"
	fi
}

for_each_mode() {
	local mode
	for mode in $NS_MODES; do
		"$@" "$mode"
	done
}

# expect DESC RC [STDOUT]: checks the last run_as against the status and,
# when given, the exact stdout. On failure, shows what came out.
expect() {
	local desc=$1 rc=$2
	if [ "$RC" -ne "$rc" ] || { [ $# -ge 3 ] && [ "$OUT" != "$3" ]; }; then
		not_ok "$desc"
		diag "exit status $RC (wanted $rc)" "stdout: $OUT" "stderr: $ERR"
		[ $# -ge 3 ] && diag "wanted stdout: $3"
		return 1
	fi
	ok "$desc"
}

# expect_err DESC RC PATTERN: status RC and a one-line stderr matching the
# extended regular expression PATTERN.
expect_err() {
	local desc=$1 rc=$2 pat=$3
	if [ "$RC" -ne "$rc" ] || [ "$(printf '%s\n' "$ERR" | wc -l)" -ne 1 ] ||
		! printf '%s\n' "$ERR" | grep -Eq -- "$pat"; then
		not_ok "$desc"
		diag "exit status $RC (wanted $rc)" "stderr: $ERR" "wanted stderr: $pat"
		return 1
	fi
	ok "$desc"
}

# expect_re DESC RC PATTERN: status RC and stdout matching the extended
# regular expression PATTERN (anywhere, as grep -E).
expect_re() {
	local desc=$1 rc=$2 pat=$3
	if [ "$RC" -ne "$rc" ] || ! printf '%s\n' "$OUT" | grep -Eq -- "$pat"; then
		not_ok "$desc"
		diag "exit status $RC (wanted $rc)" "stdout: $OUT" "stderr: $ERR" \
			"wanted stdout matching: $pat"
		return 1
	fi
	ok "$desc"
}

# differ_with MODE DESC REF OURS REF_NAME OURS_NAME NORM CHECK ARG...: runs
# ARG... through the reference tool REF and through OURS as MODE and
# compares stdout and exit status exactly, and stderr: as many lines, and
# CHECK REF_STDERR OURS_STDERR (a function) true. NORM (may be empty) is a
# function NORM TEXT PATH that rewrites each stderr first. The test is
# "MODE: same as REF_NAME: DESC".
differ_with() {
	local mode=$1 desc=$2 ref=$3 ours=$4 name=$5 oname=$6 norm=$7 check=$8
	shift 8
	local out1 err1 rc1 good=1
	run_as "$mode" "$ref" "$@"
	out1=$OUT err1=$ERR rc1=$RC
	[ -n "$norm" ] && err1=$("$norm" "$err1" "$ref")
	run_as "$mode" "$ours" "$@"
	[ -n "$norm" ] && ERR=$("$norm" "$ERR" "$ours")
	if [ "$(printf '%s' "$err1" | grep -c '')" -ne "$(printf '%s' "$ERR" | grep -c '')" ]; then
		good=0
	elif ! "$check" "$err1" "$ERR"; then
		good=0
	fi
	if [ "$rc1" -ne "$RC" ] || [ "$out1" != "$OUT" ] || [ $good -eq 0 ]; then
		not_ok "$mode: same as $name: $desc"
		diag "$(printf '%-8s' "$name:") status $rc1, stdout: $out1, stderr: $err1" \
			"$(printf '%-8s' "$oname:") status $RC, stdout: $OUT, stderr: $ERR"
		return 1
	fi
	ok "$mode: same as $name: $desc"
}

# differ's stderr shape: where unshare's has a line "unshare: ...", ours has
# one "nsrun: ..."
differ_unshare_shape() {
	! { printf '%s' "$1" | grep -q '^unshare: ' && ! printf '%s' "$2" | grep -q '^nsrun: '; }
}

# differ MODE DESC ARGS...: runs ARGS through unshare and through nsrun as
# MODE and compares stdout and exit status exactly, and stderr's shape: as
# many lines, each ours prefixed "nsrun:" where unshare's was "unshare:".
differ() {
	local mode=$1 desc=$2
	shift 2
	differ_with "$mode" "$desc" "$UNSHARE" "$NSRUN" unshare nsrun "" differ_unshare_shape "$@"
}

# nsenter_norm TEXT PATH: TEXT with getopt's "PATH:" as "nsenter:" and the
# shell's report of a killed job without its PID
nsenter_norm() {
	printf '%s\n' "$1" | sed -E "s|^$2:|nsenter:|; s/line ([0-9]+): +[0-9]+ /line \\1: PID /"
}

# differ_nsenter's stderr check: each line of ours begins with nsenter's;
# with NSENTER_LOOSE=1 only a "nsenter: " prefix where nsenter has one.
differ_nsenter_shape() {
	if [ "${NSENTER_LOOSE:-0}" = 1 ]; then
		! { printf '%s' "$1" | grep -q '^nsenter: ' && ! printf '%s' "$2" | grep -q '^nsenter: '; }
	else
		[[ $2 == "$1"* ]]
	fi
}

# differ_nsenter MODE DESC ARG...: runs nsenter(1) ($NSENTER_REF, Debian's
# 2.38) and ours ($NSENTER, nsrun under that name) with ARG... as MODE and
# compares stdout and exit status exactly, and stderr: as many lines, each
# of ours beginning with nsenter's (ours may add a hint in parentheses).
# With NSENTER_LOOSE=1 only the count and the "nsenter: " prefix are compared,
# for the messages the newest nsenter words differently from 2.38.
differ_nsenter() {
	local mode=$1 desc=$2
	shift 2
	differ_with "$mode" "$desc" "$NSENTER_REF" "$NSENTER" nsenter ours nsenter_norm \
		differ_nsenter_shape "$@"
}

# ======================================================================
# nsmap: privileged copies and targets (tests/integ/nsmap-*.sh)
# ======================================================================

# Helpers for tests/integ/nsmap-*.sh and tests/bench/bench-maps.sh: nsmap installed
# privileged in the scratch directory, and target processes in new user
# namespaces whose maps are checked afterwards.

# nsmap_install: two privileged copies of the staged nsmap, each with
# newuidmap and newgidmap links: $T/suid (set-user-ID root) and $T/fcap
# (file capabilities cap_setuid,cap_setgid). Root only; returns 1 if a
# copy does not come up privileged (a nosuid mount, no setcap).
nsmap_install() {
	local d
	mkdir -p "$T/suid" "$T/fcap"
	cp "$NSMAP" "$T/suid/nsmap" && chown root:root "$T/suid/nsmap" &&
		chmod 4755 "$T/suid/nsmap" || return 1
	cp "$NSMAP" "$T/fcap/nsmap" && chmod 755 "$T/fcap/nsmap" &&
		setcap cap_setuid,cap_setgid+ep "$T/fcap/nsmap" || return 1
	for d in suid fcap; do
		ln -s nsmap "$T/$d/newuidmap"
		ln -s nsmap "$T/$d/newgidmap"
		chmod 755 "$T/$d"
	done
	as_mode user "$T/suid/nsmap" --check 2>/dev/null | grep -qx 'privileges: set-user-ID root' &&
		as_mode user "$T/fcap/nsmap" --check 2>/dev/null | grep -qx 'privileges: file capabilities'
}

# in_new_userns PID: PID runs (as sleep) in a user namespace of its own
in_new_userns() {
	[ "$(readlink "/proc/$1/ns/user" 2>/dev/null)" != "$(readlink /proc/self/ns/user)" ] &&
		[ "$(cat "/proc/$1/comm" 2>/dev/null)" = sleep ]
}

# target_start MODE: a process of MODE in a new user namespace with no map
# yet; its PID in $TGT. target_stop ends it.
target_start() {
	spawn_as "$1" "$UNSHARE" --user sleep 60
	TGT=$BG_PID
	wait_for 5 in_new_userns "$TGT"
}

target_stop() {
	kill -KILL "$TGT" 2>/dev/null
	wait "$TGT" 2>/dev/null
	TGT=
}

# target_maps [PID]: uid_map, gid_map and setgroups of $TGT (or PID) on one
# line, blanks squeezed: "uid lines|gid lines|setgroups"
target_maps() {
	local p=${1:-$TGT} f
	for f in uid_map gid_map setgroups; do
		sed 's/^ *//; s/  */ /g' "/proc/$p/$f" | tr '\n' ';'
		[ $f = setgroups ] || printf '|'
	done
}

# refused DESC MSG [MAPS]: the last run_as exited 1 with exactly MSG on
# stderr, and the maps of $TGT are MAPS (default: none written)
refused() {
	if [ "$RC" -eq 1 ] && [ "$(target_maps)" = "${3:-$EMPTY}" ] && [ "$ERR" = "$2" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "status $RC, maps $(target_maps), stderr: $ERR" "wanted stderr: $2"
	fi
}

# EMPTY: the maps of a target nothing was written for
EMPTY="||allow;"

# seq_ranges N FIRST-OUTER: N one-id ranges "i FIRST-OUTER+i 1"
seq_ranges() {
	local i
	for ((i = 0; i < $1; i++)); do
		printf '%d %d 1 ' "$i" $(($2 + i))
	done
}

# mask_pid TEXT PID: TEXT with PID, where it stands as a whole number,
# replaced by "@" (a PID such as 5536 inside 65536 stays)
mask_pid() {
	printf '%s' "$1" | sed -E ":a; s/(^|[^0-9])$2([^0-9]|\$)/\1@\2/; ta"
}

# ======================================================================
# nsls: the listing sandbox (tests/integ/nsls-*.sh)
# ======================================================================

# Helpers of the nsls tests: a sandbox in which the listing
# holds the test's namespaces only.

# run_sandbox MODE CMD...: as run_as, with CMD in a new PID namespace with
# its own /proc and a mount namespace of its own (nsrun -p -f --mount-proc,
# with -r for an unprivileged MODE). When the test runs as root, that mount
# namespace is first cleared of nsfs mounts: namespaces that other tests
# running at the same time persist on the host would be listed too, being
# held by bind mounts. (An unprivileged mount namespace may not unmount what
# it inherited; without root there are no such host mounts to begin with.)
run_sandbox() {
	local m=$1
	shift
	local sandbox=("$NSRUN" -p -f --mount-proc)
	[ "$m" = root ] || sandbox=("$NSRUN" -r -p -f --mount-proc)
	if [ "$(id -u)" -ne 0 ]; then
		run_as "$m" "${sandbox[@]}" "$@"
		return
	fi
	local drop=()
	[ "$m" = root ] || drop=(setpriv --reuid=$NOBODY_UID --regid=$NOBODY_GID --clear-groups --)
	(
		cd "$T" || exit 1
		export HOME=/nonexistent
		exec unshare -m --propagation private sh -c '
			findmnt -n -l -t nsfs -o TARGET | sort -r |
				while IFS= read -r m; do umount -l "$m" || exit 1; done
			exec "$@"' sh "${drop[@]}" "${sandbox[@]}" "$@"
	) >"$T/out" 2>"$T/err" </dev/null
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
}

# ======================================================================
# nsveth: throwaway hosts and link queries (tests/integ/nsveth-*.sh)
# ======================================================================

# Helpers of the nsveth tests. nsveth_setup, called after ns_setup, exports
# the shell functions so the scripts that run inside the throwaway
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

nsveth_setup() {
	export -f hold inns jq_ links addrs linkinfo defroutes
	export NSRUN NSVETH T
}

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

# ======================================================================
# nsrun: sleeps found again by a token (tests/integ/nsrun-*.sh)
# ======================================================================

# new_token: a sleep argument no other process has, in $TOKEN ("sleep
# $TOKEN" is then found again with pgrep); $TOKEN_PREFIX tells the tokens
# of one script from another's
TOKEN_N=0
new_token() {
	TOKEN_N=$((TOKEN_N + 1))
	TOKEN="${TOKEN_PREFIX:-10}$TOKEN_N$$.5"
}

sleeper() {
	pgrep -x -f "sleep $TOKEN"
}

no_sleeper() {
	! sleeper >/dev/null
}

# stop_sleeper: kills our own sleep if a test left it running
stop_sleeper() {
	local p
	for p in $(sleeper); do
		kill -KILL "$p" 2>/dev/null
	done
}
