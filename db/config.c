/* SPDX-License-Identifier: ISC */
/*
 * ceremony.cnf: the settings of a data directory, in OpenSSL config syntax
 * and read by OpenSSL's own reader, section [ceremony]:
 *
 *   module = /usr/lib/softhsm/libsofthsm2.so
 *   token = root-2026
 *   ca_name = Example Root CA
 *
 * Values are written with every character the reader treats specially
 * ($ # ; quotes, backslash) escaped, and read back before the file is
 * written, so what is written is what will be read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/conf.h>
#include <openssl/err.h>

#include "db/db_int.h"
#include "util/util.h"

#define SECTION		"ceremony"
#define SPECIAL		"\\$#;\"'"

struct key {
	const char	*name;
	size_t		 off;	/* of the char * in struct db_config */
	const char	*what;	/* for messages */
};

static const struct key keys[] = {
	{ "module", offsetof(struct db_config, module), "PKCS#11 module path" },
	{ "token", offsetof(struct db_config, token), "token label" },
	{ "ca_name", offsetof(struct db_config, ca_name), "CA name" },
};
#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

static char **
field(struct db_config *cfg, const struct key *k)
{
	return (char **)((char *)cfg + k->off);
}

static const char *
cfield(const struct db_config *cfg, const struct key *k)
{
	return *(char *const *)((const char *)cfg + k->off);
}

void
db_config_clear(struct db_config *cfg)
{
	size_t	i;

	for (i = 0; i < NKEYS; i++) {
		free(*field(cfg, &keys[i]));
		*field(cfg, &keys[i]) = NULL;
	}
}

/* The value of name in [ceremony] itself, not a default section's. */
static const char *
section_value(CONF *conf, const char *name)
{
	STACK_OF(CONF_VALUE)	*sk;
	CONF_VALUE		*v;
	const char		*found = NULL;
	int			 i;

	if ((sk = NCONF_get_section(conf, SECTION)) == NULL)
		return NULL;
	for (i = 0; i < sk_CONF_VALUE_num(sk); i++) {
		v = sk_CONF_VALUE_value(sk, i);
		if (strcmp(v->name, name) == 0)
			found = v->value;	/* the last one counts */
	}
	return found;
}

/* Read the text in bio into cfg; path is for messages. */
static int
config_parse(BIO *bio, const char *path, struct db_config *cfg)
{
	CONF		*conf = NULL;
	const char	*v, *reason;
	long		 eline = 0;
	size_t		 i;
	int		 rc = 0;

	memset(cfg, 0, sizeof(*cfg));
	if ((conf = NCONF_new(NULL)) == NULL) {
		err_ossl("out of memory reading %s", path);
		goto out;
	}
	if (NCONF_load_bio(conf, bio, &eline) <= 0) {
		reason = ERR_reason_error_string(ERR_peek_error());
		err_set("%s line %ld is corrupt (%s): correct it, or restore "
		    "it from the backup", path, eline,
		    reason != NULL ? reason : "unreadable");
		goto out;
	}
	if (NCONF_get_section(conf, SECTION) == NULL) {
		err_set("%s has no [%s] section: restore it from the backup",
		    path, SECTION);
		goto out;
	}
	for (i = 0; i < NKEYS; i++) {
		if ((v = section_value(conf, keys[i].name)) == NULL ||
		    *v == '\0') {
			err_set("%s: [%s] has no %s (the %s): add a line "
			    "'%s = ...'", path, SECTION, keys[i].name,
			    keys[i].what, keys[i].name);
			goto out;
		}
		if ((*field(cfg, &keys[i]) = strdup(v)) == NULL) {
			err_set("out of memory reading %s", path);
			goto out;
		}
	}
	rc = 1;
out:
	if (!rc)
		db_config_clear(cfg);
	NCONF_free(conf);
	ERR_clear_error();
	return !rc;
}

int
db_config_load(const char *path, struct db_config *cfg)
{
	BIO	*bio;
	int	 rc;

	memset(cfg, 0, sizeof(*cfg));
	if ((bio = BIO_new_file(path, "r")) == NULL) {
		err_set("cannot read %s (%s): is this a ceremony data "
		    "directory?", path, strerror(errno));
		ERR_clear_error();
		return 1;
	}
	rc = config_parse(bio, path, cfg);
	BIO_free(bio);
	return rc;
}

/* Refuse what no escaping keeps intact; 0 if v can be written. */
static int
value_check(const struct key *k, const char *v)
{
	size_t	i, len;

	if (v == NULL || *v == '\0') {
		err_set("the %s (%s) is empty: give one", k->what, k->name);
		return 1;
	}
	len = strlen(v);
	for (i = 0; i < len; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f) {
			err_set("the %s contains a control character: "
			    "ceremony.cnf cannot hold it; use another",
			    k->what);
			return 1;
		}
	if (v[0] == ' ' || v[len - 1] == ' ') {
		err_set("the %s '%s' starts or ends with a space: ceremony.cnf "
		    "cannot hold it; leave the spaces out", k->what, v);
		return 1;
	}
	return 0;
}

/* Write "name = value\n" with the special characters escaped. */
static int
put_value(BIO *out, const struct key *k, const char *v)
{
	if (BIO_printf(out, "%s = ", k->name) <= 0)
		return 1;
	for (; *v != '\0'; v++)
		if ((strchr(SPECIAL, *v) != NULL && BIO_write(out, "\\", 1) != 1)
		    || BIO_write(out, v, 1) != 1)
			return 1;
	return BIO_write(out, "\n", 1) != 1;
}

/* Read text back and make sure every value is exactly what was meant. */
static int
config_roundtrip(const char *path, const char *text, size_t len,
    const struct db_config *cfg)
{
	struct db_config	 back;
	BIO			*bio;
	size_t			 i;
	int			 rc = 1;

	if ((bio = BIO_new_mem_buf(text, (int)len)) == NULL) {
		err_ossl("out of memory writing %s", path);
		return 1;
	}
	if (config_parse(bio, path, &back) == 0) {
		rc = 0;
		for (i = 0; i < NKEYS && rc == 0; i++)
			if (strcmp(cfield(&back, &keys[i]),
			    cfield(cfg, &keys[i])) != 0) {
				err_set("the %s '%s' cannot be kept in "
				    "ceremony.cnf as it is; use another",
				    keys[i].what, cfield(cfg, &keys[i]));
				rc = 1;
			}
		db_config_clear(&back);
	}
	BIO_free(bio);
	return rc;
}

int
db_config_write(const char *path, const struct db_config *cfg)
{
	BIO	*out = NULL;
	char	*text;
	long	 len;
	size_t	 i;
	int	 rc = 0;

	for (i = 0; i < NKEYS; i++)
		if (value_check(&keys[i], cfield(cfg, &keys[i])))
			goto out;
	if ((out = BIO_new(BIO_s_mem())) == NULL ||
	    BIO_printf(out, "# Settings of this ceremony data directory "
	    "(OpenSSL config syntax).\n# See docs/database.md.\n[%s]\n",
	    SECTION) <= 0) {
		err_ossl("out of memory writing %s", path);
		goto out;
	}
	for (i = 0; i < NKEYS; i++)
		if (put_value(out, &keys[i], cfield(cfg, &keys[i]))) {
			err_ossl("out of memory writing %s", path);
			goto out;
		}
	len = BIO_get_mem_data(out, &text);
	if (config_roundtrip(path, text, (size_t)len, cfg) ||
	    atomic_write(path, text, (size_t)len, 0644, 0))
		goto out;
	rc = 1;
out:
	BIO_free(out);
	return !rc;
}
