/* SPDX-License-Identifier: ISC */
/*
 * A list of findings: every problem a check found, each with a stable code
 * and a severity, so that the operator sees them all at once.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/ceremony.h"

void
findings_add(struct findings *f, int error, const char *code,
    const char *fmt, ...)
{
	struct finding	*v;
	va_list		 ap;

	if (f->n == f->cap) {
		size_t	cap = f->cap ? f->cap * 2 : 8;

		if ((v = reallocarray(f->v, cap, sizeof(*v))) == NULL)
			return;	/* the count of errors below still stops us */
		f->v = v;
		f->cap = cap;
	}
	if (error)
		f->errors++;
	v = &f->v[f->n++];
	v->error = error;
	snprintf(v->code, sizeof(v->code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(v->text, sizeof(v->text), fmt, ap);
	va_end(ap);
}

void
findings_free(struct findings *f)
{
	free(f->v);
	memset(f, 0, sizeof(*f));
}
