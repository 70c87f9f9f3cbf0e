#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The README's quick start, taken from the README itself and run as written
# in a clean clone, as root and as nobody: tools/install-deps asks apt-get
# (through sudo when not root) for the package list, the build really runs,
# and the shell in new namespaces prints uid 0, PID 1 and only lo.
. "$(dirname "$0")/../lib.sh"
ns_setup

src=$NS_SOURCE_ROOT

# quick_start_commands: the indented lines of the README's Quick start
# section, one command per line, in order.
quick_start_commands() {
	awk '
		/^Quick start$/ { in_qs = 1; next }
		!in_qs { next }
		/^-+$/ { if (body) exit; next }	# the underline of the next heading
		/^    [^ ]/ { sub(/^    /, ""); print }
		/./ { body = 1 }
	' "$src/README"
}

mapfile -t cmds < <(quick_start_commands)
if [ "${#cmds[@]}" -ne 2 ]; then
	not_ok "the README's quick start has two commands"
	diag "found: ${cmds[*]}"
	ns_done
fi
ok "the README's quick start has two commands"

# the clean clone is of the last commit: what is not committed is not in it
if ! sha=$(git -C "$src" rev-parse HEAD 2>/dev/null); then
	skip "the source tree is not a git checkout"
	ns_done
fi

# Stubs earlier on PATH: dpkg-query says every package is missing, apt-get
# and sudo record their arguments (sudo then runs the rest as the caller).
mkdir -p "$T/stub" "$T/log" && chmod 1777 "$T/log"
cat >"$T/stub/dpkg-query" <<'STUB'
#!/bin/sh
exit 1
STUB
cat >"$T/stub/apt-get" <<'STUB'
#!/bin/sh
echo "apt-get $* [uid $(id -u) $DEBIAN_FRONTEND]" >>"$NS_STUB_LOG"
STUB
cat >"$T/stub/sudo" <<'STUB'
#!/bin/sh
echo "sudo $1" >>"$NS_STUB_LOG"
exec "$@"
STUB
chmod 755 "$T/stub"/*
pkgs=$(sed 's/#.*//' "$src/tools/debian-packages" | xargs)

case_quick_start() {
	local mode=$1 dir=$T/src-$1 log=$T/log/$1 want
	git clone -q --no-checkout "$src" "$dir" && git -C "$dir" checkout -q "$sha" ||
		{ not_ok "$mode: clone the source tree"; return; }
	[ "$mode" = user ] && chown -R "$(mode_uid user):$(mode_gid user)" "$dir"
	# the clone's own tree, not the test's build (LD_LIBRARY_PATH), and a
	# PATH where nobody can search every entry
	run_as "$mode" env -u LD_LIBRARY_PATH PATH="$T/stub:$PATH" NS_STUB_LOG="$log" \
		sh -c "cd '$dir' && ${cmds[0]}"
	# what the shell printed: the lines after ninja's last progress line
	local shell_out
	shell_out=$(printf '%s\n' "$OUT" | awk '/^\[[0-9]+\/[0-9]+\] / { buf = ""; next }
		{ buf = buf $0 "\n" } END { printf "%s", buf }')
	if [ "$RC" -eq 0 ] && [ "$(printf '%s\n' "$shell_out" | sed -n 1p)" = 0 ] &&
		[ "$(printf '%s\n' "$shell_out" | sed -n 2p)" = 1 ] &&
		[ "$(printf '%s\n' "$shell_out" | sed -n '3,$p' | awk '{print $1}')" = lo ]; then
		ok "$mode: quick start builds and prints uid 0, PID 1 and only lo"
	else
		not_ok "$mode: quick start builds and prints uid 0, PID 1 and only lo"
		diag "exit status $RC" "stdout: $shell_out" "stderr: $(printf '%s' "$ERR" | tail -20)"
	fi
	check "$mode: the build ran in the clone" [ -x "$dir/build/cmd/nsrun" ]
	if [ "$mode" = root ]; then
		want="apt-get update -qq [uid 0 noninteractive]
apt-get install -y -qq $pkgs [uid 0 noninteractive]"
	else
		want="sudo env
apt-get update -qq [uid $(mode_uid user) noninteractive]
sudo env
apt-get install -y -qq $pkgs [uid $(mode_uid user) noninteractive]"
	fi
	if [ "$(cat "$log" 2>/dev/null)" = "$want" ]; then
		ok "$mode: apt-get asked for the package list$([ "$mode" = user ] && echo ' through sudo')"
	else
		not_ok "$mode: apt-get asked for the package list"
		diag "got: $(cat "$log" 2>/dev/null)" "wanted: $want"
	fi
}
for_each_mode case_quick_start

# With every package installed, tools/install-deps asks for nothing (CI
# calls it on each run). Checked on the real dpkg database only when it
# holds the whole list.
if dpkg-query -W -f '${db:Status-Status}\n' $pkgs 2>/dev/null | grep -vqx installed ||
	[ "$(dpkg-query -W -f '${db:Status-Status}\n' $pkgs 2>/dev/null | wc -l)" -ne \
		"$(echo $pkgs | wc -w)" ]; then
	skip "not every package of tools/debian-packages is installed"
else
	rm -f "$T/log/again"
	mkdir -p "$T/stub2" && cp "$T/stub/apt-get" "$T/stub/sudo" "$T/stub2/"
	run_as root env PATH="$T/stub2:$PATH" NS_STUB_LOG="$T/log/again" "$src/tools/install-deps"
	check "with every package installed, apt-get is not called" \
		test "$RC" -eq 0 -a ! -e "$T/log/again"
fi

# The second command is the whole suite, which cannot run inside itself:
# it is checked to be exactly what .ci/run executes, and to be there.
ci_exec=$(sed -n 's/^exec //p' "$src/.ci/run")
check "the README's second command is what .ci/run executes" [ "$ci_exec" = "${cmds[1]}" ]
check "it is an executable file" test -f "$src/${cmds[1]}" -a -x "$src/${cmds[1]}"
check ".ci/run installs through tools/install-deps" grep -qx 'tools/install-deps' "$src/.ci/run"

ns_done
