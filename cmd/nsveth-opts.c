/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsveth's command line: options and operands, also of a --batch line, into struct nsveth_opts. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ns.h"
#include "cli.h"
#include "nsveth.h"

static char where[32];

void msg_line(size_t no)
{
	if (no)
		snprintf(where, sizeof(where), " (line %zu)", no);
	else
		where[0] = '\0';
}

const char *msg_at(void)
{
	return where;
}

/* Splits @line into words at white space; '#' starts a comment. */
int split_words(char *line, char **argv, int max)
{
	int argc = 0;
	char *s = line;

	argv[argc++] = (char *)program_name;
	for (;;) {
		s += strspn(s, " \t\r\n");
		if (!*s || *s == '#')
			break;
		if (argc == max - 1)
			return -E2BIG;
		argv[argc++] = s;
		s += strcspn(s, " \t\r\n");
		if (*s)
			*s++ = '\0';
	}
	argv[argc] = NULL;
	return argc;
}

static noreturn void usage(void)
{
	fputs("\nUsage:\n"
	      " nsveth [options] <name> <peer> <target>\n"
	      " nsveth [--netns <ns>] --delete <name>\n"
	      " nsveth [--netns <ns>] --delete-group <group>\n"
	      " nsveth [--netns <ns>] --list [--json]\n"
	      " nsveth --batch <file>|- [options]\n"
	      "\n"
	      "Create a veth pair with <peer> placed in the network namespace of <target>\n"
	      "(a name under /run/netns, a session name, a PID, or a namespace file).\n"
	      "\n"
	      "Options:\n"
	      " -a, --address <addr>[/<len>]       address of <name> (repeatable)\n"
	      " -A, --peer-address <addr>[/<len>]  address of <peer> (repeatable)\n"
	      "     --mac <mac>                    hardware address of <name>\n"
	      "     --peer-mac <mac>               hardware address of <peer>\n"
	      "     --mtu <bytes>                  MTU of <name>\n"
	      "     --peer-mtu <bytes>             MTU of <peer>\n"
	      " -m, --master <bridge>              enslave <name> to <bridge>\n"
	      "     --create-bridge                create the bridge if it does not exist\n"
	      " -g, --gateway <addr>               default route in <target> via <addr>\n"
	      " -r, --route <dst>[,via=<addr>]     route in <target> over <peer> (repeatable)\n"
	      " -u, --up                           bring both ends up\n"
	      " -l, --loopback                     bring up lo in <target>\n"
	      " -G, --group <group>                put <name> in link group <group>\n"
	      " -N, --netns <ns>                   work in network namespace <ns>, not the current one\n"
	      "\n"
	      " -d, --delete <name>                delete the pair <name> belongs to\n"
	      " -D, --delete-group <group>         delete every link of <group> in one request\n"
	      " -L, --list                         list veth pairs and where each peer lives\n"
	      " -J, --json                         use JSON output format for --list\n"
	      " -b, --batch <file>|-               create one pair per line of <file>\n"
	      "\n"
	      " -h, --help                         display this help\n"
	      " -V, --version                      display version\n"
	      "\n"
	      "See nsveth(8).\n",
	      stdout);
	exit(0);
}

enum {
	OPT_MAC = CHAR_MAX + 1,
	OPT_PEER_MAC,
	OPT_MTU,
	OPT_PEER_MTU,
	OPT_CREATE_BRIDGE,
};

static const struct option longopts[] = {
	{ "address",       required_argument, NULL, 'a'               },
	{ "peer-address",  required_argument, NULL, 'A'               },
	{ "mac",           required_argument, NULL, OPT_MAC           },
	{ "peer-mac",      required_argument, NULL, OPT_PEER_MAC      },
	{ "mtu",           required_argument, NULL, OPT_MTU           },
	{ "peer-mtu",      required_argument, NULL, OPT_PEER_MTU      },
	{ "master",        required_argument, NULL, 'm'               },
	{ "create-bridge", no_argument,       NULL, OPT_CREATE_BRIDGE },
	{ "gateway",       required_argument, NULL, 'g'               },
	{ "route",         required_argument, NULL, 'r'               },
	{ "up",            no_argument,       NULL, 'u'               },
	{ "loopback",      no_argument,       NULL, 'l'               },
	{ "group",         required_argument, NULL, 'G'               },
	{ "netns",         required_argument, NULL, 'N'               },
	{ "delete",        required_argument, NULL, 'd'               },
	{ "delete-group",  required_argument, NULL, 'D'               },
	{ "list",          no_argument,       NULL, 'L'               },
	{ "json",          no_argument,       NULL, 'J'               },
	{ "batch",         required_argument, NULL, 'b'               },
	{ "help",          no_argument,       NULL, 'h'               },
	{ "version",       no_argument,       NULL, 'V'               },
	{ NULL, 0, NULL, 0 }
};

