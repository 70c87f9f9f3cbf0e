#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Running the program: exit statuses 126 and 127, the program's status with
# and without --fork, the default login shell, --clear-env, --whitelist-env,
# --root and --wd.

. "$(dirname "$0")/../lib.sh"
ns_setup

NOPROG=nsutils-no-such-program
# The messages are unshare(1)'s words ("failed to execute %s", "cannot change
# directory to %s"): those of util-linux 2.42, sys-utils/unshare.c; 2.38
# said "cannot chdir to '%s'".

case_not_found() {
	local m=$1
	differ "$m" "program not on PATH" -r $NOPROG
	run_as "$m" "$NSRUN" -r $NOPROG
	expect_err "$m: program not on PATH: 127" 127 \
		"^nsrun: failed to execute $NOPROG: No such file or directory\$"
	differ "$m" "absolute path that does not exist" -r /nonexistent/$NOPROG
	differ "$m" "not found, no namespace" $NOPROG
	differ "$m" "not found, forked" -rf $NOPROG
	run_as "$m" "$NSRUN" -rf /nonexistent/$NOPROG
	expect_err "$m: not found, forked: 127" 127 \
		"^nsrun: failed to execute /nonexistent/$NOPROG: No such file or directory\$"
}

case_not_executable() {
	local m=$1
	differ "$m" "file without x bit" -r /etc/passwd
	run_as "$m" "$NSRUN" -r /etc/passwd
	expect_err "$m: file without x bit: 126" 126 \
		"^nsrun: failed to execute /etc/passwd: Permission denied\$"
	differ "$m" "a directory" -r /tmp
	differ "$m" "file without x bit, forked" -rf /etc/passwd
	run_as "$m" "$NSRUN" -f /etc/passwd
	expect_err "$m: file without x bit, forked, no namespace: 126" 126 \
		"^nsrun: failed to execute /etc/passwd: Permission denied\$"
}

case_status() {
	local m=$1 st
	for st in 0 1 7 255; do
		differ "$m" "exit $st passes through" -r sh -c "exit $st"
		differ "$m" "exit $st passes through --fork" -rf sh -c "exit $st"
	done
	run_as "$m" "$NSRUN" -rf sh -c 'echo out; echo err >&2; exit 42'
	if [ "$RC" -eq 42 ] && [ "$OUT" = out ] && [ "$ERR" = err ]; then
		ok "$m: --fork: child's status, stdout and stderr"
	else
		not_ok "$m: --fork: child's status, stdout and stderr"
		diag "status $RC, stdout: $OUT, stderr: $ERR"
	fi
	run_as "$m" "$NSRUN" -r sh -c 'exit 3'
	expect "$m: status without --fork" 3 ""
}

case_shell() {
	local m=$1 pwshell
	NS_STDIN=$T/in
	printf 'echo $0\n' >"$T/in"
	# $SHELL pinned: unset, 2.38 falls back to /bin/sh where the target
	# release (and nsrun) takes the passwd shell, checked below
	SHELL=/bin/bash differ "$m" "login shell from \$SHELL" -r
	SHELL=/bin/sh differ "$m" "login shell from \$SHELL=/bin/sh" -r
	run_in 'echo $0' "$m" env SHELL=/bin/sh "$NSRUN" -r
	expect "$m: \$SHELL=/bin/sh runs as -sh" 0 "-sh"
	run_in 'echo $0; id -u' "$m" env SHELL=/bin/bash "$NSRUN" -r
	expect "$m: \$SHELL=/bin/bash runs as -bash, in the namespace" 0 "-bash
0"
	run_in 'echo $0; exit 5' "$m" env SHELL=/bin/sh "$NSRUN" -rf
	expect "$m: shell with --fork, its status" 5 "-sh"
	NS_STDIN=/dev/null
	run_as "$m" env SHELL=/nonexistent/sh "$NSRUN" -r
	expect_err "$m: \$SHELL that does not exist: 127" 127 \
		"^nsrun: failed to execute /nonexistent/sh: No such file or directory\$"
	run_as "$m" env SHELL=/etc/passwd "$NSRUN" -r
	expect_err "$m: \$SHELL not executable: 126" 126 \
		"^nsrun: failed to execute /etc/passwd: Permission denied\$"
	# no $SHELL: the passwd shell of the uid the program runs as: root's
	# under -r, the caller's own under -c (root: bash, nobody: nologin)
	pwshell=$(getent passwd 0 | cut -d: -f7)
	run_in 'echo $0' "$m" env -u SHELL "$NSRUN" -r
	expect "$m: no \$SHELL, -r: root's passwd shell as a login shell" 0 "-${pwshell##*/}"
	# a uid without a passwd entry: /bin/sh
	run_in 'echo $0; id -u' "$m" env -u SHELL "$NSRUN" --map-user=54321 --map-group=54321
	expect "$m: no \$SHELL, uid without a passwd entry: /bin/sh" 0 "-sh
54321"
	pwshell=$(getent passwd "$(mode_uid "$m")" | cut -d: -f7)
	run_in 'echo $0' "$m" env -u SHELL "$NSRUN" -c
	if [ "$pwshell" = /usr/sbin/nologin ]; then
		expect "$m: no \$SHELL, -c: the caller's passwd shell, nologin" 1 \
			"This account is currently not available."
	else
		expect "$m: no \$SHELL, -c: the caller's passwd shell" 0 "-${pwshell##*/}"
	fi
}

