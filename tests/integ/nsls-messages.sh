#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Each nsls failure, its exit status and its one line on stderr, which begins
# with the words lsns of util-linux 2.42 prints for the same failure (its
# sys-utils/lsns.c and libsmartcols's filter); a hint of ours may follow.
# The cases fail before any namespace is read, or on the first row, so no
# sandbox is needed. Not here, since they cannot be made to happen: /proc
# that cannot be opened (lsns exits 1 silently; nsls says "cannot open
# /proc"), a kernel without the NS_GET_* ioctls (exit 2: "Unsupported ioctl
# NS_GET_USERNS", or with --tree=owner or parent "--tree={parent|owner} is
# unsupported for your system") and running out of memory ("failed to
# allocate filter", "failed to initialize output table", "failed to add
# line to output").

. "$(dirname "$0")/../lib.sh"
ns_setup

# status | nsls's stderr, exactly | lsns 2.42's words (for the reader) | args...
# Fields are separated by '|'; the arguments by tabs.
cases() {
	cat <<'EOT'
1|nsls: failed to parse "COMMAND =~ "(["": Invalid regular expression|failed to parse "%s": <regerror(3) text>|-Q	COMMAND =~ "(["
1|nsls: failed to parse "COMMAND !~ "(a"": Unmatched ( or \(|failed to parse "%s": <regerror(3) text>|-Q	COMMAND !~ "(a"
1|nsls: failed to parse "TYPE =~ "[[:foo:]]" or NS > 1": Invalid character class name|failed to parse "%s": <regerror(3) text>|-Q	TYPE =~ "[[:foo:]]" or NS > 1
1|nsls: unknown column: FOO|unknown column: %s|-o	FOO
1|nsls: too many columns specified, the limit is 33 columns|too many columns specified, the limit is %zu columns|-o	NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS,NS
1|nsls: invalid PID argument: 'abc'|invalid PID argument: '%s'|-p	abc
1|nsls: unknown namespace type: foo|unknown namespace type: %s|-t	foo
1|nsls: unknown tree type: foo|unknown tree type: %s|--tree=foo
1|nsls: mutually exclusive arguments: --json --raw|mutually exclusive arguments: --json --raw|-J	-r
1|nsls: mutually exclusive arguments: --persistent --task|mutually exclusive arguments: --persistent --task|-P	-p	1
1|nsls: mutually exclusive arguments: --list --tree|mutually exclusive arguments: --list --tree|-l	-T
1|nsls: --task is mutually exclusive with <namespace>|--task is mutually exclusive with <namespace>|-p	1	4026531836
1|nsls: invalid namespace argument: 'abc'|invalid namespace argument: '%s'|abc
1|nsls: not found namespace: 1|not found namespace: %ju|1
1|nsls: unknown column: FOO|unknown column: %s (then: failed to initialize filter)|-Q	FOO == 1
1|nsls: failed to parse "TYPE ==": unexpected end of expression|failed to parse "%s": <bison's syntax error>|-Q	TYPE ==
1|nsls: failed to parse "(TYPE == "net"": missing ')'|failed to parse "%s": <bison's syntax error>|-Q	(TYPE == "net"
1|nsls: failed to apply filter: Invalid argument|failed to apply filter: %m|-Q	TYPE == 1
1|nsls: failed to apply filter: Invalid argument|failed to apply filter: %m (a pattern on a boolean)|-Q	not TYPE =~ "x"
EOT
}

case_messages() {
	local m=$1 rc want upstream args line
	while IFS='|' read -r rc want upstream args; do
		IFS=$'\t' read -r -a line <<<"$args"
		run_as "$m" "$NSLS" "${line[@]}"
		if [ "$RC" -ne "$rc" ] || [ "$ERR" != "$want" ]; then
			not_ok "$m: ${line[*]}"
			diag "exit status $RC (wanted $rc)" "stderr: $ERR" "wanted stderr: $want" \
				"lsns 2.42: $upstream"
			continue
		fi
		ok "$m: ${line[*]}"
	done < <(cases)
}
for_each_mode case_messages

ns_done
