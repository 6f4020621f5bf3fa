/* SPDX-License-Identifier: ISC */
/*
 * Secrets (PINs) read from a terminal without echo, a file descriptor or a
 * file, kept in OpenSSL's secure heap and wiped when freed.  Never from argv
 * or the environment: those are visible in /proc and in shell history.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "util/util.h"

#define SECRET_MAX	256

/* No core file and no ptrace while a PIN may be in memory. */
void
secret_harden(void)
{
	struct rlimit	rl = { 0, 0 };

	(void)setrlimit(RLIMIT_CORE, &rl);
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* Locked pages for secrets; without the privilege it falls back to
	 * the ordinary heap and secrets are still wiped. */
	if (!CRYPTO_secure_malloc_initialized())
		(void)CRYPTO_secure_malloc_init(65536, 16);
}

struct secret *
secret_new(size_t cap)
{
	struct secret	*s;

	if ((s = OPENSSL_secure_zalloc(sizeof(*s))) == NULL)
		return NULL;
	if ((s->buf = OPENSSL_secure_zalloc(cap + 1)) == NULL) {
		OPENSSL_secure_free(s);
		return NULL;
	}
	s->cap = cap;
	return s;
}

struct secret *
secret_dup(const char *p, size_t len)
{
	struct secret	*s;

	if ((s = secret_new(len)) == NULL)
		return NULL;
	memcpy(s->buf, p, len);
	s->len = len;
	return s;
}

void
secret_free(struct secret *s)
{
	if (s == NULL)
		return;
	OPENSSL_secure_clear_free(s->buf, s->cap + 1);
	OPENSSL_secure_clear_free(s, sizeof(*s));
}

/* Keep the first line, without its end-of-line. */
static void
secret_firstline(struct secret *s)
{
	char	*nl;

	if ((nl = memchr(s->buf, '\n', s->len)) != NULL)
		s->len = nl - s->buf;
	if (s->len > 0 && s->buf[s->len - 1] == '\r')
		s->len--;
	OPENSSL_cleanse(s->buf + s->len, s->cap - s->len);
}

/*
 * Read up to cap bytes from fd into a new secret, stopping at the first
 * newline when line is set; "what" names it in errors.
 */
static int
secret_read(int fd, const char *what, size_t cap, int line,
    struct secret **out)
{
	struct secret	*s = NULL;
	ssize_t		 n;
	int		 rc = 0;

	*out = NULL;
	if ((s = secret_new(cap)) == NULL) {
		err_set("out of memory reading the %s", what);
		goto fail;
	}
	while (s->len < s->cap) {
		n = read(fd, s->buf + s->len, s->cap - s->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_set("cannot read the %s from descriptor %d: %s",
			    what, fd, strerror(errno));
			goto fail;
		}
		if (n == 0 || (line && memchr(s->buf + s->len, '\n', n) !=
		    NULL)) {
			s->len += n;
			break;
		}
		s->len += n;
	}
	if (line)
		secret_firstline(s);
	else if (s->len == s->cap) {
		err_set("the %s is longer than %zu bytes", what, cap);
		goto fail;
	}
	if (s->len == 0) {
		err_set("the %s is empty%s", what, line ?
		    ": put it on the first line" : "");
		goto fail;
	}
	*out = s;
	s = NULL;
	goto out;
fail:
	rc = 1;
out:
	secret_free(s);
	return rc;
}

/* Read a secret's first line from an open descriptor. */
int
secret_read_fd(int fd, const char *what, struct secret **out)
{
	return secret_read(fd, what, SECRET_MAX, 1, out);
}

/* All of a descriptor's text (a share file), up to SECRET_TEXT_MAX. */
int
secret_read_text_fd(int fd, const char *what, struct secret **out)
{
	return secret_read(fd, what, SECRET_TEXT_MAX, 0, out);
}

static int
secret_file(const char *path, const char *what, int text,
    struct secret **out)
{
	struct stat	st;
	int		fd, rc = 1;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		err_set("cannot open the %s file %s: %s", what, path,
		    strerror(errno));
		return 1;
	}
	if (fstat(fd, &st) == -1) {
		err_set("cannot stat %s: %s", path, strerror(errno));
		goto out;
	}
	/* A secret others can read is no longer a secret. */
	if (S_ISREG(st.st_mode) && (st.st_mode & 0077) != 0) {
		err_set("the %s file %s is readable by others: "
		    "chmod 600 %s and try again", what, path, path);
		goto out;
	}
	rc = text ? secret_read_text_fd(fd, what, out) :
	    secret_read_fd(fd, what, out);
out:
	close(fd);
	return rc;
}

int
secret_read_file(const char *path, const char *what, struct secret **out)
{
	return secret_file(path, what, 0, out);
}

int
secret_read_text_file(const char *path, const char *what,
    struct secret **out)
{
	return secret_file(path, what, 1, out);
}

/* Ask on the controlling terminal with echo off; twice when confirming. */
int
secret_read_tty(const char *prompt, int confirm, struct secret **out)
{
	struct termios	 old, quiet;
	struct secret	*a = NULL, *b = NULL;
	int		 fd, rc = 1, restored = 1;

	*out = NULL;
	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) == -1) {
		err_set("no terminal to ask for the %s: "
		    "use --pin-file F or --pin-fd N", prompt);
		return 1;
	}
	if (tcgetattr(fd, &old) == -1) {
		err_set("cannot switch off echo on the terminal: %s",
		    strerror(errno));
		goto out;
	}
	quiet = old;
	quiet.c_lflag &= ~(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	if (tcsetattr(fd, TCSAFLUSH, &quiet) == -1)
		goto out;
	restored = 0;
	dprintf(fd, "%s: ", prompt);
	if (secret_read_fd(fd, prompt, &a) != 0)
		goto out;
	dprintf(fd, "\n");
	if (confirm) {
		dprintf(fd, "%s (again): ", prompt);
		if (secret_read_fd(fd, prompt, &b) != 0)
			goto out;
		dprintf(fd, "\n");
		if (a->len != b->len || CRYPTO_memcmp(a->buf, b->buf,
		    a->len) != 0) {
			err_set("the two entries of the %s differ: try again",
			    prompt);
			goto out;
		}
	}
	*out = a;
	a = NULL;
	rc = 0;
out:
	if (!restored)
		(void)tcsetattr(fd, TCSAFLUSH, &old);
	secret_free(a);
	secret_free(b);
	close(fd);
	return rc;
}
