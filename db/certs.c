/* SPDX-License-Identifier: ISC */
/*
 * Certificates as PEM files: certs/SERIAL.pem for every one issued,
 * ca/gen-N.pem for the CA certificate of each generation.  They are
 * written once and never overwritten; certificates are public, so 0644.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "db/db_int.h"
#include "util/util.h"

static char *
cert_path(const struct db *db, const char *serial)
{
	char	*p;

	if (!serial_valid(serial, strlen(serial))) {
		err_set("serial '%.48s' is not upper-case hex of 1 to 20 "
		    "octets", serial);
		return NULL;
	}
	if (asprintf(&p, "%s/certs/%s.pem", db->home, serial) == -1) {
		err_set("out of memory");
		return NULL;
	}
	return p;
}

static char *
ca_path(const struct db *db, int gen)
{
	char	*p;

	if (gen < 1) {
		err_set("CA generation %d: generations count from 1", gen);
		return NULL;
	}
	if (asprintf(&p, "%s/ca/gen-%d.pem", db->home, gen) == -1) {
		err_set("out of memory");
		return NULL;
	}
	return p;
}

/* A certificate's serial as the index writes it (BN_bn2hex's form). */
int
db_cert_serial(X509 *cert, char out[DB_SERIAL_MAX])
{
	BIGNUM	*bn;
	char	*hex = NULL;
	int	 rc = 1;

	snprintf(out, DB_SERIAL_MAX, "?");
	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert),
	    NULL)) != NULL && (hex = BN_bn2hex(bn)) != NULL &&
	    strlen(hex) < DB_SERIAL_MAX) {
		snprintf(out, DB_SERIAL_MAX, "%s", hex);
		rc = 0;
	}
	OPENSSL_free(hex);
	BN_free(bn);
	ERR_clear_error();
	return rc;
}

/* The certificate's own serial must be the one it is filed under. */
static int
serial_matches(X509 *cert, const char *serial)
{
	char	have[DB_SERIAL_MAX];
	int	ok;

	ok = db_cert_serial(cert, have) == 0 && strcmp(have, serial) == 0;
	if (!ok)
		err_set("the certificate has serial %s, not %s (this is a bug)",
		    have, serial);
	return ok;
}

/* Write cert as PEM to path, never over an existing file. */
static int
pem_put(const char *path, X509 *cert)
{
	BIO	*mem;
	char	*data;
	long	 len;
	int	 rc = 1;

	if ((mem = BIO_new(BIO_s_mem())) == NULL ||
	    !PEM_write_bio_X509(mem, cert)) {
		err_ossl("cannot encode the certificate for %s", path);
		goto out;
	}
	len = BIO_get_mem_data(mem, &data);
	rc = atomic_write(path, data, (size_t)len, 0644, 1);
out:
	BIO_free(mem);
	return rc;
}

static X509 *
pem_get(const char *path)
{
	BIO	*in;
	X509	*cert = NULL;

	if ((in = BIO_new_file(path, "r")) == NULL) {
		err_set("cannot read %s (%s)", path, strerror(errno));
		ERR_clear_error();
		return NULL;
	}
	if ((cert = PEM_read_bio_X509(in, NULL, NULL, NULL)) == NULL)
		err_ossl("%s is not a PEM certificate: restore it from the "
		    "backup", path);
	BIO_free(in);
	return cert;
}

int
db_cert_put(struct db *db, const char *serial, X509 *cert)
{
	char	*path;
	int	 rc = 1;

	if ((path = cert_path(db, serial)) == NULL)
		return 1;
	if (serial_matches(cert, serial))
		rc = pem_put(path, cert);
	free(path);
	return rc;
}

/* Where certificate serial is kept (certs/SERIAL.pem), malloc'd. */
char *
db_cert_file(const struct db *db, const char *serial)
{
	return cert_path(db, serial);
}

X509 *
db_cert_get(const struct db *db, const char *serial)
{
	char	*path;
	X509	*cert;

	if ((path = cert_path(db, serial)) == NULL)
		return NULL;
	cert = pem_get(path);
	free(path);
	return cert;
}

int
db_ca_put(struct db *db, int gen, X509 *cert)
{
	char	*path;
	int	 rc;

	if ((path = ca_path(db, gen)) == NULL)
		return 1;
	rc = pem_put(path, cert);
	free(path);
	return rc;
}

X509 *
db_ca_get(const struct db *db, int gen)
{
	char	*path;
	X509	*cert;

	if ((path = ca_path(db, gen)) == NULL)
		return NULL;
	cert = pem_get(path);
	free(path);
	return cert;
}

/* Whether generation gen has its certificate (1), none (0: a rollover's
 * claim that never finished), or -1. */
int
db_ca_exists(const struct db *db, int gen)
{
	char	*path;
	int	 r;

	if ((path = ca_path(db, gen)) == NULL)
		return -1;
	r = access(path, F_OK) == 0;
	free(path);
	return r;
}

/* A link certificate of a rollover: ca/gen-N-KIND.pem. */
int
db_ca_link_put(struct db *db, int gen, const char *kind, X509 *cert)
{
	char	*path;
	int	 rc;

	if ((path = db_ca_link_path(db, gen, kind)) == NULL)
		return 1;
	rc = pem_put(path, cert);
	free(path);
	return rc;
}

/* The link certificate, or NULL (err set) when there is none. */
X509 *
db_ca_link_get(const struct db *db, int gen, const char *kind)
{
	char	*path;
	X509	*cert = NULL;

	if ((path = db_ca_link_path(db, gen, kind)) == NULL)
		return NULL;
	if (access(path, F_OK) == 0)
		cert = pem_get(path);
	else
		err_set("generation %d has no %s link certificate", gen, kind);
	free(path);
	return cert;
}
