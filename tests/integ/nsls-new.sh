#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# What nsls does beyond lsns 2.38, checked against the lsns(8) page of the
# newest util-linux and scols-filter(5): namespaces held by a bind mount
# alone (-P), by an open fd, by a socket; owners without a process;
# --filter; --list-columns; the exclusive options; and the extra columns
# NAME, UIDMAP, GIDMAP and CAPS. Then nsls under a churn of short-lived
# namespaced processes. The namespaces are made in a PID and mount namespace
# of the test's own, so the listing holds nothing else.

. "$(dirname "$0")/../lib.sh"
ns_setup

LSNS=${LSNS:-/usr/bin/lsns}
# the sandbox scripts call both tools by these
export NSLS LSNS

cat >"$T/inner.sh" <<'EOS'
#!/bin/bash
# Inside the sandbox: make the namespaces, then list them every way asked.
set -u
out=$1
cd "$out" || exit 1
ino() { stat -Lc %i "$1"; }
wait_ns() {
	local n=100
	while [ $n -gt 0 ]; do
		[ "$(readlink "/proc/$1/ns/$2" 2>/dev/null)" != "$(readlink /proc/self/ns/$2)" ] &&
			[ -n "$(readlink "/proc/$1/ns/$2" 2>/dev/null)" ] && return 0
		sleep 0.05
		n=$((n - 1))
	done
	echo "holder $1 never entered its $2 namespace" >&2
	exit 1
}

# held by a bind mount alone: a net namespace whose user namespace (its
# owner) nothing holds but the net namespace itself
unshare -r -n sleep 600 </dev/null &
p=$!
wait_ns $p net
: >pnet
mount --bind /proc/$p/ns/net pnet || exit 1
echo "$(ino pnet) $(ino /proc/$p/ns/user)" >persist.ids
kill $p
wait $p

# held by fd 7 of this shell alone
unshare -u sleep 600 </dev/null &
p=$!
wait_ns $p uts
exec 7</proc/$p/ns/uts
ino /proc/$p/ns/uts >fd.ids
kill $p
wait $p

# held by fd 8 alone, opened through a bind mount that is gone since: the
# fd's link reads "/" (lsns 2.41 and later list such a namespace)
unshare -n sleep 600 </dev/null &
p=$!
wait_ns $p net
: >bfd
mount --bind /proc/$p/ns/net bfd || exit 1
exec 8<bfd
umount -l bfd || exit 1
ino /proc/$p/ns/net >bfd.ids
kill $p
wait $p

# held by a socket alone: made in a new net namespace, whose holder then
# moves on to another one
python3 -c '
import ctypes, os, socket, sys, time
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000
if libc.unshare(CLONE_NEWNET) != 0:
    sys.exit("unshare: " + os.strerror(ctypes.get_errno()))
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
ino = os.stat("/proc/self/ns/net").st_ino
if libc.unshare(CLONE_NEWNET) != 0:
    sys.exit("unshare: " + os.strerror(ctypes.get_errno()))
with open("sock.ids", "w") as f:
    f.write("%d %d\n" % (ino, os.stat("/proc/self/ns/net").st_ino))
time.sleep(600)
' </dev/null &
p=$!
n=100
while [ ! -s sock.ids ] && [ $n -gt 0 ]; do
	sleep 0.05
	n=$((n - 1))
done

# names: /run/netns (ip-netns(8)) and root's nsrun sessions in /run/nsutils
# (a session "red" of a uts namespace, laid out as nsrun makes it), on a
# tmpfs that only this mount namespace sees
unshare -n -u sleep 600 </dev/null &
h=$!
wait_ns $h net
wait_ns $h uts
mount -t tmpfs tmpfs /run || exit 1
mkdir -p /run/netns /run/nsutils/red
chmod 700 /run/nsutils /run/nsutils/red
: >/run/netns/blue
: >/run/netns/green
echo uts >/run/nsutils/red/types
: >/run/nsutils/red/uts
mount --bind /proc/$h/ns/net /run/netns/blue &&
	mount --bind /proc/$h/ns/net /run/netns/green &&
	mount --bind /proc/$h/ns/uts /run/nsutils/red/uts || exit 1
