/* SPDX-License-Identifier: ISC */
/*
 * The data directory end to end, in a temporary folder: create, refuse to
 * create over something, settings, the lock, index appends and reloads,
 * crash leftovers (torn last line, temporary files), corruption, serials,
 * status changes, one serial found and changed without loading the index,
 * certificate files, the audit chain.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "db/db_int.h"
#include "util/util.h"
#include "tests/unit/tap.h"

static char	 top[] = "/tmp/test_db.XXXXXX";
static char	 home[256];

/* Does the last error contain s? */
static int
says(const char *s)
{
	return strstr(err_get(), s) != NULL;
}

static char *
slurp(const char *path)
{
	FILE	*f;
	char	*buf;
	long	 n;

	if ((f = fopen(path, "r")) == NULL)
		return strdup("(absent)");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		buf[0] = '\0';
	fclose(f);
	return buf;
}

static void
spit(const char *path, const char *mode, const char *text)
{
	FILE	*f;

	if ((f = fopen(path, mode)) == NULL)
		return;
	fputs(text, f);
	fclose(f);
}

static const char *
in_home(const char *name)
{
	static char	path[1024];

	snprintf(path, sizeof(path), "%s/%s", home, name);
	return path;
}

static int
mode_of(const char *path)
{
	struct stat	st;

	return stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

static const struct db_config cfg = {
	"/usr/lib/softhsm/libsofthsm2.so", "root-2026", "Example Root CA",
	DB_NETWORK_WARN, DB_CLOCK_OFF, NULL, 0
};

static void
test_create(void)
{
	char	other[300], *before, *after;

	snprintf(home, sizeof(home), "%s/ca", top);
	ok(db_create(home, &cfg) == 0, "create a data directory");
	ok(mode_of(home) == 0700 && mode_of(in_home("certs")) == 0700 &&
	    mode_of(in_home("p12")) == 0700 && mode_of(in_home("export")) ==
	    0700 && mode_of(in_home("crls")) == 0700 &&
	    mode_of(in_home("requests")) == 0700 && mode_of(in_home("ca")) ==
	    0700, "directories are 0700");
	ok(mode_of(in_home("ceremony.cnf")) == 0644 &&
	    mode_of(in_home("index.txt")) == 0644 &&
	    mode_of(in_home("audit.log")) == 0644, "files are 0644");
	before = slurp(in_home("index.txt"));
	ok(strcmp(before, "# ceremony index v2: status notAfter revoked "
	    "reason invalidity serial generation profile subject\n") == 0,
	    "index.txt holds only its header");
	free(before);
	before = slurp(in_home("audit.log"));
	ok(before[0] == '\0', "audit.log is empty");
	free(before);
	before = slurp(in_home("ceremony.cnf"));
	err_clear();
	ok(db_create(home, &cfg) != 0 && says("already exists and is not "
	    "empty") && strchr(err_get(), '\n') == NULL,
	    "create over an existing data directory is refused in one line");
	after = slurp(in_home("ceremony.cnf"));
	ok(strcmp(before, after) == 0, "... and changes nothing");
	free(before);
	free(after);
	snprintf(other, sizeof(other), "%s/empty", top);
	mkdir(other, 0755);
	ok(db_create(other, &cfg) == 0 && mode_of(other) == 0700,
	    "create into an empty directory");
	snprintf(other, sizeof(other), "%s/empty/", top);
	ok(db_create(other, &cfg) != 0 && says("not empty"),
	    "create with a trailing slash finds it is now in use");
	snprintf(other, sizeof(other), "%s/ceremony.cnf", home);
	ok(db_create(other, &cfg) != 0 && says("is not a directory"),
	    "create over a file is refused");
	snprintf(other, sizeof(other), "%s/no/such/dir", top);
	ok(db_create(other, &cfg) != 0 && says("/no/such does not exist") &&
	    access(other, F_OK) != 0, "create below a missing parent fails, "
	    "leaving nothing");
}

static void
test_config(void)
{
	struct db_config	c = cfg, back;
	char			path[300];

	snprintf(path, sizeof(path), "%s/t.cnf", top);
	c.ca_name = "Root $HOME ${x} #1 \"q\" 'x' back\\slash; a=b \xc3\xa9";
	c.token = "t\\";
	ok(db_config_write(path, &c) == 0 && db_config_load(path, &back) ==
	    0 && strcmp(back.ca_name, c.ca_name) == 0 &&
	    strcmp(back.token, c.token) == 0 &&
	    strcmp(back.module, c.module) == 0,
	    "special characters survive write and load");
	db_config_clear(&back);
	c.ca_name = "two\nlines";
	ok(db_config_write(path, &c) != 0 && says("control character"),
	    "a newline in a value is refused");
	c.ca_name = " padded";
	ok(db_config_write(path, &c) != 0 && says("starts or ends with a "
	    "space"), "a leading space is refused");
	c.ca_name = NULL;
	ok(db_config_write(path, &c) != 0 && says("CA name (ca_name) is "
	    "empty"), "a missing value is refused");
	spit(path, "w", "[ceremony]\nmodule = m\ntoken = t\nca_name\n");
	ok(db_config_load(path, &back) != 0 && says("line 4 is corrupt"),
	    "a corrupt config names its line");
	spit(path, "w", "[ceremony]\nmodule = m\nca_name = n\n");
	ok(db_config_load(path, &back) != 0 && says("no token"),
	    "a missing key is named");
	spit(path, "w", "token = t\n[ceremony]\nmodule = m\nca_name = n\n");
	ok(db_config_load(path, &back) != 0 && says("no token"),
	    "a key outside [ceremony] does not count");
	spit(path, "w", "[other]\nmodule = m\n");
	ok(db_config_load(path, &back) != 0 && says("no [ceremony] section"),
	    "a missing section is named");
	c = cfg;
	ok(db_config_write(path, &c) == 0 && db_config_load(path, &back) ==
	    0 && back.network == DB_NETWORK_WARN && back.clock == DB_CLOCK_OFF,
	    "without [room]: network warn, clock off");
	db_config_clear(&back);
	c.network = DB_NETWORK_REFUSE;
	c.clock = DB_CLOCK_CONFIRM;
	ok(db_config_write(path, &c) == 0 && db_config_load(path, &back) ==
	    0 && back.network == DB_NETWORK_REFUSE &&
	    back.clock == DB_CLOCK_CONFIRM, "[room] survives write and load");
	db_config_clear(&back);
	spit(path, "w", "[ceremony]\nmodule = m\ntoken = t\nca_name = n\n"
	    "[room]\nnetwork = refused\n");
	ok(db_config_load(path, &back) != 0 && says("t.cnf [room]: network = "
	    "refused: expected warn or refuse"), "a bad network value is named");
	spit(path, "w", "[ceremony]\nmodule = m\ntoken = t\nca_name = n\n"
	    "[room]\nclock = yes\n");
	ok(db_config_load(path, &back) != 0 && says("clock = yes: expected "
	    "off or confirm"), "a bad clock value is named");
	spit(path, "w", "[ceremony]\nmodule = m\ntoken = t\nca_name = n\n"
	    "[room]\nnetwrok = refuse\n");
	ok(db_config_load(path, &back) != 0 && says("unknown key \"netwrok\""),
	    "an unknown key in [room] is named");
}

/* Try to open home in a child process; its error message in msg. */
static int
open_in_child(char *msg, size_t size)
{
	struct db	*db;
	int		 p[2], status;
	ssize_t		 n;
	pid_t		 pid;

	if (pipe(p) == -1 || (pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		close(p[0]);
		if (db_open(home, &db) == 0)
			_exit(0);
		(void)!write(p[1], err_get(), strlen(err_get()));
		_exit(1);
	}
	close(p[1]);
	n = read(p[0], msg, size - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(p[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
test_open_lock(void)
{
	struct db	*db = NULL, *db2 = NULL;
	char		 msg[512], want[512], *p;

	ok(db_open(top, &db) != 0 && db == NULL && says("is not a ceremony "
	    "data directory: name yours with --home DIR or $CEREMONY_HOME, "
	    "or create this one with ceremony init --home"),
	    "open of a plain directory names --home, then ceremony init");
	ok(db_open(home, &db) == 0 && db != NULL, "open the data directory");
	if (db == NULL)
		return;
	ok(strcmp(db_config(db)->token, "root-2026") == 0 &&
	    strcmp(db_home(db), home) == 0, "settings are loaded");
	p = db_path(db, "index.txt");
	ok(p != NULL && strcmp(p, in_home("index.txt")) == 0, "db_path");
	free(p);
	snprintf(want, sizeof(want), "data directory %s is in use by another "
	    "ceremony process (pid %ld): wait for it to finish", home,
	    (long)getpid());
	ok(open_in_child(msg, sizeof(msg)) == 1 && strcmp(msg, want) == 0,
	    "a second process is refused, naming the holder's pid");
	ok(db_open(home, &db2) != 0 && db2 == NULL && says("in use"),
	    "a second open in the same process is refused too");
	db_close(db);
	ok(open_in_child(msg, sizeof(msg)) == 0, "after close it opens again");
}

static struct db *
reopen(struct db *db)
{
	struct db	*n = NULL;

	db_close(db);
	if (db_open(home, &n) != 0)
		printf("# reopen: %s\n", err_get());
	return n;
}

static void
test_serials(struct db *db)
{
	unsigned char	rnd[20];
	char		s1[DB_SERIAL_MAX], s2[DB_SERIAL_MAX];

	memset(rnd, 0xff, sizeof(rnd));
	ok(db_serial_make(rnd, sizeof(rnd), s1) == 0 && strlen(s1) == 40 &&
	    strncmp(s1, "7FFF", 4) == 0, "serial from all-ones: top bit cleared");
	memset(rnd, 0, sizeof(rnd));
	ok(db_serial_make(rnd, sizeof(rnd), s2) == 0 &&
	    strncmp(s2, "4000", 4) == 0 && strspn(s2 + 2, "0") == 38,
	    "serial from zeros: second bit set, 20 octets");
	ok(db_serial_make(rnd, 19, s2) != 0, "19 random octets are refused");
	ok(db_serial_reserve(db, s1, "CN=one", "server", 1, 2000000000) == 0 &&
	    db_index_get(db, s1)->status == DB_RESERVED,
	    "reserve a serial (P)");
	ok(db_serial_reserve(db, s1, "CN=two", "server", 1, 2000000000) != 0 &&
	    says(s1) && says("already in the index"),
	    "the same serial cannot be reserved twice");
	ok(db_serial_reserve(db, "4a", "CN=x", "server", 1, 2000000000) != 0,
	    "a lower-case serial is refused");
	ok(db_index_mark(db, s1, DB_VALID, 0, -1) == 0 &&
	    db_index_get(db, s1)->status == DB_VALID, "P to V");
	ok(db_serial_void(db, s1) != 0 && says("not reserved"),
	    "a valid serial cannot be voided");
	ok(db_serial_reserve(db, s1, "CN=x", "server", 1, 2000000000) != 0 &&
	    says("already in the index (status V)"),
	    "an issued serial cannot be reserved again");
	ok(db_serial_reserve(db, s2, "CN=void", "server", 1, 2000000000) ==
	    0 && db_serial_void(db, s2) == 0 &&
	    db_index_get(db, s2)->status == DB_VOID, "P to X (void)");
	ok(db_serial_reserve(db, s2, "CN=v", "server", 1, 2000000000) != 0 &&
	    says("status X"), "a voided serial is never reused");
	ok(db_serial_void(db, "AB") != 0 && says("not in the index"),
	    "voiding an unknown serial fails");
}

static void
test_transitions(struct db *db)
{
	struct db_record	 r[2];
	const char		*s = "0A0B";
	char			*before, *after;

	ok(db_serial_reserve(db, s, "CN=hold", "client", 2, 2000000000) == 0 &&
	    db_index_mark(db, s, DB_VALID, 0, -1) == 0 &&
	    db_index_mark(db, s, DB_REVOKED, 1700000000, 6) == 0 &&
	    db_index_mark(db, s, DB_VALID, 0, -1) == 0 &&
	    db_index_mark(db, s, DB_REVOKED, 1700000001, 1) == 0,
	    "V to R (hold) to V to R (keyCompromise)");
	before = slurp(in_home("index.txt"));
	ok(db_index_mark(db, s, DB_VALID, 0, -1) != 0 && says(s) &&
	    says("only a certificateHold"), "R (keyCompromise) to V refused");
	ok(db_index_mark(db, s, DB_RESERVED, 0, -1) != 0 &&
	    says("reserved once"), "R to P refused");
	r[0] = *db_index_get(db, s);
	r[0].status = DB_VALID;
	r[0].revoked_at = 0;
	r[0].reason = -1;
	memcpy(r[0].serial, "0C0D", 5);
	ok(db_index_append(db, r, 1) != 0 && says("0C0D is not in the index"),
	    "a new serial must start as P");
	r[0].status = DB_RESERVED;
	r[1] = r[0];
	r[1].status = DB_REVOKED;
	r[1].revoked_at = 1700000000;
	ok(db_index_append(db, r, 2) != 0 && db_index_get(db, "0C0D") == NULL,
	    "a batch with one bad change is refused whole");
	r[1].not_after = (time_t)253402300800LL;
	r[1].status = DB_VALID;
	r[1].revoked_at = 0;
	ok(db_index_append(db, r, 2) != 0 && says("1950 to 9999") &&
	    db_index_get(db, "0C0D") == NULL,
	    "a batch with an unwritable record is refused whole");
	after = slurp(in_home("index.txt"));
	ok(strcmp(before, after) == 0, "... and index.txt is unchanged");
	free(after);
	r[1].not_after = 2000000000;
	ok(db_index_append(db, r, 2) == 0 &&
	    db_index_get(db, "0C0D")->status == DB_VALID,
	    "P and V of a new serial in one batch");
	free(before);
}

static void
test_reload(struct db **dbp)
{
	size_t		 n = db_index_count(*dbp);
	const char	*idx = in_home("index.txt");
	char		*before, *after;
	int		 fd;

	before = slurp(idx);
	*dbp = reopen(*dbp);
	ok(*dbp != NULL && db_index_count(*dbp) == n &&
	    db_index_get(*dbp, "0A0B")->status == DB_REVOKED &&
	    db_index_get(*dbp, "0A0B")->reason == 1 &&
	    db_index_get(*dbp, "0A0B")->generation == 2 &&
	    strcmp(db_index_get(*dbp, "0A0B")->subject, "CN=hold") == 0,
	    "a reload gives the same current states");
	if (*dbp == NULL)
		return;
	db_close(*dbp);
	spit(idx, "a", "V\t20360101000000Z\t-\t-\t0A");
	*dbp = reopen(NULL);
	after = slurp(idx);
	ok(*dbp != NULL && strcmp(before, after) == 0,
	    "a torn last line is moved to quarantine/ on a writing open");
	ok(access(in_home("quarantine"), F_OK) == 0, "... which now exists");
	idx = in_home("index.txt");
	free(after);
	db_close(*dbp);
	spit(idx, "a", "# a comment\nV\t20360101000000Z\t-\t-\t0A0B\t1\tp\t"
	    "CN=x\n");
	ok(db_open(home, dbp) != 0 && says("index.txt line") &&
	    says("is corrupt (serial 0A0B cannot go from revoked (R) to valid")
	    && says("restore it from the backup or run ceremony db verify"),
	    "a line with an impossible change is refused");
	spit(idx, "w", before);
	fd = open(idx, O_WRONLY | O_APPEND);
	(void)!write(fd, "garbage\n", 8);
	(void)!write(fd, strchr(before, '\n') + 1, strlen(strchr(before,
	    '\n') + 1));
	close(fd);
	ok(db_open(home, dbp) != 0 && says("line") &&
	    says("is corrupt (1 tab-separated fields"),
	    "a corrupt middle line is refused");
	spit(idx, "w", before);
	*dbp = reopen(NULL);
	free(before);
}

/* Find serial without loading the index: its status and reason. */
static int
found_as(struct db *db, const char *serial, char status, int reason)
{
	struct db_record	r;
	int			found, pass;

	if (db_index_find(db, serial, &r, &found) != 0 || !found)
		return 0;
	pass = r.status == status && r.reason == reason &&
	    strcmp(r.serial, serial) == 0;
	db_record_clear(&r);
	return pass;
}

static void
test_noindex(struct db **dbp)
{
	struct db_record	 cur, next, *h = NULL;
	const char		*idx = in_home("index.txt");
	char			*before, *after;
	size_t			 n = 0, i;
	int			 found;

	/* A serial that reads like another's profile: BEEF. */
	ok(db_serial_reserve(*dbp, "BEEF", "CN=beef", "p", 1, 2000000000) == 0
	    && db_serial_reserve(*dbp, "CAFE", "CN=cafe", "BEEF", 1,
	    2000000000) == 0 && db_index_mark(*dbp, "CAFE", DB_VALID, 0, -1)
	    == 0, "CAFE's profile is BEEF, another serial");
	db_close(*dbp);
	spit(idx, "a", "V\t20360101000000Z\t-\t-\t0A");
	*dbp = NULL;
	ok(db_open_flags(home, DB_OPEN_NOINDEX, dbp) == 0 &&
	    db_index_count(*dbp) == 0, "open without loading the index");
	if (*dbp == NULL)
		return;
	after = slurp(idx);
	ok(after[strlen(after) - 1] == '\n' && strstr(after, "\t0A\n") ==
	    NULL, "... a torn last line is still moved to quarantine/");
	free(after);
	ok(found_as(*dbp, "0A0B", DB_REVOKED, 1) &&
	    found_as(*dbp, "0C0D", DB_VALID, -1) &&
	    found_as(*dbp, "CAFE", DB_VALID, -1),
	    "the last line of a serial is its state");
	ok(found_as(*dbp, "BEEF", DB_RESERVED, -1),
	    "a profile field that reads like the serial is not the serial");
	ok(db_index_find(*dbp, "0E", &cur, &found) == 0 && !found,
	    "an unknown serial is not found");
	ok(db_index_find(*dbp, "0a0b", &cur, &found) != 0 &&
	    says("upper-case hex"), "a lower-case serial is an error");
	ok(db_index_history(*dbp, "0A0B", &h, &n) == 0 && n == 5 &&
	    h[0].status == DB_RESERVED && h[2].reason == 6 &&
	    h[4].status == DB_REVOKED && h[4].revoked_at == 1700000001,
	    "the history of a serial: P V R(hold) V R");
	for (i = 0; i < n; i++)
		db_record_clear(&h[i]);
	free(h);
	before = slurp(idx);
	db_index_find(*dbp, "0A0B", &cur, &found);
	next = cur;
	next.status = DB_VALID;
	next.revoked_at = 0;
	next.reason = -1;
	ok(db_index_set(*dbp, &cur, &next) != 0 &&
	    says("only a certificateHold"), "R (keyCompromise) to V refused");
	next.status = DB_REVOKED;
	next.revoked_at = cur.revoked_at;
	next.reason = 4;
	ok(db_index_set(*dbp, &cur, &next) != 0 &&
	    says("cannot change its reason from keyCompromise to superseded"),
	    "keyCompromise to superseded refused");
	after = slurp(idx);
	ok(strcmp(before, after) == 0, "... and index.txt is unchanged");
	free(after);
	free(before);
	db_record_clear(&cur);
	db_index_find(*dbp, "0C0D", &cur, &found);
	next = cur;
	next.status = DB_REVOKED;
	next.revoked_at = 1700000100;
	next.reason = 6;
	next.invalidity = 1700000050;
	ok(db_index_set(*dbp, &cur, &next) == 0 &&
	    found_as(*dbp, "0C0D", DB_REVOKED, 6), "V to R (hold) appended");
	db_record_clear(&cur);
	db_index_find(*dbp, "0C0D", &cur, &found);
	next = cur;
	next.reason = 1;
	ok(db_index_set(*dbp, &cur, &next) == 0 &&
	    found_as(*dbp, "0C0D", DB_REVOKED, 1),
	    "R (hold) to R (keyCompromise) appended");
	db_record_clear(&cur);
	ok(db_index_append(*dbp, &next, 1) != 0 && says("not loaded"),
	    "a batch append needs the loaded index");
	db_close(*dbp);
	*dbp = reopen(NULL);
	ok(*dbp != NULL && db_index_get(*dbp, "0C0D")->reason == 1 &&
	    db_index_get(*dbp, "0C0D")->invalidity == 1700000050 &&
	    db_index_get(*dbp, "0C0D")->revoked_at == 1700000100,
	    "a full load reads the appended lines, invalidity date included");
}

static X509 *
make_cert(const char *serial)
{
	EVP_PKEY	*k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	X509		*x = X509_new();
	BIGNUM		*bn = NULL;

	BN_hex2bn(&bn, serial);
	BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN",
	    MBSTRING_ASC, (const unsigned char *)"t", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, k);
	X509_sign(x, k, EVP_sha256());
	BN_free(bn);
	EVP_PKEY_free(k);
	return x;
}

static void
test_certs(struct db *db)
{
	const char	*s = "4A1B2C3D4E5F60718293A4B5C6D7E8F901234567";
	X509		*a = make_cert(s), *b = make_cert(s), *got;
	char		*before, *after;
	char		 path[100];

	ok(db_ca_current(db) == 0, "no CA certificate yet: generation 0");
	ok(db_cert_put(db, s, a) == 0, "put a certificate");
	snprintf(path, sizeof(path), "certs/%s.pem", s);
	ok(mode_of(in_home(path)) == 0644, "certificates are 0644");
	before = slurp(in_home(path));
	ok(db_cert_put(db, s, b) != 0 && says("already exists and is never "
	    "overwritten"), "a certificate is never overwritten");
	after = slurp(in_home(path));
	ok(strcmp(before, after) == 0, "... and the file is unchanged");
	free(before);
	free(after);
	got = db_cert_get(db, s);
	ok(got != NULL && X509_cmp(got, a) == 0, "get it back");
	X509_free(got);
	ok(db_cert_put(db, "0ABC", b) != 0 && says("has serial"),
	    "a certificate filed under another serial is refused");
	ok(db_cert_get(db, "../ca") == NULL && says("not upper-case hex"),
	    "a serial cannot be a path");
	ok(db_cert_get(db, "ABCD") == NULL && says("cannot read"),
	    "get of a missing certificate fails");
	ok(db_ca_put(db, 1, a) == 0 && db_ca_put(db, 2, b) == 0 &&
	    db_ca_current(db) == 2, "CA generations 1 and 2");
	ok(db_ca_put(db, 1, b) != 0 && says("never overwritten"),
	    "a CA certificate is never overwritten");
	got = db_ca_get(db, 1);
	ok(got != NULL && X509_cmp(got, a) == 0, "get generation 1");
	X509_free(got);
	spit(in_home("ca/gen-10.pem.bak"), "w", "x");
	spit(in_home("ca/gen-010.pem"), "w", "x");
	ok(db_ca_current(db) == 2, "other names in ca/ do not count");
	X509_free(a);
	X509_free(b);
}

static void
test_atomic(struct db *db)
{
	char	*p = db_path(db, "export/a.txt"), *t;

	ok(atomic_write(p, "one\n", 4, 0600, 1) == 0 && mode_of(p) == 0600,
	    "atomic write creates with the mode asked");
	ok(atomic_write(p, "two\n", 4, 0600, 1) != 0 && says("already exists"),
	    "exclusive write refuses an existing file");
	t = slurp(p);
	ok(strcmp(t, "one\n") == 0, "... which keeps its content");
	free(t);
	ok(atomic_write(p, "three\n", 6, 0644, 0) == 0, "replace it");
	t = slurp(p);
	ok(strcmp(t, "three\n") == 0 && mode_of(p) == 0644,
	    "... with the new content and mode");
	free(t);
	free(p);
	spit(in_home("certs/.AB.pem.tmp-0123456789ab"), "w", "half");
	spit(in_home("certs/.keep.tmp-me"), "w", "x");
	db = reopen(db);
	ok(access(in_home("certs/.AB.pem.tmp-0123456789ab"), F_OK) != 0 &&
	    access(in_home("certs/.keep.tmp-me"), F_OK) == 0,
	    "open removes temporary files left by a crash, only those");
	db_close(db);
}

static void
test_audit(struct db *db)
{
	struct audit_entry	 e = { 0 };
	const char		*log = in_home("audit.log");
	char			*text, *p, hash[65];
	unsigned long long	 seq;
	long			 bad = -1;
	int			 i;

	/* A log of its own: the repairs above wrote theirs. */
	spit(log, "w", "");
	db = reopen(db);
	e.operator = "alice\tsmith";
	e.op = "root.create";
	e.ok = 1;
	e.detail = "line one\nline two";
	audit_add_in(&e, "template", "abc", 3);
	audit_add_out(&e, "cert", "", 0);
	audit_add_out(&e, "key", "k", 1);
	ok(db_audit(db, &e) == 0 && db_audit(db, &e) == 0,
	    "two audit records");
	db = reopen(db);
	e.ok = 0;
	e.detail = NULL;
	ok(db_audit(db, &e) == 0, "a third after reopening");
	text = slurp(log);
	ok(strncmp(text, "seq=1\ttime=", 11) == 0 && strstr(text,
	    "\tprev=0000000000000000000000000000000000000000000000000000000000"
	    "000000\n") != NULL && strstr(text, "operator=alice\\tsmith\t") &&
	    strstr(text, "detail=line one\\nline two\t") && strstr(text,
	    "in=template:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410"
	    "ff61f20015ad\t") && strstr(text, "\nseq=3\t") &&
	    strstr(text, "result=failed"), "the records read as documented");
	ok(db_audit_verify(log, &bad) == 0 && bad == 0, "the chain verifies");
	ok(db_audit_head(db, &seq, hash) == 0 && seq == 3 && strlen(hash) ==
	    64, "the head is record 3");
	p = strstr(text, "alice");
	p = strstr(p + 1, "alice");
	*p = 'A';
	spit(log, "w", text);
	ok(db_audit_verify(log, &bad) != 0 && bad == 2 &&
	    says("line 2 does not match the hash that line 3 records"),
	    "a changed line is found");
	*p = 'a';
	spit(log, "w", text);
	spit(log, "a", "seq=4\ttime=2026");
	ok(db_audit_verify(log, &bad) != 0 && bad == 4 && says("incomplete"),
	    "verify reports a torn last line");
	db = reopen(db);
	ok(db_audit(db, &e) == 0 && db_audit_verify(log, &bad) == 0,
	    "the torn line is quarantined and the chain goes on");
	for (i = 0; i <= AUDIT_ITEMS_MAX; i++)
		audit_add_in(&e, "x", "", 0);
	ok(db_audit(db, &e) != 0 && says("more than"),
	    "too many items are refused, not dropped");
	e.nin = 0;
	e.op = "Bad Op";
	ok(db_audit(db, &e) != 0, "a malformed operation name is refused");
	free(text);
	text = slurp(log);
	p = strchr(text, '\n') + 1;
	spit(log, "w", p);
	ok(db_audit_verify(log, &bad) != 0 && bad == 1 &&
	    says("does not follow"), "a removed line is found");
	free(text);
	db_close(db);
}

/* The op of the last audit record, in buf. */
static const char *
last_op(char *buf, size_t size)
{
	char	*text = slurp(in_home("audit.log")), *p;

	buf[0] = '\0';
	if (text != NULL && (p = strrchr(text, '\n')) != NULL) {
		*p = '\0';
		p = strrchr(text, '\n');
		db_audit_field(p != NULL ? p + 1 : text, "op", buf, size);
	}
	free(text);
	return buf;
}

/* A revoke record (the intent) for serial, as ceremony revoke writes it. */
static int
intent(struct db *db, const char *op, const char *detail)
{
	struct audit_entry	e = { 0 };

	e.op = op;
	e.ok = 1;
	e.detail = detail;
	return db_audit(db, &e);
}

/*
 * A revocation record whose index line never came is rolled back by the
 * next writing open, not by a read-only one, and not when the line is
 * there; db verify's own record after it does not hide it.
 */
static void
test_intent(void)
{
	struct db	*db = NULL;
	char		 op[64];

	spit(in_home("audit.log"), "w", "");
	if (db_open(home, &db) != 0)
		return;
	/* 0C0D is revoked (keyCompromise): superseded never reached it. */
	ok(intent(db, "revoke", "serial 0C0D reason superseded invalidity -")
	    == 0 && intent(db, "db.verify", "0 problems found") == 0,
	    "a revoke record without its R line, then db verify's");
	db_close(db);
	db = NULL;
	ok(db_open_flags(home, DB_OPEN_READONLY, &db) == 0 &&
	    strcmp(last_op(op, sizeof(op)), "db.verify") == 0,
	    "a read-only open leaves it");
	db_close(db);
	db = NULL;
	ok(db_open(home, &db) == 0 &&
	    strcmp(last_op(op, sizeof(op)), "revoke.rollback") == 0 &&
	    db_index_get(db, "0C0D")->reason == 1,
	    "a writing open rolls it back, 0C0D stays keyCompromise");
	ok(intent(db, "revoke", "serial 0A0B reason keyCompromise invalidity "
	    "-") == 0 && intent(db, "release", "serial 0C0D") == 0,
	    "a revoke whose line is there, a release whose line is not");
	db_close(db);
	db = NULL;
	ok(db_open(home, &db) == 0 &&
	    strcmp(last_op(op, sizeof(op)), "revoke.rollback") == 0,
	    "... the release is rolled back");
	ok(intent(db, "revoke", "serial 0A0B reason keyCompromise invalidity "
	    "-") == 0, "... then the revoke that is done");
	db_close(db);
	db = NULL;
	ok(db_open(home, &db) == 0 &&
	    strcmp(last_op(op, sizeof(op)), "revoke") == 0 &&
	    db_audit_verify(in_home("audit.log"), NULL) == 0,
	    "... is left as it is, the chain whole");
	db_close(db);
}

int
main(void)
{
	struct db	*db = NULL;
	char		 cmd[300];

	note_quiet(1);
	if (mkdtemp(top) == NULL)
		return 1;
	test_create();
	test_config();
	test_open_lock();
	if (db_open(home, &db) != 0)
		return 1;
	test_serials(db);
	test_transitions(db);
	test_reload(&db);
	if (db == NULL)
		return 1;
	test_noindex(&db);
	if (db == NULL)
		return 1;
	test_certs(db);
	test_atomic(db);
	db = NULL;
	if (db_open(home, &db) != 0)
		return 1;
	test_audit(db);
	test_intent();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", top);
	if (tap_failed == 0 && system(cmd) != 0)
		return 1;
	return done_testing();
}
