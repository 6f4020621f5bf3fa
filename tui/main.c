/* SPDX-License-Identifier: ISC */
/*
 * ceremony tui: the loop.  One place paints everything (status bar, menu,
 * the current screen, the prompt, the message and the keys) from state,
 * so a resize is handled here once: the next paint fits the new size.
 * Keys go to the prompt if one is open, else to the menu or the screen.
 * A long token operation runs on a worker thread while the loop turns a
 * spinner and ignores every key but resize, so it cannot start twice.
 * SIGINT and SIGTERM end the loop (after the running operation, so nothing
 * is half-written) and the terminal is restored on the way out.
 */
#include <errno.h>
#include <locale.h>
#include <pthread.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "tui/tui.h"

#define TICK_MS			200

static const struct screen *const screens[] = {
	&screen_token, &screen_root, &screen_sign, &screen_revoke,
	&screen_crl, &screen_db, &screen_audit, &screen_export,
	&screen_rollover, &screen_script, NULL
};

static volatile sig_atomic_t	stop;
static size_t			cur;	/* the screen shown */
static unsigned			ticks;	/* turns the spinner */
static pthread_t		main_thread;	/* the loop's */

/* The prompt at the foot of the screen, when one is open. */
static struct {
	int		 active;
	int		 masked;
	char		 question[256];
	char		 word[32];	/* a confirmation's word, "" if none */
	struct field	 f;
	struct secret	*pin;		/* masked: typed straight in here */
	prompt_fn	 done;
	prompt_pin_fn	 pin_done;
	void		(*confirm_done)(struct tui *);
} pr;

/* The worker thread of a long operation. */
static struct {
	int		 running;
	pthread_t	 th;
	atomic_int	 finished;
	int		(*work)(void *);
	void		*arg;
	int		 rc;
	char		 err[1024];	/* its err_get(): errors are per thread */
	char		 what[160];
	time_t		 started;
	void		(*done)(struct tui *, int);
} wk;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/*
 * The terminal hung up.  SIGHUP goes to the session leader, which may be
 * a shell that ignores it and waits for us: then all we see is end of
 * file at every read, and a loop that would spin forever on it.  Treated
 * as SIGHUP: stop (once the token operation ends) and seal the session.
 */
