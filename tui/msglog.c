/* SPDX-License-Identifier: ISC */
/*
 * The message log: every message the TUI gave (tui_msg, tui_err, a note
 * from the core, each change of the warnings banner) with its UTC time
 * and severity, the last MSGLOG_MAX of them, in memory only.  The foot
 * shows the newest over a few lines; m opens them all as an overlay over
 * the screen's area, newest first, so an officer can read again what
 * scrolled away or was longer than the foot.  Up/Down and PgUp/PgDn
 * scroll, any other key closes it (as the help overlay, help.c).
 *
 * The text is kept as given: what a requester wrote arrives here already
 * escaped, and put_attr escapes any control character left when painting.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "tui/tui.h"

#define MSGLOG_MAX	500
#define ENTRY_LINES_MAX	24	/* the most one entry takes in the overlay */

struct entry {
	time_t		 when;
	int		 sev;		/* SEV_* */
	unsigned	 repeat;	/* given again at once, n more times */
	char		*text;
};

static struct {
	struct entry	 v[MSGLOG_MAX];
	size_t		 n;		/* kept, at most MSGLOG_MAX */
	size_t		 next;		/* where the next one goes */
	int		 on;		/* the overlay is open */
	size_t		 top;		/* first entry shown, 0 the newest */
} ml;

/* The k-th newest entry (0: the newest). */
static struct entry *
entry_at(size_t k)
{
	return &ml.v[(ml.next + MSGLOG_MAX - 1 - k) % MSGLOG_MAX];
}

/*
 * One more message.  The same text again at once (the loop's "stopping
 * once the token operation ends" at every turn) counts on its entry
 * rather than pushing the others out.  Out of memory it is dropped: the
 * foot still shows it.
 */
void
msglog_add(int sev, const char *text)
{
	struct entry	*e;
	char		*copy;

	if (text[0] == '\0')
		return;
	if (ml.n > 0 && (e = entry_at(0))->sev == sev &&
	    strcmp(e->text, text) == 0) {
		e->repeat++;
		e->when = time(NULL);
		return;
	}
	if ((copy = strdup(text)) == NULL)
		return;
	e = &ml.v[ml.next];
	free(e->text);
	e->text = copy;
	e->sev = sev;
	e->repeat = 0;
	e->when = time(NULL);
	ml.next = (ml.next + 1) % MSGLOG_MAX;
	if (ml.n < MSGLOG_MAX)
		ml.n++;
}

void
msglog_free(void)
{
	size_t	i;

	for (i = 0; i < MSGLOG_MAX; i++)
		free(ml.v[i].text);
	memset(&ml, 0, sizeof(ml));
}

void
msglog_open(void)
{
	ml.on = 1;
	ml.top = 0;
}

int
msglog_active(void)
{
	return ml.on;
}

void
msglog_key(int ch)
{
	size_t	last = ml.n > 0 ? ml.n - 1 : 0;

	if (ch == KEY_DOWN)
		ml.top += ml.top < last;
	else if (ch == KEY_UP)
		ml.top -= ml.top > 0;
	else if (ch == KEY_NPAGE)
		ml.top = ml.top + 5 < last ? ml.top + 5 : last;
	else if (ch == KEY_PPAGE)
		ml.top = ml.top > 5 ? ml.top - 5 : 0;
	else
		ml.on = 0;
}

static const char *
sev_word(int sev)
{
	return sev == SEV_ERROR ? "error" : sev == SEV_WARN ? "warning" :
	    "info";
}

/* One entry from y, in at most room lines: the lines it took, 0 when it
 * does not fit (unless it is the first, which shows what fits). */
static int
entry_draw(const struct entry *e, int y, int room, int first)
{
	char	when[UTC_TEXT_MAX], head[48], text[1200];
	int	w = COLS - 18, need;

	snprintf(text, sizeof(text), "%s", e->text);
	if (e->repeat > 0)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
		    " (%u more times)", e->repeat);
	need = wrap_lines(w, ENTRY_LINES_MAX, text);
	if (need > room) {
		if (!first)
			return 0;
		need = room;
	}
	/* "2026-11-23 14:05:00Z": the date is the ceremony's, once. */
	snprintf(head, sizeof(head), "%.8s %s",
	    utc_format(e->when, UTC_COLUMN, when) + 11, sev_word(e->sev));
	put_attr(y, 1, 16, attr_of(e->sev) | A_BOLD, head);
	return put_wrap_more(y, 18, w, need, 0, text, "scroll: more");
}

void
msglog_draw(struct tui *t, int top, int rows)
{
	size_t	k;
	int	y = top + 1, h, last = top + rows - 1;

	putf(top, 1, COLS - 2, "Messages, newest first, times in UTC (%zu "
	    "of %zu)", ml.n > 0 ? ml.top + 1 : 0, ml.n);
	if (ml.n == 0)
		put(y, 3, COLS - 4, "no messages yet");
	for (k = ml.top; k < ml.n && y < last; k++) {
		if ((h = entry_draw(entry_at(k), y, last - y, k == ml.top)) == 0)
			break;
		y += h;
	}
	put_attr(last, 1, COLS - 2, 0, k < ml.n ?
	    "Down/PgDn older   Up/PgUp newer   any other key closes" :
	    "Up/PgUp newer   any other key closes");
	tui_keys(t, " m messages: any other key closes   Up/Down scroll");
}
