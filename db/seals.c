/* SPDX-License-Identifier: ISC */
/*
 * audit.seals, beside audit.log: one line per sealed session, the CA
 * key's signature over the audit chain's head when the session closed.
 *
 *   record=N	time=T	session=S	head=SHA256	generation=G	key=SHA1	sig=BASE64
 *
 * record is the sealed record's number (the session's close), head its
 * SHA-256 (the value the next record's prev= will hold), key the SHA-1 of
 * the CA public key (its CKA_ID), sig the signature over seal_message().
 * Appended like audit.log: one write and fdatasync, cut back on failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "db/db_int.h"
#include "util/util.h"

#define SEALS_FILE	"audit.seals"

/* The bytes a seal signs: nothing in them can be read two ways. */
int
seal_message(const struct db_seal *s, char *buf, size_t len)
{
	int	n;

	n = snprintf(buf, len, "ceremony audit seal v1\nrecord=%llu\ntime=%s\n"
	    "session=%llu\nhead=%s\ngeneration=%d\nkey=%s\n", s->record,
	    s->time, s->session, s->head, s->generation, s->key);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

int
db_seal_append(struct db *db, const struct db_seal *s)
{
	char	*path = NULL, *line = NULL, *b64 = NULL;
	size_t	 b64len = 4 * ((s->siglen + 2) / 3) + 1;
	int	 fd = -1, n, rc = 1;

	if ((path = db_path(db, SEALS_FILE)) == NULL ||
	    (b64 = malloc(b64len)) == NULL) {
		err_set("out of memory");
		goto out;
	}
	EVP_EncodeBlock((unsigned char *)b64, s->sig, (int)s->siglen);
	if ((n = asprintf(&line, "record=%llu\ttime=%s\tsession=%llu\thead=%s"
	    "\tgeneration=%d\tkey=%s\tsig=%s\n", s->record, s->time,
	    s->session, s->head, s->generation, s->key, b64)) < 0) {
		line = NULL;
		err_set("out of memory");
		goto out;
	}
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0644)) == -1) {
		err_set("cannot open %s (%s)", path, strerror(errno));
		goto out;
	}
	if (append_durable(fd, line, (size_t)n)) {
		err_context("cannot record the seal in %s", path);
		goto out;
	}
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	free(line);
	free(b64);
	free(path);
	return rc;
}

static const char *const seal_keys[] = {
	"record", "time", "session", "head", "generation", "key", "sig"
};
#define SEAL_FIELDS	(sizeof(seal_keys) / sizeof(seal_keys[0]))

static int
is_hex(const char *v, size_t len)
{
	return strlen(v) == len && strspn(v, "0123456789abcdef") == len;
}

/* What is wrong with the seal line at p (len bytes), NULL if nothing. */
static const char *
seal_parse(char *p, struct db_seal *s)
{
	char		*v[SEAL_FIELDS], *t, *end;
	unsigned char	*sig;
	size_t		 i, klen, blen;
	int		 n;

	for (i = 0; i < SEAL_FIELDS; i++) {
		klen = strlen(seal_keys[i]);
		if (strncmp(p, seal_keys[i], klen) != 0 || p[klen] != '=')
			return "a field is missing or out of order";
		v[i] = p + klen + 1;
		t = strchr(v[i], '\t');
		if ((t == NULL) != (i == SEAL_FIELDS - 1))
			return "it does not have the 7 fields record time "
			    "session head generation key sig";
		if (t != NULL) {
			*t = '\0';
			p = t + 1;
		}
	}
	errno = 0;
	s->record = strtoull(v[0], &end, 10);
	if (*v[0] < '1' || *v[0] > '9' || *end != '\0' || errno != 0)
		return "the record number is malformed";
	s->session = strtoull(v[2], &end, 10);
	if (*v[2] < '1' || *v[2] > '9' || *end != '\0' || errno != 0)
		return "the session number is malformed";
	s->generation = (int)strtol(v[4], &end, 10);
	if (*v[4] < '1' || *v[4] > '9' || *end != '\0' || errno != 0)
		return "the generation is malformed";
	if (strlen(v[1]) != 20 || !is_hex(v[3], 64) || !is_hex(v[5], 40))
		return "the time, head or key is malformed";
	snprintf(s->time, sizeof(s->time), "%s", v[1]);
	snprintf(s->head, sizeof(s->head), "%s", v[3]);
	snprintf(s->key, sizeof(s->key), "%s", v[5]);
	blen = strlen(v[6]);
	if (blen == 0 || blen % 4 != 0 || blen > 2048 ||
	    (sig = malloc(blen)) == NULL)
		return "the signature is malformed";
	if ((n = EVP_DecodeBlock(sig, (unsigned char *)v[6], (int)blen)) < 0) {
		free(sig);
		return "the signature is not base64";
	}
	/* EVP_DecodeBlock counts the padding as bytes. */
	n -= (v[6][blen - 1] == '=') + (v[6][blen - 2] == '=');
	s->sig = sig;
	s->siglen = (size_t)n;
	return NULL;
}

void
db_seals_free(struct db_seal *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i].sig);
	free(v);
}

/*
 * Every seal of the data directory, in file order; none when there is no
 * audit.seals.  A malformed line is an error naming it.
 */
int
db_seals_read(const struct db *db, struct db_seal **out, size_t *nout)
{
	struct db_seal	*v = NULL, *nv;
	const char	*why;
	char		*path, *buf = NULL, *p, *nl;
	size_t		 len, n = 0, line = 0;
	int		 fd = -1, rc = 1;

	*out = NULL;
	*nout = 0;
	if ((path = db_path(db, SEALS_FILE)) == NULL)
		return 1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		rc = errno != ENOENT;
		if (rc)
			err_set("cannot read %s (%s)", path, strerror(errno));
		goto out;
	}
	if (read_all(fd, &buf, &len)) {
		err_context("cannot read %s", path);
		goto out;
	}
	for (p = buf; p < buf + len; p = nl + 1) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(buf + len - p))) == NULL) {
			err_set("%s line %zu is incomplete: restore the file "
			    "from the backup", path, line);
			goto out;
		}
		*nl = '\0';
		if ((nv = reallocarray(v, n + 1, sizeof(*v))) == NULL) {
			err_set("out of memory");
			goto out;
		}
		v = nv;
		memset(&v[n], 0, sizeof(v[n]));
		v[n].line = line;
		if ((why = seal_parse(p, &v[n])) != NULL) {
			err_set("%s line %zu is not a valid seal (%s): keep this "
			    "copy and compare it with the backup", path, line,
			    why);
			goto out;
		}
		n++;
	}
	*out = v;
	*nout = n;
	v = NULL;
	n = 0;
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	db_seals_free(v, n);
	free(buf);
	free(path);
	return rc;
}
