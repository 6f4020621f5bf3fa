/* SPDX-License-Identifier: ISC */
/*
 * ceremony sign --inbox, in two files: batch.c reads the inbox, checks
 * requests, audits and files them; batch_pipeline.c checks, builds, signs,
 * verifies and records them on two cores.  Included by those two only.
 */
#ifndef BATCH_H
#define BATCH_H

#include "ceremony/issue/issue.h"
#include "ceremony/policy/policy.h"

struct batch_item {
	char			*path;
	const char		*name;		/* file name in the inbox */
	struct vetted		*csr;		/* as the intake vetted it */
	struct intake_req	 req;		/* sent to the intake */
	struct findings		 f;
	struct issue_job	 job;
	int			 checked;	/* read and policy-checked */
	int			 settled;	/* audited and moved */
	char			 why[256];	/* a one-line reason to reject */
};

struct batch {
	struct session		*s;
	const struct signer	*sg;
	const struct tmpl	*t;
	const struct policy	*p;
	const struct sign_opts	*o;
	struct batch_item	*v;
	size_t			 n;
	size_t			 first;		/* the first acceptable item */
	char			(*serials)[DB_SERIAL_MAX]; /* v[first..n)'s */
	struct issue_job	**jobs;		/* the acceptable ones, in order */
	struct batch_item	**job_items;	/* the item of each job */
	size_t			 njobs;
	char			*inbox;
	char			 done[4096];	/* inbox/done */
	char			 rej[4096];	/* inbox/rejected */
	unsigned long		 sessions;	/* signing at once */
	int			 stopped;	/* a write failed; error says which */
	char			 error[1024];
};

/* batch.c */
void	batch_check(struct session *, struct batch_item *,
	    const struct policy *);
void	batch_send(struct session *, struct batch_item *,
	    const struct policy *);
void	batch_recv(struct session *, struct batch_item *,
	    const struct policy *);
int	batch_audit(struct batch *, struct batch_item **, size_t);
int	batch_settle(struct batch *, struct batch_item **, size_t);

/* batch_pipeline.c */
void	batch_pipeline(struct batch *);

#endif