echo "$(ino /proc/$h/ns/net) $(ino /proc/$h/ns/uts) $h" >named.ids

# an id map of several ranges, where the caller may write one
unshare -U sleep 600 </dev/null &
m=$!
wait_ns $m user
# the kernel takes a map in one write(2), which cat does for a small file
printf '0 100000 10\n10 200000 5\n' >uid_map.txt
cat uid_map.txt >/proc/$m/uid_map 2>/dev/null && echo "0 300000 7" >/proc/$m/gid_map 2>/dev/null &&
	echo "$(ino /proc/$m/ns/user)" >maps.ids

# NETNSID: a veth pair from a throwaway net namespace into H's gives H's
# namespace an id there; lsns and nsls must agree
unshare -n bash -c "ip link add v0 type veth peer name v1 netns $h &&
	\"\$NSLS\" -l -r -t net -o NS,NETNSID >netnsid.nsls &&
	\"\$LSNS\" -l -r -t net -o NS,NETNSID >netnsid.lsns" 2>netnsid.err

# NETNSID of namespaces without a process, one held by a bind mount (pnet)
# and one by fd 8 alone: each named under /run/netns for as long as a
# throwaway net namespace, acting as the host, gives it an id (what
# ip-netns(8) "set" does); lsns 2.42 asks through the nsfs file it found
: >/run/netns/pn
: >/run/netns/pf
mount --bind pnet /run/netns/pn && mount -c --bind /proc/self/fd/8 /run/netns/pf || exit 1
unshare -n bash -c 'ip netns set pn 117 && ip netns set pf 118 &&
	"$NSLS" -l -r -n -t net -o NS,NETNSID >netnsid-noproc.nsls &&
	"$NSLS" -l -r -n -o NS -Q "NETNSID == '"'117'"'" >netnsid-filter.nsls' 2>netnsid-noproc.err
umount /run/netns/pn /run/netns/pf && rm /run/netns/pn /run/netns/pf || exit 1

i=0
while IFS= read -r line; do
	eval "set -- $line"
	"$NSLS" "$@" >"$i.out" 2>"$i.err"
	echo $? >"$i.rc"
	i=$((i + 1))
done <"$2"
echo done >finished
EOS
chmod 755 "$T/inner.sh"

# The runs, one a line; results in DIR/N.{out,err,rc}.
cat >"$T/cases" <<'EOF'
-l -r -n -o NS,TYPE,NPROCS,PID,NSFS,ONS
-P -l -r -n -o NS,TYPE,NPROCS,PID
--persistent -J -o NS,TYPE,NPROCS,PID,USER,COMMAND
-l -r -n -o NS,TYPE -Q 'TYPE == "net"'
-l -r -n -o NS,TYPE -t net
-l -r -n -o NS,NPROCS -Q 'NPROCS > 1'
-l -r -n -o NS,NPROCS
-l -r -n -o NS,TYPE,PID -Q 'TYPE =~ "^u" and not (PID == 1)'
-l -r -n -o NS,TYPE,PID
-l -r -n -o NS -Q 'NPROCS == 0'
-l -r -n -o NS,TYPE -Q '(TYPE eq "user" OR TYPE == "uts") AND NPROCS ge 1'
-l -r -n -o NS -Q 'NAME'
-l -r -n -W -o NS,NAME -Q 'NAME'
-l -r -n -o NS,NAME -Q 'NAME'
-Q 'FOO == 1'
-Q 'TYPE =='
-Q '(TYPE == "net"'
-Q 'TYPE =~ 5'
-l -r -n -o NS -Q 'TYPE !~ "^(net|user|uts|mnt|pid|ipc|cgroup|time)$"'
-l -r -n -o TYPE -Q 'NS == NS && PID == "1" && PNS == 0'
-H
-J -H
-r -H
-l -T
-P -p 1
-T=owner -J -o NS,TYPE,NPROCS
-l -r -n -o NS,TYPE,UIDMAP,GIDMAP
-l -r -n -o NS,TYPE,CAPS
-J -o NS,NAME,UIDMAP,GIDMAP,CAPS
-l -r -n -o NS,TYPE -t user -Q 'UIDMAP =~ ","'
-H -J
-H -r
EOF

