# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Sourced by the nsls tests after lib.sh: a sandbox in which the listing
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
