/* Name resolution with glibc's layouts and error codes over the kernel's
 * sys_getaddrinfo (dotted quads, IPv6 literals, "localhost" (127.0.0.1 and ::1), A and
 * AAAA records from the servers DHCP named):
 * getaddrinfo/freeaddrinfo/gai_strerror/getnameinfo, gethostbyname & co. on top of
 * getaddrinfo, and small built-in service and protocol tables instead of /etc/services
 * and /etc/protocols (there are no such files). */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "port.h"

static __thread int h_err;

int *__h_errno_location(void)
{
    return &h_err;
}

/* --- services and protocols ------------------------------------------------------- */

static const struct {
    const char *name;
    unsigned short port;
} services[] = {
    {"echo", 7},        {"discard", 9},     {"daytime", 13},    {"ftp-data", 20},
    {"ftp", 21},        {"ssh", 22},        {"telnet", 23},     {"smtp", 25},
    {"time", 37},       {"domain", 53},     {"tftp", 69},       {"gopher", 70},
    {"finger", 79},     {"http", 80},       {"www", 80},        {"pop3", 110},
    {"sunrpc", 111},    {"nntp", 119},      {"ntp", 123},       {"imap", 143},
    {"imap2", 143},     {"snmp", 161},      {"ldap", 389},      {"https", 443},
    {"syslog", 514},    {"submission", 587}, {"ldaps", 636},    {"imaps", 993},
    {"pop3s", 995},     {"mysql", 3306},    {"postgresql", 5432}, {"http-alt", 8080},
};
#define N_SERVICES (sizeof services / sizeof services[0])

/* The port (host order) of a service name or number; -1 when unknown. */
static int service_port(const char *s, int numeric_only)
{
    if (*s != '\0') {
        char *end;
        unsigned long v = strtoul(s, &end, 10);
        if (*end == '\0' && isdigit((unsigned char)*s))
            return v <= 65535 ? (int)v : -1;
    }
    if (numeric_only)
        return -1;
    for (size_t i = 0; i < N_SERVICES; i++)
        if (strcmp(services[i].name, s) == 0)
            return services[i].port;
    return -1;
}

static struct servent *fill_servent(size_t i, const char *proto)
{
    static __thread struct servent se;
    static __thread char *aliases[1];
    static __thread char protobuf[4];
    strcpy(protobuf, proto && strcmp(proto, "udp") == 0 ? "udp" : "tcp");
    se.s_name = (char *)services[i].name;
    se.s_aliases = aliases;
    se.s_port = htons(services[i].port);
    se.s_proto = protobuf;
    return &se;
}

static int tcp_or_udp(const char *proto)
{
    return proto == NULL || strcmp(proto, "tcp") == 0 || strcmp(proto, "udp") == 0;
}

struct servent *getservbyname(const char *name, const char *proto)
{
    if (name == NULL || !tcp_or_udp(proto))
        return NULL;
    for (size_t i = 0; i < N_SERVICES; i++)
        if (strcmp(services[i].name, name) == 0)
            return fill_servent(i, proto);
    return NULL;
}

struct servent *getservbyport(int port, const char *proto)
{
    if (!tcp_or_udp(proto))
        return NULL;
    for (size_t i = 0; i < N_SERVICES; i++)
        if (htons(services[i].port) == (uint16_t)port)
            return fill_servent(i, proto);
    return NULL;
}

static __thread size_t next_service;

void setservent(int stayopen)
{
    (void)stayopen;
    next_service = 0;
}

void endservent(void)
{
    next_service = 0;
}

struct servent *getservent(void)
{
    return next_service < N_SERVICES ? fill_servent(next_service++, "tcp") : NULL;
}

static const struct {
    const char *name;
    const char *alias;
    int number;
} protocols[] = {
    {"ip", "IP", 0},     {"icmp", "ICMP", 1},    {"igmp", "IGMP", 2},   {"tcp", "TCP", 6},
    {"udp", "UDP", 17},  {"ipv6", "IPv6", 41},   {"ipv6-icmp", "IPv6-ICMP", 58},
    {"raw", "RAW", 255},
};
#define N_PROTOCOLS (sizeof protocols / sizeof protocols[0])

