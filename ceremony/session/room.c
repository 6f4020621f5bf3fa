/* SPDX-License-Identifier: ISC */
/*
 * The ceremony room's checks on the machine itself.  The laptop should be
 * air-gapped: every interface other than loopback that is up, and every
 * wireless one even when down (a radio in the room is worth knowing), is
 * found here, with its carrier state and addresses, for the banner of
 * every TUI screen, the check at login (room_login.c) and ceremony room
 * check.  Nothing here prints.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ceremony/session/session.h"

/*
 * A wireless interface has a wireless/ (wireless extensions) or a
 * phy80211 link (cfg80211) under its sysfs node, up or down.
 */
static int
room_is_wireless(const char *name)
{
	char	path[128];

	snprintf(path, sizeof(path), "/sys/class/net/%s/wireless", name);
	if (access(path, F_OK) == 0)
		return 1;
	snprintf(path, sizeof(path), "/sys/class/net/%s/phy80211", name);
	return access(path, F_OK) == 0;
}

/* The entry of name, added (zeroed) if it is new; NULL out of memory. */
static struct room_if *
room_entry(struct room_report *r, const char *name)
{
	struct room_if	*nv;
	size_t		 i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->v[i].name, name) == 0)
			return &r->v[i];
	if ((nv = reallocarray(r->v, r->n + 1, sizeof(*nv))) == NULL)
		return NULL;
	r->v = nv;
	memset(&r->v[r->n], 0, sizeof(r->v[r->n]));
	snprintf(r->v[r->n].name, sizeof(r->v[r->n].name), "%s", name);
	return &r->v[r->n++];
}

/* An IPv4 or IPv6 address of the interface, added to its list. */
static void
room_addr(struct room_if *e, const struct sockaddr *sa)
{
	char	text[INET6_ADDRSTRLEN];
	size_t	len = strlen(e->addrs);
	const void *a;

	if (sa == NULL || (sa->sa_family != AF_INET &&
	    sa->sa_family != AF_INET6))
		return;
	a = sa->sa_family == AF_INET ?
	    (const void *)&((const struct sockaddr_in *)sa)->sin_addr :
	    (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
	if (inet_ntop(sa->sa_family, a, text, sizeof(text)) == NULL)
		return;
	snprintf(e->addrs + len, sizeof(e->addrs) - len, "%s%s",
	    len > 0 ? " " : "", text);
}

/*
 * getifaddrs lists an interface once per address family (and once with
 * no address, AF_PACKET, when it has none): one entry per name here.
 */
int
room_scan(struct room_report *r)
{
	struct ifaddrs	*all = NULL, *ifa;
	struct room_if	*e;
	int		 up, wireless;

	memset(r, 0, sizeof(*r));
	if (getifaddrs(&all) == -1) {
		err_set("cannot list the network interfaces: %s",
		    strerror(errno));
		return 1;
	}
	for (ifa = all; ifa != NULL; ifa = ifa->ifa_next) {
		if (ifa->ifa_flags & IFF_LOOPBACK)
			continue;
		up = (ifa->ifa_flags & IFF_UP) != 0;
		wireless = room_is_wireless(ifa->ifa_name);
		if (!up && !wireless)
			continue;
		if ((e = room_entry(r, ifa->ifa_name)) == NULL) {
			err_set("out of memory");
			freeifaddrs(all);
			room_report_free(r);
			return 1;
		}
		e->up = up;
		e->running = (ifa->ifa_flags & IFF_RUNNING) != 0;
		e->wireless = wireless;
		room_addr(e, ifa->ifa_addr);
	}
	freeifaddrs(all);
	return 0;
}

void
room_report_free(struct room_report *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/*
 * One line for messages and the audit: "eth0 (up, running, 10.0.0.2),
 * wlan0 (wireless, down)", or "none".
 */
void
room_text(const struct room_report *r, char *buf, size_t len)
{
	const struct room_if	*e;
	size_t			 i, n = 0;

	snprintf(buf, len, "none");
	for (i = 0; i < r->n && n < len; i++) {
		e = &r->v[i];
		n += (size_t)snprintf(buf + n, len - n, "%s%s (%s%s%s%s%s)",
		    i > 0 ? ", " : "", e->name, e->wireless ? "wireless, " : "",
		    e->up ? "up" : "down", e->up ? (e->running ? ", running" :
		    ", no carrier") : "", e->addrs[0] != '\0' ? ", " : "",
		    e->addrs);
	}
}

/* The names alone, comma-separated ("eth0,wlan0"); wireless ones only. */
void
room_names(const struct room_report *r, int wireless_only, char *buf,
    size_t len)
{
	size_t	i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < r->n && n < len; i++)
		if (!wireless_only || r->v[i].wireless)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
			    n > 0 ? "," : "", r->v[i].name);
}
