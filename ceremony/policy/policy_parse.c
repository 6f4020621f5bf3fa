/* SPDX-License-Identifier: ISC */
/*
 * The value syntaxes of a policy's [policy] keys: comma-separated lists,
 * yes/no, bounded numbers, lists of OIDs by name or dotted number.  Each
 * error names the file and the key, so one line tells the author what to
 * fix.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/objects.h>

#include "ceremony/policy/policy.h"

/* "a, b,c" -> {"a", "b", "c"} (conf_list); an empty list is an error. */
int
policy_list(const struct policy_src *s, char ***out, size_t *n)
{
	if (conf_list(s->value, out, n) != 0)
		return 1;
	if (*n == 0) {
		err_set("policy %s: %s is empty: give a comma-separated list "
		    "or leave the key out (see docs/policy.md)", s->p->path,
		    s->key);
		return 1;
	}
	return 0;
}

void
policy_list_free(char **v, size_t n)
{
	conf_list_free(v, n);
}

int
policy_bool(const struct policy_src *s, int *out)
{
	if (conf_bool(s->value, out) != 0) {
		err_set("policy %s: %s = \"%s\": write yes or no", s->p->path,
		    s->key, s->value);
		return 1;
	}
	return 0;
}

int
policy_long(const struct policy_src *s, long min, long max, long *out)
{
	char	*end;

	errno = 0;
	*out = strtol(s->value, &end, 10);
	if (errno != 0 || *s->value == '\0' || *end != '\0' || *out < min ||
	    *out > max) {
		err_set("policy %s: %s = \"%s\" must be a whole number from "
		    "%ld to %ld", s->p->path, s->key, s->value, min, max);
		return 1;
	}
	return 0;
}

/* OIDs by OpenSSL short or long name ("serverAuth") or dotted number. */
int
policy_oids(const struct policy_src *s, STACK_OF(ASN1_OBJECT) **out)
{
	STACK_OF(ASN1_OBJECT)	*sk = NULL;
	ASN1_OBJECT		*o;
	char			**v = NULL;
	size_t			 n = 0, i;
	int			 rc = 1;

	if (policy_list(s, &v, &n) != 0)
		return 1;
	if ((sk = sk_ASN1_OBJECT_new_null()) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		if ((o = OBJ_txt2obj(v[i], 0)) == NULL) {
			err_set("policy %s: %s: \"%s\" is neither a name OpenSSL "
			    "knows nor a dotted OID", s->p->path, s->key, v[i]);
			goto out;
		}
		if (!sk_ASN1_OBJECT_push(sk, o)) {
			ASN1_OBJECT_free(o);
			goto out;
		}
	}
	*out = sk;
	sk = NULL;
	rc = 0;
out:
	sk_ASN1_OBJECT_pop_free(sk, ASN1_OBJECT_free);
	policy_list_free(v, n);
	ERR_clear_error();
	return rc;
}
