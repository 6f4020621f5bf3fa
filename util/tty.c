/* SPDX-License-Identifier: ISC */
/*
 * A plain question on the controlling terminal (not a secret: the answer
 * is echoed), for what a person must confirm before a command goes on,
 * such as the clock at login.  The terminal, not stdin: stdin may carry
 * a PIN (--pin-fd 0) or a pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"

/*
 * Put question, read one line into answer (without its newline).  -1 when
 * there is no controlling terminal (no message set), 1 on an error.
 */
int
tty_ask(const char *question, char *answer, size_t len)
{
	size_t	n = 0;
	ssize_t	r;
	char	c;
	int	fd;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)) == -1)
		return -1;
	dprintf(fd, "%s ", question);
	for (;;) {
		if ((r = read(fd, &c, 1)) == -1 && errno == EINTR)
			continue;
		if (r != 1) {
			err_set("no answer on the terminal%s%s", r == 0 ? "" :
			    ": ", r == 0 ? "" : strerror(errno));
			close(fd);
			return 1;
		}
		if (c == '\n')
			break;
		if (n + 1 < len)
			answer[n++] = c;
	}
	answer[n] = '\0';
	close(fd);
	return 0;
}
