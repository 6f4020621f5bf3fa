/* SPDX-License-Identifier: ISC */
/*
 * ceremony script check FILE | run FILE | status FILE: a ceremony script
 * (docs/scripts.md) on the command line.  check reads everything the
 * steps will use and reports every finding without a token; run checks
 * again, then runs each step after the operator confirms it on the
 * terminal (or, for a script's own scripts, --yes), and stops at the
 * first step that fails; status shows where a run stands.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ceremony/cli/cli.h"
#include "ceremony/policy/policy.h"
#include "ceremony/script/script.h"
#include "ceremony/session/session.h"

/* The data directory if there is one yet: an initial root's may not. */
static int
script_db(struct session *s, int required)
{
	struct stat	sb;

	if (!required && stat(s->home, &sb) == -1 && errno == ENOENT)
		return 0;
	return session_open_db(s);
}

static void
print_steps(const struct script *sc, const struct script_progress *p)
{
	size_t	i;

	printf("script %s\n  %-10s %s\n  %-10s %s\n", sc->path, "title",
	    sc->title != NULL ? sc->title : "-", "SHA-256", sc->sha256);
	for (i = 0; i < sc->n; i++) {
		printf("  %2zu %-12s %-16s %s", i + 1, sc->v[i].name,
		    sc->v[i].action_name != NULL ? sc->v[i].action_name : "?",
		    sc->v[i].title != NULL ? sc->v[i].title : "");
		if (p != NULL && p->state[i] != SS_PENDING)
			printf("\n     %s %s: %s",
			    script_state_name(p->state[i]), p->when[i],
			    p->detail[i]);
		printf("\n");
	}
}

/*
 * Read and check: 0 when the script may run, 1 when it has errors (all
 * printed), 2 when it cannot be read at all.
 */
static int
script_load_checked(struct session *s, const char *path, int need_db,
    struct script **sc, struct script_progress *p)
{
	struct findings	f;
	int		rc = 2;

	memset(&f, 0, sizeof(f));
	memset(p, 0, sizeof(*p));
	if (script_load(path, sc, &f) != 0)
		goto out;
	rc = 1;
	if (script_db(s, need_db) != 0 || (s->db != NULL &&
	    script_progress_read(s->db, *sc, p) != 0))
		goto out;
	script_check(*sc, s->db, p->next, &f);
	print_steps(*sc, p);
	if (p->next > 0)
		printf("steps 1 to %zu are done: checked from step %zu\n",
		    p->next, p->next + 1);
	if (f.n > 0) {
		printf("findings:\n");
		findings_print(stdout, &f);
	}
	if (f.errors > 0) {
		err_set("script %s has %zu error%s: fix them before the "
		    "ceremony; nothing was run", path, f.errors,
		    f.errors == 1 ? "" : "s");
		goto out;
	}
	rc = 0;
out:
	findings_free(&f);
	return rc;
}

static int
script_args(struct session *s, const char *name, int argc, char **argv,
    const struct cmd_opt *local, const char **path)
{
	int	r;

	if ((r = cmd_options(s, name, argc, argv, local)) != 0)
		return r;
	if (optind != argc - 1) {
		err_set("%s takes one FILE: see ceremony %s --help", name,
		    name);
		return 1;
	}
	*path = argv[optind];
	return 0;
}

int
cmd_script_check(int argc, char **argv)
{
	struct session		 s;
	struct script		*sc = NULL;
	struct script_progress	 p;
	const char		*path;
	int			 rc;

	session_init(&s);
	if ((rc = script_args(&s, "script check", argc, argv, NULL,
	    &path)) != 0)
		return rc < 0 ? 0 : cmd_fail(&s);
	if ((rc = script_load_checked(&s, path, 0, &sc, &p)) == 0)
		printf("script %s is ready: %zu steps checked; nothing was "
		    "run\n", path, sc->n);
	else {
		fflush(stdout);
		fprintf(stderr, "ceremony: %s\n", err_get());
	}
	script_free(sc);
	session_close(&s);
	return rc;
}

/* Before the login: a run without --yes needs someone at a terminal. */
static int
tty_there(void)
{
	FILE	*tty;

	if ((tty = fopen("/dev/tty", "r+e")) == NULL) {
		err_set("no terminal to confirm the steps on: run the script "
		    "in the TUI (ceremony tui --script FILE), or give --yes");
		return 1;
	}
	fclose(tty);
	return 0;
}

