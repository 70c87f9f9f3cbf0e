/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsrun: run a program in new namespaces; a drop-in for unshare(1). */
#include <string.h>

#include "ns.h"
#include "cli.h"
#include "nsrun.h"

int main(int argc, char **argv)
{
	struct nsrun_opts o = {
		.propagation = NS_PROPAGATION_PRIVATE,
		.setgroups = SETGROUPS_NONE,
		.map_user = NS_ID_NONE,
		.map_group = NS_ID_NONE,
		.owner_uid = NS_ID_NONE,
		.owner_gid = NS_ID_NONE,
		.status_fd = -1,
	};
	static struct nsrun_plan plan;

	/* nsenter(1)'s interface: under that name, or asked for first */
	if (argv[0] && strcmp(basename(argv[0]), "nsenter") == 0) {
		close_stdout_atexit();
		enter_main(argc, argv, "nsenter");
	}
	if (argc > 1 && strcmp(argv[1], "--enter") == 0) {
		argv[1] = argv[0];
		close_stdout_atexit();
		enter_main(argc - 1, argv + 1, "nsrun");
	}
	program_name = "nsrun";
	hold_std_fds();
	close_stdout_atexit();
	parse_options(argc, argv, &o);
	/* --destroy and --list-names end here */
	session_dispatch(&o);
	plan_build(&plan, &o);
	plan_check(&plan);
	plan_walk(&plan);
}
