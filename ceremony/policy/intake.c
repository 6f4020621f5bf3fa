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
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "ceremony/policy/policy.h"

#define INTAKE_TIMEOUT	10			/* seconds per request */
#define INTAKE_MSG_MAX	(2 * 1024 * 1024)	/* one message, either way */

struct intake {
	pid_t		pid;
	int		fd;		/* our end of the socket */
	unsigned char	policy[32];	/* SHA-256 of the policy it holds */
	int		has_policy;
};

/* --- framing, both sides ------------------------------------------------ */

/*
 * len bytes from fd, by the time end if it is not 0: 0 read, 1 at the
 * end of the file or on an error, -1 past the deadline.
 */
static int
read_by(int fd, void *data, size_t len, time_t end)
{
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	unsigned char	*p = data;
	ssize_t		 n;
	int		 left;

	while (len > 0) {
		if (end != 0 && ((left = (int)(end - time(NULL))) <= 0 ||
		    poll(&pfd, 1, left * 1000) == 0))
			return -1;
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
read_all(int fd, void *data, size_t len)
{
	return read_by(fd, data, len, 0) != 0;
}

static int
send_frame(int fd, int sock, char type, const void *a, size_t alen,
    const void *b, size_t blen)
{
	unsigned char	h[9];

	h[0] = (unsigned char)type;
	h[1] = alen >> 24; h[2] = alen >> 16; h[3] = alen >> 8; h[4] = alen;
	h[5] = blen >> 24; h[6] = blen >> 16; h[7] = blen >> 8; h[8] = blen;
	/* To the socket (sock) or the parser's pipe. */
	return file_write_all(fd, h, sizeof(h), sock) ||
	    file_write_all(fd, a, alen, sock) ||
	    file_write_all(fd, b, blen, sock);
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

/*
 * The parser: one process, forked from the intake, for the requests until
 * one of them makes it fail, the policy changes, or it has vetted
 * PARSER_USES of them.  (A process per request cost three times the parse
 * itself.)  What a request that took its parser over could do to the
 * answers for the requests after it, the signing process checks: each
 * answer is bound to its own request's bytes (intake_bound).
 */
#define PARSER_USES	256
static struct {
	pid_t	pid;		/* 0: none */
	int	to, from;	/* its request pipe, its answer pipe */
	int	uses;
} parser;

static void
parser_loop(int in, int out, const struct policy *p)
{
	struct csr	*c;
	struct vetted	*v;
	unsigned char	*a, *b, *msg;
	size_t		 alen, blen, msglen;
	char		 type;
	int		 kind;

	if (confine_parser(&parser_filter) != 0)
		_exit(3);
	while (recv_frame(in, &type, &a, &alen, &b, &blen) == 0) {
		c = NULL;
		v = NULL;
		msg = NULL;
		kind = VET_UNREADABLE;
		/* a: the name, b: the bytes */
		if (csr_load_mem((const char *)a, b, blen, &c) == 0 &&
		    vetted_from_csr(c, p, type == 'S' ? VET_TEXT : 0, &v) == 0)
			kind = VET_OK;
		if (vetted_encode(v, kind, kind == VET_OK ? NULL : err_get(),
		    &msg, &msglen) != 0 ||
		    send_frame(out, 0, 'V', msg, msglen, "", 0) != 0)
			_exit(4);
		/* Freed: a leak checker sees only the parser's own leaks. */
		free(msg);
		vetted_free(v);
		csr_free(c);
		free(a);
		free(b);
	}
	_exit(0);
}

static void
parser_stop(int kill_it)
{
	if (parser.pid == 0)
		return;
	close(parser.to);
	close(parser.from);
	if (kill_it)
		(void)kill(parser.pid, SIGKILL);
	while (waitpid(parser.pid, NULL, 0) == -1 && errno == EINTR)
		;
	parser.pid = 0;
}

static int
parser_start(int sock, const struct policy *p)
{
	int	to[2], from[2];

	if (pipe2(to, O_CLOEXEC) == -1)
		return 1;
	if (pipe2(from, O_CLOEXEC) == -1) {
		close(to[0]);
		close(to[1]);
		return 1;
	}
	if ((parser.pid = fork()) == -1) {
		parser.pid = 0;
		close(to[0]);
		close(to[1]);
		close(from[0]);
		close(from[1]);
		return 1;
	}
	if (parser.pid == 0) {
		close(sock);
		close(to[1]);
		close(from[0]);
		parser_loop(to[0], from[1], p);
	}
	close(to[0]);
	close(from[1]);
	parser.to = to[1];
	parser.from = from[0];
	parser.uses = 0;
	return 0;
}

/* Why the parser's answer does not count. */
static const char *
parser_fate(int status, int timed_out, char *why, size_t whylen)
{
	if (timed_out)
		snprintf(why, whylen, "its parser did not finish within %d s "
		    "and was stopped", INTAKE_TIMEOUT);
	else if (WIFSIGNALED(status))
		snprintf(why, whylen, "its parser was killed by signal %d (%s)",
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(why, whylen, "its parser failed (exit %d)",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return why;
}


/* The parser's answer (one frame), within INTAKE_TIMEOUT. */
static int
parser_answer(unsigned char **msg, size_t *len, int *timed_out)
{
	unsigned char	h[9];
	time_t		end = time(NULL) + INTAKE_TIMEOUT;
	int		r;

	*msg = NULL;
	*timed_out = 0;
	if ((r = read_by(parser.from, h, sizeof(h), end)) == 0) {
		*len = be32(h + 1);
		if (h[0] != 'V' || *len > INTAKE_MSG_MAX || be32(h + 5) != 0 ||
		    (*msg = malloc(*len ? *len : 1)) == NULL)
			return 1;
		r = read_by(parser.from, *msg, *len, end);
	}
	*timed_out = r < 0;
	if (r != 0) {
		free(*msg);
		*msg = NULL;
	}
	return r != 0;
}

/* Vet one request in the parser; the answer goes to out. */
static int
intake_one(int out, const char *name, const unsigned char *buf, size_t len,
    const struct policy *p, int flags)
{
	unsigned char	*msg = NULL;
	size_t		 msglen = 0;
	char		 why[512], line[1024];
	const char	*bad;
	int		 status = 0, timed_out = 0, rc;

	if (parser.pid != 0 && parser.uses >= PARSER_USES)
		parser_stop(0);
	if (parser.pid == 0 && parser_start(out, p) != 0) {
		snprintf(why, sizeof(why), "no parser could be started (%s)",
		    strerror(errno));
		bad = why;
		goto unsafe;
	}
	parser.uses++;
	if (send_frame(parser.to, 0, (flags & VET_TEXT) ? 'S' : 'R', name,
	    strlen(name), buf, len) == 0 &&
	    parser_answer(&msg, &msglen, &timed_out) == 0) {
		rc = send_frame(out, 1, 'V', msg, msglen, "", 0);
		free(msg);
		return rc;
	}
	/* It failed on this request: it is not asked again. */
	if (timed_out)
		(void)kill(parser.pid, SIGKILL);
	close(parser.to);
	close(parser.from);
	while (waitpid(parser.pid, &status, 0) == -1 && errno == EINTR)
		;
	parser.pid = 0;
	bad = parser_fate(status, timed_out, why, sizeof(why));
unsafe:
	snprintf(line, sizeof(line), "%s could not be parsed safely: %s; it "
	    "is set aside with this report, nothing of it was signed", name,
	    bad);
	msg = NULL;
	if (vetted_encode(NULL, VET_UNSAFE, line, &msg, &msglen) != 0)
		return 1;
	rc = send_frame(out, 1, 'V', msg, msglen, "", 0);
	free(msg);
	return rc;
}

/* The policy the next requests are checked against, sent by its bytes. */
static void
intake_policy(struct policy **p, const unsigned char *path,
    const unsigned char *raw, size_t rawlen)
{
	parser_stop(1);		/* it holds the old one */
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
	/* A parser that died is its answer's end, not the intake's. */
	(void)signal(SIGPIPE, SIG_IGN);
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
			parser_stop(1);
			policy_free(p);
			p = NULL;
		}
		free(a);
		free(b);
	}
	parser_stop(0);
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
		return send_frame(in->fd, 1, 'N', "", 0, "", 0);
	}
	if (!EVP_Digest(p->raw, p->rawlen, h, NULL, EVP_sha256(), NULL)) {
		err_set("cannot hash the policy");
		return 1;
	}
	if (in->has_policy && memcmp(h, in->policy, sizeof(h)) == 0)
		return 0;
	memcpy(in->policy, h, sizeof(h));
	in->has_policy = 1;
	return send_frame(in->fd, 1, 'P', p->path, strlen(p->path), p->raw,
	    p->rawlen);
}

/* The request's DER from its file's bytes: as read, or its PEM block. */
static int
request_der(const unsigned char *buf, size_t len, unsigned char **der,
    long *derlen)
{
	BIO	*bio;
	char	*name = NULL, *header = NULL;
	int	 ok;

	*der = NULL;
	if (len > 0 && buf[0] == 0x30) {
		*derlen = (long)len;
		return (*der = OPENSSL_memdup(buf, len)) == NULL;
	}
	if ((bio = BIO_new_mem_buf(buf, (int)len)) == NULL)
		return 1;
	ok = PEM_read_bio(bio, &name, &header, der, derlen);
	OPENSSL_free(name);
	OPENSSL_free(header);
	BIO_free(bio);
	ERR_clear_error();
	return !ok;
}

static int
holds(const unsigned char *der, long derlen, unsigned char *enc, int len)
{
	int	in;

	in = len > 0 && memmem(der, (size_t)derlen, enc, (size_t)len) != NULL;
	OPENSSL_free(enc);
	return in;
}

/*
 * An answer that lets something be signed is the answer for this
 * request: its DER is the file's, and the key, the subject and each
 * extension to be certified are in it byte for byte (the parser refuses
 * any that is not, vet_encodings).  So a request that took the parser
 * over cannot have another request certify its key or its names.
 */
static int
intake_bound(const struct vetted *v, const unsigned char *buf, size_t len)
{
	unsigned char	*der = NULL, *enc;
	long		 derlen = 0;
	int		 i, n, ok;

	if (v->f.errors > 0)
		return 1;	/* nothing of it is signed */
	if (request_der(buf, len, &der, &derlen) != 0)
		return 0;
	ok = (size_t)derlen == v->derlen && memcmp(der, v->der, v->derlen) == 0;
	/* Each length in a statement of its own: i2d sets enc. */
	enc = NULL;
	n = i2d_X509_PUBKEY(v->spki, &enc);
	ok = holds(der, derlen, enc, n) && ok;
	enc = NULL;
	n = i2d_X509_NAME(v->subject, &enc);
	ok = holds(der, derlen, enc, n) && ok;
	for (i = 0; i < sk_X509_EXTENSION_num(v->exts); i++) {
		enc = NULL;
		n = i2d_X509_EXTENSION(sk_X509_EXTENSION_value(v->exts, i),
		    &enc);
		ok = holds(der, derlen, enc, n) && ok;
	}
	OPENSSL_free(der);
	return ok;
}

/*
 * Send the request in file path to the intake, to be vetted under policy
 * p (NULL: none, only parsed and shown); its answer is read by
 * intake_recv(), so that the caller can send the next one first and the
 * parser works while the caller does.  Answers come in the order sent.
 * A file that cannot be read is not sent: intake_recv says why.
 */
int
intake_send(struct session *s, struct intake_req *r, const char *path,
    const struct policy *p, int flags)
{
	memset(r, 0, sizeof(*r));
	r->name = path;
	if (file_read_small("request", path, CSR_MAX_BYTES, &r->buf,
	    &r->len) != 0) {
		snprintf(r->error, sizeof(r->error), "%s", err_get());
		return 0;
	}
	if (intake_start(s) != 0)
		return 1;
	if (p != NULL ? intake_send_policy(s, p) != 0 :
	    (s->intake->has_policy && intake_send_policy(s, NULL) != 0))
		return intake_lost(s);
	if (send_frame(s->intake->fd, 1, (flags & VET_TEXT) ? 'S' : 'R', path,
	    strlen(path), r->buf, r->len) != 0)
		return intake_lost(s);
	r->sent = 1;
	return 0;
}

/*
 * The answer for r: VET_OK with *out set and 0, or 1 with the reason as
 * the error (unreadable, could not be parsed safely, the intake ended).
 */
int
intake_recv(struct session *s, struct intake_req *r, struct vetted **out)
{
	unsigned char	*a = NULL, *b = NULL;
	size_t		 alen, blen;
	char		 type;
	int		 kind, rc = 1;

	*out = NULL;
	if (!r->sent) {
		err_set("%s", r->error[0] != '\0' ? r->error :
		    "the request was not sent to the intake");
		goto out;
	}
	if (s->intake == NULL || recv_frame(s->intake->fd, &type, &a, &alen,
	    &b, &blen) != 0 || type != 'V') {
		(void)intake_lost(s);
		goto out;
	}
	rc = vetted_decode(r->name, a, alen, &kind, out);
	if (rc == 0 && !intake_bound(*out, r->buf, r->len)) {
		vetted_free(*out);
		*out = NULL;
		err_set("%s could not be parsed safely: its parser's answer is "
		    "not about this request's bytes; it is set aside with this "
		    "report, nothing of it was signed", r->name);
		rc = 1;
	}
out:
	free(a);
	free(b);
	intake_req_clear(r);
	return rc;
}

void
intake_req_clear(struct intake_req *r)
{
	free(r->buf);
	r->buf = NULL;
	r->len = 0;
	r->sent = 0;
}

/* One request, sent and answered. */
int
intake_vet(struct session *s, const char *path, const struct policy *p,
    int flags, struct vetted **out)
{
	struct intake_req	r;

	*out = NULL;
	if (intake_send(s, &r, path, p, flags) != 0) {
		intake_req_clear(&r);
		return 1;
	}
	return intake_recv(s, &r, out);
}
