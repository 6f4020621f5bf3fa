/* SPDX-License-Identifier: ISC */
/*
 * The password of a PKCS#12 archive: from a file descriptor
 * (--password-fd N) or asked twice on the terminal with echo off.  Never
 * from argv or the environment.  It must be at least as long as the
 * profile asks and printable ASCII: PKCS#12 readers disagree on how other
 * characters become the BMPString the key derivation hashes, so such a
 * password could open in one reader and not in another.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "ceremony/cli/cli.h"

#define PASSWORD_WHAT	"PKCS#12 password"

static int
password_check(const struct secret *pw, long min)
{
	size_t	i;

	if ((long)pw->len < min) {
		err_set("the %s is %zu characters: this profile needs at "
		    "least %ld (p12_min_password)", PASSWORD_WHAT, pw->len, min);
		return 1;
	}
	for (i = 0; i < pw->len; i++)
		if (pw->buf[i] < 0x20 || pw->buf[i] > 0x7e) {
			err_set("the %s has a character that is not printable "
			    "ASCII: PKCS#12 readers encode those differently",
			    PASSWORD_WHAT);
			return 1;
		}
	return 0;
}

int
password_read(const char *fdarg, long min, struct secret **out)
{
	long	fd;
	int	tty;

	*out = NULL;
	if (fdarg != NULL) {
		if (parse_long("password-fd", fdarg, 0, 65535, &fd) != 0 ||
		    secret_read_fd((int)fd, PASSWORD_WHAT, out) != 0)
			return 1;
		close((int)fd);
	} else {
		if ((tty = open("/dev/tty", O_RDWR | O_CLOEXEC)) == -1) {
			err_set("no terminal to ask for the %s: use "
			    "--password-fd N", PASSWORD_WHAT);
			return 1;
		}
		close(tty);
		if (secret_read_tty(PASSWORD_WHAT, 1, out) != 0)
			return 1;
	}
	if (password_check(*out, min) != 0) {
		secret_free(*out);
		*out = NULL;
		return 1;
	}
	return 0;
}
