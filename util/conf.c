/* SPDX-License-Identifier: ISC */
/*
 * Parsing a configuration file (template, policy, CRL template) with
 * OpenSSL's own reader, from the bytes already read: the bytes hashed into
 * the audit record are the bytes parsed, not a second read of the file.
 */
#include <openssl/bio.h>
#include <openssl/conf.h>

#include "util/util.h"

/* what: "template", "policy"; doc: where its keys are described. */
int
conf_parse(const char *what, const char *path, const unsigned char *buf,
    size_t len, const char *doc, CONF **out)
{
	BIO	*bio = NULL;
	CONF	*conf = NULL;
	long	 eline = -1;
	int	 rc = 1;

	*out = NULL;
	if ((conf = NCONF_new(NULL)) == NULL ||
	    (bio = BIO_new_mem_buf(buf, (int)len)) == NULL) {
		err_set("out of memory reading %s %s", what, path);
		goto out;
	}
	if (!NCONF_load_bio(conf, bio, &eline)) {
		if (eline > 0)
			err_ossl("%s %s: line %ld cannot be read: fix it (see "
			    "%s)", what, path, eline, doc);
		else
			err_ossl("%s %s cannot be read as an OpenSSL config "
			    "file", what, path);
		goto out;
	}
	*out = conf;
	conf = NULL;
	rc = 0;
out:
	NCONF_free(conf);
	BIO_free(bio);
	return rc;
}
