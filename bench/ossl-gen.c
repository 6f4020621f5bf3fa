/* SPDX-License-Identifier: ISC */
/*
 * The bulk of bench/ossl-db's `openssl ca` database: COUNT certificates,
 * each really signed by the CA key (so that db import-openssl's signature
 * checks are real), all revoked, written exactly as `openssl ca` writes
 * them: newcerts/SERIAL.pem (PEM, as -notext leaves it), the index.txt
 * lines appended (R, expiry and revocation as UTCTime, serial, "unknown",
 * the /A=B subject), and serial (the next one, hex).  Six reasons, one
 * after the other: unspecified, keyCompromise (keyTime, with the
 * compromise time openssl ca records as GeneralizedTime), superseded,
 * affiliationChanged, cessationOfOperation, certificateHold
 * (holdInstruction and the instruction's name).  Signing runs on every
 * core; the index lines are a function of the number alone.
 *
 *   bench-ossl-gen DIR COUNT CA.key CA.pem
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#define EXPIRY		"20361231000000Z"
#define REVOKED_AT	1793534400	/* 2026-11-01T12:00:00Z */

static const char *reasons[] = {
	"unspecified", "keyTime", "superseded", "affiliationChanged",
	"cessationOfOperation", "holdInstruction"
};

struct gen {
	const char	*dir;
	long		 count;
	EVP_PKEY	*cakey, *leaf;
	X509		*ca;
	long		 next;		/* atomic */
	int		 failed;
};

static unsigned long long
mix(unsigned long long x)
{
	x += 0x9E3779B97F4A7C15ULL;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
	return x ^ (x >> 31);
}

/* 16 octets, positive, unique by i, leading octet never 0. */
static void
serial_of(long i, char *s, size_t size)
{
	snprintf(s, size, "%02X%08lX%016llX%06llX", 0x10 + (int)(i % 0x60),
	    (unsigned long)i, mix((unsigned long long)i),
	    mix((unsigned long long)i + 1) & 0xFFFFFF);
}

static int
add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION	*e;
	int		 ok;

	if ((e = X509V3_EXT_conf_nid(NULL, ctx, nid, value)) == NULL)
		return 0;
	ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok;
}

static X509 *
make_cert(const struct gen *g, long i, const char *serial)
{
	X509		*x = X509_new();
	X509_NAME	*n = X509_NAME_new();
	X509V3_CTX	 ctx;
	BIGNUM		*bn = NULL;
	ASN1_TIME	*t = ASN1_TIME_new();
	char		 cn[64];
	int		 ok;

	snprintf(cn, sizeof(cn), "host%ld.example.com", i);
	ok = x != NULL && n != NULL && t != NULL && BN_hex2bn(&bn, serial) &&
	    X509_set_version(x, 2) &&
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL &&
	    X509_NAME_add_entry_by_txt(n, "C", MBSTRING_ASC,
	    (const unsigned char *)"XX", -1, -1, 0) &&
	    X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC,
	    (const unsigned char *)"Example", -1, -1, 0) &&
	    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0) &&
	    X509_set_subject_name(x, n) &&
	    X509_set_issuer_name(x, X509_get_subject_name(g->ca)) &&
	    ASN1_TIME_set_string(t, "20260101000000Z") &&
	    X509_set1_notBefore(x, t) && ASN1_TIME_set_string(t, EXPIRY) &&
	    X509_set1_notAfter(x, t) && X509_set_pubkey(x, g->leaf);
	X509V3_set_ctx(&ctx, g->ca, x, NULL, NULL, 0);
	ok = ok && add_ext(x, &ctx, NID_authority_key_identifier,
	    "keyid:always") && add_ext(x, &ctx, NID_basic_constraints,
	    "critical,CA:FALSE") && X509_sign(x, g->cakey, EVP_sha384()) > 0;
	BN_free(bn);
	X509_NAME_free(n);
	ASN1_TIME_free(t);
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static void *
worker(void *arg)
{
	struct gen	*g = arg;
	char		 serial[40], path[4096];
	FILE		*f;
	X509		*x;
	long		 i;

	while ((i = __atomic_fetch_add(&g->next, 1, __ATOMIC_RELAXED)) <
	    g->count) {
		serial_of(i, serial, sizeof(serial));
		snprintf(path, sizeof(path), "%s/newcerts/%s.pem", g->dir,
		    serial);
		if ((x = make_cert(g, i, serial)) == NULL ||
		    (f = fopen(path, "w")) == NULL) {
			g->failed = 1;
			X509_free(x);
			return NULL;
		}
		if (!PEM_write_X509(f, x))
			g->failed = 1;
		if (fclose(f) != 0)
			g->failed = 1;
		X509_free(x);
	}
	return NULL;
}

