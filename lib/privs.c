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

#include <sys/capability.h>

#include "ns.h"
#include "ns-internal.h"

static inline void cap_freep(cap_t *caps)
{
	if (*caps)
		cap_free(*caps);
}
#define _cleanup_cap_ _cleanup_(cap_freep)

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

static int caps_mask(cap_t caps, cap_flag_t flag, uint64_t *ret)
{
	int last = ns_caps_last();
	uint64_t mask = 0;

	for (cap_value_t cap = 0; cap <= last && cap < 64; cap++) {
		cap_flag_value_t v;

		if (cap_get_flag(caps, cap, flag, &v) < 0)
			return -errno;
		if (v == CAP_SET)
			mask |= 1ull << cap;
	}
	*ret = mask;
	return 0;
}

/* Sets the permitted and effective sets to exactly these masks, and the
 * inheritable set empty. */
static int caps_set(uint64_t permitted, uint64_t effective)
{
	_cleanup_cap_ cap_t caps = NULL;
	int last = ns_caps_last();

	caps = cap_init();
	if (!caps)
		return -errno;
	for (cap_value_t cap = 0; cap <= last && cap < 64; cap++) {
		if ((permitted & (1ull << cap)) &&
		    cap_set_flag(caps, CAP_PERMITTED, 1, &cap, CAP_SET) < 0)
			return -errno;
		if ((effective & (1ull << cap)) &&
		    cap_set_flag(caps, CAP_EFFECTIVE, 1, &cap, CAP_SET) < 0)
			return -errno;
	}
	if (cap_set_proc(caps) < 0)
		return -errno;
	return 0;
}

int ns_privs_permitted(uint64_t *ret)
{
	_cleanup_cap_ cap_t caps = cap_get_proc();

	if (!caps)
		return -errno;
	return caps_mask(caps, CAP_PERMITTED, ret);
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
	return caps_set(permitted, want);
}

/* Every uid and gid the real one, no capability effective, inheritable or
 * ambient, none permitted outside @keep, and no way back to uid 0. */
static int privs_verify(uid_t uid, gid_t gid, uint64_t keep)
{
	_cleanup_cap_ cap_t caps = NULL;
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	uint64_t m;
	int r;

	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return -errno;
	if (ru != uid || eu != uid || su != uid || rg != gid || eg != gid || sg != gid)
		return -EPERM;
	caps = cap_get_proc();
	if (!caps)
		return -errno;
	r = caps_mask(caps, CAP_PERMITTED, &m);
	if (r < 0)
		return r;
	if (m & ~keep)
		return -EPERM;
	r = caps_mask(caps, CAP_EFFECTIVE, &m);
	if (r < 0)
		return r;
	if (m)
		return -EPERM;
	r = caps_mask(caps, CAP_INHERITABLE, &m);
	if (r < 0)
		return r;
	if (m)
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
	r = caps_set(permitted & keep, 0);
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