static int
terminal_gone(void)
{
	struct pollfd	pfd = { STDIN_FILENO, POLLIN, 0 };

	return poll(&pfd, 1, 0) == 1 &&
	    (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

void
tui_msg(struct tui *t, int error, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(t->msg, sizeof(t->msg), fmt, ap);
	va_end(ap);
	t->msg_error = error;
	msglog_add(error ? SEV_ERROR : SEV_OK, t->msg);
}

/* The core's one-line error, after what was being done. */
void
tui_err(struct tui *t, const char *what)
{
	tui_msg(t, 1, "%s: %s", what, err_get());
	err_clear();
}

void
tui_prompt(struct tui *t, const char *question, const char *initial,
    prompt_fn done)
{
	t->msg[0] = '\0';
	memset(&pr, 0, sizeof(pr));
	pr.active = 1;
	snprintf(pr.question, sizeof(pr.question), "%s", question);
	snprintf(pr.f.buf, sizeof(pr.f.buf), "%s", initial);
	pr.f.len = strlen(pr.f.buf);
	pr.done = done;
}

void
tui_prompt_pin(struct tui *t, const char *question, prompt_pin_fn done)
{
	tui_prompt(t, question, "", NULL);
	if ((pr.pin = secret_new(256)) == NULL) {
		pr.active = 0;
		tui_msg(t, 1, "no secure memory for the PIN");
		return;
	}
	pr.masked = 1;
	pr.pin_done = done;
}

void
tui_confirm(struct tui *t, const char *question, const char *word,
    void (*done)(struct tui *))
{
	tui_prompt(t, question, "", NULL);
	snprintf(pr.word, sizeof(pr.word), "%s", word);
	pr.confirm_done = done;
}

static void
prompt_close(void)
{
	secret_free(pr.pin);
	OPENSSL_cleanse(&pr.f, sizeof(pr.f));
	memset(&pr, 0, sizeof(pr));
}

/* A key of the masked field: into the secure heap, nowhere else. */
static int
prompt_pin_key(int ch)
{
	if (ch == TUI_ENTER || ch == KEY_ENTER || ch == '\r')
		return 1;
	if (ch == TUI_ESC)
		return -1;
	if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		if (pr.pin->len > 0)
			pr.pin->buf[--pr.pin->len] = '\0';
		return 0;
	}
	if (ch == TUI_CTRL_U) {
		OPENSSL_cleanse(pr.pin->buf, pr.pin->len);
		pr.pin->len = 0;
		return 0;
	}
	if (ch >= 32 && ch < 127 && pr.pin->len + 1 < pr.pin->cap) {
		pr.pin->buf[pr.pin->len++] = (char)ch;
		pr.pin->buf[pr.pin->len] = '\0';
	}
	return 0;
}

static void
prompt_key(struct tui *t, int ch)
{
	struct secret	*pin;
	prompt_pin_fn	 pin_done = pr.pin_done;
	prompt_fn	 done = pr.done;
	void		(*confirm)(struct tui *) = pr.confirm_done;
	char		 text[sizeof(pr.f.buf)], word[sizeof(pr.word)];
	int		 r;

	r = pr.masked ? prompt_pin_key(ch) : field_key(&pr.f, ch);
	if (r == 0)
		return;
	if (r < 0) {
		prompt_close();
		tui_msg(t, 0, "cancelled: nothing was done");
		return;
	}
	if (pr.masked) {
		/* The callback owns the PIN now and must free it. */
		pin = pr.pin;
		pr.pin = NULL;
		prompt_close();
		pin_done(t, pin);
		return;
	}
	memcpy(text, pr.f.buf, sizeof(text));
	memcpy(word, pr.word, sizeof(word));
	prompt_close();
	if (confirm == NULL) {
		done(t, text);
		return;
	}
	if (strcmp(text, word) != 0) {
		tui_msg(t, 1, "you typed \"%s\", not %s: nothing was done "
		    "(press the key again to retry)", text, word);
		return;
	}
	confirm(t);
}

static void *
worker_main(void *arg)
{
	(void)arg;
	wk.rc = wk.work(wk.arg);
	if (wk.rc != 0)
		snprintf(wk.err, sizeof(wk.err), "%s", err_get());
	atomic_store(&wk.finished, 1);
	return NULL;
}

/*
 * Start a long operation.  Signals stay with the main thread (the worker
 * blocks them), so SIGINT waits for the token to finish.
 */
int
tui_run(struct tui *t, const char *what, int (*work)(void *), void *arg,
    void (*done)(struct tui *, int))
{
	sigset_t	all, old;
	int		e;

	if (wk.running)
		return 1;
	memset(&wk, 0, sizeof(wk));
	wk.work = work;
	wk.arg = arg;
	wk.done = done;
	wk.started = time(NULL);
	snprintf(wk.what, sizeof(wk.what), "%s", what);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	e = pthread_create(&wk.th, NULL, worker_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0) {
		tui_msg(t, 1, "cannot start %s: %s", what, strerror(e));
		return 1;
	}
	wk.running = 1;
	t->msg[0] = '\0';
	return 0;
}

/* The worker has finished: its error back in this thread, then done(). */
static void
worker_finish(struct tui *t)
{
	pthread_join(wk.th, NULL);
	wk.running = 0;
	if (wk.rc != 0)
		err_set("%s", wk.err);
	wk.done(t, wk.rc);
	status_refresh(t, 1);
}

static void
draw_menu(int y)
{
	size_t	i, w = 7;
	int	x = 0;
	char	item[32];

	/* Too wide for the terminal: each hotkey against its name. */
	for (i = 0; screens[i] != NULL; i++)
		w += strlen(screens[i]->name) + 3;
	for (i = 0; screens[i] != NULL; i++) {
		snprintf(item, sizeof(item), w > (size_t)COLS ? "%c%s" :
		    "%c %s", screens[i]->hotkey, screens[i]->name);
		put_attr(y, x + 1, COLS - x - 1, i == cur ? A_REVERSE : 0,
		    item);
		x += (int)strlen(item) + 1;
	}
	put(y, x + 1, COLS - x - 1, "q Quit");
	mvhline(y + 1, 0, ACS_HLINE, COLS);
}

/* The prompt: two lines of question, one of input, above the message. */
static void
draw_prompt(int msg_lines)
{
	char	shown[300];
	size_t	i;
	int	y = LINES - 4 - msg_lines;

	mvhline(y - 1, 0, ACS_HLINE, COLS);
	for (i = 0; i < 3; i++) {
		move(y + (int)i, 0);
		clrtoeol();
	}
	put_wrap(y, 0, COLS, 2, A_BOLD, pr.question);
	if (pr.masked) {
		for (i = 0; i < pr.pin->len && i < sizeof(shown) - 1; i++)
			shown[i] = '*';
		shown[i] = '\0';
	} else
		snprintf(shown, sizeof(shown), "%s", pr.f.buf);
	put(y + 2, 0, 2, "> ");
	put(y + 2, 2, COLS - 3, shown);
	curs_set(1);
	move(y + 2, 2 + (pr.masked ? (int)strlen(shown) : text_width(shown)));
}

/* The message as the foot shows it. */
static void
foot_text(struct tui *t, char *line, size_t len)
{
	static const char	spin[] = "|/-\\";

	line[0] = '\0';
	if (wk.running)
		snprintf(line, len, "%c %s (%lds): please wait, "
		    "keys are ignored until it is done", spin[ticks % 4],
		    wk.what, (long)(time(NULL) - wk.started));
	else if (t->msg[0] != '\0')
		snprintf(line, len, "%s%s", t->msg_error ? "error: " : "",
		    t->msg);
}

/* The message over as many lines as it needs (a long path must be read
 * whole), two at the least and MSG_LINES_MAX at the most (an export's
 * two paths take four at 80 columns); a longer one
 * ends with "m: all messages" (the log has it whole). */
#define MSG_LINES_MAX	4
static int
foot_lines(const char *line)
{
	int	n = wrap_lines(COLS, MSG_LINES_MAX, line);

	return n < 2 ? 2 : n;
}

static void
draw_foot(struct tui *t, const char *line, int nlines)
{
	put_wrap_more(LINES - 1 - nlines, 0, COLS, nlines,
	    wk.running || t->msg_error ? A_BOLD : 0, line, MSGLOG_MORE);
}

static void
draw_all(struct tui *t)
{
	char	foot[1200];
	int	rows, msg_lines, banner, top;

	erase();
	curs_set(0);
	if (LINES < 24 || COLS < 80) {
		putf(0, 0, COLS, "The terminal is %dx%d: make it at least "
		    "80x24.", COLS, LINES);
		refresh();
		return;
	}
	if (!t->clock_ok) {
		/* Nothing else until the clock is confirmed (clock.c). */
		clock_draw(t);
		if (pr.active)
			draw_prompt(2);
		refresh();
		return;
	}
	banner = status_draw(t);
	if (banner < 1)
		banner = 1;
	top = 3 + banner;
	draw_menu(1 + banner);
	/* Status 1 line, warnings 1 to 3, menu 2, the message (2 to 4),
	 * keys 1; a prompt takes 4.  The screen paints only its rows. */
	foot_text(t, foot, sizeof(foot));
	msg_lines = foot_lines(foot);
	rows = LINES - 1 - top - msg_lines - (pr.active ? 4 : 0);
	t->rows = rows;
	if (msglog_active())
		msglog_draw(t, top, rows);
	else if (help_active())
		help_draw(t, screens[cur], top, rows);
	else
		screens[cur]->draw(t, top, rows);
	draw_foot(t, foot, msg_lines);
	if (pr.active)
		draw_prompt(msg_lines);
	refresh();
}

/* Keys shown at the foot; a screen's draw paints them. */
void
tui_keys(struct tui *t, const char *keys)
{
	(void)t;
	move(LINES - 1, 0);
	clrtoeol();
	put_attr(LINES - 1, 0, COLS, A_REVERSE, keys);
}

static int
read_key(void)
{
	wint_t	wc;
	int	r;

	r = get_wch(&wc);
	if (r == ERR)
		return ERR;
	if (r == OK && wc >= KEY_MIN)
		return (int)wc | TUI_WCHAR_HIGH;
	return (int)wc;
}

static void
tui_key(struct tui *t, int ch)
{
	size_t	i;

	if (!t->clock_ok) {
		prompt_key(t, ch);
		if (!pr.active && !t->clock_ok && !t->quit)
			clock_cancelled(t);
		return;
	}
	if (pr.active) {
		prompt_key(t, ch);
		return;
	}
	if (msglog_active()) {
		msglog_key(ch);
		return;
	}
	if (help_active()) {
		help_key(screens[cur], ch);
		return;
	}
	/* No screen uses m (their help lists say so: tui_help.t). */
	if (ch == 'm') {
		msglog_open();
		return;
	}
	if (ch == '?' || ch == KEY_F(1) ||
	    (ch == 'h' && !help_uses(screens[cur], "h"))) {
		help_open();
		return;
	}
	if (ch == 'q' || ch == 'Q') {
		t->quit = 1;
		return;
	}
	for (i = 0; screens[i] != NULL; i++)
		if (ch == screens[i]->hotkey) {
			cur = i;
			t->msg[0] = '\0';
			screens[cur]->init(t);
			return;
		}
	if (ch == '\t') {
		cur = screens[cur + 1] != NULL ? cur + 1 : 0;
		screens[cur]->init(t);
		return;
	}
	screens[cur]->key(t, ch);
}

static void
tui_loop(struct tui *t)
{
	int	ch;

	while (!t->quit) {
		if (wk.running && atomic_load(&wk.finished))
			worker_finish(t);
		if (stop && !wk.running)
			break;
		if (stop)
			tui_msg(t, 1, "stopping once the token operation ends");
		status_refresh(t, 0);
		draw_all(t);
		if ((ch = read_key()) == ERR) {
			ticks++;
			if (terminal_gone())
				stop = 1;
			continue;
		}
		if (ch == KEY_RESIZE) {
			/* The one place a resize is handled: repaint all. */
			clearok(curscr, TRUE);
			continue;
		}
		if (wk.running)
			continue;	/* nothing starts twice */
		tui_key(t, ch);
	}
}

/* A key that asks for its PIN at every use cannot ask through curses. */
static int
tui_pin_again(void *arg, struct secret **pin)
{
	(void)arg;
	*pin = NULL;
	err_set("this key asks for the PIN at every use "
	    "(CKA_ALWAYS_AUTHENTICATE): use it from the command line");
	return 1;
}

/* Open the data directory's token, its context-specific PIN refused. */
int
tui_token_open(struct tui *t)
{
	if (session_open_token(&t->s) != 0)
		return 1;
	hsm_set_pin_cb(t->s.hsm, tui_pin_again, t);
	return 0;
}

static int
tui_open(struct tui *t, const char *script)
{
	struct tmpl	*root = NULL;

	/* The clock is confirmed on the clock screen, never on the tty. */
	t->s.ask = NULL;
	/* The signing screen lists the first template folder there is. */
	if ((t->templates = tmpl_path_dir()) == NULL)
		t->templates = "templates";
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		err_set("the TUI needs a terminal: use the subcommands "
		    "(ceremony --help) in scripts");
		return 1;
	}
	if (t->s.pin.file != NULL || t->s.pin.fd != -1) {
		err_set("the TUI asks for the PIN itself (masked): leave out "
		    "--pin-file and --pin-fd");
		return 1;
	}
	/* The request intake first: forked before the token is opened. */
	if (intake_start(&t->s) != 0 || session_open_db(&t->s) != 0)
		return 1;
	if (crl_tmpl_load(TMPL_DEFAULT_CRL, &t->crlt) != 0 ||
	    tmpl_load(TMPL_DEFAULT_ROOT, &root) != 0)
		return 1;
	t->overlap_days = root->overlap_days;
	tmpl_free(root);
	/* A token missing now is shown on the token screen, not fatal. */
	if (tui_token_open(t) != 0)
		tui_err(t, "token");
	/* A scripted ceremony opens on its script, checked. */
	if (script != NULL) {
		if (script_screen_open(t, script) != 0)
			return 1;
		while (screens[cur] != &screen_script)
			cur++;
	}
	return 0;
}

