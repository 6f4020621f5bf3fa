/* SPDX-License-Identifier: ISC */
/*
 * ceremony token list: the module's slots and what their tokens say about
 * themselves (PIN tries left, locked PINs).  ceremony token init: a new
 * token in a free slot, for demonstrations and tests; both PINs come from
 * files, descriptors or the terminal (asked twice), never from argv.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/cli/cli.h"
#include "ceremony/session/session.h"

/* How a PIN stands, in words; NULL when there is nothing to say. */
static const char *
pin_words(int low, int final, int locked)
{
	if (locked)
		return "locked";
	if (final)
		return "final try left";
	if (low)
		return "few tries left";
	return NULL;
}

static void
token_state(const struct hsm_token_info *t, char *buf, size_t sz)
{
	const char	*u, *so;
	size_t		 n;

	if (!t->present) {
		snprintf(buf, sz, "no token");
		return;
	}
	if (!t->initialized) {
		snprintf(buf, sz, "not initialised (free for token init)");
		return;
	}
	n = snprintf(buf, sz, "initialised%s%s",
	    t->login_required ? ", login required" : "",
	    t->user_pin_initialized ? "" : ", user PIN not set");
	if ((u = pin_words(t->user_pin_count_low, t->user_pin_final_try,
	    t->user_pin_locked)) != NULL && n < sz)
		n += snprintf(buf + n, sz - n, ", user PIN %s", u);
	if ((so = pin_words(t->so_pin_count_low, t->so_pin_final_try,
	    t->so_pin_locked)) != NULL && n < sz)
		snprintf(buf + n, sz - n, ", SO PIN %s", so);
}

/* The module: --module, else the data directory's if there is one. */
static int
token_list_module(struct session *s, int home_given)
{
	if (s->module != NULL)
		return session_open_module(s);
	if (session_open_db(s) != 0) {
		if (home_given)
			return 1;
		err_clear();	/* no data directory: the default module */
	}
	return session_open_module(s);
}

int
cmd_token_list(int argc, char **argv)
{
	struct session		 s;
	struct hsm_token_info	*v = NULL;
	const char		*home0;
	char			 state[160];
	size_t			 n, i;
	int			 r;

	session_init(&s);
	home0 = s.home;
	if ((r = cmd_options(&s, "token list", argc, argv, NULL)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (opt_no_args("token list", argc, argv) != 0 ||
	    token_list_module(&s, s.home != home0) != 0 ||
	    hsm_tokens(s.hsm, &v, &n) != 0)
		return cmd_fail(&s);
	printf("%-10s  %-32s  %-16s  %-12s  %s\n", "slot", "label", "serial",
	    "model", "state");
	for (i = 0; i < n; i++) {
		token_state(&v[i], state, sizeof(state));
		printf("%-10lu  %-32s  %-16s  %-12s  %s\n", v[i].slot_id,
		    v[i].initialized ? v[i].label : "-",
		    v[i].serial[0] ? v[i].serial : "-",
		    v[i].model[0] ? v[i].model : "-", state);
	}
	free(v);
	session_close(&s);
	return 0;
}

/* A new PIN: from its file or descriptor, else typed twice. */
static int
new_pin(struct pin_source *p, const char *prompt, struct secret **out)
{
	if (p->file != NULL || p->fd != -1)
		return pin_read(p, out);
	return secret_read_tty(prompt, 1, out);
}

/* Both PIN sources checked before any token work. */
static int
token_init_args(struct session *s, struct pin_source *so, const char *label,
    const char *sofile, const char *sofd)
{
	if (label == NULL || *label == '\0') {
		err_set("token init needs --label L (1 to 32 characters)");
		return 1;
	}
	if (sofile != NULL && sofd != NULL) {
		err_set("give --so-pin-file or --so-pin-fd, not both");
		return 1;
	}
	so->file = sofile;
	if (sofd != NULL && pin_source_set_fd(so, sofd) != 0)
		return 1;
	if ((so->fd != -1 && so->fd == s->pin.fd) ||
	    (so->file != NULL && s->pin.file != NULL &&
	    strcmp(so->file, s->pin.file) == 0)) {
		err_set("the SO PIN and the user PIN must come from different "
		    "files or descriptors");
		return 1;
	}
	return 0;
}

int
cmd_token_init(int argc, char **argv)
{
	struct session		  s;
	struct pin_source	  so;
	struct secret		 *sopin = NULL, *pin = NULL;
	const struct hsm_token_info *t;
	const char		 *label = NULL, *sofile = NULL, *sofd = NULL;
	const struct cmd_opt	  local[] = {
		{ "label", 1, &label },
		{ "so-pin-file", 1, &sofile },
		{ "so-pin-fd", 1, &sofd },
		{ NULL, 0, NULL }
	};
	int			  r, rc = 1;

	session_init(&s);
	pin_source_init(&so, "SO PIN", "--so-pin-fd");
	if ((r = cmd_options(&s, "token init", argc, argv, local)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (opt_no_args("token init", argc, argv) != 0 ||
	    token_init_args(&s, &so, label, sofile, sofd) != 0 ||
	    session_open_module(&s) != 0)
		goto out;
	if (new_pin(&so, "new SO PIN", &sopin) != 0 ||
	    new_pin(&s.pin, "new user PIN", &pin) != 0 ||
	    hsm_token_init(s.hsm, label, sopin, pin) != 0 ||
	    hsm_token_select(s.hsm, label) != 0)
		goto out;
	t = hsm_token(s.hsm);
	printf("initialised token \"%s\" in slot %lu (serial %s)\n", t->label,
	    t->slot_id, t->serial);
	rc = 0;
out:
	secret_free(sopin);
	secret_free(pin);
	pin_source_clear(&so);
	if (rc != 0)
		return cmd_fail(&s);
	session_close(&s);
	return 0;
}
