/* SPDX-License-Identifier: ISC */
/*
 * PKCS#12 archives: a certificate, the chain above it up to the root, a
 * friendly name and (only for a key this toolkit generated in software,
 * ceremony issue --generate-key) its private key.  AES-256-CBC with
 * PBKDF2-HMAC-SHA256 and a SHA-256 MAC by default; the 3DES/SHA-1 form
 * old devices need on request.  The archive is read back with the
 * password before anything is written, then kept in the data directory's
 * p12/ (mode 0700) and copied to the export directory.  A token's CA key
 * never comes here: it cannot leave the token.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pkcs12.h>
#include <openssl/x509v3.h>

#include "ceremony/export/export.h"
#include "ceremony/issue/issue.h"

/* The archive's own encoding, before anything is written. */
static int
p12_build(const struct p12_job *j, const struct secret *pw, PKCS12 **out)
{
	int	nid = j->legacy ? NID_pbe_WithSHA1And3_Key_TripleDES_CBC :
		    NID_aes_256_cbc;
	int	iter = (int)j->iterations;

	/* No MAC here: it is set below with the digest chosen, not the
	 * library's default of the day. */
	*out = PKCS12_create_ex(pw->buf, j->name, j->key, j->cert, j->chain,
	    nid, nid, iter, -1, 0, NULL, NULL);
	if (*out == NULL) {
		err_ossl("cannot build the PKCS#12 archive");
		return 1;
	}
	if (!PKCS12_set_mac(*out, pw->buf, (int)pw->len, NULL, 0, iter,
	    j->legacy ? EVP_sha1() : EVP_sha256())) {
		err_ossl("cannot set the PKCS#12 MAC");
		return 1;
	}
	return 0;
}

/* Read the encoding back as a consumer would, with the same password. */
static int
p12_readback(const struct p12_job *j, const struct secret *pw)
{
	const unsigned char	*p = j->der;
	PKCS12			*p12 = NULL;
	EVP_PKEY		*key = NULL;
	X509			*cert = NULL;
	STACK_OF(X509)		*ca = NULL;
	int			 rc = 1;

	if ((p12 = d2i_PKCS12(NULL, &p, (long)j->derlen)) == NULL ||
	    !PKCS12_verify_mac(p12, pw->buf, (int)pw->len) ||
	    !PKCS12_parse(p12, pw->buf, &key, &cert, &ca)) {
		err_ossl("the PKCS#12 archive does not read back");
		goto out;
	}
	/* Without a key, PKCS12_parse has no localKeyID to tell the
	 * subject's certificate from the chain: it may give all as ca. */
	if (cert == NULL && j->key == NULL && sk_X509_num(ca) > 0)
		cert = sk_X509_shift(ca);
	if (cert == NULL || X509_cmp(cert, j->cert) != 0 ||
	    sk_X509_num(ca) != sk_X509_num(j->chain) ||
	    (j->key == NULL) != (key == NULL) ||
	    (key != NULL && EVP_PKEY_eq(key, j->key) != 1)) {
		err_set("the PKCS#12 archive reads back different from what "
		    "was put in (this is a bug): nothing was written");
		goto out;
	}
	rc = 0;
out:
	EVP_PKEY_free(key);
	X509_free(cert);
	sk_X509_pop_free(ca, X509_free);
	PKCS12_free(p12);
	return rc;
}

int
p12_encode(struct p12_job *j, const struct secret *pw)
{
	PKCS12	*p12 = NULL;
	int	 n, rc = 1;

	if (p12_build(j, pw, &p12) != 0)
		goto out;
	if ((n = i2d_PKCS12(p12, &j->der)) <= 0) {
		err_ossl("cannot encode the PKCS#12 archive");
		goto out;
	}
	j->derlen = (size_t)n;
	rc = p12_readback(j, pw);
out:
	PKCS12_free(p12);
	ERR_clear_error();
	return rc;
}

/*
 * At least as long as the profile asks, and printable ASCII: PKCS#12
 * readers disagree on how other characters become the BMPString the key
 * derivation hashes, so such a password could open in one reader and not
 * in another.  Both front ends check what they read with this.
 */
