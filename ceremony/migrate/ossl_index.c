/* SPDX-License-Identifier: ISC */
/*
 * The index.txt of `openssl ca` (and easy-rsa, which runs it): one line
 * per certificate, six tab-separated fields
 *
 *   status  expiry  revocation  serial  file  subject
 *   V|R|E   YYMMDDHHMMSSZ (UTCTime, GeneralizedTime from 2050)
 *                   REVTIME[,reason[,extra]] for R, else empty
 *
 * where the reason is an RFC 5280 name in OpenSSL's spelling, or
 * holdInstruction (certificateHold), keyTime / CAkeyTime (keyCompromise /
 * cACompromise with the compromise time as extra: our invalidity date).
 * Parsed and written here, for db import-openssl and db export-openssl.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/asn1.h>
#include <openssl/err.h>

#include "ceremony/migrate/migrate.h"

/* OpenSSL's reason spellings where they differ from RFC 5280's. */
static const struct {
	const char	*ossl;
	const char	*rfc;
	int		 with_time;
} ossl_reasons[] = {
	{ "CACompromise", "cACompromise", 0 },
	{ "holdInstruction", "certificateHold", 0 },
	{ "keyTime", "keyCompromise", 1 },
	{ "CAkeyTime", "cACompromise", 1 },
	{ NULL, NULL, 0 }
};

int
ossl_time_parse(const char *s, time_t *out)
{
	ASN1_TIME	*t;
	struct tm	 tm;
	int		 ok;

	if ((t = ASN1_TIME_new()) == NULL)
		return 1;
	ok = (strlen(s) == 13 || strlen(s) == 15) &&
	    ASN1_TIME_set_string(t, s) && ASN1_TIME_to_tm(t, &tm);
	ASN1_TIME_free(t);
	ERR_clear_error();
	if (!ok)
		return 1;
	*out = timegm(&tm);
	return 0;
}

/* UTCTime up to 2049, GeneralizedTime after, as openssl ca writes. */
int
ossl_time_format(time_t t, char *buf, size_t size)
{
	ASN1_TIME	*a;

	if ((a = ASN1_TIME_set(NULL, t)) == NULL)
		return 1;
	snprintf(buf, size, "%.*s", ASN1_STRING_length(a),
	    (const char *)ASN1_STRING_get0_data(a));
	ASN1_TIME_free(a);
	return 0;
}

static int
time_gen(time_t t, char *buf, size_t size)
{
	char	u[UTC_TEXT_MAX];

	return (size_t)snprintf(buf, size, "%s",
	    utc_format(t, UTC_GENERALIZED, u)) >= size;
}

/* "REVTIME[,reason[,extra]]" into r's revocation fields. */
static int
ossl_revocation(char *f, struct db_record *r, const char **why)
{
	char	*reason, *extra = NULL;
	size_t	 i;
	int	 with_time = 0;

	if ((reason = strchr(f, ',')) != NULL) {
		*reason++ = '\0';
		if ((extra = strchr(reason, ',')) != NULL)
			*extra++ = '\0';
	}
	if (ossl_time_parse(f, &r->revoked_at) != 0) {
		*why = "the revocation time is not a time";
		return 1;
	}
	if (reason == NULL)
		return 0;
	for (i = 0; ossl_reasons[i].ossl != NULL; i++)
		if (strcmp(reason, ossl_reasons[i].ossl) == 0) {
			with_time = ossl_reasons[i].with_time;
			reason = (char *)ossl_reasons[i].rfc;
			break;
		}
	if ((r->reason = db_reason_parse(reason)) < 0 ||
	    strcmp(reason, "removeFromCRL") == 0) {
		*why = "the revocation reason is not one ceremony keeps";
		return 1;
	}
	if (with_time && (extra == NULL ||
	    ossl_time_parse(extra, &r->invalidity) != 0)) {
		*why = "the compromise time is not a time";
		return 1;
	}
	return 0;
}

/*
 * One line (no newline, modified in place) into r: status, expiry,
 * revocation and serial.  The subject comes from the certificate.
 */
int
ossl_index_parse(char *line, struct db_record *r, const char **why)
{
	char	*f[6], *p = line;
	int	 n;

	memset(r, 0, sizeof(*r));
	r->reason = -1;
	for (n = 0; n < 6; n++) {
		f[n] = p;
		if ((p = strchr(p, '\t')) == NULL)
			break;
		*p++ = '\0';
	}
	if (n != 5) {
		*why = "not six tab-separated fields";
		return 1;
	}
	if (strlen(f[0]) != 1 || strchr("VRE", f[0][0]) == NULL) {
		*why = "the status is not V, R or E";
		return 1;
	}
	/* E (expired, from openssl ca -updatedb) is a valid one that ran out. */
	r->status = f[0][0] == 'R' ? DB_REVOKED : DB_VALID;
	if (ossl_time_parse(f[1], &r->not_after) != 0) {
		*why = "the expiry is not a time";
		return 1;
	}
	if ((r->status == DB_REVOKED) != (f[2][0] != '\0')) {
		*why = "a revocation time belongs to R lines only";
		return 1;
	}
	if (r->status == DB_REVOKED && ossl_revocation(f[2], r, why) != 0)
		return 1;
	if (strlen(f[3]) >= sizeof(r->serial) || strlen(f[3]) < 2 ||
	    strspn(f[3], "0123456789ABCDEF") != strlen(f[3]) ||
	    strlen(f[3]) % 2 != 0 || strncmp(f[3], "00", 2) == 0) {
		*why = "the serial is not upper-case hex of 1 to 20 octets";
		return 1;
	}
	snprintf(r->serial, sizeof(r->serial), "%s", f[3]);
	return 0;
}

/* One line for r as openssl ca writes it; subject in its /A=B form. */
int
ossl_index_format(const struct db_record *r, const char *subject, FILE *out)
{
	char		 exp[20], rev[20] = "", inv[20];
	const char	*reason = NULL;

	if (ossl_time_format(r->not_after, exp, sizeof(exp)) != 0 ||
	    (r->status == DB_REVOKED && ossl_time_format(r->revoked_at, rev,
	    sizeof(rev)) != 0))
		return 1;
	fprintf(out, "%c\t%s\t%s", r->status, exp, rev);
	if (r->status == DB_REVOKED && r->reason >= 0) {
		reason = db_reason_name(r->reason);
		if (strcmp(reason, "cACompromise") == 0)
			reason = r->invalidity ? "CAkeyTime" : "CACompromise";
		else if (strcmp(reason, "keyCompromise") == 0 && r->invalidity)
			reason = "keyTime";
		else if (strcmp(reason, "certificateHold") == 0)
			/* openssl ca wants the instruction's OID with it */
			reason = "holdInstruction,holdInstructionNone";
		fprintf(out, ",%s", reason);
		/* openssl ca reads the compromise time as GeneralizedTime. */
		if (r->invalidity && (strcmp(reason, "keyTime") == 0 ||
		    strcmp(reason, "CAkeyTime") == 0)) {
			if (time_gen(r->invalidity, inv, sizeof(inv)) != 0)
				return 1;
			fprintf(out, ",%s", inv);
		}
	}
	fprintf(out, "\t%s\tunknown\t%s\n", r->serial, subject);
	return ferror(out) ? 1 : 0;
}
