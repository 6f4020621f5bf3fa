/* SPDX-License-Identifier: ISC */
/*
 * ceremony export verify DIR --ca ROOT.pem: check a publication bundle on
 * any machine, no token and no data directory needed.  The manifest's
 * detached CMS signature must verify up to the given root and be made by
 * a CA certificate; every file it names must be there with its hash; and
 * nothing else may be in the directory.  Every problem is named, not
 * only the first.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "ceremony/export/export.h"
#include "ceremony/issue/issue.h"

#define BUNDLE_FILE_MAX	(64 * 1024 * 1024)

/*
 * After a rollover the manifest is signed by the new root's key, whose
 * self-signed certificate a holder of the old root does not trust.  The
 * bundle also carries NewWithOld, the new key certified by the old one:
 * with the signature checked alone, the signer's key is vouched for when
 * some certificate of the bundle for that same key verifies up to root
 * (RFC 4210 root key update).  0 when one does.
 */
static int
verify_by_link(CMS_ContentInfo *cms, X509_STORE *st, BIO *in)
{
	STACK_OF(X509)	*signers = NULL, *certs = NULL;
	X509_STORE_CTX	*ctx = NULL;
	EVP_PKEY	*key;
	X509		*c;
	int		 i, rc = 1;

	if (BIO_reset(in) != 1 || CMS_verify(cms, NULL, st, in, NULL,
	    CMS_BINARY | CMS_DETACHED | CMS_NO_SIGNER_CERT_VERIFY) != 1 ||
	    (signers = CMS_get0_signers(cms)) == NULL ||
	    sk_X509_num(signers) != 1 ||
	    (certs = CMS_get1_certs(cms)) == NULL ||
	    (ctx = X509_STORE_CTX_new()) == NULL)
		goto out;
	key = X509_get0_pubkey(sk_X509_value(signers, 0));
	for (i = 0; rc != 0 && i < sk_X509_num(certs); i++) {
		c = sk_X509_value(certs, i);
		if (X509_check_ca(c) < 1 || key == NULL ||
		    EVP_PKEY_eq(X509_get0_pubkey(c), key) != 1 ||
		    X509_check_issued(c, c) == X509_V_OK)
			continue;
		if (X509_STORE_CTX_init(ctx, st, c, certs) == 1 &&
		    X509_verify_cert(ctx) == 1)
			rc = 0;
		X509_STORE_CTX_cleanup(ctx);
	}
out:
	X509_STORE_CTX_free(ctx);
	sk_X509_pop_free(certs, X509_free);
	sk_X509_free(signers);
	return rc;
}

/* The signature over the manifest, up to root, by a CA certificate. */
static void
verify_signature(const unsigned char *man, size_t manlen,
    const unsigned char *sig, size_t siglen, X509 *root, struct findings *f,
    struct bundle_report *r)
{
	const unsigned char	*p = sig;
	CMS_ContentInfo		*cms = NULL;
	X509_STORE		*st = NULL;
	STACK_OF(X509)		*signers = NULL;
	BIO			*in = NULL;
	X509			*signer;
	char			*name;

	if ((cms = d2i_CMS_ContentInfo(NULL, &p, (long)siglen)) == NULL) {
		findings_add(f, 1, "signature-unreadable", "%s is not a DER "
		    "CMS signature", MANIFEST_SIG_NAME);
		goto out;
	}
	if ((st = X509_STORE_new()) == NULL || !X509_STORE_add_cert(st, root) ||
	    (in = BIO_new_mem_buf(man, (int)manlen)) == NULL)
		goto out;
	/* A CA certificate has no digitalSignature: any purpose here, and
	 * the signer is required below to be a CA certificate. */
	X509_STORE_set_purpose(st, X509_PURPOSE_ANY);
	if (CMS_verify(cms, NULL, st, in, NULL, CMS_BINARY | CMS_DETACHED) !=
	    1 && verify_by_link(cms, st, in) != 0) {
		findings_add(f, 1, "signature-bad", "the signature over %s "
		    "does not verify up to the given root: %s", MANIFEST_NAME,
		    ERR_reason_error_string(ERR_peek_last_error()));
		goto out;
	}
	if ((signers = CMS_get0_signers(cms)) == NULL ||
	    sk_X509_num(signers) != 1 ||
	    X509_check_ca(signer = sk_X509_value(signers, 0)) < 1) {
		findings_add(f, 1, "signer-not-ca", "%s is not signed by "
		    "exactly one CA certificate", MANIFEST_NAME);
		goto out;
	}
	if (r != NULL && (name = name_text(X509_get_subject_name(signer))) !=
	    NULL) {
		snprintf(r->signer, sizeof(r->signer), "%s", name);
		free(name);
	}
out:
	sk_X509_free(signers);
	BIO_free(in);
	X509_STORE_free(st);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
}

