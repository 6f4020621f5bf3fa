/* SPDX-License-Identifier: ISC */
/*
 * Where the user PIN comes from.  A file is re-read when the token asks
 * again (context-specific login); a descriptor can be read only once, so
 * its PIN is kept in the secure heap until the command ends.
 */
#include <stdio.h>
#include <unistd.h>

#include "ceremony/ceremony.h"

void
pin_source_init(struct pin_source *p, const char *what)
{
	p->file = NULL;
	p->fd = -1;
	p->what = what;
	p->cached = NULL;
}

int
pin_source_set_fd(struct pin_source *p, const char *arg)
{
	long	fd;

	if (opt_int("pin-fd", arg, 0, 65535, &fd) != 0)
		return 1;
	p->fd = (int)fd;
	return 0;
}

int
pin_read(struct pin_source *p, struct secret **out)
{
	char	prompt[64];

	*out = NULL;
	if (p->cached != NULL) {
		*out = secret_dup(p->cached->buf, p->cached->len);
		return *out == NULL;
	}
	if (p->file != NULL)
		return secret_read_file(p->file, p->what, out);
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

void
pin_source_clear(struct pin_source *p)
{
	secret_free(p->cached);
	p->cached = NULL;
}
