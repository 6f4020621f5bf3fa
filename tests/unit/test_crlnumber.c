/* SPDX-License-Identifier: ISC */
/*
 * The cRLNumber of a CRL read back (crl_read_times): a number up to
 * 2^64-1 is read exactly; a CRL without one, with one of 2^64 or more,
 * or a negative one is an error that names the file, never a 0 that
 * "the number increases" would accept.  The CRLs are made here by
 * OpenSSL with a software EC key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "ceremony/crl/crl.h"
#include "tests/unit/tap.h"

/* A signed CRL with number dec (NULL: no cRLNumber) written to path. */
static int
write_crl(EVP_PKEY *key, const char *dec, const char *path)
{
	X509_CRL	*crl = X509_CRL_new();
	X509_NAME	*name = X509_NAME_new();
	ASN1_TIME	*tu = ASN1_TIME_set(NULL, 1798761600);
	ASN1_TIME	*nu = ASN1_TIME_set(NULL, 1798761600 + 86400);
	ASN1_INTEGER	*num = NULL;
	BIGNUM		*bn = NULL;
	FILE		*fp = NULL;
	int		 rc = 1;

	if (crl == NULL || name == NULL || tu == NULL || nu == NULL ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"test root", -1, -1, 0) ||
	    !X509_CRL_set_version(crl, 1) ||
	    !X509_CRL_set_issuer_name(crl, name) ||
	    !X509_CRL_set1_lastUpdate(crl, tu) ||
	    !X509_CRL_set1_nextUpdate(crl, nu))
		goto out;
	if (dec != NULL && (!BN_dec2bn(&bn, dec) ||
	    (num = BN_to_ASN1_INTEGER(bn, NULL)) == NULL ||
	    !X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0)))
		goto out;
	if (!X509_CRL_sign(crl, key, EVP_sha384()) ||
	    (fp = fopen(path, "wb")) == NULL || !i2d_X509_CRL_fp(fp, crl))
		goto out;
	rc = 0;
out:
	if (fp != NULL && fclose(fp) != 0)
		rc = 1;
	BN_free(bn);
	ASN1_INTEGER_free(num);
	ASN1_TIME_free(tu);
	ASN1_TIME_free(nu);
	X509_NAME_free(name);
	X509_CRL_free(crl);
	return rc;
}

static const struct {
	const char		*number;	/* NULL: none */
	unsigned long long	 want;		/* 0: an error */
} cases[] = {
	{ "1", 1 },
	{ "4660", 4660 },
	{ "18446744073709551615", 18446744073709551615ULL },	/* 2^64-1 */
	{ "18446744073709551616", 0 },				/* 2^64 */
	{ "340282366920938463463374607431768211456", 0 },	/* 2^128 */
	{ "-5", 0 },
	{ NULL, 0 },
};

int
main(void)
{
	char			 dir[] = "/tmp/test_crlnumber.XXXXXX", path[64];
	EVP_PKEY		*key;
	unsigned long long	 n;
	time_t			 tu, nu;
	size_t			 i, entries;
	int			 rc;

	if (mkdtemp(dir) == NULL ||
	    (key = EVP_EC_gen("P-384")) == NULL) {
		printf("Bail out! no temporary folder or key\n");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/1.crl", dir);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err_clear();
		n = 0;
		if (write_crl(key, cases[i].number, path) != 0) {
			printf("Bail out! cannot make a CRL\n");
			return 1;
		}
		rc = crl_read_times(path, &tu, &nu, &n, &entries);
		if (cases[i].want != 0)
			ok(rc == 0 && n == cases[i].want && tu == 1798761600 &&
			    entries == 0, "CRL number %s read exactly",
			    cases[i].number);
		else
			ok(rc != 0 && strstr(err_get(), "has no readable CRL "
			    "number") != NULL && strstr(err_get(), path) != NULL &&
			    strchr(err_get(), '\n') == NULL,
			    "CRL number %s: a one-line error naming the file",
			    cases[i].number != NULL ? cases[i].number : "(none)");
	}
	unlink(path);
	rmdir(dir);
	EVP_PKEY_free(key);
	return done_testing();
}
