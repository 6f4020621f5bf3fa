/* SPDX-License-Identifier: ISC */
/*
 * The export directory: what leaves the room on removable media.  Each
 * file is written atomically, PEM and DER side by side.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/pkcs7.h>

#include "ceremony/export/export.h"

static int
export_dir_ready(const char *dir)
{
	struct stat	st;

	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		err_set("cannot create export directory %s: %s", dir,
		    strerror(errno));
		return 1;
	}
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		err_set("export directory %s is not a directory", dir);
		return 1;
	}
	return 0;
}

/* Where exports go: --export, else HOME/export. */
void
export_dir_of(struct session *s, char *dir, size_t dirlen)
{
	char	*exp = NULL;

	if (s->export_dir != NULL)
		snprintf(dir, dirlen, "%s", s->export_dir);
	else if ((exp = db_path(s->db, "export")) != NULL)
		snprintf(dir, dirlen, "%s", exp);
	free(exp);
}

/* One file into the export directory; its path in out. */
int
export_file(const char *dir, const char *name, const void *data, size_t len,
    mode_t mode, char *out, size_t outlen)
{
	if (export_dir_ready(dir) != 0)
		return 1;
	snprintf(out, outlen, "%s/%s", dir, name);
	return atomic_write(out, data, len, mode, 0);
}

/* pem as dir/BASE.pem: a link to from when that file holds these bytes. */
static int
export_pem(const char *path, const char *pem, size_t len, const char *from)
{
	char	 buf[16384];
	FILE	*f;
	size_t	 n = 0;
	int	 linked = 0;

	if (from != NULL && (f = fopen(from, "re")) != NULL) {
		n = fread(buf, 1, sizeof(buf), f);
		if (n != len || memcmp(buf, pem, len) != 0 || fgetc(f) != EOF)
			from = NULL;
		fclose(f);
		if (from != NULL && atomic_link(from, path, &linked) != 0)
			return 1;
	}
	return linked ? 0 : atomic_write(path, pem, len, 0644, 0);
}

int
export_cert(const char *dir, const char *base, X509 *x)
{
	return export_cert_from(dir, base, x, NULL);
}

/*
 * The certificate as BASE.pem and BASE.der.  When pem_from (the
 * database's copy) holds the same PEM and is on the same file system, the
 * PEM is a hard link to it: one file fewer to create per certificate, as
 * a batch of thousands feels.  Both names are replaced, never changed in
 * place, so the link never changes the database's copy.
 */
int
export_cert_from(const char *dir, const char *base, X509 *x,
    const char *pem_from)
{
	BIO		*b = NULL;
	unsigned char	*der = NULL;
	char		 path[4096], *pem;
	long		 pemlen;
	int		 derlen, rc = 1;

	if (export_dir_ready(dir) != 0)
		return 1;
	if ((b = BIO_new(BIO_s_mem())) == NULL || !PEM_write_bio_X509(b, x) ||
	    (pemlen = BIO_get_mem_data(b, &pem)) <= 0 ||
	    (derlen = i2d_X509(x, &der)) <= 0) {
		err_ossl("cannot encode the certificate for export");
		goto out;
	}
	snprintf(path, sizeof(path), "%s/%s.pem", dir, base);
	if (export_pem(path, pem, (size_t)pemlen, pem_from) != 0)
		goto out;
	snprintf(path, sizeof(path), "%s/%s.der", dir, base);
	if (atomic_write(path, der, (size_t)derlen, 0644, 0) != 0)
		goto out;
	rc = 0;
out:
	BIO_free(b);
	OPENSSL_free(der);
	return rc;
}

/* A PKCS#7 certs-only bundle (SignedData without signers), DER. */
int
p7_certs_der(STACK_OF(X509) *certs, unsigned char **der, size_t *len)
{
	PKCS7	*p7 = NULL;
	int	 i, n, rc = 1;

	*der = NULL;
	if ((p7 = PKCS7_new()) == NULL ||
	    !PKCS7_set_type(p7, NID_pkcs7_signed) ||
	    !PKCS7_content_new(p7, NID_pkcs7_data))
		goto fail;
	for (i = 0; i < sk_X509_num(certs); i++)
		if (!PKCS7_add_certificate(p7, sk_X509_value(certs, i)))
			goto fail;
	if ((n = i2d_PKCS7(p7, der)) <= 0)
		goto fail;
	*len = (size_t)n;
	rc = 0;
	goto out;
fail:
	err_ossl("cannot build the PKCS#7 bundle");
out:
	PKCS7_free(p7);
	return rc;
}

/*
 * The chain (issuer up to the root) as BASE.pem, and as a PKCS#7
 * certs-only bundle BASE.p7b: the form of an EST /cacerts answer
 * (RFC 7030 4.1.3).  The bundle also carries `extra` (a rollover's link
 * certificates), which a chain file in path order cannot.
 */
int
export_chain(const char *dir, const char *base, STACK_OF(X509) *chain,
    STACK_OF(X509) *extra)
{
	STACK_OF(X509)	*bundle = NULL;
	BIO		*b = NULL;
	unsigned char	*der = NULL;
	char		 path[4096], *pem;
	size_t		 derlen;
	long		 pemlen;
	int		 i, rc = 1;

	if (export_dir_ready(dir) != 0)
		return 1;
	if ((b = BIO_new(BIO_s_mem())) == NULL ||
	    (bundle = sk_X509_dup(chain)) == NULL)
		goto out;
	for (i = 0; extra != NULL && i < sk_X509_num(extra); i++)
		if (!sk_X509_push(bundle, sk_X509_value(extra, i)))
			goto out;
	for (i = 0; i < sk_X509_num(chain); i++)
		if (!PEM_write_bio_X509(b, sk_X509_value(chain, i))) {
			err_ossl("cannot encode the chain");
			goto out;
		}
	if ((pemlen = BIO_get_mem_data(b, &pem)) <= 0 ||
	    p7_certs_der(bundle, &der, &derlen) != 0)
		goto out;
	snprintf(path, sizeof(path), "%s/%s.pem", dir, base);
	if (atomic_write(path, pem, (size_t)pemlen, 0644, 0) != 0)
		goto out;
	snprintf(path, sizeof(path), "%s/%s.p7b", dir, base);
	if (atomic_write(path, der, derlen, 0644, 0) != 0)
		goto out;
	rc = 0;
out:
	sk_X509_free(bundle);	/* borrows */
	BIO_free(b);
	OPENSSL_free(der);
	return rc;
}

/* DIR must not exist (or be an empty directory, which is replaced). */
int
dir_target_free(const char *dir)
{
	struct stat	st;

	if (lstat(dir, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		err_set("cannot look at %s: %s", dir, strerror(errno));
		return 1;
	}
	if (S_ISDIR(st.st_mode) && rmdir(dir) == 0)
		return 0;
	err_set("%s exists and is not an empty directory: give a new "
	    "one", dir);
	return 1;
}

/* tmp becomes dir, durably. */
int
dir_place(const char *tmp, const char *dir)
{
	char	*parent, *slash;
	int	 rc;

	if (dir_target_free(dir) != 0)
		return 1;
	if (rename(tmp, dir) == -1) {
		err_set("cannot rename %s to %s: %s", tmp, dir, strerror(errno));
		return 1;
	}
	if ((parent = strdup(dir)) == NULL)
		return 1;
	if ((slash = strrchr(parent, '/')) != NULL && slash != parent)
		*slash = '\0';
	else
		snprintf(parent, strlen(parent) + 1, "%s", slash == parent ?
		    "/" : ".");
	rc = fsync_dir(parent);
	free(parent);
	return rc;
}
