/* SPDX-License-Identifier: ISC */
/*
 * The request intake: everything a requester wrote is parsed in a process
 * that never holds a token session, a PIN or a key (the acme-client model).
 *
 * intake_start() forks the intake process before the login (session_login
 * calls it), so it has nothing of the token in its memory; it closes every
 * descriptor but its socket and confines itself (confine.c).  For each
 * request it is sent, it forks one parser, which confines itself further,
 * decodes the request, checks its proof of possession and its policy and
 * writes the vetted form (vetted.c) to a pipe; then it exits.  One parser
 * per request: a request that takes its parser over can change only its
 * own answer, never another request's.  A parser that crashes, or has not
 * answered within INTAKE_TIMEOUT seconds, is reported for that request as
 * "could not be parsed safely"; the intake goes on with the next one.
 *
 * The signing process reads the file's bytes (reading is not parsing) and
 * sends them; it gets back only the strict format vetted_decode() reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ceremony/ceremony.h"

#define INTAKE_TIMEOUT	10			/* seconds per request */
#define INTAKE_MSG_MAX	(2 * 1024 * 1024)	/* one message, either way */

struct intake {
	pid_t		pid;
	int		fd;		/* our end of the socket */
	unsigned char	policy[32];	/* SHA-256 of the policy it holds */
	int		has_policy;
};

/* --- framing, both sides ------------------------------------------------ */

