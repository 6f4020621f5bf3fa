/* SPDX-License-Identifier: ISC */
/*
 * ceremony db list: the current state of every certificate in the index,
 * filtered by status, serial prefix or subject text, with the reason and
 * date of each revocation.  ceremony db show SERIAL: one certificate's
 * current state, every index line of its history, and the certificate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "ceremony/cli/cli.h"
#include "ceremony/session/session.h"

/* t in the form, "-" for none. */
static void
db_date(time_t t, int form, char buf[UTC_TEXT_MAX])
{
	if (t == 0)
		snprintf(buf, UTC_TEXT_MAX, "-");
	else
		utc_format(t, form, buf);
}

/* One row; a revoked certificate's reason and date follow its subject. */
static void
db_print_record(const struct db_record *r)
{
	char		na[UTC_TEXT_MAX], rv[UTC_TEXT_MAX];
	const char	*reason;

	db_date(r->not_after, UTC_DAY, na);
	printf("%c  %-40s  %-10s  %3d  %-16s  ", r->status, r->serial, na,
	    r->generation, r->profile);
	/* Subjects were written by requesters: escaped for the terminal. */
	esc_fputs(stdout, r->subject != NULL ? r->subject : "", ESC_TERMINAL);
	if (r->status == DB_REVOKED) {
		db_date(r->revoked_at, UTC_COLUMN, rv);
		reason = db_reason_name(r->reason);
		printf("  [revoked %s %s]", rv, reason != NULL ? reason : "-");
	}
	printf("\n");
}

int
cmd_db_list(int argc, char **argv)
{
	struct session		 s;
	struct db_query		 f = { NULL, NULL, NULL };
	const struct cmd_opt	 local[] = {
		{ "status", 1, &f.status },
		{ "serial", 1, &f.serial },
		{ "subject", 1, &f.subject },
		{ NULL, 0, NULL }
	};
	size_t			 i, n, shown = 0;
	int			 r;

	session_init(&s);
	if ((r = cmd_options(&s, "db list", argc, argv, local)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (opt_no_args("db list", argc, argv) != 0)
		return cmd_fail(&s);
	if (f.status != NULL && strspn(f.status, "PVRX") != strlen(f.status)) {
		err_set("--status takes letters of P, V, R, X");
		return cmd_fail(&s);
	}
	if (session_open_db_readonly(&s) != 0)
		return cmd_fail(&s);
	printf("S  %-40s  %-10s  %3s  %-16s  %s\n", "serial", "not after",
	    "gen", "profile", "subject");
	n = db_index_count(s.db);
	for (i = 0; i < n; i++)
		if (db_query_match(&f, db_index_at(s.db, i))) {
			db_print_record(db_index_at(s.db, i));
			shown++;
		}
	printf("%zu of %zu certificates\n", shown, n);
	session_close(&s);
	return 0;
}

/* The certificate summary: what openssl x509 -noout -subject ... says. */
static void
db_show_cert(struct db *db, const char *serial)
{
	X509	*x;
	BIO	*out;

	if ((x = db_cert_get(db, serial)) == NULL) {
		printf("certificate: %s\n", err_get());
		err_clear();
		return;
	}
	if ((out = BIO_new_fp(stdout, BIO_NOCLOSE)) != NULL) {
		BIO_printf(out, "subject=");
		X509_NAME_print_ex(out, X509_get_subject_name(x), 0,
		    XN_FLAG_ONELINE);
		BIO_printf(out, "\nissuer=");
		X509_NAME_print_ex(out, X509_get_issuer_name(x), 0,
		    XN_FLAG_ONELINE);
		BIO_printf(out, "\nnotBefore=");
		ASN1_TIME_print(out, X509_get0_notBefore(x));
		BIO_printf(out, "\nnotAfter=");
		ASN1_TIME_print(out, X509_get0_notAfter(x));
		BIO_printf(out, "\n");
		BIO_free(out);
	}
	fflush(stdout);
	X509_free(x);
	ERR_clear_error();
}

static void
db_show_state(const struct db_record *r)
{
	char	t[UTC_TEXT_MAX];

	printf("serial: %s\nstatus: %s (%c)\n", r->serial,
	    db_status_name(r->status), r->status);
	if (r->status == DB_REVOKED) {
		db_date(r->revoked_at, UTC_TEXT, t);
		printf("revoked: %s\nreason: %s\n", t,
		    r->reason < 0 ? "-" : db_reason_name(r->reason));
		db_date(r->invalidity, UTC_TEXT, t);
		printf("invalidity date: %s\n", t);
	}
	db_date(r->not_after, UTC_TEXT, t);
	printf("not after: %s\ngeneration: %d\nprofile: %s\nsubject: ",
	    t, r->generation, r->profile);
	esc_fputs(stdout, r->subject, ESC_TERMINAL);
	printf("\n");
}

/* Each line of the history as index.txt holds it. */
static int
db_show_history(const struct db_record *h, size_t n)
{
	char	*line;
	size_t	 i, size;

	printf("history (index.txt lines, oldest first):\n");
	for (i = 0; i < n; i++) {
		size = strlen(h[i].subject) * 4 + 256;
		if ((line = malloc(size)) == NULL) {
			err_set("out of memory");
			return 1;
		}
		if (index_format_line(&h[i], line, size) < 0) {
			free(line);
			return 1;
		}
		/* The index's own escaping leaves UTF-8, C1 too, as it is. */
		printf("  ");
		esc_fputs(stdout, line, ESC_TERMINAL | ESC_LAYOUT);
		free(line);
	}
	return 0;
}

int
cmd_db_show(int argc, char **argv)
{
	struct session		 s;
	struct db_record	*hist = NULL;
	size_t			 n = 0, i;
	int			 r, rc = 1;

	session_init(&s);
	if ((r = cmd_options(&s, "db show", argc, argv, NULL)) != 0)
		return r < 0 ? 0 : cmd_fail(&s);
	if (optind != argc - 1) {
		err_set("db show takes one SERIAL: see ceremony db show --help");
		return cmd_fail(&s);
	}
	if (db_open_flags(s.home, DB_OPEN_NOINDEX | DB_OPEN_READONLY,
	    &s.db) != 0 || db_index_history(s.db, argv[optind], &hist, &n) != 0)
		goto out;
	if (n == 0) {
		err_set("serial %s is not in the index: check it with ceremony "
		    "db list --serial %.8s", argv[optind], argv[optind]);
		goto out;
	}
	db_show_state(&hist[n - 1]);
	if (db_show_history(hist, n) != 0)
		goto out;
	db_show_cert(s.db, argv[optind]);
	rc = 0;
out:
	for (i = 0; i < n; i++)
		db_record_clear(&hist[i]);
	free(hist);
	if (rc != 0)
		return cmd_fail(&s);
	session_close(&s);
	return 0;
}
