/* SPDX-License-Identifier: ISC */
/*
 * One line of index.txt, read and written, and the rules for how the state
 * of a serial may change.  A line is nine tab-separated fields:
 *
 *   status notAfter revoked reason invalidity serial generation profile
 *   subject
 *
 * described with examples in docs/database.md.  Lines written before the
 * invalidity date existed have eight (no invalidity) and still read.
 * Parsing is strict and is the exact inverse of formatting, so a line of
 * nine fields that reads also writes back byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_int.h"
#include "util/util.h"

#define NFIELDS		9
#define NFIELDS_OLD	8	/* before the invalidity date */
#define REASON_KEY	1	/* keyCompromise */
#define REASON_HOLD	6	/* certificateHold */
#define REASON_REMOVE	8	/* removeFromCRL: delta CRLs only */
#define GEN_MAX		999999999

/* RFC 5280 CRLReason names, by code; 7 is not used. */
static const char *const reasons[] = {
	"unspecified", "keyCompromise", "cACompromise", "affiliationChanged",
	"superseded", "cessationOfOperation", "certificateHold", NULL,
	"removeFromCRL", "privilegeWithdrawn", "aACompromise"
};
#define NREASONS	(sizeof(reasons) / sizeof(reasons[0]))

const char *
db_reason_name(int code)
{
	if (code < 0 || (size_t)code >= NREASONS)
		return NULL;
	return reasons[code];
}

/* The code of an RFC 5280 reason name, -1 if it is none. */
int
db_reason_parse(const char *name)
{
	size_t	i;

	for (i = 0; i < NREASONS; i++)
		if (reasons[i] != NULL && strcmp(reasons[i], name) == 0)
			return (int)i;
	return -1;
}

const char *
db_status_name(int s)
{
	switch (s) {
	case DB_RESERVED:
		return "reserved";
	case DB_VALID:
		return "valid";
	case DB_REVOKED:
		return "revoked";
	case DB_VOID:
		return "void";
	default:
		return NULL;
	}
}

static int
profile_valid(const char *p, size_t len)
{
	size_t	i;

	if (len == 0 || len >= DB_PROFILE_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') ||
		    (p[i] >= 'A' && p[i] <= 'Z') ||
		    (p[i] >= '0' && p[i] <= '9') ||
		    p[i] == '.' || p[i] == '_' || p[i] == '-'))
			return 0;
	return 1;
}

/* The syntax of the fields a record is written with; 0 if right. */
static int
record_syntax(const struct db_record *r, char *why, size_t whysz)
{
	if (db_status_name(r->status) == NULL)
		snprintf(why, whysz, "status is not one of P V R X");
	else if (!serial_valid(r->serial, strnlen(r->serial, DB_SERIAL_MAX)))
		snprintf(why, whysz, "serial is not upper-case hex of "
		    "1 to 20 octets");
	else if (r->generation < 1 || r->generation > GEN_MAX)
		snprintf(why, whysz, "generation is not a number from 1 to %d",
		    GEN_MAX);
	else if (!profile_valid(r->profile, strnlen(r->profile,
	    DB_PROFILE_MAX)))
		snprintf(why, whysz, "profile is not 1 to %d letters, digits, "
		    "'.', '_' or '-'", DB_PROFILE_MAX - 1);
	else if (r->subject == NULL)
		snprintf(why, whysz, "no subject");
	else
		return 0;
	return 1;
}

/*
 * Only R has a revocation time, reason and invalidity date, and R has a
 * time.
 */
static int
record_consistent(const struct db_record *r, char *why, size_t whysz)
{
	if (r->status == DB_REVOKED && r->revoked_at <= 0)
		snprintf(why, whysz, "status R without a revocation time");
	else if (r->status != DB_REVOKED &&
	    (r->revoked_at != 0 || r->reason != -1 || r->invalidity != 0))
		snprintf(why, whysz, "status %c with a revocation time, "
		    "reason or invalidity date (only R has them)", r->status);
	else if (r->invalidity < 0)
		snprintf(why, whysz, "invalidity date before 1970");
	else if (r->reason != -1 && db_reason_name(r->reason) == NULL)
		snprintf(why, whysz, "reason code %d is not an RFC 5280 reason",
		    r->reason);
	else
		return 0;
	return 1;
}

static int
parse_generation(const char *p, size_t len, int *gen)
{
	size_t	i;

	if (len == 0 || len > 9 || p[0] == '0')
		return 1;
	*gen = 0;
	for (i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 1;
		*gen = *gen * 10 + (p[i] - '0');
	}
	return 0;
}

