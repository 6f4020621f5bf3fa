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

X509_REQ *
d2i_X509_REQ(X509_REQ **a, const unsigned char **pp, long len)
{
	X509_REQ	*(*real)(X509_REQ **, const unsigned char **, long);
	volatile int	*null = NULL;

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
	return real(a, pp, len);
}
