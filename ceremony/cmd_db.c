/* SPDX-License-Identifier: ISC */
/*
 * ceremony db list: the current state of every certificate in the index,
 * filtered by status, serial prefix or subject text.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ceremony/ceremony.h"

struct db_filter {
	const char	*status;
	const char	*serial;
	const char	*subject;
};

static int
db_filter_match(const struct db_filter *f, const struct db_record *r)
{
	if (f->status != NULL && strchr(f->status, r->status) == NULL)
		return 0;
	if (f->serial != NULL &&
	    strncasecmp(r->serial, f->serial, strlen(f->serial)) != 0)
		return 0;
	if (f->subject != NULL && (r->subject == NULL ||
	    strcasestr(r->subject, f->subject) == NULL))
		return 0;
	return 1;
}

static void
db_print_record(const struct db_record *r)
{
	struct tm	tm;
	char		na[32] = "-";

	if (r->not_after != 0 && gmtime_r(&r->not_after, &tm) != NULL)
		strftime(na, sizeof(na), "%Y-%m-%d", &tm);
	printf("%c  %-40s  %-10s  %3d  %-16s  %s\n", r->status, r->serial, na,
	    r->generation, r->profile, r->subject != NULL ? r->subject : "");
}

int
cmd_db_list(int argc, char **argv)
{
	struct session		 s;
	struct db_filter	 f = { NULL, NULL, NULL };
	const struct cmd_opt	 local[] = {
		{ "status", 1, &f.status },
		{ "serial", 1, &f.serial },
		{ "subject", 1, &f.subject },
		{ NULL, 0, NULL }
	};
	size_t			 i, n, shown = 0;
	int			 r;

	session_init(&s);
	if ((r = cmd_options(&s, "db list", argc, argv, local)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (opt_no_args("db list", argc, argv) != 0)
		return cmd_fail(&s);
	if (f.status != NULL && strspn(f.status, "PVRX") != strlen(f.status)) {
		err_set("--status takes letters of P, V, R, X");
		return cmd_fail(&s);
	}
	if (session_open_db(&s) != 0)
		return cmd_fail(&s);
	printf("S  %-40s  %-10s  %3s  %-16s  %s\n", "serial", "not after",
	    "gen", "profile", "subject");
	n = db_index_count(s.db);
	for (i = 0; i < n; i++)
		if (db_filter_match(&f, db_index_at(s.db, i))) {
			db_print_record(db_index_at(s.db, i));
			shown++;
		}
	printf("%zu of %zu certificates\n", shown, n);
	session_close(&s);
	return 0;
}

int
cmd_db_show(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	err_set("db show is not finished yet");
	return 1;
}
