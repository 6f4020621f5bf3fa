/* SPDX-License-Identifier: ISC */
/*
 * What the libFuzzer harnesses of tests/fuzz/ share (docs/fuzzing.md):
 * the two entry points libFuzzer calls, a private scratch folder where an
 * input becomes the file a reader takes by path, and the split of one
 * input into the several files some readers need.  Each harness calls the
 * project's own readers, unchanged, on what the fuzzer makes.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

int		 LLVMFuzzerInitialize(int *, char ***);
int		 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* scratch.c */
/* A private folder, made at the first call and removed at exit. */
const char	*fuzz_dir(void);
/* FUZZDIR/NAME (sub-folders made) holding exactly the bytes; its path. */
const char	*fuzz_file(const char *name, const void *, size_t);
void		 fuzz_unlink(const char *name);
/* A NUL-terminated copy (a reader of text takes a C string). */
char		*fuzz_text(const void *, size_t);

/*
 * An input of several files: the parts between lines "%%" (the seeds in
 * tests/fuzz/corpus/ are written that way, see tests/fuzz/seeds).
 */
#define FUZZ_PARTS_MAX	16
struct fuzz_parts {
	const uint8_t	*p[FUZZ_PARTS_MAX];
	size_t		 len[FUZZ_PARTS_MAX];
	size_t		 n;
};
void		 fuzz_split(const uint8_t *, size_t, struct fuzz_parts *);

/* A template or policy of templates/ (the harness runs in the checkout,
 * or CEREMONY_FUZZ_TEMPLATES names the folder). */
const char	*fuzz_template(const char *name);

#endif