static struct protoent *fill_protoent(size_t i)
{
    static __thread struct protoent pe;
    static __thread char *aliases[2];
    aliases[0] = (char *)protocols[i].alias;
    aliases[1] = NULL;
    pe.p_name = (char *)protocols[i].name;
    pe.p_aliases = aliases;
    pe.p_proto = protocols[i].number;
    return &pe;
}

struct protoent *getprotobyname(const char *name)
{
    for (size_t i = 0; name != NULL && i < N_PROTOCOLS; i++)
        if (strcmp(protocols[i].name, name) == 0 || strcmp(protocols[i].alias, name) == 0)
            return fill_protoent(i);
    return NULL;
}

struct protoent *getprotobynumber(int number)
{
    for (size_t i = 0; i < N_PROTOCOLS; i++)
        if (protocols[i].number == number)
            return fill_protoent(i);
    return NULL;
}

static __thread size_t next_protocol;

void setprotoent(int stayopen)
{
    (void)stayopen;
    next_protocol = 0;
}

void endprotoent(void)
{
    next_protocol = 0;
}

struct protoent *getprotoent(void)
{
    return next_protocol < N_PROTOCOLS ? fill_protoent(next_protocol++) : NULL;
}

/* --- getaddrinfo ------------------------------------------------------------------ */

/* One allocation per entry: the addrinfo and its address. */
struct entry {
    struct addrinfo ai;
    union {
        struct sockaddr_in sin;
        struct sockaddr_in6 sin6;
    };
};

static int eai_from_abi(int e)
{
    switch (e) {
    case HERMIT_EAI_AGAIN: return EAI_AGAIN;
    case HERMIT_EAI_BADFLAGS: return EAI_BADFLAGS;
    case HERMIT_EAI_FAMILY: return EAI_FAMILY;
    case HERMIT_EAI_MEMORY: return EAI_MEMORY;
    case HERMIT_EAI_NONAME: return EAI_NONAME;
    case HERMIT_EAI_SERVICE: return EAI_SERVICE;
    case HERMIT_EAI_SOCKTYPE: return EAI_SOCKTYPE;
    default: return EAI_FAIL;
    }
}

void freeaddrinfo(struct addrinfo *ai)
{
    while (ai != NULL) {
        struct addrinfo *next = ai->ai_next;
        free(ai->ai_canonname);
        free(ai);
        ai = next;
    }
}

