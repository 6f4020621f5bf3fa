/* SPDX-License-Identifier: ISC */
/*
 * The ceremony room's checks on the machine itself.  The laptop should be
 * air-gapped: a network interface other than loopback that is up is worth
 * a warning on every screen.  Nothing here prints.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/ceremony.h"

static int
room_has(char **v, size_t n, const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], name) == 0)
			return 1;
	return 0;
}

/*
 * The names of the interfaces that are up, loopback left out, each once
 * (getifaddrs lists an interface once per address family).
 */
int
room_interfaces_up(char ***out, size_t *nout)
{
	struct ifaddrs	*all = NULL, *ifa;
	char		**v = NULL, **nv;
	size_t		 n = 0;
	int		 rc = 1;

	*out = NULL;
	*nout = 0;
	if (getifaddrs(&all) == -1) {
		err_set("cannot list the network interfaces: %s",
		    strerror(errno));
		return 1;
	}
	for (ifa = all; ifa != NULL; ifa = ifa->ifa_next) {
		if (!(ifa->ifa_flags & IFF_UP) ||
		    (ifa->ifa_flags & IFF_LOOPBACK) ||
		    room_has(v, n, ifa->ifa_name))
			continue;
		if ((nv = reallocarray(v, n + 1, sizeof(*v))) == NULL ||
		    (nv[n] = strdup(ifa->ifa_name)) == NULL) {
			if (nv != NULL)
				v = nv;
			err_set("out of memory");
			goto out;
		}
		v = nv;
		n++;
	}
	*out = v;
	*nout = n;
	v = NULL;
	n = 0;
	rc = 0;
out:
	room_list_free(v, n);
	freeifaddrs(all);
	return rc;
}

void
room_list_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
