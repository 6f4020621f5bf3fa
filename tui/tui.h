/* SPDX-License-Identifier: ISC */
/*
 * The terminal UI: a second front end on the same core as the command
 * line.  It builds no certificate and holds no CA logic; each screen
 * calls the core functions the cmd_*.c files call.
 *
 * A screen is state (static in its file) plus init, draw and key (ncdu):
 * draw reads the state and paints, key changes the state and paints
 * nothing.  main.c owns the loop, the resize, the signals, the status
 * bar, the prompts (PIN, typed confirmations) and the worker thread that
 * runs a long token operation while a spinner turns.
 */
#ifndef TUI_H
#define TUI_H

#include <stddef.h>
#include <time.h>

#include "ceremony/ceremony.h"
#include "ceremony/session/session.h"
#include "ceremony/policy/policy.h"
#include "ceremony/issue/issue.h"
#include "ceremony/crl/crl.h"
#include "ceremony/rollover/rollover.h"
#include "ceremony/export/export.h"
#include "ceremony/script/script.h"

/* Keys beyond the terminal's: what get_wch gave, KEY_* values as is. */
#define TUI_ESC		27
#define TUI_ENTER	'\n'
#define TUI_CTRL_U	21	/* clears a field, as in a shell */
/* A character whose code would read as a KEY_* value (U+0101..U+01FF)
 * comes with this bit set; field_key takes it off. */
#define TUI_WCHAR_HIGH	0x200000

struct tui {
	struct session	 s;
	const char	*templates;	/* folder of the .cnf files */
	struct crl_tmpl	*crlt;		/* templates/crl.cnf, for the status */
	long		 overlap_days;	/* the root template's */
	int		 generation;	/* active CA generation, 0 none */
	char		 banner[512];	/* warnings, "" when none */
	char		 banner_logged[512];	/* the last one in the log */
	time_t		 status_at;	/* when the status was last read */
	char		 msg[1024];	/* the last result or error */
	int		 msg_error;
	char		 keys[256];	/* the current screen's keys */
	int		 rows;		/* the screen's rows at the last paint:
					 * a key's page (list_move) */
	int		 quit;
	int		 clock_ok;	/* the clock check answered yes */
};

/* A text field of a prompt; UTF-8. */
struct field {
	char	buf[256];
	size_t	len;
};

/* One line of a screen's help overlay (? or F1): a key and what it does.
 * A screen's list ends with { NULL, NULL }. */
struct key_help {
	const char	*key;
	const char	*what;
};

struct screen {
	const char	*name;
	int		 hotkey;	/* '1'... selects it */
	void		(*init)(struct tui *);
	void		(*draw)(struct tui *, int top, int rows);
	void		(*key)(struct tui *, int ch);
	void		(*fini)(void);
	const struct key_help *help;	/* the overlay's lines */
};

/* main.c */
int		 tui_main(const struct session *, const char *script);
void		 tui_msg(struct tui *, int error, const char *, ...)
		    ATTR_PRINTF(3, 4);
void		 tui_err(struct tui *, const char *what);
void		 tui_keys(struct tui *, const char *);
/* Ask for a line (masked: the PIN, into the secure heap). */
typedef void	(*prompt_fn)(struct tui *, const char *text);
typedef void	(*prompt_pin_fn)(struct tui *, struct secret *);
void		 tui_prompt(struct tui *, const char *question,
		    const char *initial, prompt_fn);
void		 tui_prompt_pin(struct tui *, const char *question,
		    prompt_pin_fn);
/* A typed confirmation: done runs only if the operator typed word. */
void		 tui_confirm(struct tui *, const char *question,
		    const char *word, void (*done)(struct tui *));
/* A long operation on a worker thread; done runs on the main thread. */
int		 tui_run(struct tui *, const char *what, int (*work)(void *),
		    void *arg, void (*done)(struct tui *, int rc));
int		 tui_token_open(struct tui *);

/* help.c */
void		 help_open(void);
int		 help_active(void);
int		 help_uses(const struct screen *, const char *key);
void		 help_key(const struct screen *, int ch);
void		 help_draw(struct tui *, const struct screen *, int top,
		    int rows);

/* msglog.c: every message, newest first on m */
void		 msglog_add(int severity, const char *);
void		 msglog_free(void);
void		 msglog_open(void);
int		 msglog_active(void);
void		 msglog_key(int ch);
void		 msglog_draw(struct tui *, int top, int rows);
#define MSGLOG_MORE	"m: all messages"

/* draw.c */
void		 put(int y, int x, int width, const char *);
int		 text_width(const char *);
void		 putf(int y, int x, int width, const char *, ...)
		    ATTR_PRINTF(4, 5);
size_t		 put_attr(int y, int x, int width, int attr, const char *);
int		 put_wrap(int y, int x, int width, int nlines, int attr,
		    const char *);
int		 put_wrap_more(int y, int x, int width, int nlines, int attr,
		    const char *, const char *more);
int		 wrap_lines(int width, int max, const char *);
int		 put_hang(int y, int x, int width, int hang, int nlines,
		    int attr, const char *);
int		 hang_lines(int width, int hang, int max, const char *);
void		 list_scroll(size_t n, size_t sel, int rows, size_t *first);
int		 list_move(int ch, size_t n, size_t *sel, int rows);
void		 when_utc(time_t, char *, size_t);
int		 field_key(struct field *, int ch);
void		 lines_free(char **, size_t);
int		 lines_of(const char *text, char ***, size_t *);
int		 lines_add(char ***, size_t *, const char *, size_t);
int		 index_select(struct db *, const char *statuses,
		    const char *search, size_t **, size_t *);
/* wrapview.c: text wrapped, never cut */
struct wrap_list {
	size_t	  n;
	size_t	 *sel, *first;
	void	 *arg;
	/* Row i's text, whole (it wraps where it does not fit). */
	void	(*text)(void *arg, size_t i, char *buf, size_t len);
	/* May be NULL: colours row i painted at line y (a verdict). */
	void	(*paint)(void *arg, size_t i, int y);
	/* Columns a row's further lines are indented, its first column
	 * (the status, the sequence number) left clear. */
	int	  hang;
};
size_t		 pager_draw(int y, int x, int width, int rows, char **,
		    size_t n, size_t *top, int (*attr)(const char *));
void		 wrap_list_draw(int y, int x, int width, int rows,
		    const struct wrap_list *);
enum { SEV_OK, SEV_WARN, SEV_ERROR };
int		 attr_of(int severity);

/* clock.c */
void		 clock_ask(struct tui *);
void		 clock_cancelled(struct tui *);
void		 clock_draw(struct tui *);

/* status.c */
void		 status_refresh(struct tui *, int force);
/* At 80x24 the screens keep 9 rows or more (main.c's layout) with the
 * banner at its most, the message at its most and a prompt open. */
#define BANNER_LINES_MAX	3
int		 status_draw(struct tui *);

/* one file per screen */
extern const struct screen	screen_token, screen_root, screen_sign,
				screen_revoke, screen_crl, screen_db,
				screen_audit, screen_export, screen_rollover;

/* script.c */
extern const struct screen	screen_script;
int		 script_screen_open(struct tui *, const char *path);

/* token.c, quorum.c: the custodians' shares asked on the token screen,
 * then handed to then (a reshare); the token screen's quorum (k). */
void		 token_shares_ask(struct tui *, void (*then)(struct tui *,
		    const struct share *, size_t));
void		 token_quorum(struct tui *);

#endif