/* A name the manifest may hold: a plain file of this directory. */
static int
name_ok(const char *n, size_t len)
{
	return len > 0 && len < 256 && n[0] != '.' &&
	    memchr(n, '/', len) == NULL && memchr(n, '\0', len) == NULL &&
	    !(len == strlen(MANIFEST_NAME) && memcmp(n, MANIFEST_NAME, len) ==
	    0) && !(len == strlen(MANIFEST_SIG_NAME) &&
	    memcmp(n, MANIFEST_SIG_NAME, len) == 0);
}

/* One file named by the manifest: there, regular, the same hash. */
static void
verify_file(const char *dir, const char *name, const char *hex,
    struct findings *f)
{
	unsigned char	*data = NULL;
	char		 path[4096], *got = NULL;
	struct stat	 st;
	size_t		 len;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (lstat(path, &st) == -1) {
		findings_add(f, 1, "file-missing", "%s is in the manifest but "
		    "not in the bundle", name);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		findings_add(f, 1, "file-not-regular", "%s is not a regular "
		    "file", name);
		return;
	}
	if (file_read_small("bundle file", path, BUNDLE_FILE_MAX, &data,
	    &len) != 0) {
		findings_add(f, 1, "file-unreadable", "%s", err_get());
		err_clear();
		return;
	}
	if ((got = sha256_hex(data, len)) == NULL || strcmp(got, hex) != 0)
		findings_add(f, 1, "file-changed", "%s has SHA-256 %s, the "
		    "manifest says %s", name, got != NULL ? got : "?", hex);
	free(got);
	free(data);
}

/*
 * Parse the manifest strictly (sha256sum's "HEX  NAME" lines), check each
 * file; names[] gets the names for the directory walk.
 */
static int
verify_manifest(const char *dir, char *man, size_t len, struct findings *f,
    char ***names, size_t *n)
{
	char	*p = man, *end = man + len, *nl, **nv;
	size_t	 line = 0, k, nlen;

	for (; p < end; p = nl + 1) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			findings_add(f, 1, "manifest-syntax", "%s line %zu has "
			    "no end of line", MANIFEST_NAME, line);
			break;
		}
		nlen = (size_t)(nl - p);
		if (nlen < 67 || strspn(p, "0123456789abcdef") != 64 ||
		    p[64] != ' ' || p[65] != ' ' || !name_ok(p + 66,
		    nlen - 66)) {
			findings_add(f, 1, "manifest-syntax", "%s line %zu is "
			    "not \"SHA256  NAME\"", MANIFEST_NAME, line);
			continue;
		}
		p[64] = '\0';
		*nl = '\0';
		for (k = 0; k < *n; k++)
			if (strcmp((*names)[k], p + 66) == 0)
				break;
		if (k < *n) {
			findings_add(f, 1, "manifest-duplicate", "%s names %s "
			    "twice", MANIFEST_NAME, p + 66);
			continue;
		}
		if ((nv = realloc(*names, (*n + 1) * sizeof(*nv))) == NULL) {
			err_set("out of memory");
			return 1;
		}
		*names = nv;
		(*names)[(*n)++] = p + 66;
		verify_file(dir, p + 66, p, f);
	}
	return 0;
}

/* Nothing in the directory that the manifest does not name. */
static int
verify_extra(const char *dir, char **names, size_t n, struct findings *f)
{
	DIR		*d;
	struct dirent	*e;
	size_t		 k;

	if ((d = opendir(dir)) == NULL) {
		err_set("cannot read %s: %s", dir, strerror(errno));
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") ==
		    0 || strcmp(e->d_name, MANIFEST_NAME) == 0 ||
		    strcmp(e->d_name, MANIFEST_SIG_NAME) == 0)
			continue;
		for (k = 0; k < n; k++)
			if (strcmp(names[k], e->d_name) == 0)
				break;
		if (k == n)
			findings_add(f, 1, "file-extra", "%s is in the bundle "
			    "but not in the manifest", e->d_name);
	}
	closedir(d);
	return 0;
}

/*
 * 0 when the check ran (its verdict is f->errors), 1 when it could not
 * (err_get() says why).
 */
int
bundle_verify(const char *dir, X509 *root, struct findings *f,
    struct bundle_report *r)
{
	unsigned char	*man = NULL, *sig = NULL;
	char		 path[4096], **names = NULL;
	size_t		 manlen = 0, siglen = 0, n = 0;
	int		 rc = 1;

	snprintf(path, sizeof(path), "%s/" MANIFEST_NAME, dir);
	if (file_read_small("manifest", path, BUNDLE_FILE_MAX, &man,
	    &manlen) != 0)
		goto out;
	snprintf(path, sizeof(path), "%s/" MANIFEST_SIG_NAME, dir);
	if (file_read_small("manifest signature", path, BUNDLE_FILE_MAX, &sig,
	    &siglen) != 0)
		goto out;
	verify_signature(man, manlen, sig, siglen, root, f, r);
	if (verify_manifest(dir, (char *)man, manlen, f, &names, &n) != 0 ||
	    verify_extra(dir, names, n, f) != 0)
		goto out;
	if (r != NULL)
		r->files = n;
	rc = 0;
out:
	free(names);
	free(man);
	free(sig);
	return rc;
}