static void add_item(const char **list, size_t *n, const char *s, const char *what)
{
	if (*n == MAX_ITEMS)
		diex("too many %s%s (at most %d)", what, msg_at(), MAX_ITEMS);
	list[(*n)++] = s;
}

/* An MTU or a link group: decimal digits, below 4294967295, which ip(8)
 * refuses as a group too. An MTU of 0 would read as none given, the
 * kernel's default silently in its place; a leading zero, which ip(8) reads
 * as octal, would name another number than the one meant. */
static uint32_t parse_number(const char *s, const char *what)
{
	uint32_t v;

	if (parse_id(s, &v) < 0 || (v == 0 && !strcmp(what, "MTU")) || (s[0] == '0' && s[1]))
		diex("invalid %s '%s'%s", what, s, msg_at());
	return v;
}

static void set_mode(struct nsveth_opts *o, enum nsveth_mode mode)
{
	if (o->mode != MODE_CREATE && o->mode != mode)
		die_usage("--delete, --delete-group, --list and --batch exclude each other");
	o->mode = mode;
}

/* Options and operands into @o; with @line (a --batch line), only the
 * options of one pair are allowed. */
void parse_args(int argc, char **argv, struct nsveth_opts *o, bool line)
{
	struct pair_opts *p = &o->pair;
	int c;

	optind = 0;
	opterr = !line;
	getopt_use_program_name(argv);
	while ((c = getopt_long(argc, argv, "a:A:m:g:r:ulG:N:d:D:LJb:hV", longopts, NULL)) != -1) {
		if (line && strchr("NdDLJbhV", c))
			diex("option not allowed in a batch line%s: %s", msg_at(),
			     argv[optind - 1]);
		switch (c) {
		case 'a':
			add_item(p->addr[NS_VETH_LOCAL], &p->naddr[NS_VETH_LOCAL], optarg, "addresses");
			break;
		case 'A':
			add_item(p->addr[NS_VETH_PEER], &p->naddr[NS_VETH_PEER], optarg, "addresses");
			break;
		case OPT_MAC:
			p->mac[NS_VETH_LOCAL] = optarg;
			break;
		case OPT_PEER_MAC:
			p->mac[NS_VETH_PEER] = optarg;
			break;
		case OPT_MTU:
			p->mtu[NS_VETH_LOCAL] = parse_number(optarg, "MTU");
			break;
		case OPT_PEER_MTU:
			p->mtu[NS_VETH_PEER] = parse_number(optarg, "MTU");
			break;
		case 'm':
			p->master = optarg;
			break;
		case OPT_CREATE_BRIDGE:
			p->create_bridge = true;
			break;
		case 'g':
			add_item(p->gateway, &p->ngateway, optarg, "gateways");
			break;
		case 'r':
			add_item(p->route, &p->nroute, optarg, "routes");
			break;
		case 'u':
			p->up = true;
			break;
		case 'l':
			p->lo = true;
			break;
		case 'G':
			p->group = parse_number(optarg, "group");
			p->has_group = true;
			break;
		case 'N':
			o->netns = optarg;
			break;
		case 'd':
			set_mode(o, MODE_DELETE);
			o->delete_name = optarg;
			break;
		case 'D':
			set_mode(o, MODE_DELETE_GROUP);
			o->delete_group = parse_number(optarg, "group");
			break;
		case 'L':
			set_mode(o, MODE_LIST);
			break;
		case 'J':
			o->json = true;
			break;
		case 'b':
			set_mode(o, MODE_BATCH);
			o->batch = optarg;
			break;
		case 'h':
			usage();
		case 'V':
			print_version();
		default:
			if (line)
				diex("invalid option in a batch line%s: %s", msg_at(),
				     argv[optind - 1]);
			die_usage(NULL);
		}
	}
	if (o->mode == MODE_CREATE) {
		/* a batch line is data: its faults take one line, no --help */
		if (argc - optind < 3 && line)
			diex("missing operand: <name> <peer> <target>%s", msg_at());
		if (argc - optind > 3 && line)
			diex("extra operand '%s'%s", argv[optind + 3], msg_at());
		if (argc - optind < 3)
			die_usage("missing operand: <name> <peer> <target>%s", msg_at());
		if (argc - optind > 3)
			die_usage("extra operand '%s'%s", argv[optind + 3], msg_at());
		p->name = argv[optind];
		p->peer = argv[optind + 1];
		p->target = argv[optind + 2];
	} else if (optind < argc) {
		die_usage("extra operand '%s'", argv[optind]);
	}
	if (o->json && o->mode != MODE_LIST)
		die_usage("--json goes with --list");
	if (p->create_bridge && !p->master)
		die_usage("--create-bridge needs --master");
}