static void
tui_close(struct tui *t)
{
	size_t	i;

	endwin();
	prompt_close();
	for (i = 0; screens[i] != NULL; i++)
		screens[i]->fini();
	crl_tmpl_free(t->crlt);
	session_close(&t->s);
	msglog_free();
}

/*
 * A note from the core, on the message line.  Only the loop's thread
 * paints it: a worker's note would race the paint, and the operation's
 * done callback says its result there anyway.
 */
static void
tui_note(void *arg, const char *line)
{
	if (pthread_equal(pthread_self(), main_thread))
		tui_msg(arg, 0, "%s", line);
}

/* The curses part of tui_main, once everything is open. */
static void
tui_curses(struct tui *t)
{
	struct sigaction	 sa;

	main_thread = pthread_self();
	note_sink(tui_note, t);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	setlocale(LC_ALL, "");
	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	timeout(TICK_MS);
	if (has_colors()) {
		/* Colour only adds to the words: every state is also said. */
		start_color();
		use_default_colors();
		init_pair(1, COLOR_RED, -1);
		init_pair(2, COLOR_YELLOW, -1);
		init_pair(3, COLOR_GREEN, -1);
	}
	status_refresh(t, 1);
	screens[cur]->init(t);
	clock_ask(t);
	tui_loop(t);
	note_sink(NULL, NULL);	/* after endwin, notes go to stderr */
	tui_close(t);
}

/*
 * The TUI on session s, its options parsed (cmd_tui.c); s is the TUI's
 * from here, closed before this returns.  1 with the message set when
 * the TUI could not start or the clock was not confirmed.
 */
int
tui_main(const struct session *s, const char *script)
{
	struct tui	t;

	memset(&t, 0, sizeof(t));
	t.s = *s;
	if (tui_open(&t, script) != 0) {
		crl_tmpl_free(t.crlt);
		session_close(&t.s);
		msglog_free();
		return 1;
	}
	tui_curses(&t);
	if (!t.clock_ok && !stop) {
		/* Its answer was not yes: the one line says what to do. */
		err_set("%s", t.msg);
		return 1;
	}
	return 0;
}
