/* SPDX-License-Identifier: ISC */
/*
 * Where the user PIN comes from.  A file is re-read when the token asks
 * again (context-specific login); a descriptor can be read only once, so
 * its PIN is kept in the secure heap until the command ends.  So is the
 * PIN that M custodians' shares rebuild: they are read and combined once.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "ceremony/session/session.h"

void
pin_source_init(struct pin_source *p, const char *what, const char *fdopt)
{
	p->file = NULL;
	p->fd = -1;
	p->what = what;
	p->fdopt = fdopt;
	p->cached = NULL;
	p->nshares = 0;
	p->qid[0] = '\0';
	p->quorum[0] = '\0';
	p->share_refused = 0;
}

int
pin_source_set_fd(struct pin_source *p, const char *arg)
{
	long	fd;

	if (parse_long("pin-fd", arg, 0, 65535, &fd) != 0)
		return 1;
	p->fd = (int)fd;
	return 0;
}

/* One more custodian's share: a file, or a descriptor (file NULL). */
int
pin_source_add_share(struct pin_source *p, const char *file, const char *fd)
{
	long	n = -1;

	if (p->nshares == SHARE_N_MAX) {
		err_set("at most %d shares", SHARE_N_MAX);
		return 1;
	}
	if (file == NULL && parse_long("share-fd", fd, 0, 65535, &n) != 0)
		return 1;
	p->shares[p->nshares].file = file;
	p->shares[p->nshares].fd = (int)n;
	p->nshares++;
	return 0;
}

/* Read and check one share; src names it in errors.  A file read that is
 * not a share of a quorum sets *refused: a failed login, where a file
 * that could not be read safely is not. */
static int
share_read(const struct pin_share *ps, char *src, size_t srclen,
    struct share *sh, int *refused)
{
	struct secret	*text = NULL;
	int		 rc;

	if (ps->file != NULL) {
		snprintf(src, srclen, "share file %s", ps->file);
		rc = secret_read_text_file(ps->file, "share", "--share-fd",
		    &text);
	} else {
		snprintf(src, srclen, "share descriptor %d", ps->fd);
		rc = secret_read_text_fd(ps->fd, src, &text);
		close(ps->fd);
	}
	if (rc == 0 && (rc = share_parse(text->buf, src, sh)) != 0)
		*refused = 1;
	secret_free(text);
	return rc;
}

/*
 * The PIN rebuilt from n custodians' shares, read and checked already (the
 * command line's files and descriptors, the TUI's masked fields), kept in
 * p->cached; what the audit says of them (quorum, indexes, names, never
 * values) in p->quorum.
 */
int
pin_source_set_shares(struct pin_source *p, const struct share *v, size_t n)
{
	size_t	i, k;

	secret_free(p->cached);
	p->cached = NULL;
	if (shares_combine(v, n, &p->cached) != 0)
		return 1;
	snprintf(p->qid, sizeof(p->qid), "%s", v[0].qidhex);
	k = (size_t)snprintf(p->quorum, sizeof(p->quorum), "quorum %s, %d of "
	    "%d: shares", v[0].qidhex, v[0].m, v[0].n);
	for (i = 0; i < (size_t)v[0].m && k < sizeof(p->quorum); i++)
		k += (size_t)snprintf(p->quorum + k, sizeof(p->quorum) - k,
		    "%s %d %s", i > 0 ? "," : "", v[i].index, v[i].custodian);
	return 0;
}

/* The shares of --share-file and --share-fd, read once and combined. */
static int
pin_from_shares(struct pin_source *p)
{
	struct share	*v;
	char		 src[160];
	size_t		 i, sz = sizeof(*v) * p->nshares;
	int		 rc = 1;

	if ((v = OPENSSL_secure_zalloc(sz)) == NULL) {
		err_set("out of memory reading the shares");
		return 1;
	}
	for (i = 0; i < p->nshares; i++)
		if (share_read(&p->shares[i], src, sizeof(src), &v[i],
		    &p->share_refused) != 0) {
			for (i++; i < p->nshares; i++)	/* not read: close */
				if (p->shares[i].file == NULL)
					close(p->shares[i].fd);
			goto out;
		}
	if ((rc = pin_source_set_shares(p, v, p->nshares)) != 0)
		p->share_refused = 1;
out:
	p->nshares = 0;		/* read once, as a descriptor can be */
	OPENSSL_secure_clear_free(v, sz);
	return rc;
}

int
pin_read(struct pin_source *p, struct secret **out)
{
	char	prompt[64];

	*out = NULL;
	if (p->cached == NULL && p->nshares > 0 && pin_from_shares(p) != 0)
		return 1;
	if (p->cached != NULL) {
		*out = secret_dup(p->cached->buf, p->cached->len);
		return *out == NULL;
	}
	if (p->file != NULL)
		return secret_read_file(p->file, p->what, p->fdopt, out);
	if (p->fd != -1) {
		if (secret_read_fd(p->fd, p->what, &p->cached) != 0)
			return 1;
		close(p->fd);
		p->fd = -1;
		*out = secret_dup(p->cached->buf, p->cached->len);
		return *out == NULL;
	}
	snprintf(prompt, sizeof(prompt), "%s", p->what);
	return secret_read_tty(prompt, 0, out);
}

/* A PIN the front end holds (the TUI's masked field), kept as --pin-fd's
 * is until pin_source_clear; p owns it from here. */
void
pin_source_set_pin(struct pin_source *p, struct secret *pin)
{
	secret_free(p->cached);
	p->cached = pin;
}

void
pin_source_clear(struct pin_source *p)
{
	secret_free(p->cached);
	p->cached = NULL;
}