/* YYMMDDHHMMSSZ (UTCTime) or YYYYMMDDHHMMSSZ. */
static void
time_text(time_t t, int generalized, char *buf, size_t size)
{
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, generalized ? "%Y%m%d%H%M%SZ" : "%y%m%d%H%M%SZ",
	    &tm);
}

/* The index lines, in the order of the numbers, as openssl ca writes. */
static int
write_index(const struct gen *g)
{
	char		 path[4096], serial[40], rev[20], inv[20];
	const char	*r;
	FILE		*f;
	long		 i;

	snprintf(path, sizeof(path), "%s/index.txt", g->dir);
	if ((f = fopen(path, "a")) == NULL)
		return 1;
	for (i = 0; i < g->count; i++) {
		serial_of(i, serial, sizeof(serial));
		r = reasons[i % 6];
		time_text(REVOKED_AT + i % 86400, 0, rev, sizeof(rev));
		fprintf(f, "R\t%s\t%s,%s", EXPIRY + 2, rev, r);
		if (i % 6 == 1) {
			time_text(REVOKED_AT - 86400 + i % 86400, 1, inv,
			    sizeof(inv));
			fprintf(f, ",%s", inv);
		} else if (i % 6 == 5)
			fprintf(f, ",holdInstructionReject");
		fprintf(f, "\t%s\tunknown\t/C=XX/O=Example/CN=host%ld.example"
		    ".com\n", serial, i);
	}
	snprintf(path, sizeof(path), "%s/serial", g->dir);
	serial_of(g->count, serial, sizeof(serial));
	return fclose(f) != 0 || (f = fopen(path, "w")) == NULL ||
	    fprintf(f, "%s\n", serial) < 0 || fclose(f) != 0;
}

static EVP_PKEY *
read_key(const char *path)
{
	EVP_PKEY	*k = NULL;
	FILE		*f;

	if ((f = fopen(path, "r")) != NULL) {
		k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	}
	return k;
}

int
main(int argc, char **argv)
{
	struct gen	 g;
	pthread_t	 t[64];
	FILE		*f;
	long		 cores = sysconf(_SC_NPROCESSORS_ONLN);
	int		 k, n;

	memset(&g, 0, sizeof(g));
	if (argc != 5 || (g.count = atol(argv[2])) < 0) {
		fprintf(stderr, "usage: bench-ossl-gen DIR COUNT CA.key CA.pem\n");
		return 2;
	}
	g.dir = argv[1];
	if ((g.cakey = read_key(argv[3])) == NULL ||
	    (f = fopen(argv[4], "r")) == NULL) {
		fprintf(stderr, "bench-ossl-gen: cannot read %s or %s\n",
		    argv[3], argv[4]);
		return 1;
	}
	g.ca = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	/* One leaf key for all: the import checks the CA's signatures. */
	g.leaf = EVP_EC_gen("P-256");
	if (g.ca == NULL || g.leaf == NULL) {
		fprintf(stderr, "bench-ossl-gen: no CA certificate or key\n");
		return 1;
	}
	n = cores < 1 ? 1 : cores > 64 ? 64 : (int)cores;
	for (k = 0; k < n; k++)
		if (pthread_create(&t[k], NULL, worker, &g) != 0)
			return 1;
	for (k = 0; k < n; k++)
		pthread_join(t[k], NULL);
	k = g.failed || write_index(&g) != 0;
	if (k)
		fprintf(stderr, "bench-ossl-gen: writing %s failed\n", g.dir);
	X509_free(g.ca);
	EVP_PKEY_free(g.cakey);
	EVP_PKEY_free(g.leaf);
	return k;
}
