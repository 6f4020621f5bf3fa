/* SPDX-License-Identifier: ISC */
/*
 * Per-generation addresses.  A template writes {gen} where a URL names
 * the CA generation (crlDistributionPoints, authorityInfoAccess, the CRL's
 * idp); it is expanded to the issuing generation's number when the
 * certificate or CRL is built, so a rollover needs no template edit.
 * ({gen}, not ${gen}: OpenSSL's config reader expands $ itself and refuses
 * an unknown variable.)  The lint's rule, docs/templates.md: in a URL,
 * "gen" followed by a decimal number names that generation, and it must be
 * the one that signs.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/conf.h>
#include <openssl/x509v3.h>

#include "ceremony/issue/issue.h"

#define GEN_VAR	"{gen}"

/* v with every {gen} replaced by gen's number; NULL when out of memory. */
char *
gen_expand(const char *v, int gen)
{
	const char	*p, *q;
	char		 num[16], *out, *o;
	size_t		 n = 0, vl = strlen(GEN_VAR), nl;

	nl = (size_t)snprintf(num, sizeof(num), "%d", gen);
	for (p = v; (q = strstr(p, GEN_VAR)) != NULL; p = q + vl)
		n++;
	if ((out = malloc(strlen(v) + n * nl + 1)) == NULL)
		return NULL;
	for (o = out, p = v; (q = strstr(p, GEN_VAR)) != NULL; p = q + vl) {
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		memcpy(o, num, nl);
		o += nl;
	}
	memcpy(o, p, strlen(p) + 1);	/* out was sized for it above */
	return out;
}

/*
 * The generation a URL names: the number after the last "gen" that is
 * followed by digits ("root-gen12.crl": 12), or 0 when it names none.
 */
int
gen_named(const char *url)
{
	const char	*p;
	int		 gen = 0;
	long		 v;
	char		*end;

	for (p = url; (p = strstr(p, "gen")) != NULL; p += 3) {
		if (p[3] < '0' || p[3] > '9')
			continue;
		v = strtol(p + 3, &end, 10);
		gen = v > 0 && v < 1000000 ? (int)v : 0;
	}
	return gen;
}

/*
 * The extensions of a template section, each value with {gen} expanded:
 * what X509V3_EXT_add_nconf does, one value at a time.
 */
int
gen_ext_add(CONF *conf, X509V3_CTX *ctx, const char *section, int gen,
    X509 *x)
{
	STACK_OF(CONF_VALUE)	*sk;
	CONF_VALUE		*cv;
	X509_EXTENSION		*e;
	char			*v;
	int			 i, ok;

	if ((sk = NCONF_get_section(conf, section)) == NULL)
		return 0;
	for (i = 0; i < sk_CONF_VALUE_num(sk); i++) {
		cv = sk_CONF_VALUE_value(sk, i);
		if ((v = gen_expand(cv->value, gen)) == NULL)
			return 0;
		e = X509V3_EXT_nconf(conf, ctx, cv->name, v);
		free(v);
		if (e == NULL)
			return 0;
		ok = X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
		if (!ok)
			return 0;
	}
	return 1;
}

/* A URI that names a generation other than gen (in *other), or NULL. */
static const char *
gen_other_uri(const GENERAL_NAME *gn, int gen, int *other)
{
	const ASN1_IA5STRING	*uri;
	int			 type;

	if ((uri = GENERAL_NAME_get0_value(gn, &type)) == NULL ||
	    type != GEN_URI)
		return NULL;
	*other = gen_named((const char *)ASN1_STRING_get0_data(uri));
	return *other != 0 && *other != gen ?
	    (const char *)ASN1_STRING_get0_data(uri) : NULL;
}

static void
gen_finding(struct findings *f, const char *ext, const char *uri, int other,
    int gen)
{
	findings_add(f, 1, "url-generation", "%s URI %s names generation %d "
	    "but generation %d signs: write {gen} in the template's URL "
	    "(docs/templates.md)", ext, uri, other, gen);
}

/* CDP and AIA URLs that name another generation than the signing one. */
void
gen_lint_urls(X509 *x, int gen, struct findings *f)
{
	CRL_DIST_POINTS		*cdp;
	AUTHORITY_INFO_ACCESS	*aia;
	DIST_POINT		*dp;
	ACCESS_DESCRIPTION	*ad;
	const char		*uri;
	int			 i, k, other;

	if ((cdp = X509_get_ext_d2i(x, NID_crl_distribution_points, NULL,
	    NULL)) != NULL) {
		for (i = 0; i < sk_DIST_POINT_num(cdp); i++) {
			dp = sk_DIST_POINT_value(cdp, i);
			if (dp->distpoint == NULL || dp->distpoint->type != 0)
				continue;
			for (k = 0; k < sk_GENERAL_NAME_num(
			    dp->distpoint->name.fullname); k++)
				if ((uri = gen_other_uri(sk_GENERAL_NAME_value(
				    dp->distpoint->name.fullname, k), gen,
				    &other)) != NULL)
					gen_finding(f, "crlDistributionPoints",
					    uri, other, gen);
		}
		CRL_DIST_POINTS_free(cdp);
	}
	if ((aia = X509_get_ext_d2i(x, NID_info_access, NULL, NULL)) == NULL)
		return;
	for (i = 0; i < sk_ACCESS_DESCRIPTION_num(aia); i++) {
		ad = sk_ACCESS_DESCRIPTION_value(aia, i);
		if ((uri = gen_other_uri(ad->location, gen, &other)) != NULL)
			gen_finding(f, "authorityInfoAccess", uri, other, gen);
	}
	AUTHORITY_INFO_ACCESS_free(aia);
}
