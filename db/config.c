/* SPDX-License-Identifier: ISC */
/*
 * ceremony.cnf: the settings of a data directory, in OpenSSL config syntax
 * and read by OpenSSL's own reader, section [ceremony]:
 *
 *   module = /usr/lib/softhsm/libsofthsm2.so
 *   token = root-2026
 *   ca_name = Example Root CA
 *
 * and, optionally, the room checks made at login (docs/assurance.md):
 *
 *   [room]
 *   network = warn | refuse
 *   clock = off | confirm
 *
 * Values are written with every character the reader treats specially
 * ($ # ; quotes, backslash) escaped, and read back before the file is
 * written, so what is written is what will be read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/conf.h>
#include <openssl/err.h>

#include "db/db_int.h"
#include "util/util.h"

#define SECTION		"ceremony"
#define ROOM		"room"
#define SPECIAL		"\\$#;\"'"
#define CONFIG_MAX	(64 * 1024)	/* ceremony.cnf is a few lines */

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

/* [room]: each key's two words, in the order of its enum's values. */
static const struct room_key {
	const char	*name;
	size_t		 off;	/* of the int in struct db_config */
	const char	*words[2];
} room_keys[] = {
	{ "network", offsetof(struct db_config, network), { "warn", "refuse" } },
	{ "clock", offsetof(struct db_config, clock), { "off", "confirm" } },
};

const char *
db_room_network_name(int v)
{
	return room_keys[0].words[v == DB_NETWORK_REFUSE];
}

const char *
db_room_clock_name(int v)
{
	return room_keys[1].words[v == DB_CLOCK_CONFIRM];
}

/*
 * One setting of [room] (also ceremony init's --network and --clock).  A
 * value that is not one of the words is refused, never taken as the
 * default: a typo must not weaken the room's policy unseen.
 */
int
db_room_set(struct db_config *cfg, const char *key, const char *v)
{
	const struct room_key	*k;
	int			 i;

	for (k = room_keys; k < room_keys + 2; k++) {
		if (strcmp(key, k->name) != 0)
			continue;
		for (i = 0; i < 2; i++)
			if (strcmp(v, k->words[i]) == 0) {
				*(int *)((char *)cfg + k->off) = i;
				return 0;
			}
		err_set("%s = %s: expected %s or %s", key, v, k->words[0],
		    k->words[1]);
		return 1;
	}
	err_set("unknown key \"%s\": [%s] takes network (warn or refuse) "
	    "and clock (off or confirm)", key, ROOM);
	return 1;
}

/* The optional [room] section; absent, the defaults (warn, off). */
static int
room_parse(CONF *conf, const char *path, struct db_config *cfg)
{
	STACK_OF(CONF_VALUE)	*sk;
	CONF_VALUE		*v;
	int			 i;

	if ((sk = NCONF_get_section(conf, ROOM)) == NULL)
		return 0;
	for (i = 0; i < sk_CONF_VALUE_num(sk); i++) {
		v = sk_CONF_VALUE_value(sk, i);
		if (db_room_set(cfg, v->name, v->value) != 0) {
			err_context("%s [%s]", path, ROOM);
			return 1;
		}
	}
	return 0;
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
	if (room_parse(conf, path, cfg) != 0)
		goto out;
	rc = 1;
out:
	if (!rc)
		db_config_clear(cfg);
	NCONF_free(conf);
	ERR_clear_error();
	return !rc;
}

/* The bytes are read once and checked for .include before they parse. */
int
db_config_load(const char *path, struct db_config *cfg)
{
	BIO		*bio = NULL;
	unsigned char	*buf = NULL;
	size_t		 len;
	int		 rc = 1;

	memset(cfg, 0, sizeof(*cfg));
	if (access(path, F_OK) == -1) {
		err_set("cannot read %s (%s): is this a ceremony data "
		    "directory?", path, strerror(errno));
		return 1;
	}
	if (file_read_small("the configuration", path, CONFIG_MAX, &buf,
	    &len) != 0 || conf_self_contained("the configuration", path, buf,
	    len) != 0)
		goto out;
	if ((bio = BIO_new_mem_buf(buf, (int)len)) == NULL) {
		err_set("out of memory reading %s", path);
		goto out;
	}
	rc = config_parse(bio, path, cfg);
out:
	BIO_free(bio);
	free(buf);
	ERR_clear_error();
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
		if (rc == 0 && (back.network != cfg->network ||
		    back.clock != cfg->clock)) {
			err_set("the [room] settings of %s do not read back "
			    "as written", path);
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
	/* [room] only when it is not the defaults: older files stay alike. */
	if ((cfg->network != DB_NETWORK_WARN || cfg->clock != DB_CLOCK_OFF) &&
	    BIO_printf(out, "\n[%s]\nnetwork = %s\nclock = %s\n", ROOM,
	    db_room_network_name(cfg->network),
	    db_room_clock_name(cfg->clock)) <= 0) {
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
