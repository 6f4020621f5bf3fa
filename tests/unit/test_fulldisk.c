/* SPDX-License-Identifier: ISC */
/*
 * A driver for tests/db_fulldisk.t: one database write per run, so the
 * script can fill a small tmpfs first and compare the files after.  The
 * writes are made large enough to need new blocks on the full disk.
 *
 *   test_fulldisk create HOME     make a data directory
 *   test_fulldisk reserve HOME N  reserve N serials in one append
 *   test_fulldisk cert HOME       file a certificate
 *   test_fulldisk config HOME     rewrite ceremony.cnf
 *   test_fulldisk audit HOME      add an 8 KB audit record
 *   test_fulldisk count HOME      print the number of serials and check
 *                                 the audit chain
 *
 * Without arguments (as a unit test) it only prints an empty TAP plan.
 * Errors go to stderr as one line, like the command line's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "db/db.h"
#include "util/util.h"

static const struct db_config cfg = {
	"/usr/lib/softhsm/libsofthsm2.so", "root-2026", "Full Disk Root CA",
	DB_NETWORK_WARN, DB_CLOCK_OFF, NULL, 0
};

static int
reserve(struct db *db, int n)
{
	struct db_record	*r;
	unsigned char		 rnd[20];
	int			 i, rc;

	if ((r = calloc((size_t)n, sizeof(*r))) == NULL)
		return 1;
	for (i = 0; i < n; i++) {
		memset(rnd, 0, sizeof(rnd));
		rnd[18] = (unsigned char)(db_index_count(db) >> 8);
		rnd[17] = (unsigned char)db_index_count(db);
		rnd[19] = (unsigned char)i;
		db_serial_make(rnd, sizeof(rnd), r[i].serial);
		r[i].status = DB_RESERVED;
		r[i].not_after = 2000000000;
		r[i].reason = -1;
		r[i].generation = 1;
		strcpy(r[i].profile, "server");
		r[i].subject = "CN=a long enough subject to fill the disk,"
		    "O=Example,C=XX";
	}
	rc = db_index_append(db, r, (size_t)n);
	free(r);
	return rc;
}

static int
cert(struct db *db)
{
	EVP_PKEY	*k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	X509		*x = X509_new();
	int		 rc;

	ASN1_INTEGER_set(X509_get_serialNumber(x), 0x4242);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, k);
	X509_sign(x, k, EVP_sha256());
	rc = db_cert_put(db, "4242", x);
	X509_free(x);
	EVP_PKEY_free(k);
	return rc;
}

static int
audit(struct db *db)
{
	struct audit_entry	 e = { 0 };
	char			*detail;
	int			 rc;

	if ((detail = malloc(8193)) == NULL)
		return 1;
	memset(detail, 'd', 8192);
	detail[8192] = '\0';
	e.operator = "tester";
	e.op = "test.fill";
	e.ok = 1;
	e.detail = detail;
	rc = db_audit(db, &e);
	free(detail);
	return rc;
}

static int
count(struct db *db)
{
	char	*log;
	long	 bad;
	int	 rc;

	if ((log = db_path(db, "audit.log")) == NULL)
		return 1;
	rc = db_audit_verify(log, &bad);
	free(log);
	if (rc == 0)
		printf("%zu\n", db_index_count(db));
	return rc;
}

static int
run(const char *what, const char *home, const char *arg)
{
	struct db	*db = NULL;
	char		*path = NULL;
	int		 rc = 1;

	if (strcmp(what, "create") == 0)
		return db_create(home, &cfg);
	if (db_open(home, &db) != 0)
		return 1;
	if (strcmp(what, "reserve") == 0)
		rc = reserve(db, arg != NULL ? atoi(arg) : 1);
	else if (strcmp(what, "cert") == 0)
		rc = cert(db);
	else if (strcmp(what, "config") == 0)
		rc = (path = db_path(db, "ceremony.cnf")) == NULL ||
		    db_config_write(path, db_config(db));
	else if (strcmp(what, "audit") == 0)
		rc = audit(db);
	else if (strcmp(what, "count") == 0)
		rc = count(db);
	else
		err_set("unknown command %s", what);
	free(path);
	db_close(db);
	return rc;
}

int
main(int argc, char **argv)
{
	if (argc < 3) {
		printf("1..0 # SKIP driver for tests/db_fulldisk.t\n");
		return 0;
	}
	if (run(argv[1], argv[2], argc > 3 ? argv[3] : NULL) != 0) {
		fprintf(stderr, "test_fulldisk: %s\n", err_get());
		return 1;
	}
	return 0;
}