# out MODE N: stdout of case N
out() { cat "$T/tmp/$1/$2.out"; }
rc() { cat "$T/tmp/$1/$2.rc"; }
err() { cat "$T/tmp/$1/$2.err"; }

# expect_case MODE N DESC RC STDOUT
expect_case() {
	if [ "$(rc "$1" "$2")" != "$4" ] || [ "$(out "$1" "$2")" != "$5" ]; then
		not_ok "$1: $3"
		diag "status $(rc "$1" "$2") (wanted $4)" "stdout: $(out "$1" "$2")" \
			"stderr: $(err "$1" "$2")" "wanted stdout: $5"
		return 1
	fi
	ok "$1: $3"
}

# expect_err_case MODE N DESC MESSAGE: status 1, that one line on stderr
expect_err_case() {
	if [ "$(rc "$1" "$2")" != 1 ] || [ "$(err "$1" "$2")" != "$4" ] ||
		[ -n "$(out "$1" "$2")" ]; then
		not_ok "$1: $3"
		diag "status $(rc "$1" "$2")" "stderr: $(err "$1" "$2")" "wanted: $4"
		return 1
	fi
	ok "$1: $3"
}

case_new() {
	local m=$1 dir=$T/tmp/$1 all
	rm -rf "$dir"
	mkdir -p "$dir"
	chmod 777 "$dir"
	run_sandbox "$m" "$T/inner.sh" "$dir" "$T/cases"
	if [ ! -e "$dir/finished" ]; then
		not_ok "$m: sandbox ran"
		diag "status $RC" "stderr: $ERR"
		return 1
	fi
	ok "$m: sandbox ran"
	local pnet puser futs snet sown hnet huts h maps
	read -r pnet puser <"$dir/persist.ids"
	read -r futs <"$dir/fd.ids"
	read -r snet sown <"$dir/sock.ids"
	read -r hnet huts h <"$dir/named.ids"
	all=$(out "$m" 0)

	# -P: without processes, held by a mount, an fd, a socket, or owning one
	check "$m: a namespace held by a bind mount alone is listed, NSFS its path" \
		grep -qx "$pnet net 0  $dir/pnet $puser" <<<"$all"
	check "$m: its owner, held by nothing else, is listed" \
		grep -q "^$puser user 0  " <<<"$all"
	check "$m: a namespace held by an open fd alone is listed" \
		grep -q "^$futs uts 0  " <<<"$all"
	check "$m: a namespace held by a socket alone is listed" \
		grep -q "^$snet net 0  " <<<"$all"
	check "$m: a namespace held by an fd opened through a bind mount alone is listed" \
		grep -q "^$(cat "$dir/bfd.ids") net 0  " <<<"$all"
	expect_case "$m" 1 "-P lists exactly the namespaces without processes" 0 \
		"$(awk '$3 == 0 {print $1, $2, $3, ""}' <<<"$all")"
	# five since the namespace held through a bind mount's fd counts too
	check "$m: -P: five of them" [ "$(out "$m" 1 | wc -l)" -eq 5 ]
	check "$m: --persistent -J: null pid and command, the owner's user" python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))["namespaces"]
