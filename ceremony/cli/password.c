/* SPDX-License-Identifier: ISC */
/*
 * The password of a PKCS#12 archive: from a file descriptor
 * (--password-fd N) or asked twice on the terminal with echo off.  Never
 * from argv or the environment.  What it must be is checked by the core
 * (p12_password_check), which the TUI's masked field calls too.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "ceremony/cli/cli.h"
#include "ceremony/export/export.h"

int
password_read(const char *fdarg, long min, struct secret **out)
{
	long	fd;
	int	tty;

	*out = NULL;
	if (fdarg != NULL) {
		if (parse_long("password-fd", fdarg, 0, 65535, &fd) != 0 ||
		    secret_read_fd((int)fd, P12_PASSWORD_WHAT, out) != 0)
			return 1;
		close((int)fd);
	} else {
		if ((tty = open("/dev/tty", O_RDWR | O_CLOEXEC)) == -1) {
			err_set("no terminal to ask for the %s: use "
			    "--password-fd N", P12_PASSWORD_WHAT);
			return 1;
		}
		close(tty);
		if (secret_read_tty(P12_PASSWORD_WHAT, 1, out) != 0)
			return 1;
	}
	if (p12_password_check(*out, min) != 0) {
		secret_free(*out);
		*out = NULL;
		return 1;
	}
	return 0;
}
