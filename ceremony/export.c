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

#include <openssl/pem.h>

#include "ceremony/ceremony.h"

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

int
export_cert(const char *dir, const char *base, X509 *x)
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
	if (atomic_write(path, pem, (size_t)pemlen, 0644, 0) != 0)
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
