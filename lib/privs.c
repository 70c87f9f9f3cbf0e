/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* For privileged programs: standard fds, and dropping set-user-ID or file capabilities. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "ns.h"
#include "ns-internal.h"

int ns_fds_std_ensure(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		int n;

		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* open() takes the lowest free number, which is @fd: the
		 * lower ones are open by now. Not close-on-exec: these are
		 * the standard fds a program hands on. */
		/* NOLINTNEXTLINE(android-cloexec-open): a standard fd, handed on */
		n = open("/dev/null", O_RDWR | O_NOCTTY);
		if (n < 0)
			return -errno;
		if (n != fd) {
			close(n);
			return -EBADF;
		}
	}
	return 0;
}

/* Sets the permitted and effective sets to exactly these masks, and the
 * inheritable set empty. */
static int caps_set_pe(uint64_t permitted, uint64_t effective)
{
	uint64_t valid = ~0ull >> (63 - ns_caps_last());
	struct caps c = { .effective = effective & valid, .permitted = permitted & valid };

	return caps_set(&c);
}

int ns_privs_permitted(uint64_t *ret)
{
	uint64_t valid = ~0ull >> (63 - ns_caps_last());
	struct caps c;
	int r;

	r = caps_get(&c);
	if (r < 0)
		return r;
	*ret = c.permitted & valid;
	return 0;
}

int ns_privs_effective(uint64_t want)
{
	uint64_t permitted;
	int r;

	r = ns_privs_permitted(&permitted);
	if (r < 0)
		return r;
	if ((want & permitted) != want)
		return -EPERM;
	return caps_set_pe(permitted, want);
}

/* Every uid and gid the real one, no capability effective, inheritable or
 * ambient, none permitted outside @keep, and no way back to uid 0. */
static int privs_verify(uid_t uid, gid_t gid, uint64_t keep)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	struct caps c;
	int r;

	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return -errno;
	if (ru != uid || eu != uid || su != uid || rg != gid || eg != gid || sg != gid)
		return -EPERM;
	r = caps_get(&c);
	if (r < 0)
		return r;
	if ((c.permitted & ~keep) || c.effective || c.inheritable)
		return -EPERM;
	/* the proof: becoming root again must fail */
	if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
		return -EPERM;
	return 0;
}

int ns_privs_drop(uint64_t keep, enum ns_privs_origin *ret_origin)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	uint64_t permitted;
	enum ns_privs_origin origin;
	int r;

	r = ns_privs_permitted(&permitted);
	if (r < 0)
		return r;
	if (uid == 0)
		origin = NS_PRIVS_ROOT;
	else if (geteuid() == 0)
		origin = NS_PRIVS_SETUID;
	else if (permitted)
		origin = NS_PRIVS_FILECAP;
	else
		origin = NS_PRIVS_NONE;

	/* Leaving uid 0 clears the capability sets unless PR_SET_KEEPCAPS
	 * is on (capabilities(7)); it is reset by the kernel on execve(2)
	 * and by us right after. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return -errno;
	if (setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0) {
		r = -errno;
		prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
		return r;
	}
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return -errno;
	r = caps_set_pe(permitted & keep, 0);
	if (r < 0)
		return r;
	/* ambient capabilities came with Linux 4.3; without them there are
	 * none to clear */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	r = privs_verify(uid, gid, keep);
	if (r < 0)
		return r;
	if (ret_origin)
		*ret_origin = origin;
	return 0;
}

int ns_file_privileged(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	if ((st.st_mode & S_ISUID) && st.st_uid == 0)
		return 1;
	if (getxattr(path, "security.capability", NULL, 0) > 0)
		return 1;
	if (errno == ENODATA || errno == ENOTSUP)
		return 0;
	return -errno;
}