int getaddrinfo(const char *restrict node, const char *restrict service,
                const struct addrinfo *restrict hints, struct addrinfo **restrict res)
{
    int flags = 0, family = AF_UNSPEC, socktype = 0, protocol = 0;
    /* Bad pointers fail (glibc would fault reading them), never fault here. */
    if ((hints != NULL && !__eremit_user_ok(hints, sizeof *hints, 0)) ||
        (node != NULL && !__eremit_user_string_ok(node, NI_MAXHOST)) ||
        (service != NULL && !__eremit_user_string_ok(service, NI_MAXSERV)) ||
        (res != NULL && !__eremit_user_ok(res, sizeof *res, 1))) {
        errno = EFAULT;
        return EAI_SYSTEM;
    }
    if (hints != NULL) {
        flags = hints->ai_flags;
        family = hints->ai_family;
        socktype = hints->ai_socktype;
        protocol = hints->ai_protocol;
    }
    if (res == NULL)
        return EAI_FAIL;
    if (flags & ~(AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_V4MAPPED | AI_ALL |
                  AI_ADDRCONFIG | AI_NUMERICSERV))
        return EAI_BADFLAGS;
    if ((flags & AI_CANONNAME) && node == NULL)
        return EAI_BADFLAGS;
    if (node == NULL && service == NULL)
        return EAI_NONAME;
    if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6)
        return EAI_FAMILY;
    if (socktype != 0 && socktype != SOCK_STREAM && socktype != SOCK_DGRAM)
        return EAI_SOCKTYPE;
    if ((socktype == SOCK_STREAM && protocol != 0 && protocol != IPPROTO_TCP) ||
        (socktype == SOCK_DGRAM && protocol != 0 && protocol != IPPROTO_UDP) ||
        (socktype == 0 && protocol != 0 && protocol != IPPROTO_TCP && protocol != IPPROTO_UDP))
        return EAI_SOCKTYPE;

    char port[8];
    if (service != NULL) {
        int p = service_port(service, flags & AI_NUMERICSERV);
        if (p < 0)
            return (flags & AI_NUMERICSERV) ? EAI_NONAME : EAI_SERVICE;
        snprintf(port, sizeof port, "%d", p);
    }
    /* Numeric hosts in any form inet_aton takes ("127.1", "0x7f000001") go to the kernel
     * as a dotted quad, IPv6 literals in inet_ntop's form; as glibc, an address of the
     * other family than the hints' is EAI_ADDRFAMILY (no AI_V4MAPPED). */
    char numeric[INET6_ADDRSTRLEN];
    const char *host = node;
    if (node != NULL) {
        struct in_addr a;
        unsigned char a6[16];
        if (*node == '\0')
            return EAI_NONAME;
        if (inet_aton(node, &a)) {
            if (family == AF_INET6)
                return EAI_ADDRFAMILY;
            inet_ntop(AF_INET, &a, numeric, sizeof numeric);
            host = numeric;
        } else if (inet_pton(AF_INET6, node, a6) == 1) {
            if (family == AF_INET)
                return EAI_ADDRFAMILY;
            inet_ntop(AF_INET6, a6, numeric, sizeof numeric);
            host = numeric;
        } else if (flags & AI_NUMERICHOST) {
            return EAI_NONAME;
        }
    }

    struct hermit_addrinfo h;
    memset(&h, 0, sizeof h);
    h.ai_flags = (flags & AI_PASSIVE) ? 1 : 0;
    h.ai_family = family == AF_INET    ? HERMIT_AF_INET
                  : family == AF_INET6 ? HERMIT_AF_INET6
                                       : HERMIT_AF_UNSPEC;
    h.ai_socktype = socktype;
    h.ai_protocol = protocol;
    struct hermit_addrinfo *list = NULL;
    int e = sys_getaddrinfo(host, service ? port : NULL, &h, &list);
    if (e != 0)
        return eai_from_abi(e);

    struct addrinfo *first = NULL, **tail = &first;
    for (struct hermit_addrinfo *p = list; p != NULL; p = p->ai_next) {
        struct entry *en = calloc(1, sizeof *en);
        if (en == NULL) {
            sys_freeaddrinfo(list);
            freeaddrinfo(first);
            return EAI_MEMORY;
        }
        if (p->ai_family == HERMIT_AF_INET6) {
            const struct hermit_sockaddr_in6 *hs = (const struct hermit_sockaddr_in6 *)p->ai_addr;
            en->sin6.sin6_family = AF_INET6;
            en->sin6.sin6_port = hs->sin6_port;
            memcpy(en->sin6.sin6_addr.s6_addr, HERMIT_S6(hs->sin6_addr), 16);
            en->ai.ai_family = AF_INET6;
            en->ai.ai_addrlen = sizeof en->sin6;
        } else {
            const struct hermit_sockaddr_in *hs = (const struct hermit_sockaddr_in *)p->ai_addr;
            en->sin.sin_family = AF_INET;
            en->sin.sin_port = hs->sin_port;
            en->sin.sin_addr.s_addr = hs->sin_addr.s_addr;
            en->ai.ai_family = AF_INET;
            en->ai.ai_addrlen = sizeof en->sin;
        }
        en->ai.ai_flags = flags;
        en->ai.ai_socktype = p->ai_socktype;
        en->ai.ai_protocol = p->ai_protocol;
        en->ai.ai_addr = (struct sockaddr *)&en->sin;
        *tail = &en->ai;
        tail = &en->ai.ai_next;
    }
    sys_freeaddrinfo(list);
    if (first == NULL)
        return EAI_NONAME;
    if (flags & AI_CANONNAME) {
        first->ai_canonname = strdup(node);
        if (first->ai_canonname == NULL) {
            freeaddrinfo(first);
            return EAI_MEMORY;
        }
    }
    *res = first;
    return 0;
}

