/* Byte order and address conversion: htonl & co., inet_aton/addr/ntoa/pton/ntop (IPv4
 * and IPv6 text forms, with glibc's rules), inet_network/makeaddr/lnaof/netof. */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "port.h"

#undef htonl
#undef htons
#undef ntohl
#undef ntohs

uint32_t htonl(uint32_t x)
{
    return __builtin_bswap32(x);
}

uint16_t htons(uint16_t x)
{
    return __builtin_bswap16(x);
}

uint32_t ntohl(uint32_t x)
{
    return __builtin_bswap32(x);
}

uint16_t ntohs(uint16_t x)
{
    return __builtin_bswap16(x);
}

const struct in6_addr in6addr_any = IN6ADDR_ANY_INIT;
const struct in6_addr in6addr_loopback = IN6ADDR_LOOPBACK_INIT;

/* "a.b.c.d", "a.b.c" (c 16 bits), "a.b" (b 24 bits), "a" (32 bits); each part decimal,
 * 0x hex or 0 octal; trailing white space allowed (glibc). Host byte order. */
static int parse_aton(const char *s, uint32_t *out)
{
    uint32_t parts[4];
    int n = 0;
    if (s == NULL)
        return 0;
    for (;;) {
        if (!isdigit((unsigned char)*s))
            return 0;
        unsigned long long v = 0;
        int base = 10;
        if (*s == '0') {
            base = 8;
            s++;
            if (*s == 'x' || *s == 'X') {
                base = 16;
                s++;
                if (!isxdigit((unsigned char)*s))
                    return 0;
            }
        }
        for (;;) {
            int c = (unsigned char)*s, d;
            if (isdigit(c))
                d = c - '0';
            else if (base == 16 && isxdigit(c))
                d = (tolower(c) - 'a') + 10;
            else
                break;
            if (d >= base)
                return 0;
            v = v * base + d;
            if (v > 0xffffffffULL)
                return 0;
            s++;
        }
        if (n == 4)
            return 0;
        parts[n++] = (uint32_t)v;
        if (*s != '.')
            break;
        s++;
    }
    if (*s != '\0' && !isspace((unsigned char)*s))
        return 0;
    uint32_t a;
    switch (n) {
    case 1:
        a = parts[0];
        break;
    case 2:
        if (parts[0] > 0xff || parts[1] > 0xffffff)
            return 0;
        a = parts[0] << 24 | parts[1];
        break;
    case 3:
        if (parts[0] > 0xff || parts[1] > 0xff || parts[2] > 0xffff)
            return 0;
        a = parts[0] << 24 | parts[1] << 16 | parts[2];
        break;
    default:
        if (parts[0] > 0xff || parts[1] > 0xff || parts[2] > 0xff || parts[3] > 0xff)
            return 0;
        a = parts[0] << 24 | parts[1] << 16 | parts[2] << 8 | parts[3];
        break;
    }
    *out = a;
    return 1;
}

int inet_aton(const char *s, struct in_addr *addr)
{
    uint32_t a;
    if (!parse_aton(s, &a))
        return 0;
    if (addr != NULL)
        addr->s_addr = htonl(a);
    return 1;
}

in_addr_t inet_addr(const char *s)
{
    uint32_t a;
    return parse_aton(s, &a) ? htonl(a) : INADDR_NONE;
}

