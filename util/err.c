/* SPDX-License-Identifier: ISC */
/*
 * The last error message of this process, one line.  Core code sets it and
 * returns non-zero; the command line prints it, the TUI shows it.  OpenSSL's
 * error queue is drained into it by err_ossl() so no stale entry is left for
 * a later, unrelated failure to pick up.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "util/util.h"

/* Per thread: a batch checks requests on two cores at once. */
static _Thread_local char	errbuf[1024];
static int	quiet;
static note_fn	sink;		/* the front end's; NULL: stderr */
static void	*sink_arg;

void
err_set(const char *fmt, ...)
{
	char	buf[sizeof(errbuf)];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* The message names files and subjects: never a raw control. */
	esc_text(errbuf, sizeof(errbuf), buf, ESC_TERMINAL);
}

/* Put "context: " in front of the message already set. */
void
err_context(const char *fmt, ...)
{
	char	buf[sizeof(errbuf)], raw[sizeof(errbuf)];
	size_t	n;
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	esc_text(buf, sizeof(buf), raw, ESC_TERMINAL);
	n = strlen(buf);
	/* Truncation is fine: the head of the message says the most. */
	if (errbuf[0] != '\0' && n + 2 < sizeof(buf)) {
		memcpy(buf + n, ": ", 2);
		memcpy(buf + n + 2, errbuf, sizeof(buf) - n - 3);
		buf[sizeof(buf) - 1] = '\0';
	}
	memcpy(errbuf, buf, sizeof(errbuf));
}

/* Set the message, followed by OpenSSL's own reason, and drain its queue. */
void
err_ossl(const char *fmt, ...)
{
	char		 msg[512], reason[256] = "", raw[sizeof(errbuf)];
	unsigned long	 e;
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* The first error queued is the root cause; later ones are context. */
	if ((e = ERR_peek_error()) != 0)
		ERR_error_string_n(e, reason, sizeof(reason));
	ERR_clear_error();
	if (reason[0] != '\0')
		snprintf(raw, sizeof(raw), "%s (%s)", msg, reason);
	else
		snprintf(raw, sizeof(raw), "%s", msg);
	esc_text(errbuf, sizeof(errbuf), raw, ESC_TERMINAL);
}

const char *
err_get(void)
{
	return errbuf[0] != '\0' ? errbuf : "unknown error (this is a bug)";
}

int
err_isset(void)
{
	return errbuf[0] != '\0';
}

void
err_clear(void)
{
	errbuf[0] = '\0';
	ERR_clear_error();
}

/*
 * A progress or warning line for the person at the keyboard, to the sink
 * the front end set (the TUI's message line), else on stderr so that
 * stdout stays machine-readable, escaped (it names files and subjects).
 */
void
note(const char *fmt, ...)
{
	char	*line;
	va_list	ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) == -1)
		line = NULL;
	va_end(ap);
	if (line == NULL)
		return;
	if (sink != NULL)
		sink(sink_arg, line);
	else {
		esc_fputs(stderr, line, ESC_TERMINAL);
		fputc('\n', stderr);
	}
	free(line);
}

void
note_sink(note_fn fn, void *arg)
{
	sink = fn;
	sink_arg = arg;
}

void
note_quiet(int on)
{
	quiet = on;
}
