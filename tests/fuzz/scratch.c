/* SPDX-License-Identifier: ISC */
/*
 * The harnesses' scratch folder and input splitting (fuzz.h).  Readers
 * that take a path get the input as a file in a folder of this process's
 * own, so the bytes they parse are exactly the fuzzer's.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"
#include "tests/fuzz/fuzz.h"

static char	dir[4096];
static char	path[4096 + 256];
static char	tmpl[4096 + 256];

static void
fuzz_cleanup(void)
{
	if (dir[0] != '\0')
		rmtree(dir);
}

const char *
fuzz_dir(void)
{
	const char	*t = getenv("TMPDIR");

	if (dir[0] != '\0')
		return dir;
	snprintf(dir, sizeof(dir), "%s/ceremony-fuzz.XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("fuzz: mkdtemp");
		abort();
	}
	atexit(fuzz_cleanup);
	return dir;
}

/* The folders above FUZZDIR/name. */
static void
fuzz_parents(const char *name)
{
	char		 sub[sizeof(path)];
	const char	*s;

	for (s = strchr(name, '/'); s != NULL; s = strchr(s + 1, '/')) {
		snprintf(sub, sizeof(sub), "%s/%.*s", fuzz_dir(),
		    (int)(s - name), name);
		if (mkdir(sub, 0700) == -1 && errno != EEXIST) {
			perror("fuzz: mkdir");
			abort();
		}
	}
}

const char *
fuzz_file(const char *name, const void *data, size_t len)
{
	ssize_t	n;
	int	fd;

	snprintf(path, sizeof(path), "%s/%s", fuzz_dir(), name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1 && errno == ENOENT) {
		fuzz_parents(name);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	}
	if (fd == -1 || (len > 0 && (n = write(fd, data, len)) !=
	    (ssize_t)len)) {
		perror("fuzz: writing the input");
		abort();
	}
	close(fd);
	return path;
}

void
fuzz_unlink(const char *name)
{
	char	p[sizeof(path)];

	snprintf(p, sizeof(p), "%s/%s", fuzz_dir(), name);
	(void)unlink(p);
}

char *
fuzz_text(const void *data, size_t len)
{
	char	*s;

	if ((s = malloc(len + 1)) == NULL)
		abort();
	memcpy(s, data, len);
	s[len] = '\0';
	return s;
}

void
fuzz_split(const uint8_t *data, size_t len, struct fuzz_parts *fp)
{
	const uint8_t	*p = data, *end = data + len, *sep;

	fp->n = 0;
	for (;;) {
		sep = NULL;
		if (fp->n + 1 < FUZZ_PARTS_MAX)
			sep = memmem(p, (size_t)(end - p), "\n%%\n", 4);
		fp->p[fp->n] = p;
		fp->len[fp->n] = (size_t)((sep != NULL ? sep + 1 : end) - p);
		fp->n++;
		if (sep == NULL)
			break;
		p = sep + 4;
	}
}

const char *
fuzz_template(const char *name)
{
	const char	*d = getenv("CEREMONY_FUZZ_TEMPLATES");

	snprintf(tmpl, sizeof(tmpl), "%s/%s", d != NULL ? d : "templates",
	    name);
	return tmpl;
}