/* To the socket (sock) or the parser's pipe. */
static int
write_all(int fd, int sock, const void *data, size_t len)
{
	const unsigned char	*p = data;
	ssize_t			 n;

	while (len > 0) {
		/* MSG_NOSIGNAL: an intake that died is an error, not SIGPIPE. */
		if ((n = sock ? send(fd, p, len, MSG_NOSIGNAL) :
		    write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
read_all(int fd, void *data, size_t len)
{
	unsigned char	*p = data;
	ssize_t		 n;

	while (len > 0) {
		if ((n = read(fd, p, len)) == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return 1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
send_frame(int fd, char type, const void *a, size_t alen, const void *b,
    size_t blen)
{
	unsigned char	h[9];

	h[0] = (unsigned char)type;
	h[1] = alen >> 24; h[2] = alen >> 16; h[3] = alen >> 8; h[4] = alen;
	h[5] = blen >> 24; h[6] = blen >> 16; h[7] = blen >> 8; h[8] = blen;
	return write_all(fd, 1, h, sizeof(h)) || write_all(fd, 1, a, alen) ||
	    write_all(fd, 1, b, blen);
}

static size_t
be32(const unsigned char *x)
{
	return (size_t)x[0] << 24 | (size_t)x[1] << 16 | (size_t)x[2] << 8 |
	    x[3];
}

/* One frame: its type and two parts, malloc'd (NUL-terminated). */
static int
recv_frame(int fd, char *type, unsigned char **a, size_t *alen,
    unsigned char **b, size_t *blen)
{
	unsigned char	h[9];

	*a = *b = NULL;
	if (read_all(fd, h, sizeof(h)) != 0)
		return 1;
	*type = (char)h[0];
	*alen = be32(h + 1);
	*blen = be32(h + 5);
	if (*alen > INTAKE_MSG_MAX || *blen > INTAKE_MSG_MAX ||
	    (*a = malloc(*alen + 1)) == NULL || (*b = malloc(*blen + 1)) == NULL
	    || read_all(fd, *a, *alen) != 0 || read_all(fd, *b, *blen) != 0) {
		free(*a);
		free(*b);
		*a = *b = NULL;
		return 1;
	}
	(*a)[*alen] = '\0';
	(*b)[*blen] = '\0';
	return 0;
}

/* --- the parser (one per request) --------------------------------------- */

/* The parser's seccomp filter, compiled once (confine_parser_prepare). */
static struct sock_fprog	parser_filter;

static void
parser_main(int out, const char *name, const unsigned char *buf, size_t len,
    const struct policy *p, int flags)
{
	struct csr	*c = NULL;
	struct vetted	*v = NULL;
	unsigned char	*msg = NULL;
	size_t		 msglen = 0;
	int		 kind = VET_UNREADABLE, rc = 4;

	if (confine_parser(&parser_filter) != 0)
		_exit(3);
	if (csr_load_mem(name, buf, len, &c) == 0 &&
	    vetted_from_csr(c, p, flags, &v) == 0)
		kind = VET_OK;
	if (vetted_encode(v, kind, kind == VET_OK ? NULL : err_get(), &msg,
	    &msglen) == 0 && write_all(out, 0, msg, msglen) == 0)
		rc = 0;
	/* Freed, so that a leak checker sees only the parser's own leaks. */
	free(msg);
	vetted_free(v);
	csr_free(c);
	_exit(rc);
}

/* Why the parser's answer does not count, or NULL if it does. */
static const char *
parser_fate(int status, int timed_out, char *why, size_t whylen)
{
	if (timed_out)
		snprintf(why, whylen, "its parser did not finish within %d s "
		    "and was stopped", INTAKE_TIMEOUT);
	else if (WIFSIGNALED(status))
		snprintf(why, whylen, "its parser was killed by signal %d (%s)",
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		snprintf(why, whylen, "its parser failed (exit %d)",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	else
		return NULL;
	return why;
}

/* Collect the parser's answer; on its timeout it is killed. */
static int
parser_collect(pid_t pid, int fd, unsigned char **msg, size_t *len,
    int *timed_out)
{
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	unsigned char	*np;
	size_t		 cap = 0;
	time_t		 end = time(NULL) + INTAKE_TIMEOUT;
	ssize_t		 n;
	int		 status = 0, left;

	*msg = NULL;
	*len = 0;
	*timed_out = 0;
	for (;;) {
		if ((left = (int)(end - time(NULL))) <= 0 ||
		    poll(&pfd, 1, left * 1000) == 0) {
			*timed_out = 1;
			break;
		}
		if (*len == cap) {
			if (cap >= INTAKE_MSG_MAX ||
			    (np = realloc(*msg, cap ? cap * 2 : 65536)) == NULL)
				break;
			*msg = np;
			cap = cap ? cap * 2 : 65536;
		}
		if ((n = read(fd, *msg + *len, cap - *len)) == -1 &&
		    errno == EINTR)
			continue;
		if (n <= 0)
			break;
		*len += (size_t)n;
	}
	if (*timed_out)
		(void)kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	return status;
}

/* Vet one request in a parser of its own; the answer goes to out. */
static int
intake_one(int out, const char *name, const unsigned char *buf, size_t len,
    const struct policy *p, int flags)
{
	unsigned char	*msg = NULL;
	size_t		 msglen = 0;
	char		 why[512], line[1024];
	const char	*bad;
	pid_t		 pid;
	int		 fds[2], status, timed_out, rc;

	if (pipe2(fds, O_CLOEXEC) == -1 || (pid = fork()) == -1) {
		snprintf(why, sizeof(why), "no parser could be started (%s)",
		    strerror(errno));
		bad = why;
		goto unsafe;
	}
	if (pid == 0) {
		close(fds[0]);
		close(out);
		parser_main(fds[1], name, buf, len, p, flags);
	}
	close(fds[1]);
	status = parser_collect(pid, fds[0], &msg, &msglen, &timed_out);
	close(fds[0]);
	if ((bad = parser_fate(status, timed_out, why, sizeof(why))) == NULL) {
		rc = send_frame(out, 'V', msg, msglen, "", 0);
		free(msg);
		return rc;
	}
	free(msg);
unsafe:
	snprintf(line, sizeof(line), "%s could not be parsed safely: %s; it "
	    "is set aside with this report, nothing of it was signed", name,
	    bad);
	msg = NULL;
	if (vetted_encode(NULL, VET_UNSAFE, line, &msg, &msglen) != 0)
		return 1;
	rc = send_frame(out, 'V', msg, msglen, "", 0);
	free(msg);
	return rc;
}

/* The policy the next requests are checked against, sent by its bytes. */
static void
intake_policy(struct policy **p, const unsigned char *path,
    const unsigned char *raw, size_t rawlen)
{
	policy_free(*p);
	if (policy_load_mem((const char *)path, raw, rawlen, p) != 0)
		*p = NULL;	/* requests then come back unreadable */
}

static void
intake_main(int fd)
{
	struct policy	*p = NULL;
	unsigned char	*a, *b;
	size_t		 alen, blen;
	char		 type;
	int		 flags;

	int		 null;

	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	/*
	 * Only the socket.  Not even stderr: a parser a request took over
	 * could write anything to the officer's terminal through it.
	 */
	if ((fd != 3 && dup2(fd, 3) == -1) || close_range(4, ~0U, 0) == -1 ||
	    (null = open("/dev/null", O_RDWR)) == -1 || dup2(null, 0) == -1 ||
	    dup2(null, 1) == -1 || dup2(null, 2) == -1 || close(null) == -1)
		_exit(2);
	fd = 3;
	/* What OpenSSL would read from disk later, read now. */
	if (!OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG |
	    OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL) ||
	    confine_parser_prepare(&parser_filter) != 0 ||
	    confine_intake() != 0)
		_exit(2);
	while (recv_frame(fd, &type, &a, &alen, &b, &blen) == 0) {
		if (type == 'P')
			intake_policy(&p, a, b, blen);
		else if (type == 'R' || type == 'S') {
			flags = type == 'S' ? VET_TEXT : 0;
			/* a: the name, b: the bytes */
			if (intake_one(fd, (const char *)a, b, blen,
			    p, flags) != 0)
				_exit(2);
		} else if (type == 'N') {
			policy_free(p);
			p = NULL;
		}
		free(a);
		free(b);
	}
	policy_free(p);
	free(parser_filter.filter);
	_exit(0);
}

/* --- the signing process's side ---------------------------------------- */

/*
 * Start the intake, before the token is opened: the process it forks
 * holds no session, no PIN and no key.
 */
int
intake_start(struct session *s)
{
	struct intake	*in;
	int		 sv[2];
	pid_t		 pid;

	if (s->intake != NULL)
		return 0;
	if (s->logged_in) {
		err_set("the request intake must start before the token "
		    "login: this is a bug, nothing was signed");
		return 1;
	}
	fflush(NULL);	/* nothing buffered is written twice */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1 ||
	    (pid = fork()) == -1) {
		err_set("cannot start the request intake process: %s",
		    strerror(errno));
		return 1;
	}
	if (pid == 0) {
		close(sv[0]);
		intake_main(sv[1]);
	}
	close(sv[1]);
	if ((in = calloc(1, sizeof(*in))) == NULL) {
		close(sv[0]);
		err_set("out of memory");
		return 1;
	}
	in->pid = pid;
	in->fd = sv[0];
	s->intake = in;
	return 0;
}

void
intake_stop(struct session *s)
{
	struct intake	*in = s->intake;

	if (in == NULL)
		return;
	close(in->fd);	/* the intake reads the end and exits */
	while (waitpid(in->pid, NULL, 0) == -1 && errno == EINTR)
		;
	free(in);
	s->intake = NULL;
}

static int
intake_lost(struct session *s)
{
	intake_stop(s);
	err_set("the request intake process ended unexpectedly: nothing was "
	    "signed; run the command again");
	return 1;
}

/* Tell the intake the policy to check against, if it holds another. */
static int
intake_send_policy(struct session *s, const struct policy *p)
{
	struct intake	*in = s->intake;
	unsigned char	 h[32];

	if (p == NULL) {
		in->has_policy = 0;
		return send_frame(in->fd, 'N', "", 0, "", 0);
	}
	if (!EVP_Digest(p->raw, p->rawlen, h, NULL, EVP_sha256(), NULL)) {
		err_set("cannot hash the policy");
		return 1;
	}
	if (in->has_policy && memcmp(h, in->policy, sizeof(h)) == 0)
		return 0;
	memcpy(in->policy, h, sizeof(h));
	in->has_policy = 1;
	return send_frame(in->fd, 'P', p->path, strlen(p->path), p->raw,
	    p->rawlen);
}

/*
 * Vet the request in buf (named name) under policy p (NULL: none, only
 * parsed and shown).  *kind says how it went: VET_OK with *out set, or
 * VET_UNREADABLE / VET_UNSAFE with the reason as the error.  Returns
 * non-zero for those two and for a failure of the intake itself (kind
 * VET_UNSAFE, the error says the intake ended).
 */
int
intake_vet_mem(struct session *s, const char *name, const unsigned char *buf,
    size_t len, const struct policy *p, int flags, int *kind,
    struct vetted **out)
{
	unsigned char	*a = NULL, *b = NULL;
	size_t		 alen, blen;
	char		 type;
	int		 rc;

	*out = NULL;
	*kind = VET_UNSAFE;
	if (intake_start(s) != 0)
		return 1;
	if (p != NULL ? intake_send_policy(s, p) != 0 :
	    (s->intake->has_policy && intake_send_policy(s, NULL) != 0))
		return intake_lost(s);
	if (send_frame(s->intake->fd, (flags & VET_TEXT) ? 'S' : 'R', name,
	    strlen(name), buf, len) != 0 ||
	    recv_frame(s->intake->fd, &type, &a, &alen, &b, &blen) != 0 ||
	    type != 'V') {
		free(a);
		free(b);
		return intake_lost(s);
	}
	rc = vetted_decode(name, a, alen, kind, out);
	free(a);
	free(b);
	return rc;
}

/* The same for a file: its bytes are read here, parsed in the intake. */
int
intake_vet(struct session *s, const char *path, const struct policy *p,
    int flags, struct vetted **out)
{
	unsigned char	*buf = NULL;
	size_t		 len = 0;
	int		 kind, rc;

	*out = NULL;
	if (file_read_small("request", path, CSR_MAX_BYTES, &buf, &len) != 0)
		return 1;
	rc = intake_vet_mem(s, path, buf, len, p, flags, &kind, out);
	free(buf);
	return rc;
}
