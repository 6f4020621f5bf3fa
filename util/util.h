/* SPDX-License-Identifier: ISC */
/*
 * Small helpers every folder uses: the one-line error message that the
 * front ends print or show, secrets that are wiped after use, hex text.
 * Nothing here touches PKCS#11, the database or curses.
 */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>
#include <time.h>

#include <openssl/types.h>

#define ATTR_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* err.c */
/*
 * Core functions never print.  A failing function sets the message with
 * err_set() (naming what failed and what to do next) and returns non-zero;
 * a caller may add context in front with err_context().  The front end
 * prints err_get() once.
 */
void		 err_set(const char *, ...) ATTR_PRINTF(1, 2);
void		 err_context(const char *, ...) ATTR_PRINTF(1, 2);
void		 err_ossl(const char *, ...) ATTR_PRINTF(1, 2);
const char	*err_get(void);
int		 err_isset(void);
void		 err_clear(void);
void		 note(const char *, ...) ATTR_PRINTF(1, 2);
void		 note_quiet(int);
/* Where note()'s lines go (unescaped); NULL: stderr, escaped. */
typedef void	(*note_fn)(void *arg, const char *line);
void		 note_sink(note_fn, void *);

/* secret.c */
/*
 * A secret (PIN, SO PIN) lives in OpenSSL's secure heap (locked, not in
 * core dumps) and is wiped by secret_free().  secret_harden() turns off
 * core dumps and ptrace for the whole process; call it first in main().
 */
struct secret {
	char	*buf;	/* NUL-terminated */
	size_t	 len;
	size_t	 cap;
};
void		 secret_harden(void);
struct secret	*secret_new(size_t);
struct secret	*secret_dup(const char *, size_t);
void		 secret_free(struct secret *);
int		 secret_read_fd(int, const char *, struct secret **);
/* path, what ("user PIN"), the descriptor option to suggest ("--pin-fd") */
int		 secret_read_file(const char *, const char *, const char *,
		    struct secret **);
int		 secret_read_tty(const char *, int, struct secret **);
#define SECRET_TEXT_MAX	4096
int		 secret_read_text_fd(int, const char *, struct secret **);
int		 secret_read_text_file(const char *, const char *,
		    const char *, struct secret **);

/* escape.c */
/*
 * Text that reaches a person or a record line: control characters as \t \n
 * \r \xHH.  ESC_BACKSLASH doubles backslashes too (the text can be read
 * back: the database, findings); ESC_TERMINAL escapes C1 controls
 * (U+0080..U+009F) and bytes that are not UTF-8 as well, for a terminal;
 * ESC_LAYOUT leaves tabs and newlines (text laid out in lines and columns).
 */
#include <stdio.h>
#define ESC_BACKSLASH	0x1
#define ESC_TERMINAL	0x2
#define ESC_LAYOUT	0x4
#define ESC_BYTE_MAX	4
const char	*esc_short(unsigned char);
int		 esc_is_control(unsigned char);
size_t		 esc_byte(unsigned char, char [ESC_BYTE_MAX]);
size_t		 esc_utf8_len(const unsigned char *);
size_t		 esc_len(const char *, int);
size_t		 esc_write(char *, const char *, int);
char		*esc_text(char *, size_t, const char *, int);
void		 esc_fputs(FILE *, const char *, int);

/* conf.c */
#include <openssl/conf.h>
int		 conf_self_contained(const char *what, const char *path,
		    const unsigned char *, size_t);
int		 conf_parse(const char *what, const char *path,
		    const unsigned char *, size_t, const char *doc, CONF **);
int		 conf_bool(const char *, int *);
int		 conf_list(const char *, char ***, size_t *);
void		 conf_list_free(char **, size_t);

/* file.c */
int		 file_read_small(const char *what, const char *path, size_t max,
		    unsigned char **, size_t *);
char		*file_stem(const char *);
int		 file_write_all(int, const void *, size_t, int);

/* name_text.c */
char		*name_text(const X509_NAME *);

/* utc.c */
#include <time.h>
#define UTC_TEXT_MAX	32
#define UTC_TEXT	0	/* 2026-11-23 14:05:00 UTC: messages, screens */
#define UTC_MINUTE	1	/* 2026-11-23 14:05 UTC: narrow columns */
#define UTC_DAY		2	/* 2026-11-23 */
#define UTC_ISO		3	/* 2026-11-23T14:05:00Z: audit.log, seals */
#define UTC_GENERALIZED	4	/* 20261123140500Z: index.txt */
#define UTC_STAMP	5	/* 20261123T140500Z: in file names */
#define UTC_COLUMN	6	/* 2026-11-23 14:05:00Z: db list's rows */
const char	*utc_format(time_t, int, char [UTC_TEXT_MAX]);
const char	*utc_text(time_t, char [UTC_TEXT_MAX]);
time_t		 cert_time(const ASN1_TIME *);
int		 utc_parse(const char *, time_t *);

/* tty.c */
int		 tty_ask(const char *question, char *answer, size_t len);

/* number.c */
int		 parse_long(const char *opt, const char *arg, long min,
		    long max, long *);

/* hex.c: forms, or'd */
#define HEX_LOWER	0
#define HEX_UPPER	1
#define HEX_COLON	2	/* AB:CD:..., fingerprints */
size_t		 hex_len(size_t, int);
size_t		 hex_write(char *, const unsigned char *, size_t, int);
char		*hex_encode(const unsigned char *, size_t, int);
int		 hex_digit(int, int);
int		 hex_decode(const char *, unsigned char *, size_t, size_t *);
char		*sha256_hex(const void *, size_t);

/* shares.c */
/*
 * One custodian's share of an M-of-N split of a secret (docs/assurance.md).
 * Keep it in the secure heap: M of them are the PIN.
 */
#define SHARE_N_MAX	16
#define SHARE_NAME_MAX	32
#define SHARE_QID_LEN	8
#define SHARE_BLOCK_MAX	64
struct share {
	char		 custodian[SHARE_NAME_MAX + 1];
	int		 m, n, index;		/* index 1..n */
	unsigned char	 qid[SHARE_QID_LEN];	/* the quorum, random */
	char		 qidhex[2 * SHARE_QID_LEN + 1];
	unsigned char	 data[SHARE_BLOCK_MAX];
	size_t		 len;
	char		 source[128];		/* "share file F", for errors */
};
int		 share_name_ok(const char *);
int		 shares_split(const struct secret *, int m, int n,
		    const char *const *custodians,
		    const unsigned char qid[SHARE_QID_LEN], struct share *);
int		 share_fits(const struct share *, size_t);
int		 shares_combine(const struct share *, size_t,
		    struct secret **);
char		*share_format(const struct share *);
void		 share_qid_hex(struct share *);
int		 share_decode(const char *custodian, const char *code,
		    const char *what, struct share *);
int		 share_parse(const char *text, const char *what,
		    struct share *);

#endif
