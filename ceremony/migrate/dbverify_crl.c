/* SPDX-License-Identifier: ISC */
/*
 * ceremony db verify, the CRLs of one generation (crls/gen-N/NUMBER.crl):
 * each verifies under the generation's CA certificate and carries the
 * number of its file name, and a higher number never has an earlier
 * thisUpdate.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "ceremony/issue/issue.h"
#include "ceremony/migrate/migrate.h"

#define CRL_FILE_MAX	(256 * 1024 * 1024)

static int
ull_cmp(const void *a, const void *b)
{
	unsigned long long	x = *(const unsigned long long *)a;
	unsigned long long	y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

/* NUMBER of "NUMBER.crl" (no leading zero), else 0. */
static unsigned long long
crl_file_number(const char *name)
{
	unsigned long long	n;
	char			*end;

	if (name[0] < '1' || name[0] > '9')
		return 0;
	errno = 0;
	n = strtoull(name, &end, 10);
	return errno == 0 && strcmp(end, ".crl") == 0 ? n : 0;
}

static int
crl_numbers(const char *dir, unsigned long long **out, size_t *n)
{
	DIR			*d;
	struct dirent		*e;
	unsigned long long	*v = NULL, *nv, num;
	size_t			 cap = 0;

	*out = NULL;
	*n = 0;
	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : 1;
	while ((e = readdir(d)) != NULL) {
		if ((num = crl_file_number(e->d_name)) == 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				closedir(d);
				free(v);
				*n = 0;
				return 1;
			}
			v = nv;
		}
		v[(*n)++] = num;
	}
	closedir(d);
	if (*n > 0)
		qsort(v, *n, sizeof(*v), ull_cmp);
	*out = v;
	return 0;
}

/* One CRL file; its thisUpdate into *when. */
static void
crl_one(const struct db *db, int gen, unsigned long long num, X509 *ca,
    struct findings *f, time_t *when)
{
	const unsigned char	*p;
	unsigned char		*der = NULL;
	ASN1_INTEGER		*ai = NULL;
	X509_CRL		*crl = NULL;
	char			*path;
	size_t			 len;
	uint64_t		 got = 0;

	*when = 0;
	if ((path = db_crl_path(db, gen, num, "crl")) == NULL)
		return;
	if (file_read_small("CRL", path, CRL_FILE_MAX, &der, &len) != 0) {
		findings_add(f, 1, "crl-unreadable", "%s", err_get());
		err_clear();
		goto out;
	}
	p = der;
	if ((crl = d2i_X509_CRL(NULL, &p, (long)len)) == NULL) {
		findings_add(f, 1, "crl-unreadable", "%s is not a DER CRL",
		    path);
		goto out;
	}
	if (X509_CRL_verify(crl, X509_get0_pubkey(ca)) != 1)
		findings_add(f, 1, "crl-signature", "%s does not verify under "
		    "CA generation %d", path, gen);
	if ((ai = X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL, NULL)) ==
	    NULL || !ASN1_INTEGER_get_uint64(&got, ai) || got != num)
		findings_add(f, 1, "crl-number", "%s carries CRL number %llu",
		    path, (unsigned long long)got);
	*when = cert_time(X509_CRL_get0_lastUpdate(crl));
out:
	ASN1_INTEGER_free(ai);
	X509_CRL_free(crl);
	free(der);
	free(path);
	ERR_clear_error();
}

void
db_verify_crls(struct db *db, int gen, X509 *ca, struct findings *f)
{
	unsigned long long	*nums = NULL;
	char			 rel[64], *dir;
	size_t			 n = 0, i;
	time_t			 when, prev = 0;

	snprintf(rel, sizeof(rel), "crls/gen-%d", gen);
	if ((dir = db_path(db, rel)) == NULL)
		return;
	if (crl_numbers(dir, &nums, &n) != 0) {
		findings_add(f, 1, "crl-unreadable", "cannot read %s", dir);
		free(dir);
		return;
	}
	for (i = 0; i < n; i++) {
		crl_one(db, gen, nums[i], ca, f, &when);
		if (when != 0 && when < prev)
			findings_add(f, 1, "crl-order", "%s/%llu.crl has an "
			    "earlier thisUpdate than CRL %llu before it", dir,
			    nums[i], nums[i - 1]);
		if (when != 0)
			prev = when;
	}
	free(nums);
	free(dir);
}
