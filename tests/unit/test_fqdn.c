/* SPDX-License-Identifier: ISC */
/*
 * Host name syntax (fqdn_check), suffix matching on label boundaries
 * (dns_suffix_match) and suffix syntax (dns_suffix_ok), table-driven.
 */
#include <stdio.h>
#include <string.h>

#include "ceremony/policy/policy.h"
#include "tests/unit/tap.h"

#define L63 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk"
#define L64 L63 "l"
#define L50 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwx"

static const struct {
	const char		*name;
	enum fqdn_verdict	 want;
} cases[] = {
	{ "example.com", FQDN_OK },
	{ "a-b.example.com", FQDN_OK },
	{ "xn--bcher-kva.example", FQDN_OK },		/* A-label */
	{ "www.xn--bcher-kva.example", FQDN_OK },
	{ L63 ".example.com", FQDN_OK },		/* 63-char label */
	{ "VCS.Example.COM", FQDN_OK },			/* case is free */
	{ "a1.b2.example.com", FQDN_OK },
	{ "1.example.com", FQDN_OK },			/* digits first: fine */
	{ "example.c0m", FQDN_OK },			/* last label: letter */
	/* 253 characters: 4 x 50 + 49 + 4 dots */
	{ L50 "." L50 "." L50 "." L50 ".bcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwx",
	  FQDN_OK },
	{ "*.example.com", FQDN_WILDCARD },
	{ "*.www.example.com", FQDN_WILDCARD },
	{ "-a.example.com", FQDN_BAD },
	{ "a-.example.com", FQDN_BAD },
	{ "a_b.example.com", FQDN_BAD },		/* underscore */
	{ "_sip._tcp.example.com", FQDN_BAD },
	{ "localhost", FQDN_BAD },			/* single label */
	{ "vcs", FQDN_BAD },
	{ L64 ".example.com", FQDN_BAD },		/* 64-char label */
	{ L50 "." L50 "." L50 "." L50 "." L50, FQDN_BAD },	/* 254 */
	{ "1.2.3.4", FQDN_BAD },			/* numeric last label */
	{ "192.0.2.1", FQDN_BAD },
	{ "example.123", FQDN_BAD },
	{ "a..b.example.com", FQDN_BAD },		/* empty label */
	{ ".example.com", FQDN_BAD },
	{ "example.com.", FQDN_BAD },			/* trailing dot */
	{ "", FQDN_BAD },
	{ "exa mple.com", FQDN_BAD },
	{ "ex\xc3\xa4mple.com", FQDN_BAD },		/* U-label: use xn-- */
	{ "ab--cd.example.com", FQDN_BAD },		/* reserved R-LDH */
	{ "example.-com", FQDN_BAD },
	{ "*.com", FQDN_BAD_WILDCARD },			/* public suffix */
	{ "w*.example.com", FQDN_BAD_WILDCARD },	/* partial */
	{ "*w.example.com", FQDN_BAD_WILDCARD },
	{ "www.*.example.com", FQDN_BAD_WILDCARD },	/* not leftmost */
	{ "*.*.example.com", FQDN_BAD_WILDCARD },
	{ "*", FQDN_BAD },				/* single label */
	{ "*.co.uk", FQDN_BAD_WILDCARD },		/* public suffix */
	{ "*.CO.UK", FQDN_BAD_WILDCARD },
	{ "*.github.io", FQDN_BAD_WILDCARD },		/* private section */
	{ "*.example.co.uk", FQDN_WILDCARD },
	{ "xn--zz.example.com", FQDN_BAD },		/* no valid A-label */
	{ "xn--.example.com", FQDN_BAD },
	{ "xn--bcher-kva.example.co.uk", FQDN_OK },
	{ "XN--BCHER-KVA.example.com", FQDN_OK },	/* case is free */
	{ "*.xn--bcher-kva.example", FQDN_WILDCARD },
};

static const struct {
	const char	*name, *suffix;
	int		 match;
} suffixes[] = {
	{ "example.com", "example.com", 1 },
	{ "a.example.com", "example.com", 1 },
	{ "A.EXAMPLE.com", "example.COM", 1 },
	{ "a.b.example.com", "example.com", 1 },
	{ "badexample.com", "example.com", 0 },		/* label boundary */
	{ "example.com", "a.example.com", 0 },
	{ "example.co", "example.com", 0 },
	{ "com", "example.com", 0 },
	{ "x.local", "local", 1 },
};

static const struct {
	const char	*suffix;
	int		 ok;
} suffix_syntax[] = {
	{ "example.com", 1 }, { "local", 1 }, { "xn--bcher-kva.example", 1 },
	{ "", 0 }, { "a..b", 0 }, { "-a.com", 0 }, { "*.com", 0 },
	{ "a_b.com", 0 },
};

static const char *
verdict_name(enum fqdn_verdict v)
{
	static const char	*names[] = { "ok", "wildcard", "bad wildcard",
	    "bad" };

	return names[v];
}

int
main(void)
{
	enum fqdn_verdict	 v;
	const char		*why;
	size_t			 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = fqdn_check(cases[i].name, strlen(cases[i].name), &why);
		ok(v == cases[i].want && (v == FQDN_OK || v == FQDN_WILDCARD ||
		    why != NULL), "\"%.40s\"%s (%zu chars): %s%s%s",
		    cases[i].name, strlen(cases[i].name) > 40 ? "..." : "",
		    strlen(cases[i].name), verdict_name(v),
		    why != NULL ? ": " : "", why != NULL ? why : "");
	}
	v = fqdn_check("good.com\0.evil.com", 18, &why);
	ok(v == FQDN_BAD, "an embedded NUL is refused");
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		ok(dns_suffix_match(suffixes[i].name, suffixes[i].suffix) ==
		    suffixes[i].match, "\"%s\" %s under \"%s\"",
		    suffixes[i].name, suffixes[i].match ? "is" : "is not",
		    suffixes[i].suffix);
	for (i = 0; i < sizeof(suffix_syntax) / sizeof(suffix_syntax[0]); i++)
		ok(dns_suffix_ok(suffix_syntax[i].suffix) == suffix_syntax[i].ok,
		    "suffix \"%s\" %s", suffix_syntax[i].suffix,
		    suffix_syntax[i].ok ? "accepted" : "refused");
	return done_testing();
}
