/* SPDX-License-Identifier: ISC */
/*
 * Certificate profiles and CRL templates (ceremony/issue/template.c, crl.c,
 * util/conf.c): the input is a template file, read by both loaders as
 * root create, sign and crl issue read theirs (every key checked, the
 * extension section built once by OpenSSL's X509V3 parser).
 */
#include <stdlib.h>

#include "ceremony/crl/crl.h"
#include "ceremony/issue/issue.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tmpl	*t = NULL;
	struct crl_tmpl	*c = NULL;
	const char	*path;

	path = fuzz_file("templates/fuzz.cnf", data, size);
	if (tmpl_load(path, &t) == 0)
		tmpl_free(t);
	if (crl_tmpl_load(path, &c) == 0)
		crl_tmpl_free(c);
	err_clear();
	return 0;
}
