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

static struct finding *
findings_next(struct findings *f, int error, const char *code)
{
	struct finding	*v;

	if (f->n == f->cap) {
		size_t	cap = f->cap ? f->cap * 2 : 8;

		if ((v = reallocarray(f->v, cap, sizeof(*v))) == NULL) {
			/* Out of memory: the count still refuses the request. */
			f->errors += error != 0;
			return NULL;
		}
		f->v = v;
		f->cap = cap;
	}
	if (error)
		f->errors++;
	v = &f->v[f->n++];
	memset(v, 0, sizeof(*v));
	v->error = error;
	snprintf(v->code, sizeof(v->code), "%s", code);
	return v;
}

void
findings_add(struct findings *f, int error, const char *code,
    const char *fmt, ...)
{
	struct finding	*v;
	va_list		 ap;

	if ((v = findings_next(f, error, code)) == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(v->text, sizeof(v->text), fmt, ap);
	va_end(ap);
}

/* A finding of a policy rule: which profile key, which offending value. */
void
findings_add_rule(struct findings *f, int error, const char *code,
    const char *rule, const char *value, const char *fmt, ...)
{
	struct finding	*v;
	va_list		 ap;

	if ((v = findings_next(f, error, code)) == NULL)
		return;
	snprintf(v->rule, sizeof(v->rule), "%s", rule != NULL ? rule : "");
	snprintf(v->value, sizeof(v->value), "%s", value != NULL ? value : "");
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