const char *gai_strerror(int e)
{
    switch (e) {
    case EAI_BADFLAGS: return "Bad value for ai_flags";
    case EAI_NONAME: return "Name or service not known";
    case EAI_AGAIN: return "Temporary failure in name resolution";
    case EAI_FAIL: return "Non-recoverable failure in name resolution";
    case EAI_NODATA: return "No address associated with hostname";
    case EAI_FAMILY: return "ai_family not supported";
    case EAI_SOCKTYPE: return "ai_socktype not supported";
    case EAI_SERVICE: return "Servname not supported for ai_socktype";
    case EAI_ADDRFAMILY: return "Address family for hostname not supported";
    case EAI_MEMORY: return "Memory allocation failure";
    case EAI_SYSTEM: return "System error";
    case EAI_OVERFLOW: return "Result too large for supplied buffer";
    default: return "Unknown error";
    }
}

/* --- getnameinfo: numeric, except loopback = "localhost" (no reverse DNS) ----------- */

/* Whether A (an IPv6 address) is ::1 or an IPv4-mapped 127/8 one. */
static int loopback6(const struct in6_addr *a)
{
    return IN6_IS_ADDR_LOOPBACK(a) ||
           (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == IN_LOOPBACKNET);
}

int getnameinfo(const struct sockaddr *restrict sa, socklen_t salen, char *restrict host,
                socklen_t hostlen, char *restrict serv, socklen_t servlen, int flags)
{
    if (sa == NULL || salen < sizeof(sa_family_t))
        return EAI_FAMILY;
    if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)
        return EAI_FAMILY;
    if (salen < (sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                            : sizeof(struct sockaddr_in)))
        return EAI_FAMILY;
    const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
    int v6 = sa->sa_family == AF_INET6;
    if (host != NULL && hostlen > 0) {
        /* An address, '%' and a scope id. */
        char buf[INET6_ADDRSTRLEN + 11];
        const char *name = buf;
        int loopback = v6 ? loopback6(&in6->sin6_addr)
                          : (ntohl(in->sin_addr.s_addr) >> 24) == IN_LOOPBACKNET;
        if (!(flags & NI_NUMERICHOST) && loopback)
            name = "localhost";
        else if (flags & NI_NAMEREQD)
            return EAI_NONAME;
        else if (v6) {
            inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
            /* glibc's form of a scope id: numeric (there are no interface names). */
            if (in6->sin6_scope_id != 0)
                snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%%%u",
                         (unsigned)in6->sin6_scope_id);
        } else
            inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
        if (strlen(name) >= hostlen)
            return EAI_OVERFLOW;
        strcpy(host, name);
    }
    if (serv != NULL && servlen > 0) {
        char buf[NI_MAXSERV];
        struct servent *se = NULL;
        if (!(flags & NI_NUMERICSERV))
            se = getservbyport(in->sin_port, (flags & NI_DGRAM) ? "udp" : "tcp");
        if (se != NULL)
            snprintf(buf, sizeof buf, "%s", se->s_name);
        else
            snprintf(buf, sizeof buf, "%u", ntohs(in->sin_port));
        if (strlen(buf) >= servlen)
            return EAI_OVERFLOW;
        strcpy(serv, buf);
    }
    return 0;
}

/* --- gethostbyname & co. ---------------------------------------------------------- */

#define MAX_ADDRS 16

/* Room for a hostent's strings and pointers. */
struct host_data {
    char *aliases[1];
    char *addr_list[MAX_ADDRS + 1];
    struct in_addr addrs[MAX_ADDRS];
    char name[256];
};

static int h_errno_of(int eai)
{
    switch (eai) {
    case EAI_AGAIN: return TRY_AGAIN;
    case EAI_NONAME:
    case EAI_ADDRFAMILY: return HOST_NOT_FOUND;
    case EAI_NODATA: return NO_DATA;
    default: return NO_RECOVERY;
    }
}

