# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared helpers for tests/integ/*.sh: TAP output, a scratch directory, the
# tools staged where an unprivileged user can run them, and running one case
# as root and again as nobody.
#
# A test script:
#   . "$(dirname "$0")/../lib.sh"
#   ns_setup                    # scratch dir, staged tools, probe, traps
#   case_foo() { run_as "$1" "$NSRUN" -r id -u; expect_out "$1: uid" 0 "0"; }
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

ns_done() {
	echo "1..$NS_TESTS"
	[ "$NS_FAILED" -eq 0 ]
	exit $?
}

# --- set-up -------------------------------------------------------------

ns_cleanup() {
	local rc=$?
	# scratch mounts made by a test (persistence targets) go first
	if [ -n "${T:-}" ] && [ -d "$T" ]; then
		awk -v t="$T" 'index($5, t) == 1 {print $5}' /proc/self/mountinfo | sort -r |
			while read -r m; do umount -l "$m" 2>/dev/null; done
		rm -rf "$T"
	fi
	[ -n "${NS_EXTRA_CLEANUP:-}" ] && eval "$NS_EXTRA_CLEANUP"
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
	T=$(mktemp -d /tmp/nsutils-test.XXXXXX)
	chmod 755 "$T"
	trap ns_cleanup EXIT
	trap 'exit 130' INT TERM
	ns_stage nsrun "$NSRUN"
	cp -P "$NS_BUILD_ROOT"/lib/libns.so* "$T/lib/"
	chmod 755 "$T/lib"
	NSRUN_BUILD=$NSRUN
	NSRUN=$T/bin/nsrun
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

# --- running as root or as nobody --------------------------------------

# run_as MODE CMD...: runs CMD as root ("root") or as nobody ("user") from
# the scratch directory; stdout, stderr and the status land in $OUT, $ERR
# and $RC.
run_as() {
	local mode=$1
	shift
	if [ "$mode" = root ] || [ "$(id -u)" -ne 0 ]; then
		(cd "$T" && "$@") >"$T/out" 2>"$T/err" </dev/null
	else
		(cd "$T" && HOME=/nonexistent setpriv --reuid=$NOBODY_UID --regid=$NOBODY_GID \
			--clear-groups -- "$@") >"$T/out" 2>"$T/err" </dev/null
	fi
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
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

# differ MODE DESC ARGS...: runs ARGS through unshare and through nsrun as
# MODE and compares stdout and exit status exactly, and stderr's shape: as
# many lines, each ours prefixed "nsrun:" where unshare's was "unshare:".
differ() {
	local mode=$1 desc=$2
	shift 2
	local out1 err1 rc1
	run_as "$mode" "$UNSHARE" "$@"
	out1=$OUT err1=$ERR rc1=$RC
	run_as "$mode" "$NSRUN" "$@"
	local shape_ok=1
	if [ "$(printf '%s' "$err1" | grep -c '')" -ne "$(printf '%s' "$ERR" | grep -c '')" ]; then
		shape_ok=0
	elif printf '%s' "$err1" | grep -q '^unshare: ' &&
		! printf '%s' "$ERR" | grep -q '^nsrun: '; then
		shape_ok=0
	fi
	if [ "$rc1" -ne "$RC" ] || [ "$out1" != "$OUT" ] || [ $shape_ok -eq 0 ]; then
		not_ok "$mode: same as unshare: $desc"
		diag "unshare: status $rc1, stdout: $out1, stderr: $err1" \
			"nsrun:   status $RC, stdout: $OUT, stderr: $ERR"
		return 1
	fi
	ok "$mode: same as unshare: $desc"
}