static int
parse_reason(const char *p, size_t len, int *reason)
{
	char	name[32];

	*reason = -1;
	if (len == 1 && p[0] == '-')
		return 0;
	if (len >= sizeof(name))
		return 1;
	memcpy(name, p, len);
	name[len] = '\0';
	/* A NUL in the field would end the name early: not a name. */
	if (strlen(name) != len)
		return 1;
	return (*reason = db_reason_parse(name)) < 0;
}

/* Split p into exactly NFIELDS fields at tabs. */
static int
split_fields(const char *p, size_t len, const char **f, size_t *fl)
{
	const char	*end = p + len, *t;
	size_t		 n = 0;

	for (;;) {
		if (n == NFIELDS)
			return -1;
		t = memchr(p, '\t', (size_t)(end - p));
		f[n] = p;
		fl[n] = (size_t)((t != NULL ? t : end) - p);
		n++;
		if (t == NULL)
			break;
		p = t + 1;
	}
	return (int)n;
}

#define BAD(...)	do { snprintf(why, whysz, __VA_ARGS__); goto out; } \
			while (0)
#define SHOW(i)		(int)(fl[i] > 40 ? 40 : fl[i]), f[i]

/* A time field: YYYYMMDDHHMMSSZ after 1970, or - for none (0). */
static int
parse_opt_time(const char *p, size_t len, time_t *t)
{
	*t = 0;
	if (len == 1 && p[0] == '-')
		return 0;
	return time_parse(p, len, t) || *t <= 0;
}

/*
 * Parse the len bytes at p (no newline) into r, all but the subject, whose
 * escaped text is left at *subj, *slen.  r->subject is NULL.
 */
int
index_parse_raw(const char *p, size_t len, struct db_record *r,
    const char **subj, size_t *slen, char *why, size_t whysz)
{
	const char	*f[NFIELDS];
	size_t		 fl[NFIELDS];
	int		 n, s, rc = 0;

	memset(r, 0, sizeof(*r));
	r->reason = -1;
	if ((n = split_fields(p, len, f, fl)) < 0)
		BAD("more than %d tab-separated fields", NFIELDS);
	if (n != NFIELDS && n != NFIELDS_OLD)
		BAD("%d tab-separated fields, %d expected", n, NFIELDS);
	s = n - NFIELDS_OLD;	/* 1 when the invalidity field is there */
	if (fl[0] != 1 || db_status_name(f[0][0]) == NULL)
		BAD("status '%.*s' is not one of P V R X", SHOW(0));
	r->status = f[0][0];
	if (time_parse(f[1], fl[1], &r->not_after))
		BAD("notAfter '%.*s' is not a time YYYYMMDDHHMMSSZ", SHOW(1));
	if (parse_opt_time(f[2], fl[2], &r->revoked_at))
		BAD("revocation time '%.*s' is not a time YYYYMMDDHHMMSSZ "
		    "after 1970 or -", SHOW(2));
	if (parse_reason(f[3], fl[3], &r->reason))
		BAD("reason '%.*s' is not an RFC 5280 reason name or -",
		    SHOW(3));
	if (s && parse_opt_time(f[4], fl[4], &r->invalidity))
		BAD("invalidity date '%.*s' is not a time YYYYMMDDHHMMSSZ "
		    "after 1970 or -", SHOW(4));
	if (!serial_valid(f[4 + s], fl[4 + s]))
		BAD("serial '%.*s' is not upper-case hex of 1 to 20 octets",
		    SHOW(4 + s));
	memcpy(r->serial, f[4 + s], fl[4 + s]);
	if (parse_generation(f[5 + s], fl[5 + s], &r->generation))
		BAD("generation '%.*s' is not a number from 1 to %d",
		    SHOW(5 + s), GEN_MAX);
	if (!profile_valid(f[6 + s], fl[6 + s]))
		BAD("profile '%.*s' is not 1 to %d letters, digits, '.', '_' "
		    "or '-'", SHOW(6 + s), DB_PROFILE_MAX - 1);
	memcpy(r->profile, f[6 + s], fl[6 + s]);
	if (record_consistent(r, why, whysz))
		goto out;
	*subj = f[7 + s];
	*slen = fl[7 + s];
	rc = 1;
out:
	return !rc;
}

/* Parse a whole line (no newline) into r, whose subject is malloc'd. */
int
index_parse(const char *p, size_t len, struct db_record *r, char *why,
    size_t whysz)
{
	const char	*subj, *uwhy;
	size_t		 slen;

	if (index_parse_raw(p, len, r, &subj, &slen, why, whysz))
		return 1;
	if ((r->subject = text_unescape(subj, slen, &uwhy)) == NULL) {
		snprintf(why, whysz, "subject: %s", uwhy);
		return 1;
	}
	return 0;
}

/* Parse one line, with or without its newline; err_get() says why not. */
int
index_parse_line(const char *line, struct db_record *r)
{
	char	why[256];
	size_t	len = strlen(line);

	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (index_parse(line, len, r, why, sizeof(why))) {
		err_set("%s", why);
		return 1;
	}
	return 0;
}