/* Fills `he` from a lookup of `name` into `d`; 0 or an h_errno value. */
static int lookup(const char *name, struct hostent *he, struct host_data *d)
{
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    if (name == NULL)
        return HOST_NOT_FOUND;
    int e = getaddrinfo(name, NULL, &hints, &res);
    if (e != 0)
        return h_errno_of(e);
    int n = 0;
    for (struct addrinfo *p = res; p != NULL && n < MAX_ADDRS; p = p->ai_next) {
        d->addrs[n] = ((struct sockaddr_in *)p->ai_addr)->sin_addr;
        d->addr_list[n] = (char *)&d->addrs[n];
        n++;
    }
    freeaddrinfo(res);
    d->addr_list[n] = NULL;
    d->aliases[0] = NULL;
    snprintf(d->name, sizeof d->name, "%s", name);
    he->h_name = d->name;
    he->h_aliases = d->aliases;
    he->h_addrtype = AF_INET;
    he->h_length = sizeof(struct in_addr);
    he->h_addr_list = d->addr_list;
    return 0;
}

struct hostent *gethostbyname(const char *name)
{
    static struct hostent he;
    static struct host_data d;
    int e = lookup(name, &he, &d);
    if (e != 0) {
        h_err = e;
        return NULL;
    }
    return &he;
}

struct hostent *gethostbyname2(const char *name, int af)
{
    if (af != AF_INET) {
        errno = EAFNOSUPPORT;
        h_err = NETDB_INTERNAL;
        return NULL;
    }
    return gethostbyname(name);
}

int gethostbyname_r(const char *restrict name, struct hostent *restrict he,
                    char *restrict buf, size_t buflen, struct hostent **restrict result,
                    int *restrict herr)
{
    *result = NULL;
    /* The data go into the caller's buffer, aligned for the pointers. */
    uintptr_t p = ((uintptr_t)buf + 7) & ~(uintptr_t)7;
    if (buflen < sizeof(struct host_data) + (p - (uintptr_t)buf)) {
        *herr = NETDB_INTERNAL;
        return ERANGE;
    }
    int e = lookup(name, he, (struct host_data *)p);
    if (e != 0) {
        *herr = e;
        return e == TRY_AGAIN ? EAGAIN : ENOENT;
    }
    *herr = 0;
    *result = he;
    return 0;
}

/* No reverse DNS: only loopback addresses have a name ("localhost"). */
struct hostent *gethostbyaddr(const void *addr, socklen_t len, int type)
{
    static struct hostent he;
    static struct host_data d;
    if (type != AF_INET || len != sizeof(struct in_addr) || addr == NULL) {
        h_err = NETDB_INTERNAL;
        errno = EAFNOSUPPORT;
        return NULL;
    }
    struct in_addr a;
    memcpy(&a, addr, sizeof a);
    if ((ntohl(a.s_addr) >> 24) != IN_LOOPBACKNET) {
        h_err = HOST_NOT_FOUND;
        return NULL;
    }
    d.addrs[0] = a;
    d.addr_list[0] = (char *)&d.addrs[0];
    d.addr_list[1] = NULL;
    d.aliases[0] = NULL;
    strcpy(d.name, "localhost");
    he.h_name = d.name;
    he.h_aliases = d.aliases;
    he.h_addrtype = AF_INET;
    he.h_length = sizeof a;
    he.h_addr_list = d.addr_list;
    return &he;
}

void sethostent(int stayopen)
{
    (void)stayopen;
}

void endhostent(void)
{
}

struct hostent *gethostent(void)
{
    return NULL; /* no /etc/hosts */
}

const char *hstrerror(int e)
{
    switch (e) {
    case 0: return "Resolver Error 0 (no error)";
    case HOST_NOT_FOUND: return "Unknown host";
    case TRY_AGAIN: return "Host name lookup failure";
    case NO_RECOVERY: return "Unknown server error";
    case NO_DATA: return "No address associated with name";
    case NETDB_INTERNAL: return "Resolver internal error";
    default: return "Unknown resolver error";
    }
}

void herror(const char *s)
{
    if (s != NULL && *s != '\0')
        fprintf(stderr, "%s: %s\n", s, hstrerror(h_err));
    else
        fprintf(stderr, "%s\n", hstrerror(h_err));
}