int
p12_password_check(const struct secret *pw, long min)
{
	size_t	i;

	if ((long)pw->len < min) {
		err_set("the %s is %zu characters: this profile needs at "
		    "least %ld (p12_min_password)", P12_PASSWORD_WHAT, pw->len,
		    min);
		return 1;
	}
	for (i = 0; i < pw->len; i++)
		if (pw->buf[i] < 0x20 || pw->buf[i] > 0x7e) {
			err_set("the %s has a character that is not printable "
			    "ASCII: PKCS#12 readers encode those differently",
			    P12_PASSWORD_WHAT);
			return 1;
		}
	return 0;
}

/* p12/ holds private keys: only its owner may enter it. */
static int
p12_dir_check(const char *dir)
{
	struct stat	st;

	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		err_set("%s is missing: restore it from the backup, mode 0700",
		    dir);
		return 1;
	}
	if ((st.st_mode & 0077) != 0) {
		err_set("%s is mode %04o: chmod 700 %s and try again", dir,
		    (unsigned)(st.st_mode & 07777), dir);
		return 1;
	}
	return 0;
}

/*
 * The archive into p12/ (never over an earlier one) and a copy into the
 * export directory; when the copy fails the archive goes too.
 */
int
p12_write(struct session *s, struct p12_job *j, const char *serial)
{
	char	*dir = NULL, exp[4096];
	int	 rc = 1;

	snprintf(j->file, sizeof(j->file), "%s%s.p12", serial,
	    j->legacy ? ".legacy" : "");
	if ((dir = db_path(s->db, "p12")) == NULL || p12_dir_check(dir) != 0)
		goto out;
	snprintf(j->archive, sizeof(j->archive), "%s/%s", dir, j->file);
	if (atomic_write(j->archive, j->der, j->derlen, 0600, 1) != 0) {
		if (errno == EEXIST)
			err_set("%s exists already: this archive was exported "
			    "before (remove it to export it again)",
			    j->archive);
		goto out;
	}
	export_dir_of(s, exp, sizeof(exp));
	if (export_file(exp, j->file, j->der, j->derlen, 0600, j->exported,
	    sizeof(j->exported)) != 0) {
		unlink(j->archive);
		goto out;
	}
	rc = 0;
out:
	free(dir);
	return rc;
}

/* The friendly name: the subject's CN, else the serial. */
int
p12_name(X509 *x, const char *serial, char *buf, size_t size)
{
	X509_NAME_ENTRY	*e;
	unsigned char	*utf8 = NULL;
	int		 i, n;

	snprintf(buf, size, "%s", serial);
	i = X509_NAME_get_index_by_NID(X509_get_subject_name(x), NID_commonName,
	    -1);
	if (i < 0 || (e = X509_NAME_get_entry(X509_get_subject_name(x), i)) ==
	    NULL)
		return 0;
	if ((n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e))) < 0)
		return 1;
	snprintf(buf, size, "%.*s", n, utf8);
	OPENSSL_free(utf8);
	return 0;
}

/* The chain above a certificate of generation gen: its CA, then above. */
int
p12_chain(const struct db *db, int gen, STACK_OF(X509) **out)
{
	X509	*ca;

	*out = NULL;
	if ((ca = db_ca_get(db, gen)) == NULL)
		return 1;
	if (ca_chain_above(db, gen, out) != 0 || !sk_X509_insert(*out, ca, 0)) {
		X509_free(ca);
		sk_X509_pop_free(*out, X509_free);
		*out = NULL;
		return 1;
	}
	return 0;
}

void
p12_job_clear(struct p12_job *j)
{
	OPENSSL_clear_free(j->der, j->derlen);
	X509_free(j->cert);
	sk_X509_pop_free(j->chain, X509_free);
	EVP_PKEY_free(j->key);
	j->der = NULL;
	j->derlen = 0;
	j->cert = NULL;
	j->chain = NULL;
	j->key = NULL;
}