char *inet_ntoa(struct in_addr in)
{
    static __thread char buf[INET_ADDRSTRLEN];
    const unsigned char *b = (const unsigned char *)&in.s_addr;
    snprintf(buf, sizeof buf, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    return buf;
}

/* Strict dotted quad: four decimal parts 0-255, no leading zeros (inet_pton). */
static int pton4(const char *s, const char *end, unsigned char out[4])
{
    unsigned char a[4];
    int n = 0;
    while (s < end) {
        if (!isdigit((unsigned char)*s) || n == 4)
            return 0;
        unsigned v = 0;
        const char *start = s;
        while (s < end && isdigit((unsigned char)*s)) {
            v = v * 10 + (unsigned)(*s - '0');
            if (v > 255 || s - start >= 3)
                return 0;
            s++;
        }
        if (s - start > 1 && *start == '0')
            return 0;
        a[n++] = (unsigned char)v;
        if (s < end) {
            if (*s != '.' || s + 1 == end)
                return 0;
            s++;
        }
    }
    if (n != 4)
        return 0;
    memcpy(out, a, 4);
    return 1;
}

static int pton6(const char *s, unsigned char out[16])
{
    unsigned char a[16] = {0};
    int n = 0;          /* bytes filled */
    int gap = -1;       /* where "::" stands, in bytes */
    const char *end = s + strlen(s);
    if (s[0] == ':') {
        if (s[1] != ':')
            return 0;
        s++;
    }
    while (s < end) {
        if (*s == ':') {
            if (gap >= 0)
                return 0;
            gap = n;
            s++;
            continue;
        }
        const char *start = s;
        unsigned v = 0;
        while (s < end && isxdigit((unsigned char)*s) && s - start < 5) {
            int c = tolower((unsigned char)*s);
            v = v * 16 + (unsigned)(isdigit(c) ? c - '0' : c - 'a' + 10);
            s++;
        }
        if (s < end && *s == '.') {
            /* An IPv4 address in the last 32 bits. */
            if (n > 12 || !pton4(start, end, a + n))
                return 0;
            n += 4;
            s = end;
            break;
        }
        if (s == start || s - start > 4 || n > 14)
            return 0;
        a[n++] = (unsigned char)(v >> 8);
        a[n++] = (unsigned char)v;
        if (s < end) {
            if (*s != ':' || s + 1 == end)
                return 0;
            s++;
            if (*s == ':') /* "::" next: the loop sees the second colon */
                continue;
        }
    }
    if (gap >= 0) {
        if (n == 16)
            return 0;
        memmove(a + 16 - (n - gap), a + gap, (size_t)(n - gap));
        memset(a + gap, 0, (size_t)(16 - n));
    } else if (n != 16) {
        return 0;
    }
    memcpy(out, a, 16);
    return 1;
}

int inet_pton(int af, const char *restrict src, void *restrict dst)
{
    if (af == AF_INET)
        return pton4(src, src + strlen(src), dst);
    if (af == AF_INET6)
        return pton6(src, dst);
    errno = EAFNOSUPPORT;
    return -1;
}

static const char *ntop6(const unsigned char *a, char *dst, socklen_t size)
{
    char buf[INET6_ADDRSTRLEN];
    unsigned w[8];
    for (int i = 0; i < 8; i++)
        w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
    /* The longest run of two or more zero words becomes "::" (the first of equals). */
    int best = -1, best_len = 0;
    for (int i = 0; i < 8;) {
        if (w[i] != 0) {
            i++;
            continue;
        }
        int j = i;
        while (j < 8 && w[j] == 0)
            j++;
        if (j - i > best_len && j - i >= 2) {
            best = i;
            best_len = j - i;
        }
        i = j;
    }
    char *p = buf;
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            *p++ = ':';
            if (i == 0)
                *p++ = ':';
            i += best_len - 1;
            continue;
        }
        /* ::ffff:a.b.c.d and ::a.b.c.d (not ::1 and ::) */
        if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff))) {
            p += sprintf(p, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
            break;
        }
        p += sprintf(p, "%x", w[i]);
        if (i < 7)
            *p++ = ':';
    }
    *p = '\0';
    if (strlen(buf) + 1 > size) {
        errno = ENOSPC;
        return NULL;
    }
    return strcpy(dst, buf);
}

const char *inet_ntop(int af, const void *restrict src, char *restrict dst, socklen_t size)
{
    if (af == AF_INET) {
        char buf[INET_ADDRSTRLEN];
        const unsigned char *b = src;
        int n = snprintf(buf, sizeof buf, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
        if ((socklen_t)n + 1 > size) {
            errno = ENOSPC;
            return NULL;
        }
        return strcpy(dst, buf);
    }
    if (af == AF_INET6)
        return ntop6(src, dst, size);
    errno = EAFNOSUPPORT;
    return NULL;
}

/* The network number of "a.b.c.d" (fewer parts: the high bytes), host byte order. */
in_addr_t inet_network(const char *s)
{
    uint32_t parts[4];
    int n = 0;
    while (n < 4) {
        struct in_addr a;
        const char *dot = strchr(s, '.');
        char part[32];
        size_t len = dot ? (size_t)(dot - s) : strlen(s);
        if (len == 0 || len >= sizeof part)
            return INADDR_NONE;
        memcpy(part, s, len);
        part[len] = '\0';
        if (!inet_aton(part, &a) || ntohl(a.s_addr) > 0xff)
            return INADDR_NONE;
        parts[n++] = ntohl(a.s_addr);
        if (!dot)
            break;
        s = dot + 1;
    }
    if (n == 4 && strchr(s, '.'))
        return INADDR_NONE;
    uint32_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | parts[i];
    return v;
}

struct in_addr inet_makeaddr(in_addr_t net, in_addr_t host)
{
    struct in_addr a;
    uint32_t v;
    if (net < 128)
        v = net << IN_CLASSA_NSHIFT | (host & IN_CLASSA_HOST);
    else if (net < 65536)
        v = net << IN_CLASSB_NSHIFT | (host & IN_CLASSB_HOST);
    else if (net < 16777216)
        v = net << IN_CLASSC_NSHIFT | (host & IN_CLASSC_HOST);
    else
        v = net | host;
    a.s_addr = htonl(v);
    return a;
}

in_addr_t inet_lnaof(struct in_addr in)
{
    uint32_t a = ntohl(in.s_addr);
    if (IN_CLASSA(a))
        return a & IN_CLASSA_HOST;
    if (IN_CLASSB(a))
        return a & IN_CLASSB_HOST;
    return a & IN_CLASSC_HOST;
}

in_addr_t inet_netof(struct in_addr in)
{
    uint32_t a = ntohl(in.s_addr);
    if (IN_CLASSA(a))
        return (a & IN_CLASSA_NET) >> IN_CLASSA_NSHIFT;
    if (IN_CLASSB(a))
        return (a & IN_CLASSB_NET) >> IN_CLASSB_NSHIFT;
    return (a & IN_CLASSC_NET) >> IN_CLASSC_NSHIFT;
}
