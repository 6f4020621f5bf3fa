/* SPDX-License-Identifier: ISC */
/*
 * The help overlay (?, F1, or h where the screen does not use it): the
 * current screen's keys from its help list, the keys of every screen,
 * and the tasks that exist only on the command line, with why they stay
 * out of the room.  Drawn over the screen's area; Up/Down and PgUp/PgDn
 * scroll, any other key closes it.
 */
#include <curses.h>
#include <stddef.h>
#include <string.h>

#include "tui/tui.h"

static const struct key_help global_help[] = {
	{ "1-9, 0", "go to a screen (the menu's numbers); Tab the next one" },
	{ "? F1 h", "this help (h where the screen does not use it)" },
	{ "m", "every message so far, newest first, with its UTC time "
	    "(Up/Down scroll; any other key closes)" },
	{ "q", "quit (logs out and seals the audit session first)" },
	{ "Ctrl-U", "at a prompt: clears what is typed (Esc cancels it)" },
	{ NULL, NULL }
};

static const struct key_help cli_only[] = {
	{ "init", "ceremony init: the data directory is made once, before the "
	    "first ceremony, by the engineer who installs the laptop" },
	{ "token init", "ceremony token init: a token is initialised with its "
	    "SO PIN before the ceremony, not in front of the witnesses" },
	{ "db import-", "db import-openssl / db export-openssl: moving a CA "
	    "between tools is a migration, checked and rehearsed off the "
	    "ceremony's clock" },
	{ "db recover", "ceremony db recover: settles serials a crash left "
	    "reserved; a repair to run with the engineer, after db verify "
	    "names each" },
	{ "db verify", "ceremony db verify: the whole-directory check is run "
	    "before and after the ceremony (a script step, docs/scripts)" },
	{ "issue", "ceremony issue --generate-key: a software key for a "
	    "subject that cannot make one (OCSP responder); never a CA key" },
	{ "sign", "sign --inbox and --resign: batches of many requests, and "
	    "re-signing, are run from ceremony scripts (screen 0)" },
	{ "crl session", "ceremony crl session: the unattended periodic CRL "
	    "run; in the room use screen 5" },
	{ "rollover", "rollover prepare / switch / cancel: run as script "
	    "steps so each is witnessed in order (docs/rollover.md)" },
	{ "export verify", "ceremony export verify: run by the relying party "
	    "on its own machine, not by the CA" },
	{ "audit", "audit sessions / transcript: read after the ceremony to "
	    "print and sign the record; screen 7 shows the log and its chain" },
	{ "csr show", "csr show / csr check: for the requester's side and "
	    "scripts; screen 3 shows the same decoding and findings" },
	{ NULL, NULL }
};

static struct {
	int	on;
	size_t	top;	/* first entry shown */
} hs;

void
help_open(void)
{
	hs.on = 1;
	hs.top = 0;
}

int
help_active(void)
{
	return hs.on;
}

/* The entries in order: headings have a NULL key and the heading as what. */
static size_t
help_entries(const struct screen *sc, const struct key_help **out,
    size_t max)
{
	static const struct key_help h_screen = { NULL, "Keys of this screen" },
	    h_all = { NULL, "Keys of every screen" },
	    h_cli = { NULL, "Command line only, and why" };
	const struct key_help	*lists[3] = { sc->help, global_help, cli_only };
	const struct key_help	*heads[3] = { &h_screen, &h_all, &h_cli };
	const struct key_help	*k;
	size_t			 i, n = 0;

	for (i = 0; i < 3 && n < max; i++) {
		out[n++] = heads[i];
		for (k = lists[i]; k != NULL && k->key != NULL && n < max; k++)
			out[n++] = k;
	}
	return n;
}

#define HELP_MAX	128

/* Does the screen's own list use key? (then h is the screen's) */
int
help_uses(const struct screen *sc, const char *key)
{
	const struct key_help	*k;

	for (k = sc->help; k != NULL && k->key != NULL; k++)
		if (strcmp(k->key, key) == 0)
			return 1;
	return 0;
}

void
help_key(const struct screen *sc, int ch)
{
	const struct key_help	*e[HELP_MAX];
	size_t			 n = help_entries(sc, e, HELP_MAX);

	if (ch == KEY_DOWN)
		hs.top += hs.top + 1 < n;
	else if (ch == KEY_UP)
		hs.top -= hs.top > 0;
	else if (ch == KEY_NPAGE)
		hs.top = hs.top + 10 < n ? hs.top + 10 : n - 1;
	else if (ch == KEY_PPAGE)
		hs.top = hs.top > 10 ? hs.top - 10 : 0;
	else
		hs.on = 0;
}

void
help_draw(struct tui *t, const struct screen *sc, int top, int rows)
{
	const struct key_help	*e[HELP_MAX];
	size_t			 n = help_entries(sc, e, HELP_MAX), i;
	int			 y = top + 1, w = COLS - 16, need;

	putf(top, 1, COLS - 2, "Help: %s screen (%zu of %zu)", sc->name,
	    hs.top + 1, n);
	for (i = hs.top; i < n && y < top + rows - 1; i++) {
		if (e[i]->key == NULL) {
			put_attr(y++, 1, COLS - 2, A_BOLD | A_UNDERLINE,
			    e[i]->what);
			continue;
		}
		need = wrap_lines(w, 8, e[i]->what);
		if (y + need > top + rows - 1)
			break;
		put_attr(y, 3, 12, A_BOLD, e[i]->key);
		y += put_wrap(y, 16, w, need, 0, e[i]->what);
	}
	put_attr(top + rows - 1, 1, COLS - 2, 0, i < n ?
	    "Down/PgDn more   Up/PgUp back   any other key closes" :
	    "Up/PgUp back   any other key closes");
	tui_keys(t, " ? help: any key closes   Up/Down scroll");
}