case_env() {
	local m=$1
	run_as "$m" env FOO=1 "$NSRUN" --clear-env env
	expect "$m: --clear-env: empty environment" 0 ""
	run_as "$m" env FOO=1 "$NSRUN" -rf --clear-env env
	expect "$m: --clear-env with -rf" 0 ""
	run_as "$m" env -i FOO=1 BAR=two BAZ=3 "$NSRUN" -r --whitelist-env=FOO,BAR env
	OUT=$(printf '%s\n' "$OUT" | sort)
	expect "$m: --whitelist-env keeps the listed variables only" 0 "BAR=two
FOO=1"
	run_as "$m" env -i FOO=1 PATH=/usr/bin:/bin "$NSRUN" -r --whitelist-env PATH,NOTSET env
	expect "$m: --whitelist-env skips unset names" 0 "PATH=/usr/bin:/bin"
	run_as "$m" env -i FOO=1 "$NSRUN" -r --whitelist-env=BAR env
	expect "$m: --whitelist-env of nothing set: empty" 0 ""
	run_as "$m" env -i FOO=1 BAR=2 "$NSRUN" -r env
	OUT=$(printf '%s\n' "$OUT" | sort)
	expect "$m: environment passes unchanged by default" 0 "BAR=2
FOO=1"
	run_as "$m" env FOO=1 "$NSRUN" -r --clear-env id -u
	expect "$m: --clear-env: program found without PATH" 0 "0"
}

# a tiny root: /bin/sh and its libraries
make_root() {
	local R=$T/root f
	mkdir -p "$R"
	for f in /bin/sh $(ldd /bin/sh | grep -o '/[^ ]*'); do
		mkdir -p "$R$(dirname "$f")"
		cp -L "$f" "$R$f"
	done
	mkdir -p "$R/sub/dir"
	touch "$R/nsutils-marker"
	chmod -R a+rX "$R"
}

case_root_wd() {
	local m=$1
	differ "$m" "-R / -w /tmp" -r -R / -w /tmp pwd
	differ "$m" "-R alone: cwd becomes /" -r -R / pwd
	differ "$m" "-w alone" -r -w /usr pwd
	differ "$m" "long options --root --wd" -r --root=/ --wd=/usr/share pwd
	run_as "$m" "$NSRUN" -r pwd
	expect "$m: no -R/-w: cwd kept" 0 "$T"
	run_as "$m" "$NSRUN" -r -R "$T/root" /bin/sh -c 'echo $PWD; echo *'
	expect "$m: -R DIR: the program sees DIR as /" 0 "/
bin lib lib64 nsutils-marker sub"
	differ "$m" "-R DIR" -r -R "$T/root" /bin/sh -c 'echo *'
	run_as "$m" "$NSRUN" -r -R "$T/root" -w /sub/dir /bin/sh -c 'pwd; cd ..; echo *'
	expect "$m: -R DIR -w D: D inside the new root" 0 "/sub/dir
dir"
	run_as "$m" "$NSRUN" -r -R "$T/root" /bin/id
	expect_err "$m: -R: programs are looked up in the new root" 127 \
		"^nsrun: failed to execute /bin/id: No such file or directory\$"
	differ "$m" "-R to a missing directory" -r -R /nonexistent true
	run_as "$m" "$NSRUN" -r -R /nonexistent true
	expect_err "$m: -R to a missing directory" 1 \
		"^nsrun: cannot change root directory to '/nonexistent': No such file or directory\$"
	differ "$m" "-w to a missing directory" -r -w /nonexistent true
	run_as "$m" "$NSRUN" -r -w /nonexistent true
	expect_err "$m: -w to a missing directory" 1 \
		"^nsrun: cannot change directory to /nonexistent: No such file or directory\$"
	run_as "$m" "$NSRUN" -r -R "$T/root" -w /nonexistent true
	expect_err "$m: -w resolved inside the new root" 1 \
		"^nsrun: cannot change directory to /nonexistent: No such file or directory\$"
	if [ "$m" = user ]; then
		differ "$m" "-R without a user namespace" -R / true
		run_as "$m" "$NSRUN" -R / true
		expect_err "$m: -R without a user namespace" 1 \
			"^nsrun: cannot change root directory to '/': Operation not permitted\$"
	else
		run_as "$m" "$NSRUN" -R "$T/root" /bin/sh -c 'echo *'
		expect "$m: -R without a user namespace as root" 0 \
			"bin lib lib64 nsutils-marker sub"
	fi
}

make_root
for_each_mode case_not_found
for_each_mode case_not_executable
for_each_mode case_status
for_each_mode case_shell
for_each_mode case_env
for_each_mode case_root_wd
ns_done
