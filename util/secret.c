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
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "util/util.h"

#define SECRET_MAX	256

static volatile sig_atomic_t	tty_interrupted;

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
		/* A signal at a prompt ends the read (tty_catch). */
		if (n < 0 && errno == EINTR && !tty_interrupted)
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

/*
 * Why the secret file open on fd may not be read, in words with what to
 * do, or NULL when it may: a regular file of the caller's, no group or
 * other permission bits.  Checked on the open file (fstat), so a name
 * swapped between a check and the open cannot matter.
 */
static int
secret_file_check(int fd, const char *path, const char *what,
    const char *fdopt)
{
	struct stat	st;

	if (fstat(fd, &st) == -1) {
		err_set("cannot stat the %s file %s: %s", what, path,
		    strerror(errno));
		return 1;
	}
	if (S_ISFIFO(st.st_mode)) {
		err_set("the %s file %s is a FIFO, which is not accepted: "
		    "give the %s with %s N", what, path, what, fdopt);
		return 1;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set("the %s file %s is %s, not a regular file: give the "
		    "file the %s is in", what, path, S_ISDIR(st.st_mode) ?
		    "a directory" : "a device or socket", what);
		return 1;
	}
	if (st.st_uid != geteuid()) {
		err_set("the %s file %s belongs to uid %lu, not to you (uid "
		    "%lu): chown %lu %s, or use a file of your own", what, path,
		    (unsigned long)st.st_uid, (unsigned long)geteuid(),
		    (unsigned long)geteuid(), path);
		return 1;
	}
	/* A secret others can read, or change, is no longer a secret. */
	if ((st.st_mode & 0077) != 0) {
		err_set("the %s file %s is %s by others (mode %04o): chmod "
		    "600 %s and try again", what, path, (st.st_mode & 0044) ?
		    "readable" : "open", (unsigned)(st.st_mode & 07777), path);
		return 1;
	}
	return 0;
}

/*
 * Every secret read from a named file comes through here.  O_NONBLOCK so
 * that a FIFO cannot hold the open until someone writes to it; O_NOFOLLOW
 * so that a symbolic link is refused, not followed.
 */
static int
secret_file(const char *path, const char *what, const char *fdopt, int text,
    struct secret **out)
{
	int	fd, rc = 1;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK)) == -1) {
		if (errno == ELOOP)
			err_set("the %s file %s is a symbolic link, which is "
			    "not followed: give the file itself", what, path);
		else
			err_set("cannot open the %s file %s: %s", what, path,
			    strerror(errno));
		return 1;
	}
	if (secret_file_check(fd, path, what, fdopt) != 0)
		goto out;
	rc = text ? secret_read_text_fd(fd, what, out) :
	    secret_read_fd(fd, what, out);
out:
	close(fd);
	return rc;
}

int
secret_read_file(const char *path, const char *what, const char *fdopt,
    struct secret **out)
{
	return secret_file(path, what, fdopt, 0, out);
}

int
secret_read_text_file(const char *path, const char *what, const char *fdopt,
    struct secret **out)
{
	return secret_file(path, what, fdopt, 1, out);
}

/*
 * The signals that end or stop a process from its terminal.  While a
 * prompt has echo off they are caught (readpassphrase's way): the read
 * ends, the terminal gets its settings back, the partial entry is wiped,
 * and only then is the signal raised again with the handler the process
 * had.  A stop (Ctrl-Z) comes back to the prompt with echo off again.
 */
static const int	tty_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT,
			    SIGTSTP, SIGTTIN, SIGTTOU };
#define TTY_NSIGS	(sizeof(tty_sigs) / sizeof(tty_sigs[0]))
static volatile sig_atomic_t	tty_caught[TTY_NSIGS];

static void
tty_catch(int signo)
{
	size_t	i;

	for (i = 0; i < TTY_NSIGS; i++)
		if (tty_sigs[i] == signo)
			tty_caught[i] = 1;
	tty_interrupted = 1;
}

/* Catch them (no SA_RESTART: the read must end), keeping the old ones. */
static void
tty_catch_on(struct sigaction old[TTY_NSIGS])
{
	struct sigaction	sa;
	size_t			i;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = tty_catch;
	tty_interrupted = 0;
	for (i = 0; i < TTY_NSIGS; i++) {
		tty_caught[i] = 0;
		(void)sigaction(tty_sigs[i], &sa, &old[i]);
	}
}

static void
tty_catch_off(const struct sigaction old[TTY_NSIGS])
{
	size_t	i;

	for (i = 0; i < TTY_NSIGS; i++)
		(void)sigaction(tty_sigs[i], &old[i], NULL);
}

/* Raise again what was caught; 1 if it stopped us and we go on (SIGCONT). */
static int
tty_reraise(void)
{
	size_t	i;
	int	stopped = 0;

	for (i = 0; i < TTY_NSIGS; i++) {
		if (!tty_caught[i])
			continue;
		(void)kill(getpid(), tty_sigs[i]);
		if (tty_sigs[i] == SIGTSTP || tty_sigs[i] == SIGTTIN ||
		    tty_sigs[i] == SIGTTOU)
			stopped = 1;
	}
	tty_interrupted = 0;
	return stopped;
}

/*
 * One entry with echo off: the terminal's settings are restored and the
 * signals' handlers put back before this returns, whatever happened.
 */
static int
tty_entry(int fd, const char *prompt, const char *again, struct secret **out)
{
	struct sigaction	old[TTY_NSIGS];
	struct termios		saved, quiet;
	int			rc, stopped;

	*out = NULL;
	do {
		if (tcgetattr(fd, &saved) == -1) {
			err_set("cannot switch off echo on the terminal: %s",
			    strerror(errno));
			return 1;
		}
		quiet = saved;
		quiet.c_lflag &= ~(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		tty_catch_on(old);
		if (tcsetattr(fd, TCSAFLUSH, &quiet) == -1) {
			tty_catch_off(old);
			err_set("cannot switch off echo on the terminal: %s",
			    strerror(errno));
			return 1;
		}
		dprintf(fd, "%s%s: ", prompt, again);
		rc = secret_read_fd(fd, prompt, out);
		dprintf(fd, "\n");
		(void)tcsetattr(fd, TCSAFLUSH, &saved);
		tty_catch_off(old);
		if (tty_interrupted) {
			/* Wiped before the signal can end the process. */
			secret_free(*out);
			*out = NULL;
			rc = 1;
			err_set("the %s was not entered: interrupted by a "
			    "signal", prompt);
		}
		stopped = tty_reraise();
	} while (rc != 0 && stopped);
	return rc;
}

/* Ask on the controlling terminal with echo off; twice when confirming. */
int
secret_read_tty(const char *prompt, int confirm, struct secret **out)
{
	struct secret	*a = NULL, *b = NULL;
	int		 fd, rc = 1;

	*out = NULL;
	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) == -1) {
		err_set("no terminal to ask for the %s: "
		    "use --pin-file F or --pin-fd N", prompt);
		return 1;
	}
	if (tty_entry(fd, prompt, "", &a) != 0)
		goto out;
	if (confirm) {
		if (tty_entry(fd, prompt, " (again)", &b) != 0)
			goto out;
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
	secret_free(a);
	secret_free(b);
	close(fd);
	return rc;
}
