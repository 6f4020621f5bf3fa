/* SPDX-License-Identifier: ISC */
/*
 * Opening what a command needs, in order (data directory, module, token,
 * login), and releasing all of it in one place whatever happened.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ceremony/issue/issue.h"
#include "ceremony/policy/policy.h"
#include "ceremony/session/session.h"

/* A session with nothing open: the data directory from the environment,
 * the operator the user running this. */
void
session_init(struct session *s)
{
	struct passwd	*pw;
	const char	*home;

	memset(s, 0, sizeof(*s));
	home = getenv("CEREMONY_HOME");
	s->home = (home != NULL && *home != '\0') ? home : DEFAULT_HOME;
	pw = getpwuid(getuid());
	s->operator = pw != NULL ? pw->pw_name : "unknown";
	pin_source_init(&s->pin, "user PIN", "--pin-fd");
}

/*
 * A writing command's data directory.  Every P at open was left by an
 * interrupted signing (no process holds a reservation across the lock):
 * the officer is told, and settles them with ceremony db recover.
 */
int
session_open_db(struct session *s)
{
	size_t	i, n = 0;

	if (s->db != NULL)
		return 0;
	if (db_open(s->home, &s->db) != 0)
		return 1;
	for (i = 0; i < db_index_count(s->db); i++)
		n += db_index_at(s->db, i)->status == DB_RESERVED;
	if (n > 0)
		note("%s: %zu serial%s reserved (P) but never recorded as issued "
		    "or void, left by an interrupted signing: ceremony db "
		    "verify names them, ceremony db recover settles them",
		    s->home, n, n == 1 ? " is" : "s are");
	return 0;
}

/* For a command that only reads: no file of the data directory changes. */
int
session_open_db_readonly(struct session *s)
{
	if (s->db != NULL)
		return 0;
	return db_open_flags(s->home, DB_OPEN_READONLY, &s->db);
}

/* The module named by --module, else the data directory's, else SoftHSM. */
int
session_open_module(struct session *s)
{
	const char	*module = s->module;

	if (s->hsm != NULL)
		return 0;
	if (module == NULL && s->db != NULL)
		module = db_config(s->db)->module;
	if (module == NULL && (module = hsm_default_module()) == NULL) {
		err_set("no PKCS#11 module given and SoftHSM2 is not installed: "
		    "use --module PATH");
		return 1;
	}
	return hsm_open(module, &s->hsm);
}

static int
session_pin_cb(void *arg, struct secret **pin)
{
	struct session	*s = arg;

	return pin_read(&s->pin, pin);
}

int
session_open_token(struct session *s)
{
	const char	*token = s->token;

	if (session_open_module(s) != 0)
		return 1;
	if (token == NULL && s->db != NULL)
		token = db_config(s->db)->token;
	if (token == NULL) {
		err_set("no token given: use --token LABEL or --home DIR");
		return 1;
	}
	hsm_set_pin_cb(s->hsm, session_pin_cb, s);
	return hsm_token_select(s->hsm, token);
}

/*
 * Shares of a quorum that is no longer the token's (a reshare made a new
 * PIN) rebuild the old PIN: refused by the quorum id, before a try of
 * the PIN is spent on it.
 */
static int
session_quorum_check(struct session *s)
{
	char	cur[2 * SHARE_QID_LEN + 1];

	if (s->pin.qid[0] == '\0' || s->db == NULL)
		return 0;
	if (db_quorum_get(s->db, cur) != 0)
		return 1;
	if (cur[0] != '\0' && strcmp(cur, s->pin.qid) != 0) {
		err_set("these shares are of quorum %s, but the token's PIN "
		    "is now the one of quorum %s (%s/quorum.txt): the old "
		    "shares no longer open it; nothing was tried on the token",
		    s->pin.qid, cur, s->home);
		return 1;
	}
	return 0;
}

/*
 * A login that failed (a wrong or locked PIN, a share refused): its
 * login.failed record, the count of failures since the last login in
 * this process, and why in words.  The reason is the caller's: for a PIN
 * the token's error line (it never holds the PIN), for shares a fixed
 * text, since a share's error quotes the mistyped group.  With no data
 * directory open there is no log to write to, and nothing is recorded.
 * Always 1, the login's message kept first (session_audit).
 */
int
session_login_failed(struct session *s, const char *reason)
{
	const struct hsm_token_info	*tok = NULL;
	struct audit_entry		 e;
	char				 detail[1280];

	s->login_failures++;
	if (s->hsm != NULL)
		tok = hsm_token(s->hsm);
	snprintf(detail, sizeof(detail), "token=%s serial=%s failures=%u "
	    "reason=%s", tok != NULL ? tok->label : "-", tok != NULL ?
	    tok->serial : "-", s->login_failures, reason);
	memset(&e, 0, sizeof(e));
	e.op = "login.failed";
	e.ok = 0;
	e.detail = detail;
	(void)session_audit(s, &e);
	return 1;
}

