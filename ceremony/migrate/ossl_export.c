/* SPDX-License-Identifier: ISC */
/*
 * ceremony db export-openssl DIR: the database in the layout `openssl ca`
 * reads, for a relying tool or a way back:
 *
 *   index.txt        one line per certificate issued (V or R; reserved and
 *                    void serials never existed for openssl)
 *   index.txt.attr   unique_subject = no (ceremony allows a subject twice)
 *   crlnumber        the next CRL number of the current generation (hex)
 *   newcerts/SERIAL.pem
 *
 * Only the current generation's certificates: an openssl ca database
 * belongs to one CA.  Built in a temporary sibling and renamed.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "ceremony/export/export.h"
#include "ceremony/migrate/migrate.h"

/* The certificate file's own bytes, copied. */
static int
cert_copy(struct session *s, const char *serial, const char *to)
{
	unsigned char	*buf = NULL;
	char		 rel[64], *from;
	size_t		 len;
	int		 rc = 1;

	snprintf(rel, sizeof(rel), "certs/%s.pem", serial);
	if ((from = db_path(s->db, rel)) != NULL &&
	    file_read_small("certificate", from, 1024 * 1024, &buf, &len) == 0)
		rc = atomic_write(to, buf, len, 0644, 1);
	free(buf);
	free(from);
	return rc;
}

static int
ossl_export_certs(struct session *s, int gen, const char *tmp, FILE *idx,
    size_t *n)
{
	const struct db_record	*r;
	X509			*x;
	char			 path[4096 + 64], *subj;
	size_t			 i;
	int			 rc;

	*n = 0;
	for (i = 0; i < db_index_count(s->db); i++) {
		r = db_index_at(s->db, i);
		if ((r->status != DB_VALID && r->status != DB_REVOKED) ||
		    r->generation != gen)
			continue;
		if ((x = db_cert_get(s->db, r->serial)) == NULL)
			return 1;
		subj = X509_NAME_oneline(X509_get_subject_name(x), NULL, 0);
		snprintf(path, sizeof(path), "%s/newcerts/%s.pem", tmp,
		    r->serial);
		rc = subj == NULL || ossl_index_format(r, subj, idx) != 0 ||
		    cert_copy(s, r->serial, path) != 0;
		OPENSSL_free(subj);
		X509_free(x);
		if (rc) {
			if (!err_isset())
				err_set("cannot write the index line of %s",
				    r->serial);
			return 1;
		}
		(*n)++;
	}
	return 0;
}

static int
ossl_export_files(struct session *s, int gen, const char *tmp, size_t *n)
{
	unsigned long long	 last;
	char			 path[4096 + 64], num[40];
	FILE			*idx = NULL;
	int			 rc = 1;

	snprintf(path, sizeof(path), "%s/newcerts", tmp);
	if (mkdir(path, 0755) == -1) {
		err_set("cannot create %s: %s", path, strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/index.txt", tmp);
	if ((idx = fopen(path, "wx")) == NULL) {
		err_set("cannot create %s: %s", path, strerror(errno));
		return 1;
	}
	if (ossl_export_certs(s, gen, tmp, idx, n) != 0)
		goto out;
	if (fflush(idx) != 0 || fsync(fileno(idx)) != 0) {
		err_set("cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	snprintf(path, sizeof(path), "%s/index.txt.attr", tmp);
	if (atomic_write(path, "unique_subject = no\n", 20, 0644, 1) != 0 ||
	    db_crl_last(s->db, gen, &last) != 0)
		goto out;
	/* openssl writes an even number of hex digits */
	snprintf(num, sizeof(num), "%llX", last + 1);
	snprintf(num, sizeof(num), "%s%llX\n", strlen(num) % 2 ? "0" : "",
	    last + 1);
	snprintf(path, sizeof(path), "%s/crlnumber", tmp);
	if (atomic_write(path, num, strlen(num), 0644, 1) != 0)
		goto out;
	snprintf(path, sizeof(path), "%s/newcerts", tmp);
	rc = fsync_dir(path) != 0 || fsync_dir(tmp) != 0;
out:
	if (idx != NULL)
		fclose(idx);
	return rc;
}

int
ossl_export(struct session *s, const char *dir, size_t *n)
{
	char	 tmp[4096];
	int	 gen, rc = 1;

	if ((gen = db_ca_current(s->db)) <= 0) {
		if (gen == 0)
			err_set("this data directory has no CA certificate yet: "
			    "nothing to export");
		return 1;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", dir) >=
	    (int)sizeof(tmp) || dir_target_free(dir) != 0)
		return 1;
	if (mkdtemp(tmp) == NULL) {
		err_set("cannot create %s: %s", tmp, strerror(errno));
		return 1;
	}
	if (ossl_export_files(s, gen, tmp, n) == 0 && dir_place(tmp, dir) == 0)
		rc = 0;
	else
		(void)rmtree(tmp);
	return rc;
}
