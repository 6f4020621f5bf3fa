/* SPDX-License-Identifier: ISC */
/*
 * The preview of a signature: the to-be-signed certificate that
 * sign_prepare() built and linted (the very one the token would sign),
 * decoded for the officer before the typed confirmation.  Its validity is
 * said against the issuer's, the issuing CA generation is named, and the
 * serial is either the one the signing reserves or said to be assigned
 * then.  Everything the requester wrote is escaped for the terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ceremony/issue/issue.h"
#include "ceremony/policy/policy.h"

#define LABEL	"  %-12s "
#define DAY	86400L

/* One "  label        value" line, the value escaped. */
static void
pv_line(FILE *m, const char *label, const char *value)
{
	char	buf[4096];

	fprintf(m, LABEL "%s\n", label, esc_text(buf, sizeof(buf),
	    value != NULL ? value : "?", ESC_TERMINAL));
}

/* The text a memory BIO holds, NUL-terminated, or NULL. */
static char *
bio_text(BIO *b)
{
	char	*data, *s;
	long	 len;

	if ((len = BIO_get_mem_data(b, &data)) < 0 ||
	    (s = malloc((size_t)len + 1)) == NULL)
		return NULL;
	memcpy(s, data, (size_t)len);
	s[len] = '\0';
	return s;
}

/* The subject's alternative names as OpenSSL prints them, or "none". */
static void
pv_sans(FILE *m, X509 *x)
{
	X509_EXTENSION	*e;
	BIO		*b;
	char		*s = NULL;
	int		 i;

	if ((i = X509_get_ext_by_NID(x, NID_subject_alt_name, -1)) < 0) {
		pv_line(m, "SANs", "none");
		return;
	}
	e = X509_get_ext(x, i);
	if ((b = BIO_new(BIO_s_mem())) != NULL &&
	    X509V3_EXT_print(b, e, 0, 0) == 1)
		s = bio_text(b);
	pv_line(m, "SANs", s);
	free(s);
	BIO_free(b);
}

/* notBefore, notAfter, and whether they lie within the issuer's. */
static void
pv_validity(FILE *m, X509 *x, const struct sign_outcome *out)
{
	char	t1[UTC_TEXT_MAX], t2[UTC_TEXT_MAX];
	time_t	nb = cert_time(X509_get0_notBefore(x));
	time_t	na = cert_time(X509_get0_notAfter(x));
	time_t	inb = cert_time(X509_get0_notBefore(out->sg.issuer));
	time_t	ina = cert_time(X509_get0_notAfter(out->sg.issuer));

	fprintf(m, LABEL "%s\n", "notBefore", utc_text(nb, t1));
	fprintf(m, LABEL "%s (%ld days)%s\n", "notAfter", utc_text(na, t1),
	    (long)((na - nb) / DAY), out->j.clamped ?
	    ", cut to the issuer's (--clamp)" : "");
	fprintf(m, LABEL "%s the issuer's: %s to %s\n", "validity",
	    nb >= inb && na <= ina ? "inside" : "NOT inside",
	    utc_format(inb, UTC_DAY, t1), utc_format(ina, UTC_DAY, t2));
}

/* Every extension, as OpenSSL decodes it, a line at a time, escaped. */
static int
pv_extensions(FILE *m, X509 *x)
{
	BIO	*b;
	char	*s = NULL, *line, *next, buf[4096];
	int	 rc = 1;

	fprintf(m, "extensions (%d):\n", X509_get_ext_count(x));
	if ((b = BIO_new(BIO_s_mem())) == NULL ||
	    !X509V3_extensions_print(b, NULL, X509_get0_extensions(x), 0, 2) ||
	    (s = bio_text(b)) == NULL) {
		err_ossl("cannot decode the certificate's extensions");
		goto out;
	}
	for (line = s; *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		/* OpenSSL ends an extension's name with ": " */
		while (*line != '\0' && line[strlen(line) - 1] == ' ')
			line[strlen(line) - 1] = '\0';
		fprintf(m, "%s\n", esc_text(buf, sizeof(buf), line,
		    ESC_TERMINAL));
	}
	rc = 0;
out:
	free(s);
	BIO_free(b);
	return rc;
}

static void
pv_head(FILE *m, X509 *x, const struct sign_outcome *out)
{
	char	*subj, *issuer;
	char	 sig[80];

	subj = name_text(X509_get_subject_name(x));
	issuer = name_text(X509_get_subject_name(out->sg.issuer));
	fprintf(m, "To be signed by CA generation %d (not signed yet)\n",
	    out->sg.generation);
	pv_line(m, "subject", subj);
	pv_sans(m, x);
	if (out->serial_later)
		fprintf(m, LABEL "%s\n", "serial", "assigned at signing (from "
		    "the token's random generator)");
	else
		fprintf(m, LABEL "%s (reserved at SIGN)\n",
		    "serial", out->j.serial);
	pv_line(m, "issuer", issuer);
	fprintf(m, LABEL "%d\n", "generation", out->sg.generation);
	pv_validity(m, x, out);
	fprintf(m, LABEL "%s (policy %s)\n", "template", out->t->name,
	    out->p->name);
	OBJ_obj2txt(sig, sizeof(sig), X509_get0_tbs_sigalg(x)->algorithm, 0);
	fprintf(m, LABEL "%s\n", "signature", sig);
	free(subj);
	free(issuer);
}

/*
 * The decoded preview of what sign_prepare() built, into *text (the
 * caller frees it).  A certificate the lint refused is shown too: its
 * findings say why it cannot be signed.
 */
int
sign_preview_text(const struct sign_outcome *out, char **text)
{
	X509	*x = out->j.cert;
	FILE	*m;
	size_t	 len = 0;
	int	 rc;

	*text = NULL;
	if (x == NULL || out->sg.issuer == NULL) {
		err_set("no certificate was built to preview");
		return 1;
	}
	if ((m = open_memstream(text, &len)) == NULL) {
		err_set("out of memory");
		return 1;
	}
	pv_head(m, x, out);
	rc = pv_extensions(m, x);
	if (fclose(m) != 0 || rc != 0) {
		free(*text);
		*text = NULL;
		return 1;
	}
	return 0;
}
