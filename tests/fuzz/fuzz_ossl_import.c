/* SPDX-License-Identifier: ISC */
/*
 * db import-openssl's input (ceremony/migrate/ossl_import.c, ossl_index.c): an
 * openssl ca database.  The input is its files between lines "%%": the CA
 * certificate (--ca), index.txt, crlnumber (empty: none), the latest CRL
 * (--crl; empty: none), then the certificate of each index line in turn,
 * put in certs/ under the serial that line names.  Everything is read and
 * checked as the import does before it writes anything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/migrate/migrate.h"
#include "tests/fuzz/fuzz.h"

enum { P_CA, P_INDEX, P_CRLNUMBER, P_CRL, P_CERTS };

/* The serial field of line i of the index, when it can name a file. */
static int
line_serial(const uint8_t *p, size_t len, size_t i, char *out, size_t max)
{
	const uint8_t	*end = p + len, *nl, *f;
	size_t		 k, flen;

	for (; i > 0 && p < end; i--) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return 1;
		p = nl + 1;
	}
	if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
		nl = end;
	for (k = 0, f = p; k < 3; k++) {
		if ((f = memchr(f, '\t', (size_t)(nl - f))) == NULL)
			return 1;
		f++;
	}
	for (flen = 0; f + flen < nl && f[flen] != '\t'; flen++)
		if (strchr("0123456789ABCDEF", f[flen]) == NULL || f[flen] == 0)
			return 1;
	if (flen == 0 || flen >= max)
		return 1;
	memcpy(out, f, flen);
	out[flen] = '\0';
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_parts	 fp;
	struct ossl_import	 im;
	char			 dir[4096 + 32], serial[DB_SERIAL_MAX];
	char			 name[DB_SERIAL_MAX + 32], *dirs[1] = { dir };
	char			 ca[4096 + 32], index[4096 + 32], crl[4096 + 32];
	size_t			 i;

	fuzz_split(data, size, &fp);
	memset(&im, 0, sizeof(im));
	snprintf(dir, sizeof(dir), "%s/ossl/certs", fuzz_dir());
	rmtree(dir);
	snprintf(ca, sizeof(ca), "%s", fuzz_file("ossl/ca.pem", fp.p[P_CA],
	    fp.len[P_CA]));
	snprintf(index, sizeof(index), "%s", fuzz_file("ossl/index.txt",
	    fp.n > P_INDEX ? fp.p[P_INDEX] : NULL,
	    fp.n > P_INDEX ? fp.len[P_INDEX] : 0));
	if (fp.n > P_CRLNUMBER && fp.len[P_CRLNUMBER] > 0)
		fuzz_file("ossl/crlnumber", fp.p[P_CRLNUMBER],
		    fp.len[P_CRLNUMBER]);
	else
		fuzz_unlink("ossl/crlnumber");
	if (fp.n > P_CRL && fp.len[P_CRL] > 0) {
		snprintf(crl, sizeof(crl), "%s", fuzz_file("ossl/latest.crl",
		    fp.p[P_CRL], fp.len[P_CRL]));
		im.crl_path = crl;
	}
	for (i = P_CERTS; i < fp.n; i++) {
		if (line_serial(fp.p[P_INDEX], fp.len[P_INDEX], i - P_CERTS,
		    serial, sizeof(serial)) != 0)
			continue;
		snprintf(name, sizeof(name), "ossl/certs/%s.pem", serial);
		fuzz_file(name, fp.p[i], fp.len[i]);
	}
	im.index = index;
	im.dirs = dirs;
	im.ndirs = 1;
	im.ca_path = ca;
	(void)ossl_import_read(&im);
	ossl_import_clear(&im);
	err_clear();
	return 0;
}
