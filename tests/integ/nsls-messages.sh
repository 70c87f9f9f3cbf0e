#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Each nsls failure, its exit status and its one line on stderr, which begins
# with the words lsns of util-linux 2.42 prints for the same failure (its
# sys-utils/lsns.c and libsmartcols's filter); a hint of ours may follow.
# Every case fails before any namespace is read, so no sandbox is needed.

. "$(dirname "$0")/../lib.sh"
ns_setup

# status | nsls's stderr, exactly | lsns 2.42's words (for the reader) | args...
# Fields are separated by '|'; the arguments by tabs.
cases() {
	cat <<'EOT'
1|nsls: failed to parse "COMMAND =~ "(["": Invalid regular expression|failed to parse "%s": <regerror(3) text>|-Q	COMMAND =~ "(["
1|nsls: failed to parse "COMMAND !~ "(a"": Unmatched ( or \(|failed to parse "%s": <regerror(3) text>|-Q	COMMAND !~ "(a"
1|nsls: failed to parse "TYPE =~ "[[:foo:]]" or NS > 1": Invalid character class name|failed to parse "%s": <regerror(3) text>|-Q	TYPE =~ "[[:foo:]]" or NS > 1
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