r = [x for x in rows if x["ns"] == int(sys.argv[2])][0]
assert r["nprocs"] == 0 and r["pid"] is None and r["command"] is None, r
assert r["user"] == "root", r
' "$dir/2.out" "$pnet"

	# --filter, against the same listing filtered here
	expect_case "$m" 3 "-Q 'TYPE == \"net\"' is -t net" 0 "$(out "$m" 4)"
	expect_case "$m" 5 "-Q 'NPROCS > 1'" 0 "$(awk '$2 > 1' <<<"$(out "$m" 6)")"
	expect_case "$m" 7 "-Q with =~, and, not" 0 \
		"$(awk '$2 ~ /^u/ && $3 != 1' <<<"$(out "$m" 8)")"
	expect_case "$m" 9 "-Q 'NPROCS == 0' is -P" 0 "$(out "$m" 1 | cut -d' ' -f1)"
	expect_case "$m" 10 "-Q with parentheses, OR, AND, eq, ge" 0 \
		"$(awk '($2 == "user" || $2 == "uts") && $3 >= 1 {print $1, $2}' <<<"$all")"
	# the session "red" is root's, and nsls names the caller's sessions
	# only: for anyone else the uts namespace has no name
	local named="$huts" red="$huts red"
	if [ "$m" != root ]; then
		named=$hnet red=$hnet
	fi
	expect_case "$m" 11 "-Q 'NAME': a bare column is true when not empty" 0 \
		"$(printf '%s\n' "$named" "$hnet" | sort -nu)"
	expect_case "$m" 12 "NAME -W: names joined by ','" 0 \
		"$(printf '%s\n' "$red" "$hnet blue,green" | sort -n | grep -vx "$hnet")"
	expect_case "$m" 13 "NAME -r: names joined by ',' as -r implies -W" 0 \
		"$(printf '%s\n' "$red" "$hnet blue,green" | sort -n | grep -vx "$hnet")"
	expect_err_case "$m" 14 "-Q: unknown column" "nsls: unknown column: FOO"
	# lsns 2.42 words a filter it cannot parse 'failed to parse "EXPR": why'
	expect_err_case "$m" 15 "-Q: missing operand" \
		"nsls: failed to parse \"TYPE ==\": unexpected end of expression"
	expect_err_case "$m" 16 "-Q: missing ')'" "nsls: failed to parse \"(TYPE == \"net\"\": missing ')'"
	expect_err_case "$m" 17 "-Q: =~ wants a string" \
		"nsls: failed to parse \"TYPE =~ 5\": the right side of =~ and !~ must be a string"
	expect_case "$m" 18 "-Q with !~ matching nothing" 0 ""
	expect_case "$m" 19 "-Q compares a column with itself, a number column with a string" 0 \
		"$(awk '$3 == 1 {print $2}' <<<"$(out "$m" 8)")"

	# --list-columns
	check "$m: -H succeeds" [ "$(rc "$m" 20)" = 0 ] && [ -z "$(err "$m" 20)" ]
	check "$m: -H names the 13 columns of lsns and UIDMAP GIDMAP NAME CAPS" [ \
		"$(out "$m" 20 | awk '{print $1}' | tr '\n' ' ')" = \
		"NS TYPE PATH NPROCS PID PPID COMMAND UID USER NETNSID NSFS PNS ONS UIDMAP GIDMAP NAME CAPS " ]
	check "$m: -H: types" grep -qE '^ +NPROCS +<integer> +number of processes in the namespace$' \
		"$dir/20.out"
	check "$m: -J -H" python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))["lsns-columns"]
assert [r["holder"] for r in rows][:2] == ["NS", "TYPE"], rows
assert rows[0]["type"] == "<integer>" and rows[1]["type"] == "<string>", rows
' "$dir/21.out"
	check "$m: -r -H" grep -qx 'TYPE <string> kind\\x20of\\x20namespace' "$dir/22.out"
	# -J and -r count wherever they stand, as lsns parses every option first
	check "$m: -H -J is -J -H" cmp -s "$dir/21.out" "$dir/30.out"
	check "$m: -H -r is -r -H" cmp -s "$dir/22.out" "$dir/31.out"

	expect_err_case "$m" 23 "-l and -T are exclusive" \
		"nsls: mutually exclusive arguments: --list --tree"
	expect_err_case "$m" 24 "-P and -p are exclusive" \
		"nsls: mutually exclusive arguments: --persistent --task"

	check "$m: -T=owner: the bound net namespace below its process-less owner" python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))["namespaces"]
def find(rows, ns):
    for r in rows:
        if r["ns"] == ns:
            return r
        c = find(r.get("children", []), ns)
        if c:
            return c
