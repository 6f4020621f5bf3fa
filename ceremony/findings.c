/* SPDX-License-Identifier: ISC */
/*
 * A list of findings: every problem a check found, each with a stable code
 * and a severity, so that the operator sees them all at once.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/policy/policy.h"

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

/* A finding as another list holds it (the intake's, over its pipe). */
int
findings_copy(struct findings *f, int error, const struct finding *from)
{
	struct finding	*v;

	if ((v = findings_next(f, error, from->code)) == NULL)
		return 1;
	*v = *from;
	v->error = error;
	return 0;
}

void
findings_free(struct findings *f)
{
	free(f->v);
	memset(f, 0, sizeof(*f));
}

/*
 * The findings as a table for a person: severity, code, the profile key
 * that set the rule and the offending value, then the words underneath.
 */
void
findings_print(FILE *fp, const struct findings *f)
{
	const struct finding	*v;
	size_t			 i;

	if (f->n == 0)
		return;
	fprintf(fp, "%-8s %-26s %-20s %s\n", "severity", "code", "rule",
	    "value");
	for (i = 0; i < f->n; i++) {
		v = &f->v[i];
		fprintf(fp, "%-8s %-26s %-20s ", v->error ? "error" : "warning",
		    v->code, v->rule[0] != '\0' ? v->rule : "-");
		print_escaped(fp, v->value[0] != '\0' ? v->value : "-");
		fprintf(fp, "\n%8s ", "");
		print_escaped(fp, v->text);
		fputc('\n', fp);
	}
}

/*
 * A JSON string: quotes, backslashes and control characters escaped, and
 * bytes that are not valid UTF-8 (a request may carry anything) replaced
 * by U+FFFD so that the output always parses.
 */
void
json_string(FILE *fp, const char *str)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 n;

	fputc('"', fp);
	while (*s != '\0') {
		if (*s == '"' || *s == '\\')
			fprintf(fp, "\\%c", *s++);
		else if (*s < 0x20 || *s == 0x7f)
			fprintf(fp, "\\u%04x", *s++);
		else if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] < 0xa0) {
			/* C1: valid JSON raw, not for a terminal. */
			fprintf(fp, "\\u%04x", s[1]);
			s += 2;
		} else if ((n = esc_utf8_len(s)) == 0) {
			fputs("\\ufffd", fp);
			s++;
		} else {
			fwrite(s, 1, n, fp);
			s += n;
		}
	}
	fputc('"', fp);
}

/*
 * Text from a request for a terminal: control characters (C1 too),
 * backslashes and bytes that are not UTF-8 shown as \t, \n, \r, \\, \xHH,
 * so a crafted name cannot move the cursor or hide part of a line.
 */
void
print_escaped(FILE *fp, const char *str)
{
	esc_fputs(fp, str, ESC_BACKSLASH | ESC_TERMINAL);
}

/* The findings as a JSON array of objects, for scripts. */
void
findings_json(FILE *fp, const struct findings *f)
{
	const struct finding	*v;
	size_t			 i;

	fputc('[', fp);
	for (i = 0; i < f->n; i++) {
		v = &f->v[i];
		fprintf(fp, "%s\n  {\"code\": ", i ? "," : "");
		json_string(fp, v->code);
		fprintf(fp, ", \"severity\": \"%s\", \"value\": ",
		    v->error ? "error" : "warning");
		json_string(fp, v->value);
		fputs(", \"rule\": ", fp);
		json_string(fp, v->rule);
		fputs(", \"text\": ", fp);
		json_string(fp, v->text);
		fputc('}', fp);
	}
	fputs(f->n ? "\n]" : "]", fp);
}