/* "yes" typed on the terminal: the operator's word for one step. */
static int
confirm_tty(size_t i, const struct script *sc)
{
	FILE	*tty;
	char	 line[64] = "";
	int	 ok;

	if ((tty = fopen("/dev/tty", "r+e")) == NULL) {
		err_set("no terminal to confirm step %zu on: run the script in "
		    "the TUI, or give --yes", i + 1);
		return 1;
	}
	fprintf(tty, "run step %zu [%s]? type yes to run it, anything else "
	    "stops the script: ", i + 1, sc->v[i].name);
	fflush(tty);
	ok = fgets(line, sizeof(line), tty) != NULL &&
	    strcmp(line, "yes\n") == 0;
	fclose(tty);
	if (!ok) {
		err_set("step %zu [%s] not confirmed: the script stopped "
		    "before it; run it again to resume there", i + 1,
		    sc->v[i].name);
		return 1;
	}
	return 0;
}

static void
print_out(const struct script_out *o)
{
	size_t	i;

	for (i = 0; i < o->n; i++)
		printf("  %s\n", o->line[i]);
	if (o->f.n > 0)
		findings_print(stdout, &o->f);
}

/* From the next step to the end, or to the first that fails. */
static int
script_steps_run(struct session *s, const struct script *sc,
    struct script_progress *p, int yes)
{
	struct script_out	o;
	size_t			i;
	int			rc = 0;

	memset(&o, 0, sizeof(o));
	for (i = p->next; i < sc->n && rc == 0; i++) {
		printf("step %zu/%zu [%s] %s%s%s\n", i + 1, sc->n,
		    sc->v[i].name, sc->v[i].action_name,
		    sc->v[i].title != NULL ? ": " : "",
		    sc->v[i].title != NULL ? sc->v[i].title : "");
		fflush(stdout);
		if (!yes && confirm_tty(i, sc) != 0)
			return 1;
		rc = script_step_run(s, sc, p, i, &o);
		print_out(&o);
		script_out_clear(&o);
		if (rc != 0)
			err_context("script stopped at step %zu [%s]; fix the "
			    "cause and run the script again to resume there",
			    i + 1, sc->v[i].name);
	}
	return rc;
}

int
cmd_script_run(int argc, char **argv)
{
	struct session		 s;
	struct script		*sc = NULL;
	struct script_progress	 p;
	const char		*path, *yes = NULL, *retry = NULL;
	const struct cmd_opt	 local[] = {
		{ "yes", 0, &yes },
		{ "retry", 0, &retry },
		{ NULL, 0, NULL }
	};
	int			 rc;

	session_init(&s);
	if ((rc = script_args(&s, "script run", argc, argv, local,
	    &path)) != 0)
		return rc < 0 ? 0 : cmd_fail(&s);
	if ((rc = script_load_checked(&s, path, 1, &sc, &p)) != 0)
		goto out;
	rc = 1;
	if (yes == NULL && tty_there() != 0)
		goto out;
	if (script_begin(&s, sc, &p, retry != NULL, yes != NULL ?
	    "each step confirmed by --yes" : "each step confirmed on the "
	    "terminal") != 0 || script_steps_run(&s, sc, &p, yes != NULL) != 0)
		goto out;
	printf("script %s: all %zu steps done\n", path, sc->n);
	rc = 0;
out:
	if (rc != 0) {
		fflush(stdout);
		fprintf(stderr, "ceremony: %s\n", err_get());
	}
	script_free(sc);
	session_close(&s);
	return rc;
}

int
cmd_script_status(int argc, char **argv)
{
	struct session		 s;
	struct script		*sc = NULL;
	struct script_progress	 p;
	struct findings		 f;
	const char		*path;
	int			 rc;

	memset(&f, 0, sizeof(f));
	session_init(&s);
	if ((rc = script_args(&s, "script status", argc, argv, NULL,
	    &path)) != 0)
		return rc < 0 ? 0 : cmd_fail(&s);
	rc = 1;
	if (script_load(path, &sc, &f) != 0 || session_open_db(&s) != 0 ||
	    script_progress_read(s.db, sc, &p) != 0)
		goto out;
	print_steps(sc, &p);
	if (p.next == sc->n)
		printf("all %zu steps done\n", sc->n);
	else
		printf("next: step %zu [%s] (%s)\n", p.next + 1,
		    sc->v[p.next].name, script_state_name(p.state[p.next]));
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "ceremony: %s\n", err_get());
	findings_free(&f);
	script_free(sc);
	session_close(&s);
	return rc;
}