/* Bytes that index_format_line needs for r, newline included, no NUL. */
size_t
index_line_max(const struct db_record *r)
{
	/* 9 fields: 1 + 15 + 15 + 20 + 15 + 40 + 9 + 63, 9 tabs/newline */
	return 178 + 9 + (r->subject != NULL ? text_escape_len(r->subject) :
	    0);
}

/*
 * Write r as one line, newline included, NUL-terminated.  Returns its
 * length, or -1 when r is not a valid record or buf is too small.
 */
int
index_format_line(const struct db_record *r, char *buf, size_t size)
{
	char	why[128], na[16], rv[16] = "-", iv[16] = "-";
	int	n;

	if (record_syntax(r, why, sizeof(why)) ||
	    record_consistent(r, why, sizeof(why))) {
		err_set("index record for serial %.40s: %s", r->serial, why);
		return -1;
	}
	if (time_format(r->not_after, na) ||
	    (r->revoked_at != 0 && time_format(r->revoked_at, rv)) ||
	    (r->invalidity != 0 && time_format(r->invalidity, iv))) {
		err_set("index record for serial %s: a time is outside the "
		    "years 1950 to 9999", r->serial);
		return -1;
	}
	if (size < index_line_max(r) + 1) {
		err_set("index line buffer too small (this is a bug)");
		return -1;
	}
	n = snprintf(buf, size, "%c\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t", r->status,
	    na, rv, r->reason < 0 ? "-" : db_reason_name(r->reason), iv,
	    r->serial, r->generation, r->profile);
	n += (int)text_escape(buf + n, r->subject);
	buf[n++] = '\n';
	buf[n] = '\0';
	return n;
}

/*
 * Whether a revoked serial may take a new reason: a hold may become any
 * final reason, and any other reason may be raised to keyCompromise (the
 * CA/Browser Forum's baseline requirements allow that); the revocation
 * time stays the first one.  0 if it may.
 */
static int
reason_change(const struct db_record *cur, const struct db_record *next,
    char *why, size_t whysz)
{
	const char	*from = db_reason_name(cur->reason);
	const char	*to = db_reason_name(next->reason);

	if (from == NULL)
		from = "no reason";
	if (to == NULL)
		to = "no reason";
	if (next->revoked_at != cur->revoked_at) {
		snprintf(why, whysz, "serial %s: a new reason keeps the "
		    "revocation time it has", next->serial);
		return 1;
	}
	if (cur->reason == REASON_HOLD && next->reason != REASON_HOLD)
		return 0;
	if (cur->reason != REASON_KEY && next->reason == REASON_KEY)
		return 0;
	snprintf(why, whysz, "serial %s cannot change its reason from %s to "
	    "%s: only certificateHold to a final reason, or another reason "
	    "to keyCompromise, is allowed", next->serial, from, to);
	return 1;
}

/*
 * Whether next may follow cur (NULL: a serial not yet in the index):
 * 0 if it may, else 1 and why says why not.
 */
int
index_transition(const struct db_record *cur, const struct db_record *next,
    char *why, size_t whysz)
{
	const char	*rule;
	char		 c = cur != NULL ? cur->status : 0, n = next->status;

	if (cur == NULL) {
		if (n == DB_RESERVED)
			return 0;
		snprintf(why, whysz, "serial %s is not in the index: a new "
		    "serial must be reserved (status P) first", next->serial);
		return 1;
	}
	if (n == DB_REVOKED && next->reason == REASON_REMOVE) {
		snprintf(why, whysz, "serial %s: removeFromCRL is only for "
		    "delta CRLs, not a state of a certificate", next->serial);
		return 1;
	}
	if (c == DB_REVOKED && n == DB_REVOKED)
		return reason_change(cur, next, why, whysz);
	if ((c == DB_RESERVED && (n == DB_VALID || n == DB_VOID)) ||
	    (c == DB_VALID && n == DB_REVOKED) ||
	    (c == DB_REVOKED && n == DB_VALID && cur->reason == REASON_HOLD))
		return 0;
	if (n == DB_RESERVED)
		rule = "a serial is reserved once and never reused";
	else if (c == DB_REVOKED && n == DB_VALID)
		rule = "only a certificateHold revocation can be lifted";
	else
		rule = "only P to V, P to X, V to R, R to R (a new reason) and "
		    "R (certificateHold) to V are allowed";
	snprintf(why, whysz, "serial %s cannot go from %s (%c) to %s (%c): %s",
	    next->serial, db_status_name(c), c, db_status_name(n), n, rule);
	return 1;
}

void
db_record_clear(struct db_record *r)
{
	free(r->subject);
	r->subject = NULL;
}
