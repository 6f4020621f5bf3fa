/* SPDX-License-Identifier: ISC */
/*
 * The clock check, the first thing the TUI shows: the UTC time, large,
 * for the operator to compare with a trusted clock (a radio or GPS clock,
 * a phone's network time) before anything is signed, since every
 * certificate and CRL takes its dates from this machine's clock.  Typing
 * yes goes on, and the confirmation is recorded with the session at
 * login (in session.open); anything else ends the TUI so that the clock
 * can be set first.  The TUI asks whatever [room] clock says
 * (docs/assurance.md).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "tui/tui.h"

#define CLOCK_QUESTION	"Does it match your trusted clock? Type yes and " \
			"Enter to go on; anything else quits to set the clock."

/* Digits and the colon, 3x5, '#' a block. */
static const char *const glyphs[11][5] = {
	{ "###", "# #", "# #", "# #", "###" }, { " # ", "## ", " # ", " # ", "###" },
	{ "###", "  #", "###", "#  ", "###" }, { "###", "  #", "###", "  #", "###" },
	{ "# #", "# #", "###", "  #", "  #" }, { "###", "#  ", "###", "  #", "###" },
	{ "###", "#  ", "###", "# #", "###" }, { "###", "  #", "  #", "  #", "  #" },
	{ "###", "# #", "###", "# #", "###" }, { "###", "# #", "###", "  #", "###" },
	{ "   ", " # ", "   ", " # ", "   " }
};

static time_t	shown;		/* when the question was put */

/* text ("12:34:56") in blocks two columns wide, from row y. */
static void
big_text(int y, int x, const char *text)
{
	const char	*row;
	int		 g, r, c;

	for (; *text != '\0'; text++, x += 8) {
		g = *text == ':' ? 10 : *text - '0';
		if (g < 0 || g > 10)
			continue;
		for (r = 0; r < 5; r++)
			for (row = glyphs[g][r], c = 0; c < 3; c++)
				if (row[c] == '#')
					mvaddstr(y + r, x + 2 * c, "  ");
	}
}

static void
clock_answer(struct tui *t, const char *text)
{
	char	now[UTC_TEXT_MAX];

	if (strcmp(text, "yes") == 0) {
		room_clock_confirm(&t->s.clock, shown,
		    "on the TUI's clock screen");
		t->clock_ok = 1;
		return;
	}
	tui_msg(t, 1, "the clock was not confirmed (UTC time %s): set it "
	    "(date -u -s 'YYYY-MM-DD HH:MM:SS') and start again",
	    utc_text(time(NULL), now));
	t->quit = 1;
}

/* Put the question; the screen shows until it is answered. */
void
clock_ask(struct tui *t)
{
	char	msg[sizeof(t->msg)];

	/* What opening the TUI found (a token missing) stays for later. */
	memcpy(msg, t->msg, sizeof(msg));
	shown = time(NULL);
	tui_prompt(t, CLOCK_QUESTION, "", clock_answer);
	memcpy(t->msg, msg, sizeof(t->msg));
}

/* The prompt was cancelled (Esc): the same as a no. */
void
clock_cancelled(struct tui *t)
{
	clock_answer(t, "");
}

void
clock_draw(struct tui *t)
{
	char		 hms[16], date[64], now[UTC_TEXT_MAX], line[600];
	time_t		 tnow = time(NULL);
	struct tm	 tm;
	int		 x = (COLS - 62) / 2;

	gmtime_r(&tnow, &tm);
	strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	strftime(date, sizeof(date), "%A %d %B %Y", &tm);
	put_attr(0, 1, COLS - 2, A_BOLD, "Clock check: is this machine's "
	    "time right?");
	put_wrap(2, 1, COLS - 2, 2, 0, "Certificates and CRLs take their "
	    "dates from this clock. Compare it with a trusted clock (a radio "
	    "or GPS clock, a phone's network time):");
	putf(5, x, COLS - x, "UTC  %s", date);
	attron(A_REVERSE);
	big_text(7, x, hms);
	attroff(A_REVERSE);
	putf(13, x, COLS - x, "UTC time now: %s", utc_text(tnow, now));
	if (t->banner[0] != '\0') {
		snprintf(line, sizeof(line), "! %s", t->banner);
		put_wrap(15, 1, COLS - 2, 3, A_BOLD, line);
	}
}
