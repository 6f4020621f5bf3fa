/* SPDX-License-Identifier: ISC */
/*
 * A fault a real request cannot be counted on to produce: preloaded
 * (LD_PRELOAD) into ceremony by tests/intake.t, this d2i_X509_REQ makes
 * the parser that decodes a request carrying a marker crash, hang, or try
 * what its confinement forbids, then decodes as OpenSSL does.  Only the
 * intake's parsers decode requests, so only they meet it.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <openssl/x509.h>

static int
has(const unsigned char *p, long len, const char *mark)
{
	return len > 0 && memmem(p, (size_t)len, mark, strlen(mark)) != NULL;
}

/* A request that took its parser over: what it keeps for the next. */
static X509_REQ	*poison;
static int	 lying;

/*
 * A parser taken over also says its answer's parts are in the request's
 * bytes (the parser's own check of that is memmem).  Only a parser ever
 * decodes a request, so only a parser lies.
 */
void *
memmem(const void *h, size_t hl, const void *n, size_t nl)
{
	void	*(*real)(const void *, size_t, const void *, size_t);

	if (lying)
		return (void *)h;
	real = (void *(*)(const void *, size_t, const void *, size_t))
	    dlsym(RTLD_NEXT, "memmem");
	return real(h, hl, n, nl);
}

X509_REQ *
d2i_X509_REQ(X509_REQ **a, const unsigned char **pp, long len)
{
	X509_REQ	*(*real)(X509_REQ **, const unsigned char **, long);
	X509_REQ	*r;
	volatile int	*null = NULL;

	lying = 0;
	if (has(*pp, len, "fault-crash"))
		*null = 1;
	if (has(*pp, len, "fault-hang"))
		for (;;)
			;
	if (has(*pp, len, "fault-stderr"))
		(void)write(2, "\033]2;pwned\007\033[2J", 14);
	if (has(*pp, len, "fault-open"))
		(void)open("/etc/passwd", O_RDONLY);
	if (has(*pp, len, "fault-write"))
		(void)open(getenv("FAULT_FILE"), O_WRONLY | O_CREAT, 0600);
	real = (X509_REQ *(*)(X509_REQ **, const unsigned char **, long))
	    dlsym(RTLD_NEXT, "d2i_X509_REQ");
	r = real(a, pp, len);
	/* fault-poison: the next request decodes as this one (its key, its
	 * names), the rest of its parse as the next request's own. */
	if (r != NULL && has(*pp - len, len, "fault-poison")) {
		poison = X509_REQ_dup(r);
	} else if (r != NULL && poison != NULL) {
		X509_REQ_free(r);
		r = poison;
		poison = NULL;
		lying = 1;
	}
	return r;
}
