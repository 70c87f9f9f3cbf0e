#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# nsls against util-linux lsns(8) for every option lsns 2.38 has: the same
# rows, columns, alignment, trees, JSON, errors and exit status. Both run in
# a PID namespace with its own /proc (nsls-sandbox.sh), where the only
# processes are the test's: holders of user, net, uts and pid namespaces, a
# process tree, and an nsfs bind mount. The one line masked is the listing
# tool's own process, which the <namespace> argument lists.
# Not compared, as nsls differs from 2.38 there on purpose: -p 0, which
# lsns 2.42 refuses as out of range (2.38 lists everything), and an empty
# -o name, on which lsns fails without a word and nsls says what is wrong;
# tests/hostile/nsls.sh checks both.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/nsls-lib.sh"
ns_setup

LSNS=${LSNS:-/usr/bin/lsns}
# the sandbox scripts call both tools by these
export NSLS LSNS
if [ ! -x "$LSNS" ]; then
	echo "1..0 # SKIP $LSNS not installed"
	exit 0
fi
cp "$NS_SOURCE_ROOT/tests/integ/nsls-sandbox.sh" "$T/sandbox.sh"
chmod 755 "$T/sandbox.sh"

cat >"$T/cases" <<'EOF'

-l
-r
-n
-J
-u
-W
-n -l
--output-all
-J --output-all
-r --output-all
-l --output-all
-o NS,TYPE,PATH,NPROCS,PID,PPID,COMMAND,UID,USER,NETNSID,NSFS,PNS,ONS
-o +PATH,PPID,UID
-o ns,Type,pid
-o NS,NS,TYPE
-o NSFS,NS -t net
-t user
-t net
-t net -W
-t net -J
-t net -r
-t user -t pid
-t pid -t user -l
-t mnt -t uts -t ipc -t cgroup -t time
--type=net --nowrap --noheadings
-p @H1@
-p @H2@ -J
-p @H1@ -t net
-p 999999
-T
-T=owner
-T=parent
--tree=process
--tree=owner -J
-T=parent -J
-T -o NS,TYPE,PNS,ONS
-T=parent -r -o NS,TYPE,NPROCS,PID,PNS
-l --output-all -o +PNS
--json --list --raw
@USERNS@
-l @USERNS@
-r @NETNS2@
-J @NETNS2@
-l -r @NETNS2@
-o PID,PPID,COMMAND,NPROCS,NS,TYPE @NETNS2@
-T=process @NETNS2@
-t net @NETNS2@
-o FOO
-o NS,FOO
-t foo
-t network
-p abc
-p 12x
abc
12345
-J -r
-T=foo
--tree=
-x
--nosuch
-h
EOF

# same MODE N ARGS: case N of the sandbox run compared; stderr with the
# tools' names masked; the listing tool's own line dropped.
same() {
	local m=$1 i=$2 desc=$3 dir=$T/tmp/$1 a b ea eb ra rb
	a=$(grep -v -e "$LSNS" "$dir/$i.lsns")
	b=$(grep -v -e "$NSLS" "$dir/$i.nsls")
	if [ "${desc#*-J}" != "$desc" ] || [ "${desc#*--json}" != "$desc" ]; then
		a=$(json_mask "$LSNS" <"$dir/$i.lsns")
		b=$(json_mask "$NSLS" <"$dir/$i.nsls")
	fi
	ea=$(sed -e "s|$LSNS|TOOL|g" -e 's/\blsns\b/TOOL/g' "$dir/$i.lsns.err")
	eb=$(sed -e "s|$NSLS|TOOL|g" -e 's/\bnsls\b/TOOL/g' "$dir/$i.nsls.err")
	ra=$(cat "$dir/$i.lsns.rc")
	rb=$(cat "$dir/$i.nsls.rc")
	if [ "$desc" = "-h" ]; then
		# the help texts differ by design; both succeed and print no errors
		a= b=
	fi
	if [ "$a" != "$b" ] || [ "$ea" != "$eb" ] || [ "$ra" != "$rb" ]; then
		not_ok "$m: same as lsns: '$desc'"
		diag "lsns: status $ra, stderr: $ea" "nsls: status $rb, stderr: $eb"
		diff <(printf '%s\n' "$a") <(printf '%s\n' "$b") | head -20 | sed 's/^/# /'
		return 1
	fi
	ok "$m: same as lsns: '$desc'"
}

# json_mask TOOL: the JSON on stdin, re-printed without the entries whose
# command is TOOL's own run (they nest in "children" with -T=process).
json_mask() {
	python3 -c '
import json, sys
tool = sys.argv[1]
text = sys.stdin.read()
if not text.strip():
    sys.exit(0)
def strip(rows):
    out = []
    for r in rows:
        if tool in (r.get("command") or ""):
            continue
        if "children" in r:
            r["children"] = strip(r["children"])
        out.append(r)
    return out
d = json.loads(text)
d["namespaces"] = strip(d["namespaces"])
print(json.dumps(d, indent=1))
' "$1"
}

case_diff() {
	local m=$1 dir=$T/tmp/$1 i=0 line
	rm -rf "$dir"
	mkdir -p "$dir"
	chmod 777 "$dir"
	run_sandbox "$m" "$T/sandbox.sh" "$dir" "$T/cases"
	if [ ! -e "$dir/finished" ]; then
		not_ok "$m: sandbox ran"
		diag "status $RC" "stderr: $ERR" "$(cat "$dir"/*.err 2>/dev/null)"
		return 1
	fi
	ok "$m: sandbox ran"
	while IFS= read -r line; do
		same "$m" $i "$line"
		i=$((i + 1))
	done <"$T/cases"
	# the values themselves, not only sameness
	read -r h1 h2 h3 userns netns2 <"$dir/ids"
	check "$m: H2's namespace lists its three processes" \
		[ "$(grep -c . "$dir/$(grep -nx -- '-r @NETNS2@' "$T/cases" | cut -d: -f1 |
			xargs -I{} expr {} - 1).nsls")" -ge 4 ]
	check "$m: NSFS shows the bind mount" \
		grep -q "$dir/netfile" "$dir/$(grep -nx -- '-t net' "$T/cases" | cut -d: -f1 |
			xargs -I{} expr {} - 1).nsls"
}

for_each_mode case_diff
ns_done