u = find(rows, int(sys.argv[3]))
assert u and u["nprocs"] == 0, u
assert [c["ns"] for c in u.get("children", [])] == [int(sys.argv[2])], u
' "$dir/25.out" "$pnet" "$puser"

	# id maps, compact
	local maps_line self_user
	self_user=$(awk '$2 == "user" && $3 == 1 {print $1; exit}' <<<"$(out "$m" 8)")
	if [ "$m" = root ]; then
		maps_line="$self_user user 0:0:4294967295 0:0:4294967295"
	else
		maps_line="$self_user user 0:$NOBODY_UID:1 0:$NOBODY_GID:1"
	fi
	check "$m: UIDMAP and GIDMAP of the sandbox's user namespace" \
		grep -qx "$maps_line" "$dir/26.out"
	if [ "$m" = root ]; then
		maps=$(cat "$dir/maps.ids" 2>/dev/null)
		check "$m: UIDMAP of several ranges joined by ','" \
			grep -qx "$maps user 0:100000:10,10:200000:5 0:300000:7" "$dir/26.out"
		check "$m: -Q on UIDMAP" grep -qx "$maps user" "$dir/29.out"
	else
		# nobody's sandbox maps one id: no map of several ranges to write
		check "$m: no map of several ranges" [ ! -s "$dir/maps.ids" ]
		check "$m: -Q on UIDMAP matches nothing" [ ! -s "$dir/29.out" ]
	fi
	check "$m: id maps only for user namespaces" \
		[ -z "$(awk '$2 != "user" && NF > 2' "$dir/26.out")" ]

	# capabilities: all in what the caller's namespace owns or the
	# caller created; as root on the host, what its effective set holds
	local caps_self
	if [ "$m" = root ]; then
		# the test runs as the same root as the sandbox
		caps_self=some
		[ "$(printf '%d' "0x$(awk '/^CapEff:/ {print $2}' /proc/self/status)")" -eq \
			$(((1 << ($(cat /proc/sys/kernel/cap_last_cap) + 1)) - 1)) ] && caps_self=all
	else
		caps_self=all
	fi
	check "$m: CAPS over the sandbox's own namespaces: $caps_self" \
		grep -qx "$self_user user $caps_self" "$dir/27.out"
	check "$m: CAPS: all over a user namespace the caller made (no process in it)" \
		grep -qx "$puser user all" "$dir/27.out"
	check "$m: CAPS: over a net namespace, those held in its owner" \
		grep -qx "$hnet net $caps_self" "$dir/27.out"
	check "$m: -J with the extra columns" python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))["namespaces"]
r = [x for x in rows if x["ns"] == int(sys.argv[2])][0]
assert r["name"] == "blue\ngreen" and r["caps"] == sys.argv[3] and r["uidmap"] is None, r
' "$dir/28.out" "$hnet" "$caps_self"

	# NETNSID of a namespace given an id, as lsns shows it
	check "$m: NETNSID the same as lsns for an assigned id" \
		[ -s "$dir/netnsid.nsls" ] && cmp -s "$dir/netnsid.nsls" "$dir/netnsid.lsns"
	check "$m: NETNSID of the veth peer's namespace is a number" \
		grep -qE "^$hnet [0-9]+$" "$dir/netnsid.nsls"
	check "$m: NETNSID of a namespace held by a bind mount alone" \
		grep -qx "$pnet 117" "$dir/netnsid-noproc.nsls"
	check "$m: NETNSID of a namespace held by an fd alone" \
		grep -qx "$(cat "$dir/bfd.ids") 118" "$dir/netnsid-noproc.nsls"
	check "$m: -Q \"NETNSID == '117'\" selects it" [ "$(cat "$dir/netnsid-filter.nsls")" = "$pnet" ]
}

# Processes come and go (each in new namespaces) while nsls reads /proc:
# the ones that vanish are skipped, never an error.
case_churn() {
	local m=$1 i bad=0 loops=() args
	for i in 1 2; do
		spawn_as "$m" bash -c 'while :; do unshare -rn -u true; done'
		loops+=("$BG_PID")
	done
	for i in $(seq 1 8); do
		for args in "" "--output-all" "-T=owner -o +PNS,ONS,CAPS" "-t net -o +NETNSID" \
			"-J -o +UIDMAP,NAME"; do
			# shellcheck disable=SC2086
			run_as "$m" "$NSLS" $args
			if [ "$RC" -ne 0 ] || [ -n "$ERR" ]; then
				bad=1
				diag "nsls $args: status $RC, stderr: $ERR"
			fi
		done
	done
	for i in "${loops[@]}"; do
		kill_tree "$i"
		wait "$i" 2>/dev/null
	done
	check "$m: a churn of short-lived processes: every run succeeds, silently" [ $bad -eq 0 ]
}

for_each_mode case_new
for_each_mode case_churn
ns_done