/* What a refused share is recorded as: never its code. */
#define SHARE_REFUSED	"a custodian's share was refused (mistyped, or not " \
	"of the token's quorum)"

/* A share the TUI's masked field refused, as the command line's are. */
int
session_share_refused(struct session *s)
{
	return session_login_failed(s, SHARE_REFUSED);
}

/* C_Login with pin (shares of an old quorum refused first), wiped and
 * freed on the line after, whatever came of it; the audit session opens
 * once logged in, a failure is audited. */
static int
session_login_pin(struct session *s, struct secret *pin)
{
	char	why[1024];
	int	rc;

	if (session_quorum_check(s) != 0) {
		secret_free(pin);
		return session_login_failed(s, "the shares are of an old "
		    "quorum, not the token's (nothing was tried on the token)");
	}
	rc = hsm_login(s->hsm, pin);
	secret_free(pin);
	if (rc != 0) {
		snprintf(why, sizeof(why), "%s", err_get());
		return session_login_failed(s, why);
	}
	s->logged_in = 1;
	s->login_failures = 0;
	return audit_session_open(s);
}

/* The PIN from the session's source; shares that do not make one (not
 * a share file that could not be read safely) are a failed login. */
static int
session_pin_read(struct session *s, struct secret **pin)
{
	s->pin.share_refused = 0;
	if (pin_read(&s->pin, pin) == 0)
		return 0;
	return s->pin.share_refused ? session_login_failed(s, SHARE_REFUSED) :
	    1;
}

/*
 * Log in with the user PIN (or the one M custodians' shares rebuild); the
 * PIN is wiped before this returns.  The room is checked first
 * (room_login.c), the audit session opens here.
 */
int
session_login(struct session *s)
{
	struct secret	*pin = NULL;

	if (s->logged_in)
		return 0;
	/* The room first: a refusal touches neither the token nor the PIN.
	 * The request intake is forked before the token is opened. */
	if (room_login_check(s) != 0 || intake_start(s) != 0 ||
	    session_open_token(s) != 0)
		return 1;
	if (session_pin_read(s, &pin) != 0)
		return 1;
	return session_login_pin(s, pin);
}

/*
 * Log in with a PIN the front end already holds (the TUI's masked field),
 * the token opened first if it is not; the PIN is wiped here in any case.
 */
int
session_login_with(struct session *s, struct secret *pin)
{
	if (s->logged_in) {
		secret_free(pin);
		return 0;
	}
	if (room_login_check(s) != 0 || intake_start(s) != 0) {
		secret_free(pin);
		return 1;
	}
	if (s->hsm == NULL || hsm_token(s->hsm) == NULL) {
		if (session_open_token(s) != 0) {
			secret_free(pin);
			return 1;
		}
	}
	return session_login_pin(s, pin);
}

/*
 * End the audit session and log out: sealed while the token is still
 * logged in (a failure to seal is itself audited), then C_Logout.  Logged
 * out whatever came of the seal; 1 (message set) if either failed.
 */
int
session_logout(struct session *s)
{
	int	rc = 0;

	if (audit_session_close(s) != 0)
		rc = 1;
	if (s->hsm != NULL && s->logged_in && hsm_logout(s->hsm) != 0 &&
	    rc == 0)
		rc = 1;
	s->logged_in = 0;
	return rc;
}

void
session_close(struct session *s)
{
	if (session_logout(s) != 0)
		note("%s", err_get());
	if (s->hsm != NULL)
		hsm_close(s->hsm);
	if (s->db != NULL)
		db_close(s->db);
	intake_stop(s);
	pin_source_clear(&s->pin);
	s->hsm = NULL;
	s->db = NULL;
	s->logged_in = 0;
}

/*
 * Append the operation's audit record.  When the operation failed, its
 * message stays first and a failure to record is added to that one line;
 * when it succeeded, a failure to record is the command's error.
 */
int
session_audit(struct session *s, struct audit_entry *e)
{
	char	saved[1024], why[512];

	if (s->db == NULL)
		return 0;
	e->operator = s->operator;
	snprintf(saved, sizeof(saved), "%s", e->ok ? "" : err_get());
	if (db_audit(s->db, e) == 0)
		return 0;
	if (e->ok) {
		err_context("done, but its audit record could not be written");
		return 1;
	}
	snprintf(why, sizeof(why), "%s", err_get());
	err_set("%s (nor could the audit record be written: %s)", saved, why);
	return 1;
}

/* A key of the token named by the operator, of a type the template allows. */
int
session_key(struct session *s, const struct tmpl *t, const char *keyref,
    struct hsm_key **out)
{
	if (hsm_key_find(s->hsm, keyref, out) != 0)
		return 1;
	if (!tmpl_key_allowed(t, &(*out)->spec)) {
		err_set("key \"%s\" is %s, which template %s does not allow "
		    "(key_types)", (*out)->label, (*out)->spec.name, t->path);
		hsm_key_free(*out);
		*out = NULL;
		return 1;
	}
	return 0;
}
