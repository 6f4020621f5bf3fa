/* SPDX-License-Identifier: ISC */
/*
 * Per-generation addresses, table-driven: {gen} expanded to the signing
 * generation, and the generation a URL names (the lint's genN rule).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/issue/issue.h"
#include "tests/unit/tap.h"

static const struct {
	const char	*in;
	int		 gen;
	const char	*out;
} expands[] = {
	{ "URI:http://pki.example.org/crl/root-gen{gen}.crl", 2,
	  "URI:http://pki.example.org/crl/root-gen2.crl" },
	{ "http://x/{gen}/root-gen{gen}.crt", 12, "http://x/12/root-gen12.crt" },
	{ "{gen}", 1, "1" },
	{ "no variable", 3, "no variable" },
	{ "half {ge} {gen", 3, "half {ge} {gen" },
	{ "", 1, "" },
};

static const struct {
	const char	*url;
	int		 gen;	/* 0: names none */
} named[] = {
	{ "http://pki.example.org/crl/root-gen1.crl", 1 },
	{ "http://pki.example.org/crl/root-gen12.crl", 12 },
	{ "http://pki.example.org/crl/root.crl", 0 },
	{ "http://gen.example.org/general/root-gen3.crt", 3 },
	{ "http://pki.example.org/generation/x.crl", 0 },
	{ "http://gen2.example.org/root-gen3.crl", 3 },
	{ "http://pki.example.org/gen0.crl", 0 },
	{ "http://pki.example.org/gen99999999999.crl", 0 },
};

int
main(void)
{
	size_t	i;
	char	*s;

	for (i = 0; i < sizeof(expands) / sizeof(expands[0]); i++) {
		s = gen_expand(expands[i].in, expands[i].gen);
		ok(s != NULL && strcmp(s, expands[i].out) == 0,
		    "\"%s\" with generation %d: \"%s\"", expands[i].in,
		    expands[i].gen, s != NULL ? s : "(null)");
		free(s);
	}
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		ok(gen_named(named[i].url) == named[i].gen,
		    "\"%s\" names generation %d", named[i].url, named[i].gen);
	return done_testing();
}
