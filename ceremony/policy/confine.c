/* SPDX-License-Identifier: ISC */
/*
 * Confining the request intake (intake.c) with seccomp, through
 * libseccomp.  The parser of one request may read and write the
 * descriptors it has (its request is already in memory, its answer goes
 * to a pipe), manage memory and end: any other system call kills it, so
 * a request that takes its parser over cannot open a file, reach a
 * network, start a program or signal another process.  The intake process
 * that forks the parsers may also fork, wait and kill its own parsers; a
 * call outside its list fails with EPERM.  Neither can open or create a
 * file (their standard descriptors are /dev/null; no file-size limit,
 * which would kill valgrind writing its own log).  The parser also may
 * make no descriptor (the intake's timeout stops one that hangs);
 * neither dumps core.
 */
#include <errno.h>
#include <seccomp.h>
#include <string.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ceremony/policy/policy.h"

/* Memory, time, and ending: what any confined process of ours needs. */
static const int sys_common[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(writev), SCMP_SYS(close),
	SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(mprotect), SCMP_SYS(madvise), SCMP_SYS(futex),
	SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(sigaltstack),
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(time),
	SCMP_SYS(getrandom),
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(sched_yield),
	SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(lseek),
	SCMP_SYS(rt_sigaction),
	SCMP_SYS(rt_sigtimedwait),	/* valgrind's scheduler polls signals */
};

/* The intake also starts, waits for and stops its parsers. */
static const int sys_intake[] = {
	SCMP_SYS(clone), SCMP_SYS(clone3), SCMP_SYS(fork), SCMP_SYS(wait4),
	SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(kill), SCMP_SYS(pipe2),
	SCMP_SYS(set_robust_list), SCMP_SYS(prctl), SCMP_SYS(seccomp),
	SCMP_SYS(setrlimit), SCMP_SYS(prlimit64), SCMP_SYS(sendto),
	SCMP_SYS(restart_syscall), SCMP_SYS(dup2),
	SCMP_SYS(close_range),
	/* a fork under valgrind makes its scheduler's pipe again */
	SCMP_SYS(pipe), SCMP_SYS(fcntl),
};

static int
limit(int what, rlim_t n)
{
	struct rlimit	rl = { n, n };

	return setrlimit(what, &rl);
}

/* The filter that lets a, b through and does deny to the rest. */
static scmp_filter_ctx
filter(uint32_t deny, const int *a, size_t na, const int *b, size_t nb)
{
	scmp_filter_ctx	 ctx;
	size_t		 i;
	int		 r = 0;

	/* Where libseccomp cannot ask the kernel (valgrind), killing the
	 * thread is the same: a parser has one. */
	if ((ctx = seccomp_init(deny)) == NULL && (deny !=
	    SCMP_ACT_KILL_PROCESS || (ctx = seccomp_init(SCMP_ACT_KILL)) ==
	    NULL))
		return NULL;
	for (i = 0; i < na && r == 0; i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, a[i], 0);
	for (i = 0; i < nb && r == 0; i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, b[i], 0);
	if (r != 0) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * The parser's filter as a BPF program, made once by the intake before it
 * confines itself: compiling it in every parser cost more than the parse.
 * (abort() is not in it: a parser that aborts is killed all the same.)
 */
int
confine_parser_prepare(struct sock_fprog *prog)
{
	scmp_filter_ctx	 ctx;
	unsigned char	 buf[16384];
	ssize_t		 n;
	size_t		 len = 0;
	int		 fds[2] = { -1, -1 }, r = 1;

	memset(prog, 0, sizeof(*prog));
	if ((ctx = filter(SCMP_ACT_KILL_PROCESS, sys_common, N(sys_common),
	    NULL, 0)) == NULL || pipe(fds) == -1 ||
	    seccomp_export_bpf(ctx, fds[1]) != 0)
		goto out;
	close(fds[1]);
	fds[1] = -1;
	while (len < sizeof(buf) &&
	    (n = read(fds[0], buf + len, sizeof(buf) - len)) > 0)
		len += (size_t)n;
	if (len == 0 || len % sizeof(struct sock_filter) != 0 ||
	    len == sizeof(buf) || (prog->filter = malloc(len)) == NULL)
		goto out;
	memcpy(prog->filter, buf, len);
	prog->len = (unsigned short)(len / sizeof(struct sock_filter));
	r = 0;
out:
	if (fds[0] != -1)
		close(fds[0]);
	if (fds[1] != -1)
		close(fds[1]);
	if (ctx != NULL)
		seccomp_release(ctx);
	return r;
}

/* The parser of one request: no new descriptor, no file, no process. */
int
confine_parser(const struct sock_fprog *prog)
{
	/* valgrind refuses a descriptor limit below its own: the filter
	 * kills any call that would make a descriptor anyway. */
	(void)limit(RLIMIT_NOFILE, 0);
	if (limit(RLIMIT_CORE, 0) != 0)
		return 1;
	/* No set-uid program could gain by what we keep (seccomp wants it). */
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog) == -1;
}

int
confine_intake(void)
{
	scmp_filter_ctx	 ctx;
	int		 r;

	if (limit(RLIMIT_CORE, 0) != 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    (ctx = filter(SCMP_ACT_ERRNO(EPERM), sys_common, N(sys_common),
	    sys_intake, N(sys_intake))) == NULL)
		return 1;
	r = seccomp_load(ctx);
	seccomp_release(ctx);
	return r != 0;
}
