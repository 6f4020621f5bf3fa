/* SPDX-License-Identifier: ISC */
/*
 * The types every part of the ceremony program shares: the session a
 * command works in, a certificate template, the findings of a check.
 * Each folder of ceremony/ has its own header for the rest (see
 * docs/architecture.md): cli/ and tui/ are the front ends; session/,
 * policy/, issue/, crl/, rollover/, export/, migrate/ and script/ are the
 * core, which never prints, prompts or reads options: it sets err_*()
 * and returns non-zero.
 */
#ifndef CEREMONY_H
#define CEREMONY_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include <openssl/conf.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "db/db.h"
#include "util/util.h"
#include "hsm/hsm.h"

#define CEREMONY_VERSION	"0.1.0"
#define CEREMONY_MAN_DATE	"2026-12-03"	/* of the manual pages */
#define DEFAULT_HOME		"ca"

/*
 * Where a PIN comes from: --pin-file F, --pin-fd N, M custodians' shares
 * (--share-file F, --share-fd N, repeated), or the terminal.
 */
struct pin_share {
	const char	*file;		/* NULL: fd */
	int		 fd;
};
struct pin_source {
	const char	*file;
	int		 fd;		/* -1 unless --pin-fd */
	const char	*what;		/* "user PIN", "SO PIN" */
	const char	*fdopt;		/* "--pin-fd", "--so-pin-fd" */
	struct secret	*cached;	/* what --pin-fd gave, for re-use */
	struct pin_share shares[SHARE_N_MAX];
	size_t		 nshares;
	char		 qid[2 * SHARE_QID_LEN + 1];	/* of the shares */
	char		 quorum[512];	/* who gave them, for the audit */
	int		 share_refused;	/* a share read was not one of the
					   quorum: a failed login */
};

/*
 * The operator's confirmation that the machine's clock matches a trusted
 * one (docs/assurance.md, room checks): recorded with the session.
 */
struct room_clock {
	int		 confirmed;
	time_t		 shown;		/* when the time was put to them, 0
					   when they checked it beforehand */
	time_t		 at;		/* when they confirmed it */
	const char	*how;		/* "on the TUI's clock screen", ... */
};

/*
 * A question the core puts to the person at the keyboard (the clock at
 * login), asked by the front end: 0 with answer set, -1 when there is no
 * one to ask (no message), 1 on an error (message set).
 */
typedef int (*session_ask_cb)(void *arg, const char *question, char *answer,
    size_t len);

/*
 * What a command works in: the data directory and, once logged in, the
 * token.  Options common to every command fill it; session_*() open what
 * the command needs and session_close() releases all of it, always.
 */
struct session {
	const char		*home;
	const char		*module;	/* --module, else the config's */
	const char		*token;		/* --token, else the config's */
	const char		*operator;
	const char		*export_dir;	/* --export, else HOME/export */
	const char		*templates;	/* --templates: searched first */
	struct pin_source	 pin;
	const char		*witness[8];	/* --witness, repeated */
	size_t			 nwitness;
	struct db		*db;
	struct hsm		*hsm;
	struct intake		*intake;	/* the request parser, started
						   before the login */
	int			 logged_in;
	unsigned		 login_failures;	/* since the last login,
						   each audited (login.failed) */
	unsigned long long	 audit_session;	/* its session.open, 0 none */
	struct room_clock	 clock;		/* --clock-confirmed, tty, TUI */
	session_ask_cb		 ask;		/* the front end's; NULL: no
						   one to ask */
	void			*ask_arg;
	char			 room[1024];	/* the room check at login, for
						   the session.open record */
};

/* template.c (issue/): a certificate profile, templates/NAME.cnf, see
 * docs/templates.md; request: what ceremony csr create asks for. */
enum tmpl_kind { TMPL_ROOT = 1, TMPL_SUBCA, TMPL_LEAF, TMPL_OCSP, TMPL_REQUEST };
#define TMPL_COPY_MAX	8

struct tmpl {
	char		*path;
	char		*name;		/* file name without .cnf */
	CONF		*conf;
	char		*kind;		/* "root", "subca", "leaf", "ocsp" */
	enum tmpl_kind	 kindv;
	X509_NAME	*subject;	/* NULL: the request's (subject_from) */
	char		*policy_path;	/* the policy it enforces; not root */
	int		 copy[TMPL_COPY_MAX];	/* NIDs the request may supply */
	size_t		 ncopy;
	long		 days;		/* 0 when not_before/not_after given */
	time_t		 not_before;	/* 0: now */
	time_t		 not_after;	/* 0: not_before + days */
	long		 max_days;
	const EVP_MD	*md;
	char		*digest;	/* "sha384" */
	char		*ext_section;	/* [section] with the extensions */
	char		*link_section;	/* root: a rollover's link certs' */
	long		 overlap_days;	/* root: rollover due this long
					   before the end (default 90) */
	struct hsm_keyspec key_types[8];	/* root: the key's type */
	size_t		 nkey_types;
	unsigned char	*raw;		/* the file's bytes, for the audit */
	size_t		 rawlen;
	long		 p12_iterations;	/* PBKDF2 and MAC, PKCS#12 */
	long		 p12_min_password;	/* bytes */
};
/* findings.c: every problem found, not just the first. */
struct finding {
	char	code[32];	/* stable: "validity-order" */
	char	text[256];	/* what is wrong, in words */
	char	value[160];	/* the offending value, "" if none */
	char	rule[48];	/* the profile key that set the rule, "" if none */
	int	error;		/* 1 error, 0 warning */
};
struct findings {
	struct finding	*v;
	size_t		 n, cap;
	size_t		 errors;
};
void		 findings_add(struct findings *, int, const char *,
		    const char *, ...) ATTR_PRINTF(4, 5);
int		 findings_copy(struct findings *, int, const struct finding *);
void		 findings_add_rule(struct findings *, int, const char *code,
		    const char *rule, const char *value, const char *, ...)
		    ATTR_PRINTF(6, 7);
void		 findings_free(struct findings *);

#endif
